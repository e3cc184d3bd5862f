import Foundation
import Runbook

/// The facts a runbook condition may test (`{ fact: "backupCodesRemaining", greaterThan: 0 }`).
enum CaseFacts {
    static let names = ["backupCodesRemaining", "privileged", "suspended", "hasFederatedLink",
                        "linkedFromIncident", "unusualActivity"]

    /// The platform fact a condition's fact is computed from; nil for facts of the case itself.
    static func platformFact(for name: String) -> PlatformFact? {
        switch name {
        case "backupCodesRemaining": return .backupCodes
        case "privileged": return .privileged
        case "suspended": return .suspended
        case "hasFederatedLink": return .federatedLinks
        case "unusualActivity": return .signIns
        default: return nil
        }
    }

    static func value(_ name: String, state: CaseState, facts: PlatformFacts, runbook: Runbook, now: Date) -> JSONValue? {
        switch name {
        case "backupCodesRemaining": return .number(Double(facts.backupCodesRemaining))
        case "privileged": return .bool(facts.user.privileged)
        case "suspended": return .bool(facts.user.suspended)
        case "hasFederatedLink": return .bool(!facts.federatedLinks.isEmpty)
        case "linkedFromIncident": return .bool(state.linkedFromIncident)
        case "unusualActivity":
            return .bool(UnusualActivity(signIns: facts.signIns, rule: runbook.settings.unusualActivity, now: now,
                                         acknowledgedThrough: state.activityAcknowledgedThrough).isUnusual)
        default: return nil
        }
    }

    /// Whether `condition` holds, reading fields of `stepID` from `values` and of other steps from the case.
    static func holds(_ condition: Condition, stepID: String, values: [String: String], state: CaseState,
                      facts: PlatformFacts, runbook: Runbook, now: Date) -> Bool {
        func eval(_ c: Condition) -> Bool {
            switch c {
            case .all(let list): return list.allSatisfy(eval)
            case .any(let list): return list.contains(where: eval)
            case .not(let inner): return !eval(inner)
            case .fact(let name, let comparison):
                return comparison.holds(for: value(name, state: state, facts: facts, runbook: runbook, now: now))
            case .field(let name, let comparison):
                let parts = name.split(separator: ".", maxSplits: 1).map(String.init)
                let raw: String? = parts.count == 2 && parts[0] != stepID
                    ? state.value(parts[1], at: parts[0])
                    : values[parts.last!]
                return comparison.holds(for: raw.map(JSONValue.string))
            }
        }
        return eval(condition)
    }
}

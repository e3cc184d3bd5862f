import Engine
import Foundation
import Platform
import Runbook

/// A fact the operator can type on a platform whose facts are read off an admin console
/// (ManualConsole): what it is, the console screen it is read from, and an example value.
/// What the wizard's facts form shows, one per fact.
public struct FactPrompt: Sendable, Equatable {
    public var key: String
    public var description: String
    public var consoleScreen: String
    /// An example of the value alone (the part after `key=`), e.g. "0" or "+15550100@2024-03-01".
    public var example: String
    /// Whether several values may be given (phone numbers, sign-ins, factors): separated by ";".
    public var multiple: Bool

    init(_ fact: MissingFact) {
        key = fact.key
        description = fact.description
        consoleScreen = fact.consoleScreen
        example = fact.example.split(separator: "=", maxSplits: 1).dropFirst().first.map { String($0).replacingOccurrences(of: "\"", with: "") }
            ?? fact.example
        multiple = !FactPrompt.single.contains(fact.key)
    }

    static let single: Set<String> = ["name", "codes", "privileged", "suspended", "manager"]
    /// What separates the values of a fact given more than once, in the form.
    public static let separator: Character = ";"
}

extension CaseSnapshot {
    /// The facts the operator types for this case, in the platform's order: empty when the
    /// platform reads them itself.
    public var factPrompts: [FactPrompt] {
        knownFacts == nil ? [] : ManualConsole.factKeys.map(FactPrompt.init)
    }

    /// The keys of the facts the current step still needs typed.
    public var missingFactKeys: [String] { missingFacts.map(\.key) }

    /// The values typed so far, as the form shows them (several joined by "; "; "none" for an empty list).
    public var typedFactValues: [String: String] {
        var typed: [String: String] = [:]
        for event in events {
            guard case .factsRecorded(let recorded) = event.body else { continue }
            for (key, value) in recorded.facts {
                switch value {
                case .array(let items):
                    let values = items.compactMap(\.stringValue).filter { $0 != "none" }
                    typed[key] = values.isEmpty ? "none" : values.joined(separator: "\(FactPrompt.separator) ")
                case .string(let s): typed[key] = s
                default: continue
                }
            }
        }
        return typed
    }
}

extension CaseDesk {
    /// Records facts typed in a form (key → value, several values separated by ";"), checked by
    /// the same rules as `handrail case facts`: a value that does not parse is refused (nothing
    /// recorded) with what is wrong, so the form keeps what was typed.
    public func recordTypedFacts(_ values: [String: String], on caseID: String, actor: Actor) throws -> CaseOutcome {
        var words: [String] = []
        for fact in ManualConsole.factKeys {
            guard let value = values[fact.key]?.trimmingBlanks(), !value.isEmpty else { continue }
            let parts = FactPrompt.single.contains(fact.key) ? [value]
                : value.split(separator: FactPrompt.separator).map { $0.trimmingBlanks() }.filter { !$0.isEmpty }
            words += parts.map { "\(fact.key)=\($0)" }
        }
        switch ManualConsole.parse(words) {
        case .failure(let error): return CaseOutcome(caseID: caseID, refusal: Refusal(.invalid, error.message))
        case .success(let facts): return try recordFacts(facts, on: caseID, actor: actor)
        }
    }
}

extension CaseReader {
    /// How many events the case has, from the projection (no replay): what a screen compares
    /// to see whether someone else (another terminal, the command line) changed the case.
    public func lastCaseSeq(_ caseID: String) throws -> Int? {
        try context.store.caseRecord(caseID)?.projection.lastCaseSeq
    }
}

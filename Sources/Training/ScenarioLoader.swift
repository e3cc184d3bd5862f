import Foundation
import Runbook

/// Reads a training scenario (JSON5 in Runbooks/training/) into a `Scenario`, or into every
/// problem with its location, in the same `FILE:LINE:COLUMN: PATH: MESSAGE` form as runbooks.
public enum ScenarioLoader {
    public enum Outcome: Sendable {
        case valid(Scenario)
        case invalid([RunbookProblem])
    }

    public static func load(_ text: String, knownChecks: Set<String>, knownSignals: Set<String>) -> Outcome {
        let root: JSONNode
        do { root = try JSON5Parser.parse(text) } catch {
            return .invalid([RunbookProblem(.syntax, at: .root, error.location, "syntax error: \(error.message)")])
        }
        var reader = ScenarioReader(knownChecks: knownChecks, knownSignals: knownSignals)
        let scenario = reader.scenario(root)
        if let scenario, reader.problems.isEmpty { return .valid(scenario) }
        return .invalid(reader.problems)
    }
}

/// The decoding itself, collecting problems instead of stopping at the first.
struct ScenarioReader {
    let knownChecks: Set<String>
    let knownSignals: Set<String>
    var problems: [RunbookProblem] = []

    mutating func scenario(_ root: JSONNode) -> Scenario? {
        let p = JSONPath.root
        guard let m = object(root, p, required: ["id", "title", "kind", "summary", "subject", "caller", "expected", "debrief"],
                             optional: ["userSide"]) else { return nil }
        let kind = string(m, "kind", p).flatMap { raw -> Scenario.Kind? in
            guard let k = Scenario.Kind(rawValue: raw) else { fail(m["kind"]!, p.appending("kind"), "kind is honest or malicious"); return nil }
            return k
        }
        let subject = m["subject"].flatMap { self.subject($0, p.appending("subject")) }
        let caller = m["caller"].flatMap { self.caller($0, p.appending("caller")) }
        let expected = m["expected"].flatMap { self.expected($0, p.appending("expected")) }
        var userSide: [UserSideAction] = []
        if let list = m["userSide"]?.elements {
            for (i, node) in list.enumerated() {
                let ip = p.appending("userSide").appending(i)
                guard let a = object(node, ip, required: ["after", "action"]),
                      let after = string(a, "after", ip), let action = string(a, "action", ip) else { continue }
                guard ["enrol", "signin", "approve"].contains(action) else { fail(a["action"]!, ip.appending("action"), "action is enrol, signin or approve"); continue }
                userSide.append(UserSideAction(after: after, action: action))
            }
        }
        guard let id = string(m, "id", p), let title = string(m, "title", p), let summary = string(m, "summary", p),
              let debrief = string(m, "debrief", p), let kind, let subject, let caller, let expected else { return nil }
        return Scenario(id: id, title: title, kind: kind, summary: summary, subject: subject, caller: caller, userSide: userSide,
                        expected: expected, debrief: debrief)
    }

    mutating func subject(_ node: JSONNode, _ p: JSONPath) -> ScenarioSubject? {
        guard let m = object(node, p, required: ["email", "name"],
                             optional: ["privileged", "suspended", "backupCodesRemaining", "phones", "federated", "signIns", "factors"]) else { return nil }
        var subject = ScenarioSubject(email: string(m, "email", p) ?? "", name: string(m, "name", p) ?? "",
                                      privileged: m["privileged"].map { $0.kind == .bool(true) } ?? false,
                                      suspended: m["suspended"].map { $0.kind == .bool(true) } ?? false,
                                      backupCodesRemaining: number(m, "backupCodesRemaining", p).map(Int.init) ?? 0,
                                      phones: [], federated: [], signIns: [], factors: [])
        for (i, n) in (m["phones"]?.elements ?? []).enumerated() {
            let ip = p.appending("phones").appending(i)
            guard let o = object(n, ip, required: ["number", "addedMinutesAgo"]), let phone = string(o, "number", ip),
                  let ago = number(o, "addedMinutesAgo", ip) else { continue }
            subject.phones.append((phone, ago))
        }
        subject.federated = (m["federated"]?.elements ?? []).compactMap(\.string)
        for (i, n) in (m["signIns"]?.elements ?? []).enumerated() {
            let ip = p.appending("signIns").appending(i)
            guard let o = object(n, ip, required: ["minutesAgo", "address", "succeeded"]), let ago = number(o, "minutesAgo", ip),
                  let address = string(o, "address", ip) else { continue }
            subject.signIns.append((ago, address, o["succeeded"]?.kind == .bool(true)))
        }
        for (i, n) in (m["factors"]?.elements ?? []).enumerated() {
            let ip = p.appending("factors").appending(i)
            guard let o = object(n, ip, required: ["kind", "label"]), let kind = string(o, "kind", ip), let label = string(o, "label", ip) else { continue }
            subject.factors.append((kind, label))
        }
        return subject
    }

    mutating func caller(_ node: JSONNode, _ p: JSONPath) -> CallerScript? {
        guard let m = object(node, p, required: ["opening", "lines"]), let opening = string(m, "opening", p) else { return nil }
        var lines: [String: String] = [:]
        for member in m["lines"]?.members ?? [] {
            guard let text = member.value.string else { fail(member.value, p.appending("lines").appending(member.key), "a caller line is a string"); continue }
            lines[member.key] = text
        }
        return CallerScript(opening: opening, lines: lines)
    }

    mutating func expected(_ node: JSONNode, _ p: JSONPath) -> ExpectedOutcome? {
        guard let m = object(node, p, required: ["outcome", "moments"]), let outcome = string(m, "outcome", p) else { return nil }
        var moments: [DecisiveMoment] = []
        for (i, n) in (m["moments"]?.elements ?? []).enumerated() {
            let ip = p.appending("moments").appending(i)
            let rules = ["eventRecorded", "eventNeverRecorded", "refusedWithSignal", "verifiedBy", "gateRefused"]
            guard let o = object(n, ip, required: ["id", "description"], optional: Set(rules)),
                  let id = string(o, "id", ip), let description = string(o, "description", ip) else { continue }
            let given = rules.filter { o[$0] != nil }
            guard given.count == 1, let key = given.first, let value = string(o, key, ip) else {
                fail(n, ip, "a moment needs exactly one rule of: \(rules.joined(separator: ", "))")
                continue
            }
            let rule: MomentRule
            switch key {
            case "eventRecorded": rule = .eventRecorded(value)
            case "eventNeverRecorded": rule = .eventNeverRecorded(value)
            case "refusedWithSignal":
                if !knownSignals.contains(value) { fail(o[key]!, ip.appending(key), "unknown refusal signal \"\(value)\"") }
                rule = .refusedWithSignal(value)
            case "verifiedBy": rule = .verifiedBy(value)
            default:
                if !knownChecks.contains(value) { fail(o[key]!, ip.appending(key), "unknown check \"\(value)\"") }
                rule = .gateRefused(value)
            }
            moments.append(DecisiveMoment(id: id, description: description, rule: rule))
        }
        if moments.isEmpty { fail(node, p.appending("moments"), "a scenario needs at least one decisive moment") }
        return ExpectedOutcome(outcome: outcome, moments: moments)
    }

    // MARK: helpers

    mutating func object(_ node: JSONNode, _ p: JSONPath, required: Set<String>, optional: Set<String> = []) -> [String: JSONNode]? {
        guard let members = node.members else { fail(node, p, "expected an object, found \(node.typeName)"); return nil }
        var out: [String: JSONNode] = [:]
        for member in members {
            if !required.contains(member.key) && !optional.contains(member.key) {
                problems.append(RunbookProblem(.unknownKey, at: p.appending(member.key), member.keyLocation, "unknown key \"\(member.key)\""))
            }
            out[member.key] = member.value
        }
        for key in required.sorted() where out[key] == nil {
            problems.append(RunbookProblem(.missingKey, at: p, node.location, "missing required key \"\(key)\""))
        }
        return out
    }

    mutating func string(_ m: [String: JSONNode], _ key: String, _ p: JSONPath) -> String? {
        guard let node = m[key] else { return nil }
        guard let s = node.string else { fail(node, p.appending(key), "expected a string, found \(node.typeName)"); return nil }
        return s
    }

    mutating func number(_ m: [String: JSONNode], _ key: String, _ p: JSONPath) -> Double? {
        guard let node = m[key] else { return nil }
        guard case .number(let n) = node.kind, n >= 0 else { fail(node, p.appending(key), "expected a number of at least 0"); return nil }
        return n
    }

    mutating func fail(_ node: JSONNode, _ p: JSONPath, _ message: String) {
        problems.append(RunbookProblem(.invalidValue, at: p, node.location, message))
    }
}

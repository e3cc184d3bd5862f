import Foundation

/// Turns a parsed JSON5 document into a `Runbook`, collecting every structural problem
/// (missing key, wrong type, unknown key, bad field type, duplicate id) instead of stopping
/// at the first, so one run of `runbook check` shows an author everything to fix.
///
/// Graph-level problems (unknown targets, unreachable steps, dead ends) and vocabulary
/// problems are `RunbookValidator`'s job; this type only reads.
///
/// A class because the recursive readers append to one problem list from inside closures.
final class RunbookDecoder {
    private(set) var problems: [RunbookProblem] = []

    // MARK: - Document

    func decode(_ root: JSONNode) -> Runbook? {
        guard let members = object(root, at: .root, required: Self.documentKeys, optional: Self.optionalDocumentKeys) else { return nil }
        let path = JSONPath.root
        let id = string(members, "id", at: path)
        let version = integer(members, "version", at: path, minimum: 1)
        let title = string(members, "title", at: path)
        let summary = string(members, "summary", at: path, required: false) ?? ""
        let start = string(members, "start", at: path)
        let incidentEntry = string(members, "incidentEntry", at: path, required: false)
        let settings = members["settings"].map { decodeSettings($0, at: path.appending("settings")) } ?? RunbookSettings()
        let signals = array(members, "refusalSignals", at: path, required: false) { node, p in decodeSignal(node, at: p) } ?? []
        let templates = members["templates"].flatMap { decodeTemplates($0, at: path.appending("templates")) }
        let steps = array(members, "steps", at: path) { node, p in decodeStep(node, at: p) }

        reportDuplicates(in: members["steps"], label: "step id", path: path.appending("steps"), key: "id")
        reportDuplicates(in: members["refusalSignals"], label: "refusal signal id", path: path.appending("refusalSignals"), key: "id")

        guard let id, let version, let title, let start, let templates, let steps else { return nil }
        return Runbook(id: id, version: version, title: title, summary: summary, start: start,
                       incidentEntry: incidentEntry, settings: settings, refusalSignals: signals,
                       templates: templates, steps: steps)
    }

    private func decodeSettings(_ node: JSONNode, at path: JSONPath) -> RunbookSettings {
        var settings = RunbookSettings()
        guard let m = object(node, at: path, optional: ["verificationValidityMinutes", "enrolmentDeadlineHours", "unusualActivity",
                                                        "backupCodeExpiryMinutes", "temporaryPasswordExpiryHours", "minimumReasonLength",
                                                        "callbackMinimumAgeHours", "priorRefusalLookBackDays"])
        else { return settings }
        if let v = integer(m, "verificationValidityMinutes", at: path, required: false, minimum: 1) { settings.verificationValidityMinutes = v }
        if let v = integer(m, "enrolmentDeadlineHours", at: path, required: false, minimum: 1) { settings.enrolmentDeadlineHours = v }
        if let v = integer(m, "backupCodeExpiryMinutes", at: path, required: false, minimum: 1) { settings.backupCodeExpiryMinutes = v }
        if let v = integer(m, "temporaryPasswordExpiryHours", at: path, required: false, minimum: 1) { settings.temporaryPasswordExpiryHours = v }
        if let v = integer(m, "minimumReasonLength", at: path, required: false, minimum: 1) { settings.minimumReasonLength = v }
        if let v = integer(m, "callbackMinimumAgeHours", at: path, required: false, minimum: 1) { settings.callbackMinimumAgeHours = v }
        if let v = integer(m, "priorRefusalLookBackDays", at: path, required: false, minimum: 1) { settings.priorRefusalLookBackDays = v }
        if let node = m["unusualActivity"] {
            let p = path.appending("unusualActivity")
            if let u = object(node, at: p, optional: ["failedSignInThreshold", "windowHours", "lookbackDays"]) {
                if let v = integer(u, "failedSignInThreshold", at: p, required: false, minimum: 1) { settings.unusualActivity.failedSignInThreshold = v }
                if let v = integer(u, "windowHours", at: p, required: false, minimum: 1) { settings.unusualActivity.windowHours = v }
                if let v = integer(u, "lookbackDays", at: p, required: false, minimum: 1) { settings.unusualActivity.lookbackDays = v }
            }
        }
        return settings
    }

    private func decodeSignal(_ node: JSONNode, at path: JSONPath) -> RefusalSignal? {
        guard let m = object(node, at: path, required: Self.signalKeys, optional: Self.optionalSignalKeys) else { return nil }
        let id = string(m, "id", at: path)
        let label = string(m, "label", at: path)
        let guidance = string(m, "guidance", at: path, required: false) ?? ""
        var source = RefusalSignal.Source.operator
        if let raw = string(m, "source", at: path, required: false) {
            if let s = RefusalSignal.Source(rawValue: raw) { source = s } else {
                invalid(m["source"]!, at: path.appending("source"), "unknown signal source \"\(raw)\"; expected one of: \(RefusalSignal.Source.allCases.map(\.rawValue).joined(separator: ", "))")
            }
        }
        guard let id, let label else { return nil }
        return RefusalSignal(id: id, label: label, guidance: guidance, source: source)
    }

    private func decodeTemplates(_ node: JSONNode, at path: JSONPath) -> RunbookTemplates? {
        guard let m = object(node, at: path, required: Set(RunbookTemplates.names)) else { return nil }
        guard let reason = string(m, "reason", at: path), let followUp = string(m, "followUp", at: path) else { return nil }
        return RunbookTemplates(reason: reason, followUp: followUp)
    }

    // MARK: - Steps

    private static let stepKeys: Set<String> = ["guidance", "consolePath", "fields", "checks", "transitions", "terminal", "outcome",
                                                "emits", "action", "awaits", "reasonField", "dangerous", "opensLinkedCase"]

    private func decodeStep(_ node: JSONNode, at path: JSONPath) -> Step? {
        guard let m = object(node, at: path, required: Self.requiredStepKeys, optional: Self.stepKeys) else { return nil }
        let id = string(m, "id", at: path)
        let title = string(m, "title", at: path)
        var step = Step(id: id ?? "", title: title ?? "")
        step.guidance = string(m, "guidance", at: path, required: false) ?? ""
        step.consolePath = string(m, "consolePath", at: path, required: false)
        step.terminal = bool(m, "terminal", at: path) ?? false
        step.outcome = string(m, "outcome", at: path, required: false)
        step.emits = string(m, "emits", at: path, required: false)
        step.awaits = string(m, "awaits", at: path, required: false)
        step.reasonField = string(m, "reasonField", at: path, required: false)
        step.dangerous = bool(m, "dangerous", at: path) ?? false
        step.opensLinkedCase = bool(m, "opensLinkedCase", at: path) ?? false
        step.fields = array(m, "fields", at: path, required: false) { n, p in decodeField(n, at: p) } ?? []
        step.checks = array(m, "checks", at: path, required: false) { n, p in decodeCheckReference(n, at: p) } ?? []
        step.transitions = array(m, "transitions", at: path, required: false) { n, p in decodeTransition(n, at: p) } ?? []
        if let actionNode = m["action"] {
            let p = path.appending("action")
            if let a = object(actionNode, at: p, required: Self.actionKeys),
               let name = string(a, "name", at: p), let event = string(a, "event", at: p), let done = string(a, "done", at: p) {
                step.action = StepAction(name: name, event: event, done: done)
            }
        }
        reportDuplicates(in: m["fields"], label: "field id", path: path.appending("fields"), key: "id")
        if step.terminal && step.outcome == nil {
            problems.append(RunbookProblem(.missingKey, at: path, node.location, "a terminal step needs \"outcome\""))
        }
        // A step missing only its title is kept (the problem is recorded above), so that the
        // transitions leading to it are not also reported as naming an unknown step.
        guard id != nil else { return nil }
        return step
    }

    private func decodeField(_ node: JSONNode, at path: JSONPath) -> Field? {
        guard let m = object(node, at: path, required: Self.fieldKeys, optional: Self.optionalFieldKeys)
        else { return nil }
        let id = string(m, "id", at: path)
        let label = string(m, "label", at: path)
        var kind: Field.Kind?
        if let raw = string(m, "type", at: path) {
            kind = Field.Kind(rawValue: raw)
            if kind == nil {
                problems.append(RunbookProblem(.unknownFieldType, at: path.appending("type"), m["type"]!.location,
                    "unknown field type \"\(raw)\"; expected one of: \(Field.Kind.allCases.map(\.rawValue).joined(separator: ", "))"))
            }
        }
        var field = Field(id: id ?? "", label: label ?? "", kind: kind ?? .text)
        field.required = bool(m, "required", at: path) ?? true
        field.help = string(m, "help", at: path, required: false)
        field.prefill = string(m, "prefill", at: path, required: false)
        field.maxLength = integer(m, "maxLength", at: path, required: false, minimum: 1)
        field.mustConfirm = bool(m, "mustConfirm", at: path) ?? false
        field.confirmsSubject = bool(m, "confirmsSubject", at: path) ?? false
        field.when = m["when"].flatMap { decodeCondition($0, at: path.appending("when")) }
        field.options = array(m, "options", at: path, required: false) { n, p in decodeOption(n, at: p) } ?? []
        reportDuplicates(in: m["options"], label: "option value", path: path.appending("options"), key: "value")

        if let prefill = field.prefill, RunbookTemplates.names.contains(prefill) == false {
            problems.append(RunbookProblem(.unknownTemplate, at: path.appending("prefill"), m["prefill"]!.location,
                "unknown template \"\(prefill)\"; expected one of: \(RunbookTemplates.names.joined(separator: ", "))"))
        }
        if kind == .choice && field.options.isEmpty {
            problems.append(RunbookProblem(.missingKey, at: path, node.location, "a choice field needs at least one entry in \"options\""))
        }
        if let kind, kind != .choice, m["options"] != nil {
            problems.append(RunbookProblem(.invalidValue, at: path.appending("options"), m["options"]!.location,
                "only choice fields have options; this field is \(kind.rawValue)"))
        }
        if field.mustConfirm, let kind, kind != .yesno {
            problems.append(RunbookProblem(.invalidValue, at: path.appending("mustConfirm"), m["mustConfirm"]!.location,
                "mustConfirm applies to yesno fields only"))
        }
        // A field missing its label or with an unknown type is kept (the problem is recorded above),
        // so that the conditions and reasonField naming it are not also reported as unknown.
        guard id != nil else { return nil }
        return field
    }

    private func decodeOption(_ node: JSONNode, at path: JSONPath) -> ChoiceOption? {
        guard let m = object(node, at: path, required: Self.optionKeys, optional: Self.optionalOptionKeys) else { return nil }
        let value = string(m, "value", at: path)
        let label = string(m, "label", at: path)
        let acceptable = bool(m, "acceptable", at: path) ?? true
        let refusal = string(m, "refusal", at: path, required: false)
        let reasonTerm = string(m, "reasonTerm", at: path, required: false)
        if !acceptable && refusal == nil {
            problems.append(RunbookProblem(.missingKey, at: path, node.location,
                "an unacceptable option needs \"refusal\": the reason the operator is told"))
        }
        guard let value, let label else { return nil }
        return ChoiceOption(value: value, label: label, acceptable: acceptable, refusal: refusal, reasonTerm: reasonTerm)
    }

    private func decodeCheckReference(_ node: JSONNode, at path: JSONPath) -> CheckReference? {
        if let name = node.string { return CheckReference(name: name) }
        guard case .object = node.kind else {
            wrongType(node, at: path, expected: "a check name or an object with \"check\"")
            return nil
        }
        guard let m = object(node, at: path, required: Self.checkKeys, optional: Self.optionalCheckKeys),
              let name = string(m, "check", at: path) else { return nil }
        return CheckReference(name: name, onRefusal: string(m, "onRefusal", at: path, required: false),
                              escalate: string(m, "escalate", at: path, required: false))
    }

    private func decodeTransition(_ node: JSONNode, at path: JSONPath) -> Transition? {
        guard let m = object(node, at: path, required: Self.transitionKeys, optional: Self.optionalTransitionKeys),
              let to = string(m, "to", at: path) else { return nil }
        let when = m["when"].flatMap { decodeCondition($0, at: path.appending("when")) }
        return Transition(to: to, when: when, label: string(m, "label", at: path, required: false))
    }

    // MARK: - Conditions

    private static let comparisonKeys: Set<String> = ["equals", "notEquals", "in", "greaterThan", "lessThan", "present"]

    private func decodeCondition(_ node: JSONNode, at path: JSONPath) -> Condition? {
        guard let members = node.members else {
            wrongType(node, at: path, expected: "an object")
            return nil
        }
        let keys = Set(members.map(\.key))
        if keys.contains("all") || keys.contains("any") {
            let key = keys.contains("all") ? "all" : "any"
            guard let m = object(node, at: path, required: [key]) else { return nil }
            guard let list = array(m, key, at: path, decode: { n, p in decodeCondition(n, at: p) }) else { return nil }
            return key == "all" ? .all(list) : .any(list)
        }
        if keys.contains("not") {
            guard let m = object(node, at: path, required: ["not"]),
                  let inner = decodeCondition(m["not"]!, at: path.appending("not")) else { return nil }
            return .not(inner)
        }
        let subjectKey = keys.contains("fact") ? "fact" : "field"
        guard let m = object(node, at: path, required: [subjectKey], optional: Self.comparisonKeys),
              let name = string(m, subjectKey, at: path) else { return nil }
        let present = Self.comparisonKeys.filter { m[$0] != nil }
        guard present.count == 1, let op = present.first else {
            problems.append(RunbookProblem(.invalidValue, at: path, node.location,
                "a condition needs exactly one comparison of: \(Self.comparisonKeys.sorted().joined(separator: ", "))"))
            return nil
        }
        let operand = m[op]!
        let comparison: Comparison?
        switch op {
        case "equals": comparison = .equals(operand.plain)
        case "notEquals": comparison = .notEquals(operand.plain)
        case "in":
            if let items = operand.elements { comparison = .oneOf(items.map(\.plain)) } else {
                wrongType(operand, at: path.appending(op), expected: "an array"); comparison = nil
            }
        case "greaterThan", "lessThan":
            if case .number(let n) = operand.kind, n.isFinite { comparison = op == "greaterThan" ? .greaterThan(n) : .lessThan(n) } else {
                wrongType(operand, at: path.appending(op), expected: "a finite number"); comparison = nil
            }
        default:
            if case .bool(true) = operand.kind { comparison = .present } else {
                wrongType(operand, at: path.appending(op), expected: "true"); comparison = nil
            }
        }
        guard let comparison else { return nil }
        return subjectKey == "fact" ? .fact(name, comparison) : .field(name, comparison)
    }

    // MARK: - Keys

    // Each object's keys, built once: a set written at the call would be built for every object read.
    private static let documentKeys: Set<String> = ["id", "version", "title", "start", "templates", "steps"]
    private static let optionalDocumentKeys: Set<String> = ["summary", "incidentEntry", "settings", "refusalSignals"]
    private static let signalKeys: Set<String> = ["id", "label"]
    private static let optionalSignalKeys: Set<String> = ["guidance", "source"]
    private static let requiredStepKeys: Set<String> = ["id", "title"]
    private static let actionKeys: Set<String> = ["name", "event", "done"]
    private static let fieldKeys: Set<String> = ["id", "label", "type"]
    private static let optionalFieldKeys: Set<String> = ["required", "help", "options", "when", "prefill", "maxLength", "mustConfirm", "confirmsSubject"]
    private static let optionKeys: Set<String> = ["value", "label"]
    private static let optionalOptionKeys: Set<String> = ["acceptable", "refusal", "reasonTerm"]
    private static let checkKeys: Set<String> = ["check"]
    private static let optionalCheckKeys: Set<String> = ["onRefusal", "escalate"]
    private static let transitionKeys: Set<String> = ["to"]
    private static let optionalTransitionKeys: Set<String> = ["when", "label"]

    // MARK: - Reading helpers

    typealias Members = [String: JSONNode]

    /// Reads an object, reporting missing required keys, unknown keys and duplicate keys.
    private func object(_ node: JSONNode, at path: JSONPath, required: Set<String> = [], optional: Set<String> = []) -> Members? {
        guard let members = node.members else {
            wrongType(node, at: path, expected: "an object")
            return nil
        }
        var seen: Members = [:]
        seen.reserveCapacity(members.count)
        for member in members {
            // The member's path is built only for a problem: most objects have none.
            if seen[member.key] != nil {
                problems.append(RunbookProblem(.duplicateKey, at: path.appending(member.key), member.keyLocation, "duplicate key \"\(member.key)\""))
                continue
            }
            seen[member.key] = member.value
            if !required.contains(member.key) && !optional.contains(member.key) {
                let allowed = (required.union(optional)).sorted()
                let hint = Self.closest(to: member.key, in: allowed).map { " (did you mean \"\($0)\"?)" } ?? ""
                problems.append(RunbookProblem(.unknownKey, at: path.appending(member.key), member.keyLocation, "unknown key \"\(member.key)\"\(hint)"))
            }
        }
        for key in required.sorted() where seen[key] == nil {
            problems.append(RunbookProblem(.missingKey, at: path, node.location, "missing required key \"\(key)\""))
        }
        return seen
    }

    private func string(_ m: Members, _ key: String, at path: JSONPath, required: Bool = true) -> String? {
        guard let node = m[key] else { return nil } // absence is reported by `object`
        guard let s = node.string else {
            wrongType(node, at: path.appending(key), expected: "a string")
            return nil
        }
        if required && s.trimmingWhitespace().isEmpty {
            invalid(node, at: path.appending(key), "\"\(key)\" must not be empty")
            return nil
        }
        return s
    }

    private func bool(_ m: Members, _ key: String, at path: JSONPath) -> Bool? {
        guard let node = m[key] else { return nil }
        guard case .bool(let b) = node.kind else {
            wrongType(node, at: path.appending(key), expected: "true or false")
            return nil
        }
        return b
    }

    private func integer(_ m: Members, _ key: String, at path: JSONPath, required: Bool = true, minimum: Int) -> Int? {
        guard let node = m[key] else { return nil }
        guard case .number(let n) = node.kind, n == n.rounded(), n.isFinite, abs(n) < 1e12 else {
            wrongType(node, at: path.appending(key), expected: "a whole number")
            return nil
        }
        guard Int(n) >= minimum else {
            invalid(node, at: path.appending(key), "\"\(key)\" must be at least \(minimum)")
            return nil
        }
        return Int(n)
    }

    private func array<T>(_ m: Members, _ key: String, at path: JSONPath, required: Bool = true,
                                   decode: (JSONNode, JSONPath) -> T?) -> [T]? {
        guard let node = m[key] else { return nil }
        guard let items = node.elements else {
            wrongType(node, at: path.appending(key), expected: "an array")
            return nil
        }
        return items.enumerated().compactMap { i, item in decode(item, path.appending(key).appending(i)) }
    }

    /// Reports every element of the array `node` whose `key` repeats an earlier element's, at that
    /// later element's index and id: read from the document, so that elements which failed to decode
    /// do not shift the indices, and a third copy is reported at its own line.
    private func reportDuplicates(in node: JSONNode?, label: String, path: JSONPath, key: String) {
        var seen: Set<String> = []
        for (i, element) in (node?.elements ?? []).enumerated() {
            guard let idNode = element[key], let id = idNode.string, !seen.insert(id).inserted else { continue }
            problems.append(RunbookProblem(.duplicateID, at: path.appending(i).appending(key), idNode.location,
                                           "duplicate \(label) \"\(id)\""))
        }
    }

    private func wrongType(_ node: JSONNode, at path: JSONPath, expected: String) {
        problems.append(RunbookProblem(.wrongType, at: path, node.location, "expected \(expected), found \(node.typeName)"))
    }

    private func invalid(_ node: JSONNode, at path: JSONPath, _ message: String) {
        problems.append(RunbookProblem(.invalidValue, at: path, node.location, message))
    }

    /// The allowed key nearest to a misspelt one, when it is close enough to be a typo.
    static func closest(to word: String, in candidates: [String]) -> String? {
        let scored = candidates.map { ($0, editDistance(word.lowercased(), $0.lowercased())) }
        guard let best = scored.min(by: { $0.1 < $1.1 }), best.1 <= max(2, word.count / 4) else { return nil }
        return best.0
    }

    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }
}

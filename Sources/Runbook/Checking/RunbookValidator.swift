/// The checks that need the whole runbook: every step reachable, every transition landing
/// on a real step, no non-terminal dead ends, and every name that code must define (gates,
/// actions, facts, awaited events, template variables) actually defined.
struct RunbookValidator {
    let runbook: Runbook
    let document: JSONNode
    let vocabulary: RunbookVocabulary
    private(set) var problems: [RunbookProblem] = []

    init(runbook: Runbook, document: JSONNode, vocabulary: RunbookVocabulary) {
        self.runbook = runbook
        self.document = document
        self.vocabulary = vocabulary
    }

    mutating func validate() -> [RunbookProblem] {
        let ids = Set(runbook.steps.map(\.id))
        checkStepReference(runbook.start, at: JSONPath.root.appending("start"), ids: ids, what: "start")
        if let entry = runbook.incidentEntry {
            checkStepReference(entry, at: JSONPath.root.appending("incidentEntry"), ids: ids, what: "incident entry")
        }
        for step in runbook.steps { validate(step, ids: ids) }
        checkReachability(ids: ids)
        checkTemplate(runbook.templates.reason, at: JSONPath.root.appending("templates").appending("reason"))
        checkTemplate(runbook.templates.followUp, at: JSONPath.root.appending("templates").appending("followUp"))
        return problems
    }

    private mutating func validate(_ step: Step, ids: Set<String>) {
        let path = stepPath(step.id)
        if step.terminal {
            if !step.transitions.isEmpty {
                report(.terminalWithExits, path.appending("transitions"), "terminal step \"\(step.id)\" must not have transitions")
            }
        } else if step.transitions.isEmpty {
            report(.deadEnd, path, "step \"\(step.id)\" is a dead end: it has no transitions and is not terminal")
        }
        for (i, transition) in step.transitions.enumerated() {
            let tp = path.appending("transitions").appending(i)
            checkStepReference(transition.to, at: tp.appending("to"), ids: ids, what: "transition")
            if transition.when == nil && i < step.transitions.count - 1 {
                report(.fallbackNotLast, tp, "a transition without \"when\" is the fallback and must be last; the transitions after it can never be taken")
            }
            if let condition = transition.when { checkCondition(condition, in: step, at: tp.appending("when")) }
        }
        // Only when no transition is unconditional: a fallback placed too early is reported above,
        // and with it the case can never be stuck.
        if !step.terminal, !step.transitions.isEmpty, step.transitions.allSatisfy({ $0.when != nil }) {
            report(.deadEnd, path.appending("transitions"), "step \"\(step.id)\" has no fallback transition: when no condition holds the case would be stuck")
        }
        for (i, check) in step.checks.enumerated() where !vocabulary.checks.contains(check.name) {
            let hint = RunbookDecoder.closest(to: check.name, in: vocabulary.checks.sorted()).map { " (did you mean \"\($0)\"?)" } ?? ""
            report(.unknownCheck, path.appending("checks").appending(i), "unknown check \"\(check.name)\"\(hint)")
        }
        for (i, check) in step.checks.enumerated() {
            if let signal = check.escalate {
                let at = path.appending("checks").appending(i).appending("escalate")
                if step.awaits == nil {
                    report(.invalidValue, at, "only a step that waits (\"awaits\") escalates on a gate; elsewhere a failed gate refuses")
                } else if runbook.signal(signal)?.source != .platform {
                    report(.invalidValue, at, "\"\(signal)\" is not a refusal signal with source \"platform\"; known: "
                           + runbook.refusalSignals.filter { $0.source == .platform }.map(\.id).joined(separator: ", "))
                }
            }
            for missing in vocabulary.checkInputs[check.name]?.missing(in: step, of: runbook) ?? [] {
                report(.missingCheckInput, path.appending("checks").appending(i), "check \"\(check.name)\" reads \(missing)")
            }
        }
        if let action = step.action, !vocabulary.actions.contains(action.name) {
            report(.unknownAction, path.appending("action").appending("name"),
                   "unknown platform action \"\(action.name)\"; known: \(vocabulary.actions.sorted().joined(separator: ", "))")
        }
        if let awaited = step.awaits, !vocabulary.awaitableEvents.contains(awaited) {
            report(.unknownAction, path.appending("awaits"),
                   "cannot wait for \"\(awaited)\"; known: \(vocabulary.awaitableEvents.sorted().joined(separator: ", "))")
        }
        if let reasonField = step.reasonField, step.field(reasonField) == nil {
            report(.unknownField, path.appending("reasonField"), "reasonField names \"\(reasonField)\", which is not a field of this step")
        }
        for field in step.fields {
            if let condition = field.when { checkCondition(condition, in: step, at: fieldPath(step.id, field.id).appending("when")) }
        }
    }

    private mutating func checkStepReference(_ id: String, at path: JSONPath, ids: Set<String>, what: String) {
        guard !ids.contains(id) else { return }
        let hint = RunbookDecoder.closest(to: id, in: ids.sorted()).map { " (did you mean \"\($0)\"?)" } ?? ""
        report(.unknownStep, path, "\(what) names unknown step \"\(id)\"\(hint)")
    }

    private mutating func checkCondition(_ condition: Condition, in step: Step, at path: JSONPath) {
        switch condition {
        case .all(let list), .any(let list):
            let key = if case .all = condition { "all" } else { "any" }
            for (i, c) in list.enumerated() { checkCondition(c, in: step, at: path.appending(key).appending(i)) }
        case .not(let inner):
            checkCondition(inner, in: step, at: path.appending("not"))
        case .fact(let name, _):
            if !vocabulary.facts.contains(name) {
                report(.unknownFact, path.appending("fact"), "unknown fact \"\(name)\"; known: \(vocabulary.facts.sorted().joined(separator: ", "))")
            }
        case .field(let name, _):
            let parts = name.split(separator: ".", maxSplits: 1).map(String.init)
            let (stepID, fieldID) = parts.count == 2 ? (parts[0], parts[1]) : (step.id, name)
            guard let target = runbook.step(stepID) else {
                report(.unknownField, path.appending("field"), "condition names field \"\(name)\" of unknown step \"\(stepID)\"")
                return
            }
            if target.field(fieldID) == nil {
                report(.unknownField, path.appending("field"), "condition names unknown field \"\(fieldID)\" of step \"\(stepID)\"")
            }
        }
    }

    private mutating func checkReachability(ids: Set<String>) {
        var reached: Set<String> = []
        var frontier = [runbook.start] + (runbook.incidentEntry.map { [$0] } ?? [])
        while let id = frontier.popLast() {
            guard reached.insert(id).inserted, let step = runbook.step(id) else { continue }
            frontier.append(contentsOf: step.transitions.map(\.to))
        }
        for step in runbook.steps where !reached.contains(step.id) {
            report(.unreachableStep, stepPath(step.id), "step \"\(step.id)\" is unreachable: no path from the start leads to it")
        }
    }

    private mutating func checkTemplate(_ text: String, at path: JSONPath) {
        for name in TemplateText.placeholders(in: text) where !vocabulary.templateVariables.contains(name) {
            report(.unknownTemplateVariable, path, "unknown template variable {{\(name)}}; known: \(vocabulary.templateVariables.sorted().joined(separator: ", "))")
        }
    }

    // MARK: - Locations

    private func stepPath(_ id: String) -> JSONPath {
        let index = document["steps"]?.elements?.firstIndex { $0["id"]?.string == id } ?? 0
        return JSONPath.root.appending("steps").appending(index)
    }

    private func fieldPath(_ stepID: String, _ fieldID: String) -> JSONPath {
        let path = stepPath(stepID)
        let index = document.node(at: path)?["fields"]?.elements?.firstIndex { $0["id"]?.string == fieldID } ?? 0
        return path.appending("fields").appending(index)
    }

    private mutating func report(_ kind: RunbookProblem.Kind, _ path: JSONPath, _ message: String) {
        problems.append(RunbookProblem(kind, at: path, document.nearestLocation(to: path), message))
    }
}

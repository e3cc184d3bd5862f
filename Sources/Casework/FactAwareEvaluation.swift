import Engine
import Foundation
import Platform
import Runbook

extension CaseSnapshot {
    /// The step's checklist for `values` as the Engine will decide it, with facts not yet typed
    /// (ManualConsole) shown as unknown: a gate that reads an untyped fact is not shown as
    /// passing (its default, "not suspended" or "no sign-ins", is not a reading), and each fact
    /// the step still needs is a failing line naming the console screen — the same lines the
    /// command handler refuses a submission with. On a platform that knows its facts this is
    /// exactly `CaseEngine.evaluate`.
    public func evaluate(step: Step, values: [String: String]) -> StepEvaluation {
        var evaluation = CaseEngine.evaluate(step: step, values: values, state: state, context: context)
        guard let known = knownFacts else { return evaluation }
        let missing = CaseEngine.requiredFacts(for: step, values: values).filter { !known.contains($0.rawValue) }
        guard !missing.isEmpty else { return evaluation }
        let missingKeys = Set(missing.map(\.rawValue))
        let described = Dictionary(ManualConsole.factKeys.map { ($0.key, $0) }, uniquingKeysWith: { a, _ in a })
        var covered: Set<String> = []
        evaluation.checklist = evaluation.checklist.map { line in
            guard line.passed, let gate = CheckCatalog.check(named: line.name) else { return line }
            let unread = gate.inputs.facts.filter { missingKeys.contains($0.fact) && $0.isNeeded(values: values) }.map(\.fact)
            guard !unread.isEmpty else { return line }
            covered.formUnion(unread)
            var unknown = line
            unknown.passed = false
            unknown.message = "not typed yet — read it from " + unread.map { described[$0]?.consoleScreen ?? $0 }.joined(separator: "; ")
            return unknown
        }
        // Facts no gate line names (a transition decides on them): a line each, as the refusal has.
        for key in missing.map(\.rawValue) where !covered.contains(key) {
            let fact = described[key]
            evaluation.checklist.append(CheckOutcome(name: "fact.\(key)", label: "Fact: \(fact?.description ?? key)", passed: false,
                                                     message: "not typed yet — read it from \(fact?.consoleScreen ?? "the admin console")"))
        }
        return evaluation
    }
}

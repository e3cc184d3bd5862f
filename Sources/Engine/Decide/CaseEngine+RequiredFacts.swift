import Runbook

extension CaseEngine {
    /// The platform facts deciding `step` needs, given the form's values: what its gates declare,
    /// what its transitions' conditions test, and the factors for a step that waits for an
    /// enrolment. A platform whose facts are typed (ManualConsole) asks for exactly these before
    /// the step can be decided, so an untyped fact never reads as a pass or a zero.
    public static func requiredFacts(for step: Step, values: [String: String]) -> [PlatformFact] {
        var needed: [PlatformFact] = []
        func need(_ fact: PlatformFact?) {
            if let fact, !needed.contains(fact) { needed.append(fact) }
        }
        for reference in step.checks {
            for input in CheckCatalog.check(named: reference.name)?.inputs.facts ?? [] where input.isNeeded(values: values) {
                need(PlatformFact(rawValue: input.fact))
            }
        }
        for transition in step.transitions {
            for name in transition.when?.factNames ?? [] { need(CaseFacts.platformFact(for: name)) }
        }
        if step.awaits != nil { need(.factors) }
        return needed
    }
}

/// The names a runbook may use that are defined in code: gates, platform actions, facts,
/// events a step may wait for, and template variables. The Engine supplies it; the checker
/// rejects any name outside it, so a typo in a gate name can never silently pass a case.
public struct RunbookVocabulary: Sendable {
    public var checks: Set<String>
    public var actions: Set<String>
    public var facts: Set<String>
    public var awaitableEvents: Set<String>
    public var templateVariables: Set<String>
    /// What each gate reads from the runbook, by gate name (gates not listed read nothing).
    public var checkInputs: [String: CheckInputs]

    public init(checks: Set<String>, actions: Set<String>, facts: Set<String>,
                awaitableEvents: Set<String>, templateVariables: Set<String>, checkInputs: [String: CheckInputs] = [:]) {
        self.checkInputs = checkInputs
        self.checks = checks
        self.actions = actions
        self.facts = facts
        self.awaitableEvents = awaitableEvents
        self.templateVariables = templateVariables
    }
}

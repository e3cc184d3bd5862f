import Runbook

/// A named gate: what the checklist calls it, what it reads from the runbook, and the
/// function that decides it.
public struct Check: Sendable {
    public var name: String
    public var label: String
    /// The fields, options and facts the gate reads. Checked by `runbook check`; at run time a
    /// gate whose inputs the step does not supply fails closed without being evaluated.
    public var inputs: CheckInputs
    /// Facts the gate reads when the platform knows them without requiring them (ManualConsole does
    /// not ask for them): a gate that refused on one still makes it a fact only a senior may change.
    public var optionalFacts: [String]
    public var evaluate: @Sendable (CheckContext) -> CheckResult

    public init(name: String, label: String, inputs: CheckInputs = .none, optionalFacts: [String] = [],
                evaluate: @escaping @Sendable (CheckContext) -> CheckResult) {
        self.name = name
        self.label = label
        self.inputs = inputs
        self.optionalFacts = optionalFacts
        self.evaluate = evaluate
    }

    /// Every fact the gate reads, required or not.
    public var factsRead: [String] { inputs.facts.map(\.fact) + optionalFacts }
}

import Runbook

/// A named gate: what the checklist calls it, what it reads from the runbook, and the
/// function that decides it.
public struct Check: Sendable {
    public var name: String
    public var label: String
    /// The fields, options and facts the gate reads. Checked by `runbook check`; at run time a
    /// gate whose inputs the step does not supply fails closed without being evaluated.
    public var inputs: CheckInputs
    public var evaluate: @Sendable (CheckContext) -> CheckResult

    public init(name: String, label: String, inputs: CheckInputs = .none, evaluate: @escaping @Sendable (CheckContext) -> CheckResult) {
        self.name = name
        self.label = label
        self.inputs = inputs
        self.evaluate = evaluate
    }
}

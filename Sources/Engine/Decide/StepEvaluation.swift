/// A step's form judged as it stands: the live checklist the wizard shows and the verdict
/// `submit` acts on. One function computes both, so what the operator sees is what is enforced.
public struct StepEvaluation: Sendable, Equatable {
    /// Normalised values of the fields that are shown and valid.
    public var values: [String: String]
    /// Fields shown for the current values (conditional evidence fields appear with their method).
    public var visibleFields: [String]
    /// One line per shown field with a problem, then one per applicable gate.
    public var checklist: [CheckOutcome]
    /// Where continuing would go, when every line passes.
    public var next: String?

    public var failures: [CheckOutcome] { checklist.filter { !$0.passed } }
    public var canContinue: Bool { failures.isEmpty && next != nil }
}

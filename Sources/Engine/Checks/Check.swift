/// A named gate: what the checklist calls it, and the function that decides it.
public struct Check: Sendable {
    public var name: String
    public var label: String
    public var evaluate: @Sendable (CheckContext) -> CheckResult

    public init(name: String, label: String, evaluate: @escaping @Sendable (CheckContext) -> CheckResult) {
        self.name = name
        self.label = label
        self.evaluate = evaluate
    }
}

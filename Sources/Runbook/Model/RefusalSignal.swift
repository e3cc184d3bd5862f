/// A reason to stop: caller pressure, unusual activity, cannot verify, gut says no.
/// Operator signals are raised by the operator; platform signals come from facts and
/// cannot be waved away by the operator.
public struct RefusalSignal: Sendable, Equatable {
    public enum Source: String, Sendable, Equatable, CaseIterable {
        case `operator`
        case platform
    }

    public var id: String
    public var label: String
    public var guidance: String
    public var source: Source

    public init(id: String, label: String, guidance: String, source: Source = .operator) {
        self.id = id
        self.label = label
        self.guidance = guidance
        self.source = source
    }
}

/// Why a command was not carried out. The kind decides the CLI's exit code.
public struct Refusal: Sendable, Equatable, Error {
    public enum Kind: Sendable, Equatable {
        /// A gate refused (exit 3): `failedChecks` says which and why.
        case gate
        /// The actor's role may not do this (exit 4).
        case notPermitted
        /// The case moved on since the operator looked (exit 5).
        case stale
        /// The command does not fit the case as it stands (exit 2).
        case invalid
    }

    public var kind: Kind
    public var message: String
    public var failedChecks: [CheckOutcome]

    public init(_ kind: Kind, _ message: String, failedChecks: [CheckOutcome] = []) {
        self.kind = kind
        self.message = message
        self.failedChecks = failedChecks
    }
}

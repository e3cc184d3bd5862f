/// The acceptable ways of verifying a caller that gates treat differently, as the values of the
/// verification step's method field. Unacceptable methods are the runbook's business alone:
/// it marks them, and the method gate refuses them.
public enum VerificationMethod: String, Sendable, Equatable, CaseIterable {
    case video, callback, ticket, federated

    /// Channels a secret can be read to the user over (admin-generated backup codes).
    public var isLiveChannel: Bool { self == .video || self == .callback }
}

/// The ids of the verification step's fields that the Engine reads, declared as gate inputs
/// (see `CheckCatalog`) so that `runbook check` rejects a runbook without them.
public enum VerificationField {
    public static let method = "method"
    public static let reference = "reference"
    public static let callbackNumber = "callback_number"
    public static let callerNumber = "caller_number"
    public static let ticketOpenedBy = "ticket_opened_by"
    /// The completion event of the step that records a verification.
    public static let recordedEvent = "verification.recorded"
}

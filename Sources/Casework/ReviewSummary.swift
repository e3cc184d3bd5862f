import Foundation

/// What a senior admin decides a waiting case on, as the review tab lists it: why it waits
/// (the refusal's or the approval request's reason), who sent it, for how long, and the signals
/// raised on it — so the queue says what each case needs before it is opened.
public struct ReviewSummary: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// Refused and escalated (or a signal raised): uphold or reopen.
        case refusal
        /// A privileged reset waiting for a second senior's approval.
        case approval
        /// Past its enrolment deadline.
        case overdue
    }

    public var kind: Kind
    public var reason: String
    /// Who escalated it or asked for the approval (for an overdue case, who opened it).
    public var requester: String
    public var since: Date
    /// The signals raised on the case (the refusal's first), as the runbook labels them.
    public var signals: [String]
    /// Seconds waited when the queue was read.
    public var age: TimeInterval = 0

    public init(kind: Kind, reason: String, requester: String, since: Date, signals: [String]) {
        self.kind = kind
        self.reason = reason
        self.requester = requester
        self.since = since
        self.signals = signals
    }
}

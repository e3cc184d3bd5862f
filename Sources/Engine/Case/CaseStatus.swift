/// Where a case stands, as the queue shows it. Stored in the `cases` projection by its raw value.
public enum CaseStatus: String, Sendable, Equatable, CaseIterable {
    /// Being worked, step by step.
    case open
    /// A privileged reset waits for a senior admin's approval.
    case awaitingApproval = "awaiting_approval"
    /// A platform action was requested and its completion is not yet recorded.
    case actionPending = "action_pending"
    /// Reset done; waiting for the user to enrol a new factor. Overdue past its deadline.
    case awaitingEnrolment = "awaiting_enrolment"
    /// Refused; waiting for a senior admin to uphold or reopen.
    case escalated
    /// Put aside by the operator (call dropped, user will call back).
    case paused
    /// Working the incident path after a reset went to an attacker.
    case incident
    case closed
}

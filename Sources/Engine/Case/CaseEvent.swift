import Foundation
import Runbook

/// Something that happened to a case, in the past tense. The event log is the source of
/// truth: a case's state is the fold of its events, and the same rows are the audit log.
///
/// Sequence numbers and hashes are the Store's business; the Engine decides what happened.
public struct CaseEvent: Sendable, Equatable {
    public var type: String
    public var caseID: String
    /// The user the case is about (their email).
    public var subject: String
    /// The operator's login.
    public var actor: String
    public var time: Date
    /// The reason an auditor reads ("Lost device; identity verified via video call…").
    public var reason: String?
    public var payload: [String: JSONValue]

    public init(type: String, caseID: String, subject: String, actor: String, time: Date,
                reason: String? = nil, payload: [String: JSONValue] = [:]) {
        self.type = type
        self.caseID = caseID
        self.subject = subject
        self.actor = actor
        self.time = time
        self.reason = reason
        self.payload = payload
    }

    func string(_ key: String) -> String? { payload[key]?.stringValue }
}

/// Event types with fixed meaning to the Engine. Step completions use the runbook's names
/// (`verification.recorded`, `mfa.factor_admin_reset`, …) and are recognised by their `step`
/// payload instead.
public enum EventType {
    public static let caseOpened = "case.opened"
    public static let caseClosed = "case.closed"
    public static let caseEscalated = "case.escalated"
    public static let caseReopened = "case.reopened"
    public static let casePaused = "case.paused"
    public static let caseResumed = "case.resumed"
    public static let refusalUpheld = "refusal.upheld"
    public static let noteAdded = "note.added"
    public static let signalRaised = "signal.raised"
    public static let verificationRestarted = "verification.restarted"
    public static let approvalRequested = "approval.requested"
    public static let approvalGranted = "approval.granted"
    public static let approvalDenied = "approval.denied"
    public static let incidentDeclared = "incident.declared"
    public static let factorEnrolled = "mfa.factor_enrolled"

    /// The event committed before a platform action is attempted, so that a crash between
    /// request and completion is visible and resumable.
    public static func requested(_ completion: String) -> String { completion + ".requested" }
    public static func failed(_ completion: String) -> String { completion + ".failed" }
}

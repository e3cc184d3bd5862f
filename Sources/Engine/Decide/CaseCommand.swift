import Foundation
import Runbook

/// What an operator (or the platform, through the edges) asks of a case. Imperative names;
/// the events they produce are past tense.
public enum CaseCommand: Sendable, Equatable {
    /// Fill in the current step and continue. Refused unless every field and gate passes.
    case submit(step: String, values: [String: String])
    /// Record an operator-observed refusal signal; it blocks progress until a senior reopens.
    case raiseSignal(signal: String, reason: String)
    /// Refuse the request: a refusal note and escalation to the senior admin queue.
    case refuse(signal: String, reason: String)
    case addNote(String)
    case pause(reason: String)
    case resume
    /// Start verification again (it expired, or the evidence was wrong).
    case restartVerification(reason: String)
    case requestApproval(reason: String)
    case approve(reason: String)
    case denyApproval(reason: String)
    /// The platform carried out the pending action. `details` must hold no secret.
    case completeAction(idempotencyKey: String, details: [String: JSONValue])
    case failAction(idempotencyKey: String, error: String)
    /// The platform reports a factor enrolled after the reset (read from the facts).
    case observeEnrolment
    /// A senior admin's verdict on an escalated case.
    case review(ReviewVerdict, reason: String)
    /// The reset went to an attacker: start the incident path.
    case declareIncident(reason: String)
    /// A senior admin moves the case onto its runbook's current file (the context's
    /// `runbookMigrationTarget`), with a reason; audited like every decision.
    case migrateRunbook(reason: String)
    /// A senior admin looked at the refused, escalated or incident cases for the same person
    /// found when this case was opened, and lets it go on.
    case clearPriorCases(reason: String)
    /// A senior admin confirms new values for typed facts a gate refused on (ManualConsole),
    /// after which the agent may type them.
    case confirmFacts([String: JSONValue], reason: String)
    /// A senior admin takes over a case another operator holds (a crash, a hang-up, gone home).
    case takeOver(reason: String)
    /// Issue again the one-time secret (backup codes, a temporary password) of the case's last
    /// admin action, lost before it reached the user (a crash, Ctrl-C, a closed terminal): the
    /// same action under a new idempotency key, behind the same gates, with a reason.
    case reissueSecret(reason: String)
}

public enum ReviewVerdict: String, Sendable, Equatable, CaseIterable {
    /// The refusal stands; the case closes as refused.
    case uphold
    /// The refusal is lifted; signals are cleared and the case resumes where it was refused.
    case reopen
}

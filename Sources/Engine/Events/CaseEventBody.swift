import Foundation
import Runbook

/// What happened to a case: the closed vocabulary of the event log. `CaseState.apply` is an
/// exhaustive switch over it, so a new kind of event cannot be written without the fold
/// saying what it means. Names the runbook chooses (a step's completion event, an action's
/// audit event such as `mfa.factor_admin_reset`) travel inside the records.
public enum CaseEventBody: Sendable, Equatable {
    /// `case.opened`: the first event of every case.
    case opened(CaseOpening)
    /// A step's completion under the runbook's name for it (`recovery.chosen`, `verification.recorded`…).
    case stepCompleted(StepCompletion)
    /// `<event>.requested`: committed before the platform is called.
    case actionRequested(ActionRecord)
    /// The action's own audit event (`mfa.factor_admin_reset`, `user.password_set_by_admin`…).
    case actionCompleted(ActionCompletion)
    /// `<event>.failed`: the platform could not do it; the case returns to the step.
    case actionFailed(ActionFailure)
    /// `mfa.factor_enrolled`: the wait for a new factor ended.
    case factorEnrolled(FactorEnrolment)
    /// A gate refused and the runbook records the attempt (`verification.rejected`).
    case attemptRefused(RefusedAttempt)
    /// `gate.refused`: an attempt to continue or act that the gates refused, with the failed
    /// checks and the values tried, so a reviewer sees an agent who retried with other facts.
    case gateRefused(GateRefusal)
    /// `facts.recorded`: facts the operator typed from the admin console.
    case factsRecorded(TypedFacts)
    /// `fact.confirmed`: a senior admin confirmed new values for typed facts a gate had refused
    /// on, so that the agent may retype them (the reason says what the senior checked).
    case factConfirmed(ConfirmedFacts)
    /// `case.prior_cases_found`: refused, escalated or incident cases for the same person
    /// within the look-back window, found when the case was opened.
    case priorCasesFound(PriorCasesFound)
    /// `case.prior_cases_cleared`: a senior admin looked at those cases and let this one go on.
    case priorCasesCleared(step: String)
    /// `case.closed`, with the terminal step's outcome.
    case closed(outcome: String, step: String?)
    /// `case.escalated`: refused on a signal, waiting for a senior admin.
    case escalated(signal: String, step: String)
    /// `case.reopened`: a senior lifted the refusal.
    case reopened(step: String)
    /// `refusal.upheld`: a senior confirmed the refusal (a `case.closed` follows).
    case refusalUpheld(step: String)
    /// `case.paused`, with the status it was paused from.
    case paused(from: String, step: String)
    case resumed(step: String)
    /// `note.added`: a note, or the note that a refusal writes (with its signal).
    case noteAdded(kind: CaseNote.Kind, signal: String?, step: String)
    /// `case.taken_over`: a senior admin took over the case `from` the operator holding it
    /// (a crash, a hang-up, someone gone home), with the reason in the envelope.
    case takenOver(from: String)
    /// `signal.raised`: an operator-observed refusal signal.
    case signalRaised(signal: String, step: String)
    /// `verification.restarted`: back to the start step; `from` is where to return to.
    case verificationRestarted(step: String, from: String?)
    case approvalRequested(step: String)
    case approvalGranted(step: String)
    case approvalDenied(step: String)
    /// `incident.declared`: the reset went to an attacker.
    case incidentDeclared(step: String, from: String)
    /// `runbook.migrated`: the case now runs on another file of its runbook (a senior's, audited).
    case runbookMigrated(RunbookMigration)
    /// `session.started`: an operator's session on a locked deployment (pseudo-case `~sessions`).
    case sessionStarted(SessionRecord)
    /// `operator.changed`: the roster changed (pseudo-case `~roster`).
    case rosterChanged(RosterChange)
    /// `operator.promotion_requested`: a senior asked that `login` become senior; a second senior approves.
    case promotionRequested(login: String)
    /// A type or payload this build does not know (written by a newer one): kept exactly, only counted.
    case unrecognised(type: String, payload: [String: JSONValue])
}

import Casework

/// Plays the other side of a training call. The wizard tells it the outcome of every command
/// the trainee gives; it answers with what the caller says next, and with the debrief when the
/// attempt ends. The training runtime implements it, so the wizard knows nothing of scenarios,
/// scoring or the training tenant.
public protocol CallCoach: AnyObject {
    /// The caller, and what the trainee can ask them.
    var pane: TrainingPane { get }
    /// After `attempted` (a command, an attestation, a resumed action) on `caseID`.
    func after(_ attempted: WizardEffect, outcome: CaseOutcome, caseID: String) -> [WizardMessage]
}

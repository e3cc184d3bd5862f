import Foundation
import Runbook

/// A command that can be given to the case now: its kind, and for `continueStep` the step.
public struct AvailableCommand: Sendable, Equatable {
    public var kind: CaseCommandKind
    /// The current step, for `continueStep`.
    public var step: String?

    /// The word `handrail case do ID …` takes for it.
    public var cliName: String { kind.cliName ?? step ?? "" }
}

extension CaseEngine {
    /// What can be done to the case now, by this actor: the menu `case show` offers and the
    /// wizard's keys. Computed from the same requirements `decide` enforces, so a listed command
    /// can still be refused by a gate or its arguments, never by its status or the actor's role,
    /// and an unlisted one is always refused.
    public static func availableCommands(state: CaseState, context: DecisionContext) -> [AvailableCommand] {
        CaseCommandKind.allCases.compactMap { kind in
            guard permission(actor: context.actor, training: context.training, kind: kind) == nil,
                  requirements(of: kind, state: state, context: context) == nil else { return nil }
            return AvailableCommand(kind: kind, step: kind == .continueStep ? state.currentStep : nil)
        }
    }

    /// Whether `kind` can be given now; for edges that ask before building the command.
    public static func isAvailable(_ kind: CaseCommandKind, state: CaseState, context: DecisionContext) -> Bool {
        availableCommands(state: state, context: context).contains { $0.kind == kind }
    }

    /// Whether the actor may change cases at all (auditors may not; trainees only in training),
    /// and, given `command`, whether their role may give it (approvals and reviews are a senior's).
    /// For edges that record things the Engine does not decide, such as typed platform facts, and
    /// for asking before a case is held: a role refusal must not be reported as someone else's hold.
    public static func permissionToWork(_ context: DecisionContext, command: CaseCommand? = nil) -> Refusal? {
        permission(actor: context.actor, training: context.training, kind: command?.kind)
    }

    /// What a command of `kind` needs of the case beyond the actor's role: the statuses the table
    /// allows and what the procedure adds (a pending action to attest, an escalation by someone
    /// else to review…). The first unmet requirement, in the order an operator should hear it.
    static func requirements(of kind: CaseCommandKind, state: CaseState, context: DecisionContext) -> Refusal? {
        let runbook = context.runbook
        let me = context.actor.login
        switch kind {
        case .continueStep:
            if let refusal = requireStatus(kind, state: state) { return refusal }
            guard let step = runbook.step(state.currentStep), !step.terminal else { return Refusal(.invalid, "The case has ended") }
            if step.awaits != nil { return Refusal(.invalid, "The case waits for an enrolment; check for it instead") }
            return nil
        case .restartVerification:
            // While the case waits for the user, only a lost secret's reissue needs a verification
            // again (the one it was issued on expired): restarting returns to the wait afterwards.
            if state.status == .awaitingEnrolment, reissuableAction(state: state, context: context) != nil,
               !verificationIsFresh(state: state, context: context) { return nil }
            if let refusal = requireStatus(kind, state: state) { return refusal }
            // Something to restart: a verification, a later step, or a restart already under way.
            if state.currentStep == runbook.start && state.verification == nil && state.resumeAfterVerification == nil {
                return Refusal(.invalid, "Cannot restart verification: nobody has been verified in this case yet; verify the caller at \"\(runbook.start)\"")
            }
            return nil
        case .requestApproval:
            // A reissue on an account that needs an approval takes a fresh one, asked for while
            // the case waits for the user; the approval returns the case to its wait.
            if state.status == .awaitingEnrolment, let (_, step) = reissuableAction(state: state, context: context),
               reissueNeedsApproval(step, state: state, context: context) {
                return hasFreshApproval(state: state) ? Refusal(.invalid, "Already approved for the reissue by \(state.approval?.decidedBy ?? "?")") : nil
            }
            if let refusal = requireStatus(kind, state: state) { return refusal }
            guard context.facts.user.privileged || !context.facts.federatedLinks.isEmpty || state.linkedFromIncident else {
                return Refusal(.invalid, "\(state.subject) is not a privileged account and has no federated identity; no approval is needed")
            }
            guard runbook.step(state.currentStep)?.checks.contains(where: { approvalGates.contains($0.name) }) == true else {
                return Refusal(.invalid, "The current step needs no approval; request it at the reset step")
            }
            if state.approval?.state == .granted {
                return Refusal(.invalid, "Already approved by \(state.approval?.decidedBy ?? "?")")
            }
            return nil
        case .approve, .deny:
            if let refusal = requireStatus(kind, state: state) { return refusal }
            if state.approval?.requestedBy == me || state.openedBy == me {
                return Refusal(.notPermitted, "An operator cannot approve their own case: another senior admin must")
            }
            if let role = ApprovalRules.conflict(approver: me, state: state, performer: nil) {
                return Refusal(.notPermitted, "You are \(role): a senior admin who did not work the case must approve")
            }
            return nil
        case .uphold, .reopen:
            if let refusal = requireStatus(kind, state: state) { return refusal }
            if let escalation = state.escalation, escalation.by == me {
                return Refusal(.notPermitted, "You refused this case yourself; another senior admin must review it")
            }
            return nil
        case .attest, .attestFailed:
            guard state.status == .actionPending, state.pendingAction != nil else {
                return Refusal(.stale, "No action is pending on this case; its outcome was already recorded")
            }
            return nil
        case .observeEnrolment:
            guard let step = runbook.step(state.currentStep), step.awaits == EventCodec.Name.factorEnrolled,
                  state.status == .awaitingEnrolment else {
                // Observed already (by another terminal, or before a crash): the case moved on.
                if let factor = state.enrolledFactor {
                    return Refusal(.stale, "The enrolment (\(factor.kind) \(factor.label)) was already recorded; "
                                   + "the case is at \"\(state.currentStep)\" now; reload it")
                }
                return Refusal(.invalid, "The case is not waiting for an enrolment")
            }
            return nil
        case .reissueSecret:
            if let refusal = requireStatus(kind, state: state) { return refusal }
            guard reissuableAction(state: state, context: context) != nil else {
                return Refusal(.invalid, "The last admin action of this case handed out no one-time secret (backup codes, a temporary password); "
                               + "there is nothing to issue again")
            }
            return nil
        case .declareIncident:
            guard runbook.incidentEntry != nil else {
                return Refusal(.invalid, "The runbook \(runbook.id) has no incident path")
            }
            guard !state.completedActions.isEmpty else {
                return Refusal(.invalid, "No admin action was carried out in this case, so nothing can have gone to an attacker; refuse or note instead")
            }
            guard !state.incidentDeclared else { return Refusal(.invalid, "An incident is already declared on this case") }
            if let refusal = requireStatus(kind, state: state) { return refusal }
            // Reopening a closed case as an incident (and suspending the account) is a senior's call.
            if state.status == .closed, context.actor.role != .senior {
                return Refusal(.notPermitted, "The case is closed: only a senior admin may declare an incident on it; \(me) is \(context.actor.role.rawValue)")
            }
            return nil
        case .migrateRunbook:
            if let refusal = requireStatus(kind, state: state) { return refusal }
            guard let target = context.runbookMigrationTarget, target.sha256 != state.runbookSHA256 else {
                return Refusal(.invalid, "The case's runbook file has not changed; there is nothing to migrate")
            }
            // Not on a case of one's own: moving it onto a new procedure is another senior's call.
            if state.openedBy == me {
                return Refusal(.notPermitted, "An operator cannot migrate their own case: another senior admin must")
            }
            if let role = ApprovalRules.conflict(approver: me, state: state, performer: nil) {
                return Refusal(.notPermitted, "You are \(role): a senior admin who did not work the case must migrate it")
            }
            return nil
        case .clearPriorCases:
            if let refusal = requireStatus(kind, state: state) { return refusal }
            guard state.standingPriorCases != nil else {
                return Refusal(.invalid, "No prior refused, escalated or incident cases stand on this case")
            }
            if state.openedBy.lowercased() == me.lowercased() {
                return Refusal(.notPermitted, "You opened this case: another senior admin must clear the prior cases")
            }
            return nil
        case .confirmFacts:
            if let refusal = requireStatus(kind, state: state) { return refusal }
            guard !state.disputedFacts.isEmpty else {
                return Refusal(.invalid, "No typed fact of this case has been refused on by a gate; nothing needs confirming")
            }
            if state.openedBy.lowercased() == me.lowercased() {
                return Refusal(.notPermitted, "You opened this case: another senior admin must confirm its facts")
            }
            return nil
        case .raiseSignal, .refuse, .note, .pause, .resume:
            return requireStatus(kind, state: state)
        case .takeOver:
            if let refusal = requireStatus(kind, state: state) { return refusal }
            guard let holder = context.heldBy, holder != me else { return Refusal(.invalid, "Nobody else holds case \(state.caseID): there is nothing to take over") }
            return nil
        }
    }

    /// Whether the case's verification is within its validity window now.
    static func verificationIsFresh(state: CaseState, context: DecisionContext) -> Bool {
        guard let v = state.verification else { return false }
        return context.now.timeIntervalSince(v.at) <= Double(context.runbook.settings.verificationValidityMinutes) * 60
    }

    /// The table's statuses for `kind`, with what the case's status means for the operator.
    static func requireStatus(_ kind: CaseCommandKind, state: CaseState) -> Refusal? {
        guard !kind.allowedStatuses.contains(state.status) else { return nil }
        let why: String
        switch state.status {
        case .closed: why = "the case is closed (\(state.outcome ?? "closed"))"
        case .escalated: why = "the case is escalated and waits for a senior admin's review"
        case .paused: why = "the case is paused; resume it first"
        case .awaitingApproval: why = "the case waits for a senior admin's approval"
        case .actionPending: why = "a platform action is pending; record its outcome first"
        case .awaitingEnrolment: why = "the case waits for the user to enrol a new factor"
        case .incident: why = "the case is on the incident path"
        case .open: why = "the case is open at \"\(state.currentStep)\""
        }
        return Refusal(.invalid, "Cannot \(kind.doing): \(why)")
    }
}

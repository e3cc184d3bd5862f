import Engine
import Foundation
import Platform
import Runbook
import Store

/// Carries out what a committed decision asks of the outside world: platform actions (each
/// already recorded as `….requested`, so a crash in between is visible and resumable) and
/// linked cases. Each outcome is recorded as an event of its own through the command handler.
public final class ActionRunner {
    let context: CaseworkContext
    let reader: CaseReader
    let commands: CaseCommandHandler

    public init(_ context: CaseworkContext, reader: CaseReader, commands: CaseCommandHandler) {
        self.context = context
        self.reader = reader
        self.commands = commands
    }

    /// Carries out `outcome`'s effects. `attestation` completes a ManualConsole action in the same call.
    public func carryOut(_ outcome: CaseOutcome, actor: Actor, attestation: String?) throws -> CaseOutcome {
        var result = outcome
        for effect in outcome.effects {
            let base = try outcome.decidedOn ?? reader.snapshot(outcome.caseID, actor: actor)
            switch effect {
            case .performAction(let action, let key, let subject):
                let request = actionRequest(action, key: key, subject: subject, snapshot: base, actor: actor, attestation: attestation)
                result.merge(try carryOut(request, caseID: outcome.caseID, actor: actor))
            case .openLinkedCase(let newID, let subject, let linkedFrom):
                var linked = try commands.open(subject: subject, runbookID: base.runbook.id, actor: actor, linkedFrom: linkedFrom,
                                               linkedFromIncident: true, runbook: base.runbook, caseID: newID)
                if linked.refusal == nil { linked.linkedCase = newID }
                linked.caseID = linkedFrom
                result.merge(linked)
            }
        }
        return result
    }

    /// Completes (or fails) the pending action with the operator's word: ManualConsole's attestation,
    /// or the answer to "did it happen?" after a crash between request and completion.
    public func attest(_ caseID: String, actor: Actor, attestation: String?, failure: String? = nil) throws -> CaseOutcome {
        if let refusal = CaseEngine.permission(actor: actor, training: context.training, command: nil) {
            return .refused(refusal, caseID: caseID)
        }
        let attested: String?, failed: String?
        switch (CaseDesk.typedText(attestation, what: "attestation"), CaseDesk.typedText(failure, what: "failure")) {
        case (.failure(let refusal), _), (_, .failure(let refusal)): return .refused(refusal, caseID: caseID)
        case (.success(let a), .success(let f)): (attested, failed) = (a, f)
        }
        let snapshot = try reader.snapshot(caseID, actor: actor)
        guard let pending = snapshot.state.pendingAction else {
            // An action was requested and its outcome is already recorded (by another terminal, or
            // by this command before a crash): the case changed under the operator (exit 5), as the
            // Engine says of a second completion. With no action ever requested, the command does not fit.
            let settled = snapshot.events.contains {
                if case .actionRequested = $0.body { return true }
                return false
            }
            return .refused(settled
                ? Refusal(.stale, "No platform action is pending on case \(caseID): the outcome of the last one was already recorded; reload it")
                : Refusal(.invalid, "No platform action is pending on case \(caseID)"), caseID: caseID)
        }
        if let failed {
            // A platform that can be asked decides: an action it reports done was done, whatever
            // the operator says (a second reset would follow a recorded failure).
            let request = actionRequest(pending.action, key: pending.idempotencyKey, subject: snapshot.state.subject, snapshot: snapshot,
                                        actor: actor, attestation: nil)
            if let reported = try context.platform.outcome(of: request), case .completed = reported {
                return .refused(Refusal(.gate, "The platform reports \(pending.action.rawValue) done under \(pending.idempotencyKey): "
                                        + "it cannot be recorded as failed; record it done with handrail case attest \(caseID)"), caseID: caseID)
            }
            return try commands.decide(.failAction(idempotencyKey: pending.idempotencyKey, error: failed), on: caseID, actor: actor, base: snapshot)
        }
        let request = actionRequest(pending.action, key: pending.idempotencyKey, subject: snapshot.state.subject, snapshot: snapshot,
                                    actor: actor, attestation: attested)
        return try carryOut(request, caseID: caseID, actor: actor)
    }

    /// Resumes a case whose platform action was requested but whose outcome was never recorded
    /// (the process died in between): asks the platform what became of the request, and records
    /// it; a platform that never saw it carries it out now, once, under the same key. ManualConsole
    /// cannot know, so it asks the operator to attest.
    public func resumePendingAction(_ caseID: String, actor: Actor) throws -> CaseOutcome {
        if let refusal = CaseEngine.permission(actor: actor, training: context.training, command: nil) {
            return .refused(refusal, caseID: caseID)
        }
        let snapshot = try reader.snapshot(caseID, actor: actor)
        guard let pending = snapshot.state.pendingAction, snapshot.state.status == .actionPending else {
            return CaseOutcome(caseID: caseID)
        }
        let request = actionRequest(pending.action, key: pending.idempotencyKey, subject: snapshot.state.subject, snapshot: snapshot,
                                    actor: actor, attestation: nil)
        return try carryOut(request, caseID: caseID, actor: actor)
    }

    /// The request the platform gets: the runbook's lifetime for generated secrets, and whether a
    /// temporary password also lifts an incident's suspension (only in a case linked from one).
    private func actionRequest(_ action: PlatformAction, key: String, subject: String, snapshot: CaseSnapshot, actor: Actor,
                               attestation: String?) -> ActionRequest {
        let settings = snapshot.runbook.settings
        let lifetime: TimeInterval? = switch action {
        case .generateBackupCodes: Double(settings.backupCodeExpiryMinutes) * 60
        case .setTemporaryPassword: Double(settings.temporaryPasswordExpiryHours) * 3600
        case .resetFactors, .suspendUser, .sendNotification: nil
        }
        var notice: RecoveryNotice?
        if action == .sendNotification {
            // The message the operator checked at the step, to every address the platform has on file.
            notice = RecoveryNotice(recipients: snapshot.facts.notificationAddresses,
                                    subject: "Your account: \(snapshot.runbook.title) (case \(snapshot.state.caseID))",
                                    body: snapshot.state.pendingAction?.values[FollowUpField.message] ?? "",
                                    caseID: snapshot.state.caseID)
        }
        return ActionRequest(action: action, idempotencyKey: key, subject: subject, actor: actor.login, attestation: attestation,
                             now: context.clock(), secretLifetime: lifetime, reinstate: snapshot.state.linkedFromIncident,
                             notification: notice)
    }

    /// Asks the platform to act, then records what happened. A platform that already carried out
    /// this key (a retry after a crash) reports the earlier outcome instead of acting twice.
    private func carryOut(_ request: ActionRequest, caseID: String, actor: Actor) throws -> CaseOutcome {
        let platform = context.platform
        let result: ActionOutcome
        if let earlier = try platform.outcome(of: request) {
            result = earlier
        } else {
            // Not done yet: never carried out on an expired verification (a crash, then a resume hours later).
            var snapshot = try reader.snapshot(caseID, actor: actor)
            snapshot.context.now = context.clock()
            if let expired = CaseEngine.verificationExpiry(state: snapshot.state, context: snapshot.context) {
                if platform.actsItself {
                    return try commands.decide(.failAction(idempotencyKey: request.idempotencyKey,
                                                           error: "Not carried out: the verification expired before the action ran"),
                                               on: caseID, actor: actor, base: snapshot)
                }
                // In a console only the operator acts: a senior admin may record what was already
                // done; nobody is told to do it now.
                if request.attestation == nil || actor.role != .senior { return .refused(expired, caseID: caseID) }
            }
            result = try platform.perform(request)
        }
        switch result {
        case .awaitingAttestation(let instructions):
            var outcome = CaseOutcome(caseID: caseID)
            outcome.instructions = instructions
            return outcome
        case .failed(let why):
            return try commands.decide(.failAction(idempotencyKey: request.idempotencyKey, error: why), on: caseID, actor: actor)
        case .completed(let details, let secrets):
            var outcome = try commands.decide(.completeAction(idempotencyKey: request.idempotencyKey, details: details), on: caseID, actor: actor)
            outcome.shownOnce = secrets
            outcome.shownOnceBy = secrets.isEmpty ? nil : request.action
            return outcome
        }
    }
}

import Foundation
import Runbook

extension CaseEngine {
    /// The gates that ask for a senior admin's approval of an admin action.
    static let approvalGates = [ActionChecks.privilegedResetApproved.name, ActionChecks.federatedUserApproved.name,
                                ActionChecks.linkedCaseApproved.name]

    /// The last completed admin action, when it handed the operator a one-time secret and the
    /// case still waits where that action left it (for the user's enrolment): what `reissue`
    /// issues again. Nil once the case moved past its wait, or when the last action produced none.
    public static func reissuableAction(state: CaseState, context: DecisionContext) -> (action: PlatformAction, step: Step)? {
        guard state.status != .closed, let last = state.completedActions.last, last.action.producesSecret,
              let step = context.runbook.step(last.step), step.action?.name == last.action.rawValue,
              context.runbook.step(state.currentStep)?.awaits != nil, state.stepValues[last.step] != nil else { return nil }
        return (last.action, step)
    }

    /// Whether the reissued action's step asks for an approval on this account (privileged,
    /// federated, or a case opened by an incident), read from the same gates.
    static func reissueNeedsApproval(_ step: Step, state: CaseState, context: DecisionContext) -> Bool {
        guard step.checks.contains(where: { approvalGates.contains($0.name) }) else { return false }
        return context.facts.user.privileged || !context.facts.federatedLinks.isEmpty || state.linkedFromIncident
    }

    /// An approval granted after the last issue of the secret: the one that let the first issue
    /// through was used up by it, so a reissue takes a fresh one.
    static func hasFreshApproval(state: CaseState) -> Bool {
        guard let approval = state.approval, approval.state == .granted, let decidedAt = approval.decidedAt,
              let issued = state.lastActionCompletedAt else { return false }
        return decidedAt > issued
    }

    /// Issues the lost secret again: the action's own step is evaluated again, with the values it
    /// was decided on and the reissue's reason, so every gate that let the first issue through
    /// (a verification still fresh, no refusal signal, not suspended, the approval on a privileged
    /// account, now a fresh one) holds again now. Recorded as the same `….requested` event under a
    /// new idempotency key, marked `reissue`, so the platform issues new secrets (the old ones
    /// stop working) and the completion is recorded as usual, returning the case to its wait.
    static func reissueSecret(reason: String, state: CaseState, context: DecisionContext) -> Decision {
        if let refusal = requirements(of: .reissueSecret, state: state, context: context) { return .refused(refusal) }
        guard let (platformAction, step) = reissuableAction(state: state, context: context), let action = step.action else {
            return .refused(Refusal(.invalid, "No one-time secret of this case can be issued again"))
        }
        let text: String
        switch reasonText(reason, context: context) {
        case .failure(let refusal): return .refused(refusal)
        case .success(let clean): text = clean
        }
        var values = state.stepValues[step.id] ?? [:]
        if let field = step.reasonField { values[field] = text }
        let evaluation = evaluate(step: step, values: values, state: state, context: context)
        var failures = evaluation.failures
        if reissueNeedsApproval(step, state: state, context: context), !hasFreshApproval(state: state),
           !failures.contains(where: { approvalGates.contains($0.name) }) {
            failures.append(CheckOutcome(name: ActionChecks.privilegedResetApproved.name, label: "Fresh approval for the reissue", passed: false,
                                         message: "the approval by \(state.approval?.decidedBy ?? "?") was used by the first issue: "
                                         + "a senior admin must approve the reissue (request-approval)"))
        }
        guard failures.isEmpty else {
            var message = "Cannot issue \(platformAction.title.lowercased()) again: "
                + failures.map { "\($0.label): \($0.message)" }.joined(separator: "; ")
            if failures.contains(where: { $0.name == VerificationChecks.verificationFresh.name }) {
                message += ". Verify the caller again first: handrail case do \(state.caseID) restart-verification --reason …"
            } else if failures.contains(where: { approvalGates.contains($0.name) }) {
                message += ". Ask for it: handrail case do \(state.caseID) request-approval --reason …"
            }
            let refusal = GateRefusal(step: step.id, failed: failures.map { GateRefusal.Failure(check: $0.name, message: $0.message) }, values: [:])
            return .refused(Refusal(.gate, message, failedChecks: failures),
                            recording: [event(.gateRefused(refusal), state: state, context: context, reason: text)])
        }
        let key = "\(state.caseID):\(step.id):\(state.eventCount + 1)"
        let move = StepMove(step: step.id, next: state.currentStep, values: evaluation.values)
        let request = ActionRecord(completion: action.event, action: platformAction, idempotencyKey: key, move: move, reissue: true)
        return .accepted([event(.actionRequested(request), state: state, context: context, reason: text)],
                         effects: [.performAction(platformAction, idempotencyKey: key, subject: state.subject)])
    }
}

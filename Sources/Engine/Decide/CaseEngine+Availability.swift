import Foundation
import Runbook

extension CaseEngine {
    /// What can be done to the case now, by this actor, as the command-line names them: the
    /// menu `case show` offers and the wizard's key hints. A listed command can still be
    /// refused by a gate; an unlisted one is always refused.
    public static func availableCommands(state: CaseState, context: DecisionContext) -> [String] {
        let role = context.actor.role
        if role == .auditor || (role == .trainee && !context.training) { return [] }
        var commands: [String] = []
        let step = context.runbook.step(state.currentStep)
        switch state.status {
        case .open, .incident:
            if let step, !step.terminal, step.awaits == nil { commands.append(step.id) }
            if state.status == .open && state.currentStep != context.runbook.start { commands.append("restart-verification") }
            if state.status == .open, context.facts.user.privileged, state.approval?.state != .granted,
               step?.checks.contains(where: { $0.name == "privilegedResetApproved" }) == true {
                commands.append("request-approval")
            }
        case .awaitingEnrolment: commands.append("observe-enrolment")
        case .actionPending: commands += ["attest", "attest-failed"]
        case .awaitingApproval:
            if role == .senior, state.approval?.requestedBy != context.actor.login, state.openedBy != context.actor.login {
                commands += ["approve", "deny"]
            }
        case .escalated:
            if role == .senior, state.escalation?.by != context.actor.login { commands += ["uphold", "reopen"] }
        case .paused: commands.append("resume")
        case .closed: break
        }
        if [.open, .awaitingApproval, .paused, .incident].contains(state.status) { commands.append("signal") }
        if [.open, .awaitingApproval, .paused].contains(state.status) { commands.append("refuse") }
        if [.open, .awaitingApproval, .incident].contains(state.status) { commands.append("pause") }
        if !state.completedActions.isEmpty, !state.incidentDeclared, context.runbook.incidentEntry != nil,
           [.open, .awaitingEnrolment, .closed, .paused].contains(state.status) {
            commands.append("incident")
        }
        commands.append("note")
        return commands
    }
}

extension CaseEngine {
    /// Whether the actor may change cases at all (auditors may not; trainees only in training),
    /// and, given `command`, whether their role may give it (approvals and reviews are a senior's).
    /// For edges that record things the Engine does not decide, such as typed platform facts, and
    /// for asking before a case is held: a role refusal must not be reported as someone else's hold.
    public static func permissionToWork(_ context: DecisionContext, command: CaseCommand? = nil) -> Refusal? {
        permission(for: command, context: context)
    }
}

import Foundation
import Runbook

/// The gate engine: decides commands against a case's state and the platform's facts.
/// Pure: no storage, no terminal, no clock or randomness it was not handed in `DecisionContext`.
/// Every rule of the procedure that can stop an operator is enforced here, once, for the
/// TUI, the command line and training alike.
public enum CaseEngine {
    // MARK: - Opening

    /// The event that opens a case on `runbook` for `subject`.
    public static func open(caseID: String, subject: String, context: DecisionContext,
                            linkedFrom: String? = nil, linkedFromIncident: Bool = false) -> Decision {
        if let refusal = permission(for: nil, context: context) { return .refused(refusal) }
        if linkedFromIncident && linkedFrom == nil {
            return .refused(Refusal(.invalid, "A case linked from an incident must name the incident case"))
        }
        guard case .success(let email) = FieldValidator.normalise(subject, for: Field(id: "subject", label: "Subject", kind: .email)) else {
            return .refused(Refusal(.invalid, "\"\(subject)\" is not an email address: a case is opened for the user's email"))
        }
        var payload: [String: JSONValue] = [
            "runbook": .string(context.runbook.id),
            "runbookVersion": .number(Double(context.runbook.version)),
            "startStep": .string(context.runbook.start),
            "linkedFromIncident": .bool(linkedFromIncident),
        ]
        if let linkedFrom { payload["linkedFrom"] = .string(linkedFrom) }
        return .accepted([CaseEvent(type: EventType.caseOpened, caseID: caseID, subject: email, actor: context.actor.login,
                                    time: context.now, payload: payload)])
    }

    // MARK: - Evaluating a form

    /// Judges `raw` values for `step`: field problems, gates, and where continuing would lead.
    public static func evaluate(step: Step, values raw: [String: String], state: CaseState, context: DecisionContext) -> StepEvaluation {
        var normalised: [String: String] = [:]
        var problems: [String: FieldProblem] = [:]
        for field in step.fields {
            switch FieldValidator.normalise(raw[field.id] ?? "", for: field) {
            case .success(let value): normalised[field.id] = value
            case .failure(let problem): problems[field.id] = problem
            }
        }
        let runbook = context.runbook
        let visible = step.fields.filter { field in
            field.when.map { CaseFacts.holds($0, stepID: step.id, values: normalised, state: state, facts: context.facts,
                                             runbook: runbook, now: context.now) } ?? true
        }
        var checklist: [CheckOutcome] = []
        var values: [String: String] = [:]
        for field in visible {
            if let value = normalised[field.id] {
                values[field.id] = value
                if field.mustConfirm && value != "yes" {
                    checklist.append(CheckOutcome(name: "field.\(field.id)", label: field.label, passed: false, message: "must be confirmed (yes) to continue"))
                }
            } else if let problem = problems[field.id] {
                switch problem {
                case .missing where field.required:
                    checklist.append(CheckOutcome(name: "field.\(field.id)", label: field.label, passed: false, message: "required"))
                case .missing:
                    break
                case .invalid(let message):
                    checklist.append(CheckOutcome(name: "field.\(field.id)", label: field.label, passed: false, message: message))
                }
            }
        }
        let checkContext = CheckContext(runbook: runbook, step: step, state: state, values: values, facts: context.facts,
                                        actor: context.actor, now: context.now, timeZone: context.timeZone)
        for reference in step.checks {
            guard let check = CheckCatalog.check(named: reference.name) else {
                // The loader rejects unknown names; refusing here keeps a hand-built runbook safe too.
                checklist.append(CheckOutcome(name: reference.name, label: reference.name, passed: false, message: "unknown check"))
                continue
            }
            switch check.evaluate(checkContext) {
            case .pass(let message): checklist.append(CheckOutcome(name: check.name, label: check.label, passed: true, message: message))
            case .fail(let message): checklist.append(CheckOutcome(name: check.name, label: check.label, passed: false, message: message))
            case .notApplicable: break
            }
        }
        let next = step.transitions.first { transition in
            transition.when.map { CaseFacts.holds($0, stepID: step.id, values: values, state: state, facts: context.facts,
                                                  runbook: runbook, now: context.now) } ?? true
        }?.to
        return StepEvaluation(values: values, visibleFields: visible.map(\.id), checklist: checklist, next: next)
    }

    /// Values to pre-fill a step's form with: templates composed from the case, and whatever
    /// was submitted at this step before (after a restarted verification, say).
    public static func prefill(step: Step, state: CaseState, context: DecisionContext) -> [String: String] {
        var values = state.stepValues[step.id] ?? [:]
        let templateValues = TemplateValues.values(state: state, facts: context.facts, actor: context.actor,
                                                   runbook: context.runbook, timeZone: context.timeZone)
        for field in step.fields {
            if let name = field.prefill, let template = context.runbook.templates.text(named: name) {
                values[field.id] = TemplateText.render(template, values: templateValues)
            }
        }
        return values
    }

    // MARK: - Deciding

    public static func decide(_ command: CaseCommand, state: CaseState, context: DecisionContext) -> Decision {
        if let refusal = permission(for: command, context: context) { return .refused(refusal) }
        switch command {
        case .submit(let stepID, let values): return submit(stepID, values: values, state: state, context: context)
        case .observeEnrolment: return observeEnrolment(state: state, context: context)
        case .completeAction(let key, let details): return completeAction(key, details: details, state: state, context: context)
        case .failAction(let key, let error): return failAction(key, error: error, state: state, context: context)
        case .raiseSignal(let signal, let reason): return raiseSignal(signal, reason: reason, state: state, context: context)
        case .refuse(let signal, let reason): return refuse(signal, reason: reason, state: state, context: context)
        case .addNote(let text): return addNote(text, state: state, context: context)
        case .pause(let reason): return pause(reason: reason, state: state, context: context)
        case .resume: return resume(state: state, context: context)
        case .restartVerification(let reason): return restartVerification(reason: reason, state: state, context: context)
        case .requestApproval(let reason): return requestApproval(reason: reason, state: state, context: context)
        case .approve(let reason): return decideApproval(granted: true, reason: reason, state: state, context: context)
        case .denyApproval(let reason): return decideApproval(granted: false, reason: reason, state: state, context: context)
        case .review(let verdict, let reason): return review(verdict, reason: reason, state: state, context: context)
        case .declareIncident(let reason): return declareIncident(reason: reason, state: state, context: context)
        }
    }

    // MARK: Steps

    private static func submit(_ stepID: String, values raw: [String: String], state: CaseState, context: DecisionContext) -> Decision {
        let runbook = context.runbook
        guard let step = runbook.step(stepID) else {
            return .refused(Refusal(.invalid, "The runbook has no step \"\(stepID)\""))
        }
        // Stale before anything else: a step submitted again after it was decided (a second
        // terminal, or a re-run after a crash) is told the case moved on (exit 5), whatever status
        // the case has reached since, never that the command does not fit (exit 2).
        guard stepID == state.currentStep else {
            return .refused(Refusal(.stale, "The case is at \"\(state.currentStep)\" now, not \"\(stepID)\": someone moved it on; reload it"))
        }
        if state.status == .actionPending, let pending = state.pendingAction, pending.step == stepID {
            return .refused(Refusal(.stale, "\"\(step.title)\" was already decided: its action \(pending.idempotencyKey) is pending; "
                                    + "record its outcome (attest it, or report it failed) instead of deciding it again"))
        }
        if let refusal = requireStatus([.open, .incident], state: state, doing: "continue") { return .refused(refusal) }
        if step.awaits != nil { return observeEnrolment(state: state, context: context) }
        if step.terminal { return .refused(Refusal(.invalid, "The case has ended")) }

        let evaluation = evaluate(step: step, values: raw, state: state, context: context)
        guard evaluation.failures.isEmpty else {
            let recorded = step.checks.compactMap { reference -> CaseEvent? in
                guard let eventType = reference.onRefusal,
                      let failure = evaluation.failures.first(where: { $0.name == reference.name }) else { return nil }
                var payload: [String: JSONValue] = ["step": .string(step.id), "check": .string(reference.name)]
                if let method = evaluation.values["method"] { payload["method"] = .string(method) }
                return event(eventType, state: state, context: context, reason: failure.message, payload: payload)
            }
            let summary = evaluation.failures.map { "\($0.label): \($0.message)" }.joined(separator: "; ")
            return .refused(Refusal(.gate, "Cannot continue from \"\(step.title)\": \(summary)", failedChecks: evaluation.failures),
                            recording: recorded)
        }
        guard var next = evaluation.next else {
            return .refused(Refusal(.invalid, "No transition of \"\(step.id)\" applies"))
        }
        // Verified again after a restart: back to where the case was, not down the path again.
        if step.id == runbook.start, let resume = state.resumeAfterVerification, evaluation.values["method"] != "federated" {
            next = resume
        }
        let reason = step.reasonField.flatMap { evaluation.values[$0] }
        var payload: [String: JSONValue] = [
            "step": .string(step.id),
            "next": .string(next),
            "values": .object(evaluation.values.mapValues(JSONValue.string)),
        ]

        if let action = step.action {
            // Committed before the platform is called: a crash in between leaves a visible,
            // resumable request, never a silent or repeated action.
            let key = "\(state.caseID):\(step.id):\(state.eventCount + 1)"
            payload["idempotencyKey"] = .string(key)
            payload["action"] = .string(action.name)
            return .accepted([event(EventType.requested(action.event), state: state, context: context, reason: reason, payload: payload)],
                             effects: [.performAction(name: action.name, idempotencyKey: key, subject: state.subject)])
        }

        var effects: [Effect] = []
        if step.completionEvent == "verification.recorded", let method = evaluation.values["method"],
           let option = step.field("method")?.option(method) {
            payload["method"] = .string(method)
            payload["term"] = .string(option.reasonTerm ?? option.label)
            if let reference = evaluation.values["reference"] { payload["reference"] = .string(reference) }
        }
        if step.opensLinkedCase {
            guard let newID = context.newCaseID else {
                return .refused(Refusal(.invalid, "\"\(step.title)\" opens a linked case, and no case id was provided"))
            }
            payload["linkedCaseID"] = .string(newID)
            effects.append(.openLinkedCase(caseID: newID, subject: state.subject, linkedFrom: state.caseID))
        }
        var events = [event(step.completionEvent, state: state, context: context, reason: reason, payload: payload)]
        events += closing(ifTerminal: next, state: state, context: context)
        return .accepted(events, effects: effects)
    }

    private static func observeEnrolment(state: CaseState, context: DecisionContext) -> Decision {
        guard let step = context.runbook.step(state.currentStep), step.awaits == EventType.factorEnrolled,
              state.status == .awaitingEnrolment else {
            // Observed already (by another terminal, or before a crash): the case moved on.
            if let factor = state.enrolledFactor {
                return .refused(Refusal(.stale, "The enrolment (\(factor.kind) \(factor.label)) was already recorded; "
                                        + "the case is at \"\(state.currentStep)\" now; reload it"))
            }
            return .refused(Refusal(.invalid, "The case is not waiting for an enrolment"))
        }
        let evaluation = evaluate(step: step, values: [:], state: state, context: context)
        guard evaluation.failures.isEmpty, let next = evaluation.next else {
            let summary = evaluation.failures.map(\.message).joined(separator: "; ")
            return .refused(Refusal(.gate, "Still waiting: \(summary)", failedChecks: evaluation.failures))
        }
        let since = state.lastActionCompletedAt ?? .distantPast
        let factor = context.facts.factors.filter { $0.enrolledAt > since }.max { $0.enrolledAt < $1.enrolledAt }!
        let payload: [String: JSONValue] = [
            "step": .string(step.id), "next": .string(next), "values": .object([:]),
            "factor": .object(["kind": .string(factor.kind), "label": .string(factor.label),
                               "enrolledAt": .number(factor.enrolledAt.timeIntervalSince1970)]),
        ]
        return .accepted([event(EventType.factorEnrolled, state: state, context: context, payload: payload)]
                         + closing(ifTerminal: next, state: state, context: context))
    }

    private static func completeAction(_ key: String, details: [String: JSONValue], state: CaseState, context: DecisionContext) -> Decision {
        guard let pending = state.pendingAction, state.status == .actionPending else {
            return .refused(Refusal(.stale, "No action is pending on this case; its outcome was already recorded"))
        }
        guard pending.idempotencyKey == key else {
            return .refused(Refusal(.stale, "The pending action is \(pending.idempotencyKey), not \(key)"))
        }
        let payload: [String: JSONValue] = [
            "step": .string(pending.step), "next": .string(pending.next),
            "values": .object(pending.values.mapValues(JSONValue.string)),
            "idempotencyKey": .string(key), "action": .string(pending.action), "details": .object(details),
            "recordedBy": .string(context.actor.login),
        ]
        // The actor of `mfa.factor_admin_reset` is the operator who decided the reset, even when
        // someone else records its completion (after a crash, say): that is who the auditor asks about.
        var completion = event(pending.event, state: state, context: context, reason: pending.reason, payload: payload)
        completion.actor = pending.requestedBy
        return .accepted([completion] + closing(ifTerminal: pending.next, state: state, context: context))
    }

    private static func failAction(_ key: String, error: String, state: CaseState, context: DecisionContext) -> Decision {
        guard let pending = state.pendingAction, state.status == .actionPending, pending.idempotencyKey == key else {
            return .refused(Refusal(.stale, "No such action is pending on this case"))
        }
        let payload: [String: JSONValue] = ["idempotencyKey": .string(key), "action": .string(pending.action),
                                            "step": .string(pending.step)]
        return .accepted([event(EventType.failed(pending.event), state: state, context: context, reason: error, payload: payload)])
    }

    /// A `case.closed` event when `next` is a terminal step.
    private static func closing(ifTerminal next: String, state: CaseState, context: DecisionContext) -> [CaseEvent] {
        guard let step = context.runbook.step(next), step.terminal else { return [] }
        return [event(EventType.caseClosed, state: state, context: context,
                      payload: ["outcome": .string(step.outcome ?? "closed"), "step": .string(step.id)])]
    }

    // MARK: Refusal signals and escalation

    private static func raiseSignal(_ signalID: String, reason: String, state: CaseState, context: DecisionContext) -> Decision {
        guard let signal = context.runbook.signal(signalID) else {
            return .refused(Refusal(.invalid, "Unknown refusal signal \"\(signalID)\"; known: \(context.runbook.refusalSignals.map(\.id).joined(separator: ", "))"))
        }
        guard signal.source == .operator else {
            return .refused(Refusal(.invalid, "\"\(signal.label)\" is reported by the platform, not raised by hand"))
        }
        if let refusal = requireStatus([.open, .incident, .awaitingApproval, .paused], state: state, doing: "raise a signal") { return .refused(refusal) }
        switch reasonText(reason, context: context) {
        case .failure(let refusal): return .refused(refusal)
        case .success(let text):
            return .accepted([event(EventType.signalRaised, state: state, context: context, reason: text,
                                    payload: ["signal": .string(signal.id), "step": .string(state.currentStep)])])
        }
    }

    private static func refuse(_ signalID: String, reason: String, state: CaseState, context: DecisionContext) -> Decision {
        guard context.runbook.signal(signalID) != nil else {
            return .refused(Refusal(.invalid, "Unknown refusal signal \"\(signalID)\"; known: \(context.runbook.refusalSignals.map(\.id).joined(separator: ", "))"))
        }
        if let refusal = requireStatus([.open, .awaitingApproval, .paused], state: state, doing: "refuse") { return .refused(refusal) }
        switch reasonText(reason, context: context) {
        case .failure(let refusal): return .refused(refusal)
        case .success(let text):
            let payload: [String: JSONValue] = ["signal": .string(signalID), "step": .string(state.currentStep)]
            var note = payload
            note["kind"] = .string(CaseNote.Kind.refusal.rawValue)
            return .accepted([
                event(EventType.noteAdded, state: state, context: context, reason: text, payload: note),
                event(EventType.caseEscalated, state: state, context: context, reason: text, payload: payload),
            ])
        }
    }

    private static func review(_ verdict: ReviewVerdict, reason: String, state: CaseState, context: DecisionContext) -> Decision {
        if let refusal = requireStatus([.escalated], state: state, doing: "review it") { return .refused(refusal) }
        if let escalation = state.escalation, escalation.by == context.actor.login {
            return .refused(Refusal(.notPermitted, "You refused this case yourself; another senior admin must review it"))
        }
        switch reasonText(reason, context: context) {
        case .failure(let refusal): return .refused(refusal)
        case .success(let text):
            let step: JSONValue = .string(state.currentStep)
            switch verdict {
            case .uphold:
                return .accepted([
                    event(EventType.refusalUpheld, state: state, context: context, reason: text, payload: ["step": step]),
                    event(EventType.caseClosed, state: state, context: context, reason: text,
                          payload: ["outcome": .string("refused"), "step": step]),
                ])
            case .reopen:
                return .accepted([event(EventType.caseReopened, state: state, context: context, reason: text, payload: ["step": step])])
            }
        }
    }

    // MARK: Notes, pause, restart

    private static func addNote(_ text: String, state: CaseState, context: DecisionContext) -> Decision {
        switch FieldValidator.normalise(text, for: Field(id: "note", label: "Note", kind: .text, maxLength: 4000)) {
        case .failure(.missing): return .refused(Refusal(.invalid, "A note needs some text"))
        case .failure(.invalid(let message)): return .refused(Refusal(.invalid, "The note \(message)"))
        case .success(let clean):
            return .accepted([event(EventType.noteAdded, state: state, context: context, reason: clean,
                                    payload: ["kind": .string(CaseNote.Kind.note.rawValue), "step": .string(state.currentStep)])])
        }
    }

    private static func pause(reason: String, state: CaseState, context: DecisionContext) -> Decision {
        if let refusal = requireStatus([.open, .awaitingApproval, .incident], state: state, doing: "pause it") { return .refused(refusal) }
        switch reasonText(reason, context: context, minimum: 3) {
        case .failure(let refusal): return .refused(refusal)
        case .success(let text):
            return .accepted([event(EventType.casePaused, state: state, context: context, reason: text,
                                    payload: ["from": .string(state.status.rawValue), "step": .string(state.currentStep)])])
        }
    }

    private static func resume(state: CaseState, context: DecisionContext) -> Decision {
        if let refusal = requireStatus([.paused], state: state, doing: "resume it") { return .refused(refusal) }
        return .accepted([event(EventType.caseResumed, state: state, context: context, payload: ["step": .string(state.currentStep)])])
    }

    private static func restartVerification(reason: String, state: CaseState, context: DecisionContext) -> Decision {
        if let refusal = requireStatus([.open], state: state, doing: "restart verification") { return .refused(refusal) }
        switch reasonText(reason, context: context, minimum: 3) {
        case .failure(let refusal): return .refused(refusal)
        case .success(let text):
            // Restarting from the start step itself has nowhere to return to.
            let from = state.resumeAfterVerification ?? state.currentStep
            var payload: [String: JSONValue] = ["step": .string(context.runbook.start)]
            if from != context.runbook.start { payload["from"] = .string(from) }
            return .accepted([event(EventType.verificationRestarted, state: state, context: context, reason: text, payload: payload)])
        }
    }

    // MARK: Approval of privileged actions

    private static func requestApproval(reason: String, state: CaseState, context: DecisionContext) -> Decision {
        if let refusal = requireStatus([.open], state: state, doing: "request approval") { return .refused(refusal) }
        guard context.facts.user.privileged else {
            return .refused(Refusal(.invalid, "\(state.subject) is not a privileged account; no approval is needed"))
        }
        guard context.runbook.step(state.currentStep)?.checks.contains(where: { $0.name == "privilegedResetApproved" }) == true else {
            return .refused(Refusal(.invalid, "The current step needs no approval; request it at the reset step"))
        }
        if state.approval?.state == .granted {
            return .refused(Refusal(.invalid, "Already approved by \(state.approval?.decidedBy ?? "?")"))
        }
        switch reasonText(reason, context: context, minimum: 3) {
        case .failure(let refusal): return .refused(refusal)
        case .success(let text):
            return .accepted([event(EventType.approvalRequested, state: state, context: context, reason: text,
                                    payload: ["step": .string(state.currentStep)])])
        }
    }

    private static func decideApproval(granted: Bool, reason: String, state: CaseState, context: DecisionContext) -> Decision {
        if let refusal = requireStatus([.awaitingApproval], state: state, doing: granted ? "approve" : "deny approval") { return .refused(refusal) }
        let me = context.actor.login
        if state.approval?.requestedBy == me || state.openedBy == me {
            return .refused(Refusal(.notPermitted, "An operator cannot approve their own case: another senior admin must"))
        }
        switch reasonText(reason, context: context, minimum: 3) {
        case .failure(let refusal): return .refused(refusal)
        case .success(let text):
            return .accepted([event(granted ? EventType.approvalGranted : EventType.approvalDenied, state: state, context: context,
                                    reason: text, payload: ["step": .string(state.currentStep)])])
        }
    }

    // MARK: Incident

    private static func declareIncident(reason: String, state: CaseState, context: DecisionContext) -> Decision {
        guard let entry = context.runbook.incidentEntry else {
            return .refused(Refusal(.invalid, "The runbook \(context.runbook.id) has no incident path"))
        }
        guard !state.completedActions.isEmpty else {
            return .refused(Refusal(.invalid, "No admin action was carried out in this case, so nothing can have gone to an attacker; refuse or note instead"))
        }
        guard !state.incidentDeclared else { return .refused(Refusal(.invalid, "An incident is already declared on this case")) }
        if let refusal = requireStatus([.open, .awaitingEnrolment, .closed, .paused], state: state, doing: "declare an incident") {
            return .refused(refusal)
        }
        switch reasonText(reason, context: context) {
        case .failure(let refusal): return .refused(refusal)
        case .success(let text):
            return .accepted([event(EventType.incidentDeclared, state: state, context: context, reason: text,
                                    payload: ["step": .string(entry), "from": .string(state.currentStep)])])
        }
    }

    // MARK: - Helpers

    /// Who may do what. `command == nil` means opening a case.
    static func permission(for command: CaseCommand?, context: DecisionContext) -> Refusal? {
        permission(actor: context.actor, training: context.training, command: command)
    }

    /// Who may do what, from the role alone: asked before anything is read or held, so that an
    /// auditor hears "auditors change no case" rather than a message about the case.
    public static func permission(actor: Actor, training: Bool, command: CaseCommand?) -> Refusal? {
        switch actor.role {
        case .auditor:
            return Refusal(.notPermitted, "\(actor.login) is an auditor: auditors read and export, and change no case")
        case .trainee where !training:
            return Refusal(.notPermitted, "\(actor.login) is a trainee: trainees work training cases only (handrail train)")
        default: break
        }
        switch command {
        case .approve?, .denyApproval?, .review?:
            guard actor.role == .senior else {
                return Refusal(.notPermitted, "Only a senior admin may do this; \(actor.login) is \(actor.role.rawValue)")
            }
        default: break
        }
        return nil
    }

    private static func requireStatus(_ allowed: Set<CaseStatus>, state: CaseState, doing: String) -> Refusal? {
        guard !allowed.contains(state.status) else { return nil }
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
        return Refusal(.invalid, "Cannot \(doing): \(why)")
    }

    private static func reasonText(_ reason: String, context: DecisionContext, minimum: Int? = nil) -> Result<String, Refusal> {
        let minimum = minimum ?? context.runbook.settings.minimumReasonLength
        switch FieldValidator.normalise(reason, for: Field(id: "reason", label: "Reason", kind: .text, maxLength: 2000)) {
        case .failure(.missing): return .failure(Refusal(.invalid, "Give a reason"))
        case .failure(.invalid(let message)): return .failure(Refusal(.invalid, "The reason \(message)"))
        case .success(let text):
            guard text.count >= minimum else {
                return .failure(Refusal(.invalid, "The reason is too short to review (\(text.count) characters; at least \(minimum))"))
            }
            return .success(text)
        }
    }

    private static func event(_ type: String, state: CaseState, context: DecisionContext, reason: String? = nil,
                              payload: [String: JSONValue]) -> CaseEvent {
        CaseEvent(type: type, caseID: state.caseID, subject: state.subject, actor: context.actor.login, time: context.now,
                  reason: reason, payload: payload)
    }
}

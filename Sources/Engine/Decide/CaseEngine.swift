import Foundation
import Runbook

/// The gate engine: decides commands against a case's state and the platform's facts.
/// Pure: no storage, no terminal, no clock or randomness it was not handed in `DecisionContext`.
/// Every rule of the procedure that can stop an operator is enforced here, once, for the
/// TUI, the command line and training alike.
public enum CaseEngine {
    // MARK: - Opening

    /// The event that opens a case on `runbook` for `subject`.
    ///
    /// `history` is what the log holds about the same person (read by the store when the case
    /// is opened, and checked again when it is committed): a second case while one is open is
    /// refused, unless it is the one an incident opens; recent refused, escalated or incident
    /// cases are recorded in a `case.prior_cases_found` event that stops the case until a senior
    /// admin clears it.
    public static func open(caseID: String, subject: String, context: DecisionContext,
                            linkedFrom: String? = nil, linkedFromIncident: Bool = false,
                            history: SubjectHistory = .none, incidentWorkers: [String]? = nil,
                            incidentSuspension: String? = nil) -> Decision {
        if let refusal = permission(actor: context.actor, training: context.training, kind: nil) { return .refused(refusal) }
        if linkedFromIncident && linkedFrom == nil {
            return .refused(Refusal(.invalid, "A case linked from an incident must name the incident case"))
        }
        guard case .success(let email) = FieldValidator.normalise(subject, for: Field(id: "subject", label: "Subject", kind: .email)) else {
            return .refused(Refusal(.invalid, "\"\(subject)\" is not an email address: a case is opened for the user's email"))
        }
        if !linkedFromIncident, let open = history.openCases.first {
            let who = open.holder.map { "held by \($0)" } ?? "opened by \(open.openedBy), held by nobody now"
            return .refused(Refusal(.gate, "\(email) already has an open case, \(open.id) (\(open.status.rawValue), \(who)): "
                                    + "work that case, or have it refused and reviewed; a second case for the same person is not opened"))
        }
        let opening = CaseOpening(runbookID: context.runbook.id, runbookVersion: context.runbook.version,
                                  startStep: context.runbook.start, linkedFrom: linkedFrom, linkedFromIncident: linkedFromIncident,
                                  incidentWorkers: linkedFromIncident ? incidentWorkers ?? [] : nil,
                                  incidentSuspension: linkedFromIncident ? incidentSuspension : nil)
        var events = [CaseEvent(.opened(opening), caseID: caseID, subject: email, actor: context.actor.login, time: context.now)]
        // The incident a linked case comes from is why it exists, not a reason to stop it.
        let prior = history.priorCases.filter { $0.id != linkedFrom }
        if !prior.isEmpty {
            let found = PriorCasesFound(lookBackDays: context.runbook.settings.priorRefusalLookBackDays, cases: prior)
            events.append(CaseEvent(.priorCasesFound(found), caseID: caseID, subject: email, actor: context.actor.login, time: context.now,
                                    reason: "Refused, escalated or incident cases for \(email) in the last \(found.lookBackDays) days: "
                                    + prior.map(\.summary).joined(separator: "; ")))
        }
        return .accepted(events)
    }

    // MARK: - Typed facts

    /// Facts typed from the admin console (ManualConsole), recorded as `facts.recorded`. A fact a
    /// gate has refused on keeps the value it was refused at: typing another value needs a senior
    /// admin's confirmation of that value first (`confirmFacts`), so an agent refused on
    /// `privileged=yes` or on sign-ins from new addresses cannot retype them and carry on.
    public static func recordFacts(_ facts: [String: JSONValue], source: String, state: CaseState, context: DecisionContext) -> Decision {
        if let refusal = permission(actor: context.actor, training: context.training, kind: nil) { return .refused(refusal) }
        if state.status == .closed { return .refused(Refusal(.invalid, "Case \(state.caseID) is closed")) }
        let changed = facts.keys.sorted().filter { key in
            guard let disputed = state.disputedFacts[key], let value = facts[key] else { return false }
            if sameFact(value, disputed) { return false }
            return !(state.confirmedFacts[key].map { sameFact($0.value, value) } ?? false)
        }
        if !changed.isEmpty {
            let lines = changed.map { key in
                "\(key) was \(factText(state.disputedFacts[key]!)) when a gate refused this case; \(factText(facts[key]!)) needs a senior admin's confirmation"
            }
            return .refused(Refusal(.gate, lines.joined(separator: "; ")
                                    + ": a senior admin who checked the console confirms it with handrail case do \(state.caseID) confirm-fact "
                                    + changed.map { "\($0)=…" }.joined(separator: " ") + " --reason …",
                                    failedChecks: changed.map { CheckOutcome(name: "fact.\($0)", label: "Fact changed after a refusal", passed: false,
                                                                             message: "\($0): needs a senior admin's confirmation") }))
        }
        let typed = TypedFacts(source: source, facts: facts, step: state.currentStep)
        return .accepted([event(.factsRecorded(typed), state: state, context: context)])
    }

    /// Two typed values of a fact are the same reading: lists compared as sets (order is how they were typed).
    static func sameFact(_ a: JSONValue, _ b: JSONValue) -> Bool {
        switch (a, b) {
        case (.array(let x), .array(let y)): return Set(x.compactMap(\.stringValue)) == Set(y.compactMap(\.stringValue))
        default: return a == b
        }
    }

    static func factText(_ value: JSONValue) -> String {
        switch value {
        case .array(let items): return items.isEmpty ? "none" : items.compactMap(\.stringValue).joined(separator: ", ")
        case .string(let s): return s
        default: return value.canonicalText
        }
    }

    // MARK: - Evaluating a form

    /// Judges `raw` values for `step`: field problems, gates, and where continuing would lead.
    public static func evaluate(step: Step, values raw: [String: String], state: CaseState, context: DecisionContext) -> StepEvaluation {
        var normalised: [String: String] = [:]
        var problems: [String: FieldProblem] = [:]
        for field in step.fields {
            switch FieldValidator.normalise(raw[field.id] ?? "", for: field, defaultCountryCode: context.organisation.defaultCountryCode,
                                                   ticketPattern: context.organisation.ticketPattern) {
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
                                        actor: context.actor, now: context.now, timeZone: context.timeZone,
                                        organisation: context.organisation)
        for reference in step.checks {
            guard let check = CheckCatalog.check(named: reference.name) else {
                // The loader rejects unknown names; refusing here keeps a hand-built runbook safe too.
                checklist.append(CheckOutcome(name: reference.name, label: reference.name, passed: false, message: "unknown check"))
                continue
            }
            // Fail closed: a gate whose field was renamed or dropped from the runbook must not
            // read "not applicable" and let the case through.
            let missing = check.inputs.missing(in: step, of: runbook)
            guard missing.isEmpty else {
                checklist.append(CheckOutcome(name: check.name, label: check.label, passed: false,
                                              message: "the runbook does not supply what this gate reads: " + missing.joined(separator: "; ")))
                continue
            }
            switch check.evaluate(checkContext) {
            case .pass(let message): checklist.append(CheckOutcome(name: check.name, label: check.label, passed: true, message: message))
            case .warn(let message):
                checklist.append(CheckOutcome(name: check.name, label: check.label, passed: true, message: message, warning: true))
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
        if let refusal = permission(actor: context.actor, training: context.training, kind: command.kind) { return .refused(refusal) }
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
        case .migrateRunbook(let reason): return migrateRunbook(reason: reason, state: state, context: context)
        case .clearPriorCases(let reason): return clearPriorCases(reason: reason, state: state, context: context)
        case .confirmFacts(let facts, let reason): return confirmFacts(facts, reason: reason, state: state, context: context)
        case .takeOver(let reason): return takeOver(reason: reason, state: state, context: context)
        case .reissueSecret(let reason): return reissueSecret(reason: reason, state: state, context: context)
        }
    }

    /// A senior takes a held case from its holder: recorded with the reason, so that who worked
    /// the case, and why it changed hands, is in the log. Nothing else about the case changes.
    private static func takeOver(reason: String, state: CaseState, context: DecisionContext) -> Decision {
        if let refusal = requirements(of: .takeOver, state: state, context: context) { return .refused(refusal) }
        guard let holder = context.heldBy else { return .refused(Refusal(.invalid, "Nobody else holds the case: open it")) }
        switch reasonText(reason, context: context) {
        case .failure(let refusal): return .refused(refusal)
        case .success(let text): return .accepted([event(.takenOver(from: holder), state: state, context: context, reason: text)])
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
            // A step the case has passed (or whose action is pending) was current when the
            // operator looked: someone moved it on (exit 5). A step the case never reached is the
            // operator's mistake, refused (exit 3) with where the case is and what can be done there.
            let passed = state.completedSteps.contains(stepID) || state.pendingAction?.step == stepID
            if passed {
                return .refused(Refusal(.stale, "The case is at \"\(state.currentStep)\" now, not \"\(stepID)\": someone moved it on; reload it"))
            }
            let current = runbook.step(state.currentStep)
            let options = availableCommands(state: state, context: context).map(\.cliName)
            let doing = options.isEmpty ? "nothing can be done on it by you now" : "what you can do now: " + options.joined(separator: ", ")
            return .refused(Refusal(.gate, "The case is at \"\(state.currentStep)\" (\(current?.title ?? state.currentStep)), not \"\(stepID)\": "
                                    + "that step comes later or not at all on this path; \(doing)"))
        }
        if state.status == .actionPending, let pending = state.pendingAction, pending.step == stepID {
            return .refused(Refusal(.stale, "\"\(step.title)\" was already decided: its action \(pending.idempotencyKey) is pending; "
                                    + "record its outcome (attest it, or report it failed) instead of deciding it again"))
        }
        if let refusal = requirements(of: .continueStep, state: state, context: context) { return .refused(refusal) }

        let evaluation = evaluate(step: step, values: raw, state: state, context: context)
        guard evaluation.failures.isEmpty else {
            let recorded = step.checks.compactMap { reference -> CaseEvent? in
                guard let eventType = reference.onRefusal,
                      let failure = evaluation.failures.first(where: { $0.name == reference.name }) else { return nil }
                let attempt = RefusedAttempt(name: eventType, step: step.id, check: reference.name, method: evaluation.values[VerificationField.method])
                return event(.attemptRefused(attempt), state: state, context: context, reason: failure.message)
            }
            // Every attempt a gate refused is on the record, with what was tried, so a reviewer sees
            // an agent who retried with other facts. Malformed input (a value its field cannot
            // read) is bad input: answered, and nothing recorded.
            let malformed = step.fields.contains { field in
                guard let value = raw[field.id], !value.trimmingWhitespace().isEmpty else { return false }
                if case .failure = FieldValidator.normalise(value, for: field, defaultCountryCode: context.organisation.defaultCountryCode,
                                                   ticketPattern: context.organisation.ticketPattern) { return true }
                return false
            }
            guard !malformed, evaluation.failures.contains(where: { !$0.name.hasPrefix("field.") }) else {
                let summary = evaluation.failures.map { "\($0.label): \($0.message)" }.joined(separator: "; ")
                return .refused(Refusal(.gate, "Cannot continue from \"\(step.title)\": \(summary)", failedChecks: evaluation.failures),
                                recording: recorded)
            }
            var tried: [String: String] = [:]
            for field in step.fields {
                if let value = raw[field.id], !value.isEmpty { tried[field.id] = GateRefusal.recorded(value) }
            }
            let refusal = GateRefusal(step: step.id, failed: evaluation.failures.map { GateRefusal.Failure(check: $0.name, message: $0.message) },
                                      values: tried)
            let summary = evaluation.failures.map { "\($0.label): \($0.message)" }.joined(separator: "; ")
            return .refused(Refusal(.gate, "Cannot continue from \"\(step.title)\": \(summary)", failedChecks: evaluation.failures),
                            recording: recorded + [event(.gateRefused(refusal), state: state, context: context)])
        }
        guard var next = evaluation.next else {
            return .refused(Refusal(.invalid, "No transition of \"\(step.id)\" applies"))
        }
        // Verified again after a restart: back to where the case was, not down the path again.
        if step.id == runbook.start, let resume = state.resumeAfterVerification, evaluation.values[VerificationField.method] != VerificationMethod.federated.rawValue {
            next = resume
        }
        let reason = step.reasonField.flatMap { evaluation.values[$0] }
        let move = StepMove(step: step.id, next: next, values: evaluation.values)

        if let action = step.action {
            guard let platformAction = PlatformAction(rawValue: action.name) else {
                return .refused(Refusal(.invalid, "The runbook names an action \"\(action.name)\" that no platform performs"))
            }
            // Committed before the platform is called: a crash in between leaves a visible,
            // resumable request, never a silent or repeated action.
            let key = "\(state.caseID):\(step.id):\(state.eventCount + 1)"
            let request = ActionRecord(completion: action.event, action: platformAction, idempotencyKey: key, move: move)
            return .accepted([event(.actionRequested(request), state: state, context: context, reason: reason)],
                             effects: [.performAction(platformAction, idempotencyKey: key, subject: state.subject)])
        }

        var effects: [Effect] = []
        var completion = StepCompletion(name: step.completionEvent, move: move)
        if step.completionEvent == VerificationField.recordedEvent, let method = evaluation.values[VerificationField.method],
           let option = step.field(VerificationField.method)?.option(method) {
            completion.verification = VerificationEvidence(method: method, term: option.reasonTerm ?? option.label,
                                                           reference: evaluation.values[VerificationField.reference])
        }
        if step.opensLinkedCase {
            guard let newID = context.newCaseID else {
                return .refused(Refusal(.invalid, "\"\(step.title)\" opens a linked case, and no case id was provided"))
            }
            completion.linkedCaseID = newID
            effects.append(.openLinkedCase(caseID: newID, subject: state.subject, linkedFrom: state.caseID))
        }
        var events = [event(.stepCompleted(completion), state: state, context: context, reason: reason)]
        events += closing(ifTerminal: next, state: state, context: context)
        return .accepted(events, effects: effects)
    }

    private static func observeEnrolment(state: CaseState, context: DecisionContext) -> Decision {
        if let refusal = requirements(of: .observeEnrolment, state: state, context: context) { return .refused(refusal) }
        guard let step = context.runbook.step(state.currentStep) else { return .refused(Refusal(.invalid, "The case is not waiting for an enrolment")) }
        let evaluation = evaluate(step: step, values: [:], state: state, context: context)
        // A gate the runbook marks `escalate` does not keep the case waiting: the factor exists.
        let escalating = evaluation.failures.compactMap { failure in
            step.checks.first { $0.name == failure.name && $0.escalate != nil }.map { (signal: $0.escalate!, failure: failure) }
        }
        let blocking = evaluation.failures.filter { failure in !escalating.contains { $0.failure.name == failure.name } }
        guard blocking.isEmpty, let next = evaluation.next else {
            let summary = blocking.map(\.message).joined(separator: "; ")
            return .refused(Refusal(.gate, "Still waiting: \(summary)", failedChecks: blocking))
        }
        let since = state.lastActionCompletedAt ?? .distantPast
        let factor = context.facts.factors.filter { $0.enrolledAt > since }.max { $0.enrolledAt < $1.enrolledAt }!
        let enrolment = FactorEnrolment(move: StepMove(step: step.id, next: next, values: [:]), kind: factor.kind, label: factor.label,
                                        enrolledAtSeconds: factor.enrolledAt.timeIntervalSince1970, enrolledFrom: factor.enrolledFrom)
        var events = [event(.factorEnrolled(enrolment), state: state, context: context)]
        // Recorded, then held for a senior: the signal says why, the escalation stops the follow-up
        // until a senior reopens the case (with a reason) or upholds the refusal.
        if let first = escalating.first {
            for (signal, failure) in escalating {
                events.append(event(.signalRaised(signal: signal, step: next), state: state, context: context, reason: failure.message))
            }
            events.append(event(.escalated(signal: first.signal, step: next), state: state, context: context, reason: first.failure.message))
            return .accepted(events)
        }
        return .accepted(events + closing(ifTerminal: next, state: state, context: context))
    }

    private static func completeAction(_ key: String, details: [String: JSONValue], state: CaseState, context: DecisionContext) -> Decision {
        if let refusal = requirements(of: .attest, state: state, context: context) { return .refused(refusal) }
        guard let pending = state.pendingAction, pending.idempotencyKey == key else {
            return .refused(Refusal(.stale, "The pending action is \(state.pendingAction?.idempotencyKey ?? "none"), not \(key)"))
        }
        let request = ActionRecord(completion: pending.event, action: pending.action, idempotencyKey: key,
                                   move: StepMove(step: pending.step, next: pending.next, values: pending.values), reissue: pending.reissue)
        // The actor of `mfa.factor_admin_reset` is the operator who decided the reset, even when
        // someone else records its completion (after a crash, say): that is who the auditor asks about.
        var completion = event(.actionCompleted(ActionCompletion(request: request, details: details, recordedBy: context.actor.login)),
                               state: state, context: context, reason: pending.reason)
        completion.actor = pending.requestedBy
        return .accepted([completion] + closing(ifTerminal: pending.next, state: state, context: context))
    }

    private static func failAction(_ key: String, error: String, state: CaseState, context: DecisionContext) -> Decision {
        guard requirements(of: .attestFailed, state: state, context: context) == nil,
              let pending = state.pendingAction, pending.idempotencyKey == key else {
            return .refused(Refusal(.stale, "No such action is pending on this case"))
        }
        let failure = ActionFailure(completion: pending.event, action: pending.action, idempotencyKey: key, step: pending.step)
        var events = [event(.actionFailed(failure), state: state, context: context, reason: error)]
        // Failed after its verification expired: the action can only be tried again on a fresh
        // verification, so the case returns to verifying the caller.
        if verificationExpiry(state: state, context: context) != nil, let start = context.runbook.step(context.runbook.start) {
            // A reissue (requested while the case waited for the user) returns to that wait.
            let waiting = context.runbook.step(state.currentStep)?.awaits != nil ? state.currentStep : pending.step
            let from = state.resumeAfterVerification ?? waiting
            events.append(event(.verificationRestarted(step: start.id, from: from == start.id ? nil : from), state: state, context: context,
                                reason: "The verification expired before the action was carried out; verify the caller again"))
        }
        return .accepted(events)
    }

    /// Why the pending action may not be carried out now: its verification expired (or was
    /// never recorded). An action that has not happened is never carried out on a stale
    /// verification; nil when the verification is still valid.
    /// Only an action whose step requires a valid verification (`verificationFresh`) is held to
    /// it: suspending an account on the incident path is not.
    public static func verificationExpiry(state: CaseState, context: DecisionContext) -> Refusal? {
        guard let pending = state.pendingAction, let step = context.runbook.step(pending.step),
              step.checks.contains(where: { $0.name == VerificationChecks.verificationFresh.name }) else { return nil }
        let limit = context.runbook.settings.verificationValidityMinutes
        guard let v = state.verification else {
            return Refusal(.gate, "Identity has not been verified in this case: the action cannot be carried out")
        }
        let minutes = Int(context.now.timeIntervalSince(v.at) / 60)
        guard context.now.timeIntervalSince(v.at) > Double(limit) * 60 else { return nil }
        return Refusal(.gate, "The verification by \(v.term) is \(minutes) min old and was valid for \(limit) min: the action must not be carried out now. "
                       + "If it was not done, record it failed (attest --failed) and verify again (restart-verification); "
                       + "if it was already done in the console, a senior admin records it")
    }

    /// A `case.closed` event when `next` is a terminal step.
    private static func closing(ifTerminal next: String, state: CaseState, context: DecisionContext) -> [CaseEvent] {
        guard let step = context.runbook.step(next), step.terminal else { return [] }
        return [event(.closed(outcome: step.outcome ?? "closed", step: step.id), state: state, context: context)]
    }

    // MARK: Refusal signals and escalation

    private static func raiseSignal(_ signalID: String, reason: String, state: CaseState, context: DecisionContext) -> Decision {
        guard let signal = context.runbook.signal(signalID) else {
            return .refused(Refusal(.invalid, "Unknown refusal signal \"\(signalID)\"; known: \(context.runbook.refusalSignals.map(\.id).joined(separator: ", "))"))
        }
        guard signal.source == .operator else {
            return .refused(Refusal(.invalid, "\"\(signal.label)\" is reported by the platform, not raised by hand"))
        }
        if let refusal = requirements(of: .raiseSignal, state: state, context: context) { return .refused(refusal) }
        switch reasonText(reason, context: context) {
        case .failure(let refusal): return .refused(refusal)
        case .success(let text):
            // A signal is a reason not to go on: the case goes to a senior's review as a refusal
            // does, unless it is already a senior's matter (an incident under way).
            var events = [event(.signalRaised(signal: signal.id, step: state.currentStep), state: state, context: context, reason: text)]
            if CaseCommandKind.refuse.allowedStatuses.contains(state.status) {
                events.append(event(.escalated(signal: signal.id, step: state.currentStep), state: state, context: context, reason: text))
            }
            return .accepted(events)
        }
    }

    private static func refuse(_ signalID: String, reason: String, state: CaseState, context: DecisionContext) -> Decision {
        guard context.runbook.signal(signalID) != nil else {
            return .refused(Refusal(.invalid, "Unknown refusal signal \"\(signalID)\"; known: \(context.runbook.refusalSignals.map(\.id).joined(separator: ", "))"))
        }
        if let refusal = requirements(of: .refuse, state: state, context: context) { return .refused(refusal) }
        switch reasonText(reason, context: context) {
        case .failure(let refusal): return .refused(refusal)
        case .success(let text):
            return .accepted([
                event(.noteAdded(kind: .refusal, signal: signalID, step: state.currentStep), state: state, context: context, reason: text),
                event(.escalated(signal: signalID, step: state.currentStep), state: state, context: context, reason: text),
            ])
        }
    }

    private static func review(_ verdict: ReviewVerdict, reason: String, state: CaseState, context: DecisionContext) -> Decision {
        if let refusal = requirements(of: verdict == .uphold ? .uphold : .reopen, state: state, context: context) { return .refused(refusal) }
        switch reasonText(reason, context: context) {
        case .failure(let refusal): return .refused(refusal)
        case .success(let text):
            let step = state.currentStep
            switch verdict {
            case .uphold:
                return .accepted([
                    event(.refusalUpheld(step: step), state: state, context: context, reason: text),
                    event(.closed(outcome: "refused", step: step), state: state, context: context, reason: text),
                ])
            case .reopen:
                return .accepted([event(.reopened(step: step), state: state, context: context, reason: text)])
            }
        }
    }

    // MARK: Notes, pause, restart

    private static func addNote(_ text: String, state: CaseState, context: DecisionContext) -> Decision {
        if let refusal = requirements(of: .note, state: state, context: context) { return .refused(refusal) }
        switch reasonText(text, context: context, what: "note", maxLength: 4000) {
        case .failure(let refusal): return .refused(refusal)
        case .success(let clean):
            return .accepted([event(.noteAdded(kind: .note, signal: nil, step: state.currentStep), state: state, context: context, reason: clean)])
        }
    }

    private static func pause(reason: String, state: CaseState, context: DecisionContext) -> Decision {
        if let refusal = requirements(of: .pause, state: state, context: context) { return .refused(refusal) }
        switch reasonText(reason, context: context) {
        case .failure(let refusal): return .refused(refusal)
        case .success(let text):
            return .accepted([event(.paused(from: state.status.rawValue, step: state.currentStep), state: state, context: context, reason: text)])
        }
    }

    private static func resume(state: CaseState, context: DecisionContext) -> Decision {
        if let refusal = requirements(of: .resume, state: state, context: context) { return .refused(refusal) }
        return .accepted([event(.resumed(step: state.currentStep), state: state, context: context)])
    }

    private static func restartVerification(reason: String, state: CaseState, context: DecisionContext) -> Decision {
        if let refusal = requirements(of: .restartVerification, state: state, context: context) { return .refused(refusal) }
        switch reasonText(reason, context: context) {
        case .failure(let refusal): return .refused(refusal)
        case .success(let text):
            // Restarting from the start step itself has nowhere to return to.
            let from = state.resumeAfterVerification ?? state.currentStep
            let restart = CaseEventBody.verificationRestarted(step: context.runbook.start, from: from == context.runbook.start ? nil : from)
            return .accepted([event(restart, state: state, context: context, reason: text)])
        }
    }

    // MARK: Approval of privileged actions

    private static func requestApproval(reason: String, state: CaseState, context: DecisionContext) -> Decision {
        if let refusal = requirements(of: .requestApproval, state: state, context: context) { return .refused(refusal) }
        switch reasonText(reason, context: context) {
        case .failure(let refusal): return .refused(refusal)
        case .success(let text):
            return .accepted([event(.approvalRequested(step: state.currentStep), state: state, context: context, reason: text)])
        }
    }

    private static func decideApproval(granted: Bool, reason: String, state: CaseState, context: DecisionContext) -> Decision {
        if let refusal = requirements(of: granted ? .approve : .deny, state: state, context: context) { return .refused(refusal) }
        switch reasonText(reason, context: context) {
        case .failure(let refusal): return .refused(refusal)
        case .success(let text):
            let body: CaseEventBody = granted ? .approvalGranted(step: state.currentStep) : .approvalDenied(step: state.currentStep)
            return .accepted([event(body, state: state, context: context, reason: text)])
        }
    }

    // MARK: Incident

    private static func declareIncident(reason: String, state: CaseState, context: DecisionContext) -> Decision {
        if let refusal = requirements(of: .declareIncident, state: state, context: context) { return .refused(refusal) }
        guard let entry = context.runbook.incidentEntry else { return .refused(Refusal(.invalid, "The runbook has no incident path")) }
        switch reasonText(reason, context: context) {
        case .failure(let refusal): return .refused(refusal)
        case .success(let text):
            return .accepted([event(.incidentDeclared(step: entry, from: state.currentStep), state: state, context: context, reason: text)])
        }
    }

    // MARK: Runbook migration

    private static func migrateRunbook(reason: String, state: CaseState, context: DecisionContext) -> Decision {
        if let refusal = requirements(of: .migrateRunbook, state: state, context: context) { return .refused(refusal) }
        guard let target = context.runbookMigrationTarget else { return .refused(Refusal(.invalid, "No runbook to migrate to")) }
        guard context.runbook.step(state.currentStep) != nil else {
            return .refused(Refusal(.invalid, "The runbook's current file has no step \"\(state.currentStep)\", where the case stands: it cannot be moved onto it"))
        }
        switch reasonText(reason, context: context) {
        case .failure(let refusal): return .refused(refusal)
        case .success(let text):
            let migration = RunbookMigration(runbookID: state.runbookID, from: state.runbookSHA256, to: target.sha256, file: target.file,
                                             step: state.currentStep)
            return .accepted([event(.runbookMigrated(migration), state: state, context: context, reason: text)])
        }
    }

    // MARK: Prior cases and disputed facts

    private static func clearPriorCases(reason: String, state: CaseState, context: DecisionContext) -> Decision {
        if let refusal = requirements(of: .clearPriorCases, state: state, context: context) { return .refused(refusal) }
        switch reasonText(reason, context: context) {
        case .failure(let refusal): return .refused(refusal)
        case .success(let text):
            return .accepted([event(.priorCasesCleared(step: state.currentStep), state: state, context: context, reason: text)])
        }
    }

    private static func confirmFacts(_ facts: [String: JSONValue], reason: String, state: CaseState, context: DecisionContext) -> Decision {
        if let refusal = requirements(of: .confirmFacts, state: state, context: context) { return .refused(refusal) }
        if let key = facts.keys.sorted().first(where: { state.disputedFacts[$0] == nil }) {
            let disputed = state.disputedFacts.keys.sorted().joined(separator: ", ")
            return .refused(Refusal(.invalid, "\(key) has not been refused on in this case; facts that need a confirmation: \(disputed)"))
        }
        guard !facts.isEmpty else { return .refused(Refusal(.invalid, "Name the fact and its new value, e.g. privileged=yes")) }
        switch reasonText(reason, context: context) {
        case .failure(let refusal): return .refused(refusal)
        case .success(let text):
            let previous = state.disputedFacts.filter { facts[$0.key] != nil }
            let confirmed = ConfirmedFacts(facts: facts, previous: previous, step: state.currentStep)
            return .accepted([event(.factConfirmed(confirmed), state: state, context: context, reason: text)])
        }
    }

    // MARK: - Helpers

    /// Who may do what, from the role alone: asked before anything is read or held, so that an
    /// auditor hears "auditors change no case" rather than a message about the case.
    public static func permission(actor: Actor, training: Bool, command: CaseCommand?) -> Refusal? {
        permission(actor: actor, training: training, kind: command?.kind)
    }

    /// `kind == nil` means opening a case.
    static func permission(actor: Actor, training: Bool, kind: CaseCommandKind?) -> Refusal? {
        switch actor.role {
        case .auditor:
            return Refusal(.notPermitted, "\(actor.login) is an auditor: auditors read and export, and change no case")
        case .trainee where !training:
            return Refusal(.notPermitted, "\(actor.login) is a trainee: trainees work training cases only (handrail train)")
        default: break
        }
        if kind?.needsSenior == true, actor.role != .senior {
            return Refusal(.notPermitted, "Only a senior admin may do this; \(actor.login) is \(actor.role.rawValue)")
        }
        return nil
    }

    /// Every reason and note goes through `ReasonRule`, the one rule for them.
    static func reasonText(_ reason: String, context: DecisionContext, what: String = "reason", maxLength: Int = 2000) -> Result<String, Refusal> {
        switch ReasonRule.check(reason, settings: context.runbook.settings, maxLength: maxLength) {
        case .failure(.missing): return .failure(Refusal(.invalid, what == "note" ? "A note needs some text" : "Give a reason"))
        case .failure(.invalid(let message)): return .failure(Refusal(.invalid, "The \(what) \(message)"))
        case .success(let text): return .success(text)
        }
    }

    static func event(_ body: CaseEventBody, state: CaseState, context: DecisionContext, reason: String? = nil) -> CaseEvent {
        CaseEvent(body, caseID: state.caseID, subject: state.subject, actor: context.actor.login, time: context.now, reason: reason)
    }
}

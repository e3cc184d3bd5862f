import Foundation
import Runbook

extension CaseState {
    /// Folds a case's events into its state. `nil` when the first event is not `case.opened`.
    public static func replay(_ events: [CaseEvent], runbook: Runbook) -> CaseState? {
        guard let first = events.first, var state = CaseState(opening: first, runbook: runbook) else { return nil }
        for event in events.dropFirst() { state.apply(event, runbook: runbook) }
        return state
    }

    /// The state a `case.opened` event creates.
    public init?(opening event: CaseEvent, runbook: Runbook) {
        guard case .opened(let opening) = event.body else { return nil }
        self.init(caseID: event.caseID, runbookID: opening.runbookID, runbookVersion: opening.runbookVersion,
                  subject: event.subject, openedBy: event.actor, openedAt: event.time,
                  linkedFrom: opening.linkedFrom, linkedFromIncident: opening.linkedFromIncident,
                  startStep: opening.startStep)
        runbookSHA256 = opening.runbookSHA256
        incidentWorkers = opening.incidentWorkers ?? []
        incidentSuspension = opening.incidentSuspension
        eventCount = 1
    }

    /// Applies one event: an exhaustive switch over what can happen to a case. Events this
    /// build does not recognise only count: an older build reading a newer log must not
    /// misread what it does not understand.
    public mutating func apply(_ event: CaseEvent, runbook: Runbook) {
        eventCount += 1
        lastEventAt = event.time
        switch event.body {
        case .opened, .unrecognised, .refusalUpheld, .sessionStarted, .rosterChanged, .promotionRequested:
            // A second opening cannot happen (appends check the case's sequence); an upheld
            // refusal is closed by the case.closed that follows it.
            break
        case .factsRecorded(let typed):
            // The platform reads typed facts from the history; the state keeps the latest value of
            // each so that a fact a gate refused on cannot quietly be typed again differently.
            for (key, value) in typed.facts { typedFacts[key] = value }
        case .factConfirmed(let typed):
            for (key, value) in typed.facts {
                confirmedFacts[key] = FactConfirmation(value: value, by: event.actor, reason: event.reason ?? "")
            }
        case .priorCasesFound(let found):
            priorCases = found
            priorCasesClearedBy = nil
        case .priorCasesCleared:
            priorCasesClearedBy = event.actor
        case .closed(let outcome, let step):
            status = .closed
            self.outcome = outcome
            if let step { currentStep = step }
        case .escalated(let signal, let step):
            escalation = Escalation(signal: signal, reason: event.reason ?? "", step: step, by: event.actor, at: event.time)
            refusedSteps.insert(step)
            status = .escalated
        case .reopened:
            signals = []
            if priorCases != nil && priorCasesClearedBy == nil { priorCasesClearedBy = event.actor }
            activityAcknowledgedThrough = event.time
            escalation = nil
            status = currentStepIsIncident(runbook) ? .incident : .open
        case .paused:
            statusBeforePause = status
            status = .paused
        case .resumed:
            status = statusBeforePause ?? .open
            statusBeforePause = nil
        case .noteAdded(let kind, _, _):
            notes.append(CaseNote(kind: kind, text: event.reason ?? "", by: event.actor, at: event.time))
        case .takenOver:
            // Who holds a case is the lease's, not the case's: the event is the record of it.
            break
        case .signalRaised(let signal, _):
            signals.append(RaisedSignal(signal: signal, reason: event.reason ?? "", by: event.actor, at: event.time))
        case .verificationRestarted(let step, let from):
            verification = nil
            // An approval was given on the strength of the old verification; it does not carry over.
            approval = nil
            resumeAfterVerification = from
            currentStep = step
            status = .open
        case .attemptRefused:
            rejectedVerificationAttempts += 1
        case .gateRefused(let refusal):
            refusedAttempts += 1
            // Every typed fact a failed gate reads is now disputed at the value the gate refused on.
            for failure in refusal.failed {
                for fact in CheckCatalog.check(named: failure.check)?.factsRead ?? [] {
                    if let value = typedFacts[fact] { disputedFacts[fact] = value }
                }
            }
        case .approvalRequested:
            approval = Approval(state: .requested, requestedBy: event.actor, requestedAt: event.time, reason: event.reason)
            status = .awaitingApproval
        case .approvalGranted, .approvalDenied:
            if case .approvalGranted = event.body { approval?.state = .granted } else { approval?.state = .denied }
            approval?.decidedBy = event.actor
            approval?.decidedAt = event.time
            approval?.reason = event.reason
            // An approval asked for while the case waits for the user (a lost secret's reissue)
            // returns it to that wait.
            status = runbook.step(currentStep)?.awaits != nil ? .awaitingEnrolment : .open
        case .runbookMigrated(let migration):
            runbookSHA256 = migration.to
        case .incidentDeclared(let step, _):
            incidentDeclared = true
            currentStep = step
            status = .incident
            outcome = nil
        case .actionRequested(let request):
            pendingAction = PendingAction(idempotencyKey: request.idempotencyKey, action: request.action, event: request.completion,
                                          step: request.move.step, next: request.move.next, values: request.move.values,
                                          reason: event.reason, requestedBy: event.actor, requestedAt: event.time,
                                          reissue: request.reissue)
            status = .actionPending
        case .actionFailed:
            pendingAction = nil
            // A reissue that failed leaves the case where it waited for the user.
            if runbook.step(currentStep)?.awaits != nil {
                status = .awaitingEnrolment
            } else {
                status = currentStepIsIncident(runbook) ? .incident : .open
            }
        case .actionCompleted(let completion):
            completedActions.append(CompletedAction(action: completion.request.action, event: completion.request.completion,
                                                    step: completion.request.move.step, by: event.actor, at: event.time))
            pendingAction = nil
            completeStep(completion.request.move, at: event.time, runbook: runbook)
        case .factorEnrolled(let enrolment):
            enrolledFactor = EnrolledFactor(kind: enrolment.kind, label: enrolment.label, enrolledAt: enrolment.enrolledAt,
                                            enrolledFrom: enrolment.enrolledFrom)
            enrolmentDeadline = nil
            completeStep(enrolment.move, at: event.time, runbook: runbook)
        case .stepCompleted(let completion):
            if let evidence = completion.verification {
                verification = Verification(method: evidence.method, term: evidence.term, at: event.time,
                                            reference: evidence.reference, by: event.actor)
            }
            if let linked = completion.linkedCaseID { linkedCases.append(linked) }
            completeStep(completion.move, at: event.time, runbook: runbook)
        }
    }

    private mutating func completeStep(_ move: StepMove, at time: Date, runbook: Runbook) {
        stepValues[move.step] = move.values
        completedSteps.removeAll { $0 == move.step }
        completedSteps.append(move.step)
        refusedSteps.remove(move.step)
        if move.step == runbook.start { resumeAfterVerification = nil }
        currentStep = move.next
        guard let nextStep = runbook.step(move.next) else { return }
        if nextStep.awaits != nil {
            status = .awaitingEnrolment
            enrolmentDeadline = time.addingTimeInterval(Double(runbook.settings.enrolmentDeadlineHours) * 3600)
        } else if !nextStep.terminal {
            status = currentStepIsIncident(runbook) ? .incident : .open
        }
        // A terminal next step is closed by the case.closed event that follows.
    }

    /// Whether the current step lies on the incident path (reached from the incident entry).
    func currentStepIsIncident(_ runbook: Runbook) -> Bool {
        incidentDeclared && runbook.incidentEntry != nil
    }
}

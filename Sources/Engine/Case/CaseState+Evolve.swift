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
        guard event.type == EventType.caseOpened else { return nil }
        self.init(caseID: event.caseID, runbookID: event.string("runbook") ?? runbook.id,
                  runbookVersion: event.payload["runbookVersion"]?.numberValue.map { Int($0) } ?? runbook.version,
                  subject: event.subject, openedBy: event.actor, openedAt: event.time,
                  linkedFrom: event.string("linkedFrom"),
                  linkedFromIncident: event.payload["linkedFromIncident"]?.boolValue ?? false,
                  startStep: event.string("startStep") ?? runbook.start)
        eventCount = 1
    }

    /// Applies one event. Unknown event types only count: an older build reading a newer log
    /// must not misread what it does not understand.
    public mutating func apply(_ event: CaseEvent, runbook: Runbook) {
        eventCount += 1
        lastEventAt = event.time
        let payload = event.payload
        switch event.type {
        case EventType.caseClosed:
            status = .closed
            outcome = event.string("outcome")
            if let step = event.string("step") { currentStep = step }
        case EventType.caseEscalated:
            let step = event.string("step") ?? currentStep
            escalation = Escalation(signal: event.string("signal") ?? "", reason: event.reason ?? "", step: step,
                                    by: event.actor, at: event.time)
            refusedSteps.insert(step)
            status = .escalated
        case EventType.caseReopened:
            signals = []
            activityAcknowledgedThrough = event.time
            escalation = nil
            status = currentStepIsIncident(runbook) ? .incident : .open
        case EventType.casePaused:
            statusBeforePause = status
            status = .paused
        case EventType.caseResumed:
            status = statusBeforePause ?? .open
            statusBeforePause = nil
        case EventType.refusalUpheld:
            break // the case.closed that follows it closes the case
        case EventType.noteAdded:
            notes.append(CaseNote(kind: CaseNote.Kind(rawValue: event.string("kind") ?? "") ?? .note,
                                  text: event.reason ?? "", by: event.actor, at: event.time))
        case EventType.signalRaised:
            signals.append(RaisedSignal(signal: event.string("signal") ?? "", reason: event.reason ?? "",
                                        by: event.actor, at: event.time))
        case EventType.verificationRestarted:
            verification = nil
            // An approval was given on the strength of the old verification; it does not carry over.
            approval = nil
            resumeAfterVerification = event.string("from")
            currentStep = event.string("step") ?? runbook.start
            status = .open
        case "verification.rejected":
            rejectedVerificationAttempts += 1
        case EventType.approvalRequested:
            approval = Approval(state: .requested, requestedBy: event.actor, requestedAt: event.time, reason: event.reason)
            status = .awaitingApproval
        case EventType.approvalGranted, EventType.approvalDenied:
            approval?.state = event.type == EventType.approvalGranted ? .granted : .denied
            approval?.decidedBy = event.actor
            approval?.decidedAt = event.time
            approval?.reason = event.reason
            status = .open
        case EventType.incidentDeclared:
            incidentDeclared = true
            currentStep = event.string("step") ?? runbook.incidentEntry ?? currentStep
            status = .incident
            outcome = nil
        default:
            if event.type.hasSuffix(".requested"), let key = event.string("idempotencyKey") {
                pendingAction = PendingAction(idempotencyKey: key, action: event.string("action") ?? "",
                                              event: String(event.type.dropLast(".requested".count)),
                                              step: event.string("step") ?? currentStep, next: event.string("next") ?? "",
                                              values: Self.strings(payload["values"]), reason: event.reason,
                                              requestedBy: event.actor, requestedAt: event.time)
                status = .actionPending
            } else if event.type.hasSuffix(".failed"), event.string("idempotencyKey") != nil {
                pendingAction = nil
                status = currentStepIsIncident(runbook) ? .incident : .open
            } else if let step = event.string("step"), let next = event.string("next") {
                completeStep(step, next: next, event: event, runbook: runbook)
            }
        }
    }

    private mutating func completeStep(_ stepID: String, next: String, event: CaseEvent, runbook: Runbook) {
        let values = Self.strings(event.payload["values"])
        stepValues[stepID] = values
        completedSteps.removeAll { $0 == stepID }
        completedSteps.append(stepID)
        refusedSteps.remove(stepID)

        if event.type == "verification.recorded", let method = event.string("method") {
            verification = Verification(method: method, term: event.string("term") ?? method, at: event.time,
                                        reference: event.string("reference"), by: event.actor)
        }
        if let action = event.string("action") {
            completedActions.append(CompletedAction(action: action, event: event.type, step: stepID, by: event.actor, at: event.time))
            pendingAction = nil
        }
        if event.type == EventType.factorEnrolled, let factor = event.payload["factor"] {
            enrolledFactor = EnrolledFactor(kind: factor["kind"]?.stringValue ?? "", label: factor["label"]?.stringValue ?? "",
                                            enrolledAt: factor["enrolledAt"]?.numberValue.map { Date(timeIntervalSince1970: $0) } ?? event.time)
            enrolmentDeadline = nil
        }
        if let linked = event.string("linkedCaseID") { linkedCases.append(linked) }

        if stepID == runbook.start { resumeAfterVerification = nil }
        currentStep = next
        guard let nextStep = runbook.step(next) else { return }
        if nextStep.awaits != nil {
            status = .awaitingEnrolment
            enrolmentDeadline = event.time.addingTimeInterval(Double(runbook.settings.enrolmentDeadlineHours) * 3600)
        } else if !nextStep.terminal {
            status = currentStepIsIncident(runbook) ? .incident : .open
        }
        // A terminal next step is closed by the case.closed event that follows.
    }

    /// Whether the current step lies on the incident path (reached from the incident entry).
    func currentStepIsIncident(_ runbook: Runbook) -> Bool {
        incidentDeclared && runbook.incidentEntry != nil
    }

    static func strings(_ value: JSONValue?) -> [String: String] {
        guard let object = value?.objectValue else { return [:] }
        return object.compactMapValues(\.stringValue)
    }
}

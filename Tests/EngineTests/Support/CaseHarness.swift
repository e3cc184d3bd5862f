import Foundation
import Runbook
import Engine

/// One case worked against the pure engine, with everything the edges would hand it held
/// as plain values: the shipped runbook, a fixed clock, a time zone, the platform's facts
/// about the subject, and the event log so far.
///
/// The harness plays the Store's part and nothing more: every event a decision carries is
/// appended and folded into the state with `CaseState.apply`, including events a refusal
/// carries (a refused verification attempt is part of the audit trail). It never decides
/// anything itself, so what a test asserts is what the engine decided.
final class CaseHarness {
    /// The moment every test starts at: a Sunday morning, 10:00 UTC.
    static let startTime = Date("2026-05-17T10:00:00Z")
    static let caseID = "CASE-1"

    /// The shipped runbook; a test may tune its settings.
    var runbook: Runbook
    var now: Date
    var timeZone: TimeZone
    var facts: PlatformFacts
    /// Who acts when a call does not say otherwise: the agent on the call.
    var defaultActor: Actor
    var training = false
    /// Handed to the engine as `newCaseID`, for the step that opens a linked case.
    var newCaseID: String?
    /// The organisation's domains and default country code (its time zone is `timeZone`).
    var organisation: Organisation? = Organisation(domains: ["example.com"], timeZone: .utc)

    private(set) var events: [CaseEvent] = []
    private(set) var state: CaseState?

    init(facts: PlatformFacts = Subject.facts(), timeZone: TimeZone = .utc, actor: Actor = Operators.alice,
         now: Date = CaseHarness.startTime) throws {
        self.runbook = try ShippedRunbook.load()
        self.facts = facts
        self.timeZone = timeZone
        self.defaultActor = actor
        self.now = now
    }

    // MARK: - Context and clock

    /// Another operator holding the case (its lease), as the edges report it.
    var heldBy: String?

    func context(as actor: Actor? = nil) -> DecisionContext {
        var context = DecisionContext(runbook: runbook, actor: actor ?? defaultActor, facts: facts, now: now, timeZone: timeZone,
                                      newCaseID: newCaseID, training: training, organisation: organisation)
        context.heldBy = heldBy
        return context
    }

    func advance(minutes: Double = 0, hours: Double = 0, seconds: Double = 0) {
        now = now.addingTimeInterval(seconds + minutes * 60 + hours * 3600)
    }

    // MARK: - Commands

    /// Opens the case; on acceptance the opening event starts the log.
    @discardableResult
    func open(as actor: Actor? = nil, caseID: String = CaseHarness.caseID, subject: String = Subject.email,
              linkedFrom: String? = nil, linkedFromIncident: Bool = false, history: SubjectHistory = .none,
              incidentWorkers: [String]? = nil, incidentSuspension: String? = nil) -> Decision {
        let decision = CaseEngine.open(caseID: caseID, subject: subject, context: context(as: actor),
                                       linkedFrom: linkedFrom, linkedFromIncident: linkedFromIncident, history: history,
                                       incidentWorkers: incidentWorkers, incidentSuspension: incidentSuspension)
        if decision.isAccepted, let first = decision.events.first, var opened = CaseState(opening: first, runbook: runbook) {
            for event in decision.events.dropFirst() { opened.apply(event, runbook: runbook) }
            state = opened
            events = decision.events
        }
        return decision
    }

    /// Decides `command` against the current state and commits whatever events come back.
    @discardableResult
    func decide(_ command: CaseCommand, as actor: Actor? = nil) -> Decision {
        guard let current = state else { preconditionFailure("open the case before deciding commands on it") }
        let decision = CaseEngine.decide(command, state: current, context: context(as: actor))
        for event in decision.events {
            state?.apply(event, runbook: runbook)
            events.append(event)
        }
        return decision
    }

    @discardableResult
    func submit(_ stepID: String, _ values: [String: String], as actor: Actor? = nil) -> Decision {
        decide(.submit(step: stepID, values: values), as: actor)
    }

    /// Facts typed from the admin console (ManualConsole's `case facts`), decided by the engine.
    @discardableResult
    func typeFacts(_ facts: [String: JSONValue], as actor: Actor? = nil) -> Decision {
        guard let current = state else { preconditionFailure("open the case before typing facts") }
        let decision = CaseEngine.recordFacts(facts, source: "manual", state: current, context: context(as: actor))
        for event in decision.events {
            state?.apply(event, runbook: runbook)
            events.append(event)
        }
        return decision
    }

    /// The platform reports the pending action done: `completeAction` with the pending key.
    @discardableResult
    func completePendingAction(details: [String: JSONValue] = [:], as actor: Actor? = nil) -> Decision {
        decide(.completeAction(idempotencyKey: state?.pendingAction?.idempotencyKey ?? "(none pending)", details: details), as: actor)
    }

    /// The user enrols a new factor now; the platform's facts show it, and the engine is asked to see it.
    @discardableResult
    func enrolNewFactor(kind: String = "webauthn", label: String = "YubiKey 5C") -> Decision {
        facts.factors.append(EnrolledFactor(kind: kind, label: label, enrolledAt: now, enrolledFrom: Subject.familiarAddress))
        return decide(.observeEnrolment)
    }

    // MARK: - Reading

    var currentState: CaseState {
        guard let state else { preconditionFailure("the case is not open") }
        return state
    }

    var eventTypes: [String] { events.map(\.type) }

    func step(_ id: String) -> Step {
        guard let step = runbook.step(id) else { preconditionFailure("the shipped runbook has no step \(id)") }
        return step
    }

    func evaluate(_ stepID: String, _ values: [String: String], as actor: Actor? = nil) -> StepEvaluation {
        CaseEngine.evaluate(step: step(stepID), values: values, state: currentState, context: context(as: actor))
    }

    func prefill(_ stepID: String, as actor: Actor? = nil) -> [String: String] {
        CaseEngine.prefill(step: step(stepID), state: currentState, context: context(as: actor))
    }

    /// The state rebuilt from the log alone, as the Store would after a restart.
    var replayed: CaseState? { CaseState.replay(events, runbook: runbook) }
}

import Engine
import Foundation
import Platform
import Runbook
import Store

/// The edge that turns an operator's command into committed events: it reads the case under
/// the write lock, gathers the platform's facts, asks the Engine to decide, commits what was
/// decided (refused attempts included), and only then carries out the decision's effects,
/// recording each outcome as an event of its own. Shared by the command line and the wizard.
public final class CaseService {
    public let store: HandrailStore
    public let platform: IdentityPlatform
    public let runbooks: (String) -> Runbook?
    public let timeZone: TimeZone
    public let clock: () -> Date
    public let newCaseID: () -> String
    /// How long acting on a case holds it against other operators.
    public var leaseDuration: TimeInterval = 15 * 60

    public init(store: HandrailStore, platform: IdentityPlatform, runbooks: @escaping (String) -> Runbook?,
                timeZone: TimeZone, clock: @escaping () -> Date = { EventTime.truncated(Date()) },
                newCaseID: @escaping () -> String = CaseID.random) {
        self.store = store
        self.platform = platform
        self.runbooks = runbooks
        self.timeZone = timeZone
        self.clock = clock
        self.newCaseID = newCaseID
    }

    // MARK: - Reading

    /// A case as it stands: its events, state, runbook and the platform's facts.
    public func snapshot(_ caseID: String, actor: Actor) throws -> CaseSnapshot {
        let history = try store.events(caseID: caseID)
        guard let first = history.first else { throw StoreError.caseNotFound(caseID) }
        let runbook = try runbook(for: first.event)
        guard let state = CaseState.replay(history.map(\.event), runbook: runbook) else { throw StoreError.caseNotFound(caseID) }
        let now = clock()
        let facts = try platform.facts(subject: state.subject, history: history.map(\.event), now: now)
        let record = try store.caseRecord(caseID)
        return CaseSnapshot(history: history, state: state, runbook: runbook, facts: facts, record: record,
                            context: DecisionContext(runbook: runbook, actor: actor, facts: facts, now: now, timeZone: timeZone),
                            missingFacts: state.status == .closed ? [] : runbook.step(state.currentStep).map {
                                platform.missingFacts(for: $0, values: [:], history: history.map(\.event))
                            } ?? [])
    }

    func runbook(for opening: CaseEvent) throws -> Runbook {
        let id = opening.payload["runbook"]?.stringValue ?? ""
        guard let runbook = runbooks(id) else { throw CaseServiceError.runbookMissing(id) }
        return runbook
    }

    // MARK: - Opening

    public func open(subject: String, runbookID: String, actor: Actor, linkedFrom: String? = nil,
                     linkedFromIncident: Bool = false) throws -> CaseOutcome {
        guard let runbook = runbooks(runbookID) else { throw CaseServiceError.runbookMissing(runbookID) }
        let caseID = newCaseID()
        let context = DecisionContext(runbook: runbook, actor: actor, facts: PlatformFacts(user: UserRecord(email: subject, displayName: subject)),
                                      now: clock(), timeZone: timeZone)
        let decision = CaseEngine.open(caseID: caseID, subject: subject, context: context, linkedFrom: linkedFrom,
                                       linkedFromIncident: linkedFromIncident)
        if let refusal = decision.refusal { return CaseOutcome(caseID: caseID, stored: [], refusal: refusal) }
        guard let state = CaseState(opening: decision.events[0], runbook: runbook) else {
            throw CaseServiceError.runbookMissing(runbookID)
        }
        let stored = try store.append(decision.events, caseID: caseID, expectedLastCaseSeq: 0, projection: CaseProjection(state: state),
                                      lease: LeaseRequest(login: actor.login, now: context.now, duration: leaseDuration))
        return CaseOutcome(caseID: caseID, stored: stored, refusal: nil)
    }

    // MARK: - Acting

    /// Decides and commits `command`, then carries out its effects. `attestation` completes a
    /// ManualConsole action in the same call.
    public func perform(_ command: CaseCommand, on caseID: String, actor: Actor, attestation: String? = nil) throws -> CaseOutcome {
        var outcome = try decideAndCommit(caseID: caseID, actor: actor) { snapshot in
            if case .submit(let stepID, let values) = command, let step = snapshot.runbook.step(stepID),
               stepID == snapshot.state.currentStep {
                let missing = self.platform.missingFacts(for: step, values: values, history: snapshot.history.map(\.event))
                if !missing.isEmpty { return .refused(Self.missingFactsRefusal(missing, caseID: caseID)) }
            }
            return CaseEngine.decide(command, state: snapshot.state, context: snapshot.context)
        }
        guard outcome.refusal == nil else { return outcome }
        for effect in outcome.effects {
            switch effect {
            case .performAction(let name, let key, let subject):
                let request = ActionRequest(action: name, idempotencyKey: key, subject: subject, actor: actor.login, attestation: attestation)
                outcome.merge(try carryOut(request, caseID: caseID, actor: actor))
            case .openLinkedCase(let newID, let subject, let linkedFrom):
                let snapshot = try snapshot(caseID, actor: actor)
                outcome.merge(try openLinked(newID, subject: subject, linkedFrom: linkedFrom, runbook: snapshot.runbook, actor: actor))
            }
        }
        return outcome
    }

    /// Completes (or fails) the pending action with the operator's word: ManualConsole's attestation,
    /// or the answer to "did it happen?" after a crash between request and completion.
    public func attest(_ caseID: String, actor: Actor, attestation: String?, failure: String? = nil) throws -> CaseOutcome {
        let snapshot = try snapshot(caseID, actor: actor)
        guard let pending = snapshot.state.pendingAction else {
            return CaseOutcome(caseID: caseID, stored: [], refusal: Refusal(.invalid, "No platform action is pending on case \(caseID)"))
        }
        if let failure {
            return try decideAndCommit(caseID: caseID, actor: actor) { s in
                CaseEngine.decide(.failAction(idempotencyKey: pending.idempotencyKey, error: failure), state: s.state, context: s.context)
            }
        }
        let request = ActionRequest(action: pending.action, idempotencyKey: pending.idempotencyKey, subject: snapshot.state.subject,
                                    actor: actor.login, attestation: attestation)
        return try carryOut(request, caseID: caseID, actor: actor)
    }

    /// Asks the platform to act, then records what happened. A platform that already carried out
    /// this key (a retry after a crash) reports the earlier outcome instead of acting twice.
    private func carryOut(_ request: ActionRequest, caseID: String, actor: Actor) throws -> CaseOutcome {
        let result: ActionOutcome
        if let earlier = try platform.outcome(of: request) {
            result = earlier
        } else {
            result = try platform.perform(request)
        }
        switch result {
        case .awaitingAttestation(let instructions):
            var outcome = CaseOutcome(caseID: caseID, stored: [], refusal: nil)
            outcome.instructions = instructions
            return outcome
        case .failed(let why):
            return try decideAndCommit(caseID: caseID, actor: actor) { s in
                CaseEngine.decide(.failAction(idempotencyKey: request.idempotencyKey, error: why), state: s.state, context: s.context)
            }
        case .completed(let details, let secrets):
            var outcome = try decideAndCommit(caseID: caseID, actor: actor) { s in
                CaseEngine.decide(.completeAction(idempotencyKey: request.idempotencyKey, details: details), state: s.state, context: s.context)
            }
            outcome.shownOnce = secrets
            return outcome
        }
    }

    private func openLinked(_ newID: String, subject: String, linkedFrom: String, runbook: Runbook, actor: Actor) throws -> CaseOutcome {
        let context = DecisionContext(runbook: runbook, actor: actor, facts: PlatformFacts(user: UserRecord(email: subject, displayName: subject)),
                                      now: clock(), timeZone: timeZone)
        let decision = CaseEngine.open(caseID: newID, subject: subject, context: context, linkedFrom: linkedFrom, linkedFromIncident: true)
        guard decision.refusal == nil, let state = CaseState(opening: decision.events[0], runbook: runbook) else {
            return CaseOutcome(caseID: linkedFrom, stored: [], refusal: decision.refusal)
        }
        var outcome = CaseOutcome(caseID: linkedFrom, stored: [], refusal: nil)
        outcome.linkedCase = newID
        outcome.stored = try store.append(decision.events, caseID: newID, expectedLastCaseSeq: 0, projection: CaseProjection(state: state))
        return outcome
    }

    /// Records typed platform facts (ManualConsole) as a `facts.recorded` event.
    public func recordFacts(_ facts: [String: JSONValue], on caseID: String, actor: Actor) throws -> CaseOutcome {
        return try decideAndCommit(caseID: caseID, actor: actor) { s in
            if let refusal = CaseEngine.permissionToWork(s.context) { return .refused(refusal) }
            if s.state.status == .closed { return .refused(Refusal(.invalid, "Case \(caseID) is closed")) }
            return .accepted([CaseEvent(type: ManualConsole.factsEvent, caseID: caseID, subject: s.state.subject, actor: actor.login,
                                        time: s.context.now, payload: ["source": .string(self.platform.name), "facts": .object(facts),
                                                                       "step": .string(s.state.currentStep)])])
        }
    }

    public func release(_ caseID: String, actor: Actor) throws {
        try store.releaseLease(caseID: caseID, login: actor.login)
    }

    /// One read-decide-append under the write lock, holding the case for the actor in the same
    /// transaction. Refusals still commit the events they carry (a refused verification attempt
    /// is audit), but no effects run.
    private func decideAndCommit(caseID: String, actor: Actor, _ decide: @escaping (CaseSnapshot) throws -> Decision) throws -> CaseOutcome {
        let lease = LeaseRequest(login: actor.login, now: clock(), duration: leaseDuration)
        let result = try store.modifyCase(caseID, lease: lease) { history -> (events: [CaseEvent], projection: CaseProjection?, result: Decision) in
            guard let first = history.first else { throw StoreError.caseNotFound(caseID) }
            let runbook = try self.runbook(for: first.event)
            guard var state = CaseState.replay(history.map(\.event), runbook: runbook) else { throw StoreError.caseNotFound(caseID) }
            let now = self.clock()
            let facts = try self.platform.facts(subject: state.subject, history: history.map(\.event), now: now)
            let snapshot = CaseSnapshot(history: history, state: state, runbook: runbook, facts: facts, record: nil,
                                        context: DecisionContext(runbook: runbook, actor: actor, facts: facts, now: now,
                                                                 timeZone: self.timeZone, newCaseID: self.newCaseID()),
                                        missingFacts: [])
            let decision = try decide(snapshot)
            for event in decision.events { state.apply(event, runbook: runbook) }
            return (decision.events, CaseProjection(state: state), decision)
        }
        return CaseOutcome(caseID: caseID, stored: result.stored, refusal: result.result.refusal, effects: result.result.effects)
    }

    static func missingFactsRefusal(_ missing: [MissingFact], caseID: String) -> Refusal {
        let lines = missing.map { "\($0.description) (\($0.consoleScreen)), e.g. \($0.example)" }
        return Refusal(.gate, "Type these facts from the admin console first, with handrail case facts \(caseID) KEY=VALUE…: "
                       + lines.joined(separator: "; "),
                       failedChecks: missing.map { CheckOutcome(name: "fact.\($0.key)", label: "Fact: \($0.description)", passed: false,
                                                                 message: "not typed yet; read it from \($0.consoleScreen)") })
    }
}

/// A case as read for display or decision.
public struct CaseSnapshot {
    public var history: [StoredEvent]
    public var state: CaseState
    public var runbook: Runbook
    public var facts: PlatformFacts
    public var record: CaseRecord?
    public var context: DecisionContext
    /// Facts the platform still needs typed before the current step can be decided.
    public var missingFacts: [MissingFact]
}

/// What a command did: events committed, a refusal, secrets to show once, what to do next.
public struct CaseOutcome {
    public var caseID: String
    public var stored: [StoredEvent]
    public var refusal: Refusal?
    public var effects: [Effect] = []
    /// Generated backup codes or a temporary password: shown to the operator once, stored nowhere.
    public var shownOnce: [String] = []
    /// What the operator must now do in the admin console (ManualConsole).
    public var instructions: String?
    public var linkedCase: String?

    mutating func merge(_ other: CaseOutcome) {
        stored += other.stored
        refusal = refusal ?? other.refusal
        shownOnce += other.shownOnce
        instructions = other.instructions ?? instructions
        linkedCase = other.linkedCase ?? linkedCase
    }
}

public enum CaseServiceError: Error, Equatable, CustomStringConvertible {
    case runbookMissing(String)

    public var description: String {
        switch self {
        case .runbookMissing(let id): return "the runbook \"\(id)\" is not in the runbook folder"
        }
    }
}

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
    /// Training cases, on a training tenant: the only place trainees may act.
    public var training = false

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
        remember(history, of: caseID)
        guard let first = history.first else { throw StoreError.caseNotFound(caseID) }
        let runbook = try runbook(for: first.event)
        guard let state = CaseState.replay(history.map(\.event), runbook: runbook) else { throw StoreError.caseNotFound(caseID) }
        let now = clock()
        let facts = try platform.facts(subject: state.subject, history: history.map(\.event), now: now)
        let record = try store.caseRecord(caseID)
        return CaseSnapshot(history: history, state: state, runbook: runbook, facts: facts, record: record,
                            context: DecisionContext(runbook: runbook, actor: actor, facts: facts, now: now, timeZone: timeZone, training: training),
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
        // The platform must know the subject: a case for a user who does not exist is a typo or a probe.
        do {
            _ = try platform.facts(subject: subject.lowercased(), history: [], now: clock())
        } catch {
            return CaseOutcome(caseID: "", stored: [], refusal: Refusal(.invalid, "\(error)"))
        }
        let caseID = newCaseID()
        let context = DecisionContext(runbook: runbook, actor: actor, facts: PlatformFacts(user: UserRecord(email: subject, displayName: subject)),
                                      now: clock(), timeZone: timeZone, training: training)
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
        if let refusal = try roleRefusal(caseID, actor: actor, command: command) {
            return CaseOutcome(caseID: caseID, stored: [], refusal: refusal)
        }
        let attested: String?
        switch Self.typedText(attestation, what: "attestation") {
        case .failure(let refusal): return CaseOutcome(caseID: caseID, stored: [], refusal: refusal)
        case .success(let text): attested = text
        }
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
                let request = try actionRequest(name, key: key, subject: subject, caseID: caseID, actor: actor, attestation: attested)
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
        if let refusal = CaseEngine.permissionToWork(snapshot.context) {
            return CaseOutcome(caseID: caseID, stored: [], refusal: refusal)
        }
        let attested: String?, failed: String?
        switch (Self.typedText(attestation, what: "attestation"), Self.typedText(failure, what: "failure")) {
        case (.failure(let refusal), _), (_, .failure(let refusal)): return CaseOutcome(caseID: caseID, stored: [], refusal: refusal)
        case (.success(let a), .success(let f)): (attested, failed) = (a, f)
        }
        guard let pending = snapshot.state.pendingAction else {
            // An action was requested and its outcome is already recorded (by another terminal, or
            // by this command before a crash): the case changed under the operator (exit 5), as the
            // Engine says of a second completion. With no action ever requested, the command does not fit.
            let settled = snapshot.history.contains { $0.event.payload["idempotencyKey"] != nil }
            return CaseOutcome(caseID: caseID, stored: [], refusal: settled
                ? Refusal(.stale, "No platform action is pending on case \(caseID): the outcome of the last one was already recorded; reload it")
                : Refusal(.invalid, "No platform action is pending on case \(caseID)"))
        }
        if let failed {
            return try decideAndCommit(caseID: caseID, actor: actor) { s in
                CaseEngine.decide(.failAction(idempotencyKey: pending.idempotencyKey, error: failed), state: s.state, context: s.context)
            }
        }
        let request = try actionRequest(pending.action, key: pending.idempotencyKey, subject: snapshot.state.subject, caseID: caseID,
                                        actor: actor, attestation: attested)
        return try carryOut(request, caseID: caseID, actor: actor)
    }

    /// Resumes a case whose platform action was requested but whose outcome was never recorded
    /// (the process died in between): asks the platform what became of the request, and records
    /// it; a platform that never saw it carries it out now, once, under the same key. ManualConsole
    /// cannot know, so it asks the operator to attest.
    public func resumePendingAction(_ caseID: String, actor: Actor) throws -> CaseOutcome {
        let snapshot = try snapshot(caseID, actor: actor)
        if let refusal = CaseEngine.permissionToWork(snapshot.context) {
            return CaseOutcome(caseID: caseID, stored: [], refusal: refusal)
        }
        guard let pending = snapshot.state.pendingAction, snapshot.state.status == .actionPending else {
            return CaseOutcome(caseID: caseID, stored: [], refusal: nil)
        }
        let request = try actionRequest(pending.action, key: pending.idempotencyKey, subject: snapshot.state.subject, caseID: caseID,
                                        actor: actor, attestation: nil)
        return try carryOut(request, caseID: caseID, actor: actor)
    }

    /// The request the platform gets: the runbook's lifetime for generated secrets, and whether a
    /// temporary password also lifts an incident's suspension (only in a case linked from one).
    private func actionRequest(_ name: String, key: String, subject: String, caseID: String, actor: Actor,
                               attestation: String?) throws -> ActionRequest {
        let snapshot = try snapshot(caseID, actor: actor)
        let settings = snapshot.runbook.settings
        let lifetime: TimeInterval? = switch name {
        case "generateBackupCodes": Double(settings.backupCodeExpiryMinutes) * 60
        case "setTemporaryPassword": Double(settings.temporaryPasswordExpiryHours) * 3600
        default: nil
        }
        return ActionRequest(action: name, idempotencyKey: key, subject: subject, actor: actor.login, attestation: attestation,
                             now: clock(), secretLifetime: lifetime, reinstate: snapshot.state.linkedFromIncident)
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
                                      now: clock(), timeZone: timeZone, training: training)
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
        if let refusal = try roleRefusal(caseID, actor: actor, command: nil) {
            return CaseOutcome(caseID: caseID, stored: [], refusal: refusal)
        }
        return try decideAndCommit(caseID: caseID, actor: actor) { s in
            if let refusal = CaseEngine.permissionToWork(s.context) { return .refused(refusal) }
            if s.state.status == .closed { return .refused(Refusal(.invalid, "Case \(caseID) is closed")) }
            return .accepted([CaseEvent(type: ManualConsole.factsEvent, caseID: caseID, subject: s.state.subject, actor: actor.login,
                                        time: s.context.now, payload: ["source": .string(self.platform.name), "facts": .object(facts),
                                                                       "step": .string(s.state.currentStep)])])
        }
    }

    /// Whether the actor's role may do this at all, asked before the case is held: an auditor must
    /// hear that auditors change no case (exit 4), not that someone else holds it (exit 5, "retry later").
    private func roleRefusal(_ caseID: String, actor: Actor, command: CaseCommand?) throws -> Refusal? {
        CaseEngine.permission(actor: actor, training: training, command: command)
    }

    /// What the operator typed as an attestation or a failure is stored and shown like any field:
    /// plain text (no control characters or escape sequences), of bounded length, normalised.
    /// Blank stays as typed: it means none.
    static func typedText(_ text: String?, what: String) -> Result<String?, Refusal> {
        guard let text else { return .success(nil) }
        let field = Field(id: what, label: what, kind: .text, maxLength: FieldValidator.defaultMaximumLength)
        switch FieldValidator.normalise(text, for: field) {
        case .success(let clean): return .success(clean)
        case .failure(.missing): return .success(text)
        case .failure(.invalid(let message)): return .failure(Refusal(.invalid, "The \(what) \(message)"))
        }
    }

    /// The histories this service last saw, so the next decision on a case need not read it again
    /// (the store checks, under the write lock, that nothing was appended meanwhile).
    private var knownHistories: [String: [StoredEvent]] = [:]

    private func remember(_ history: [StoredEvent], of caseID: String) {
        if knownHistories.count > 64 { knownHistories.removeAll() }
        knownHistories[caseID] = history
    }

    public func release(_ caseID: String, actor: Actor) throws {
        try store.releaseLease(caseID: caseID, login: actor.login)
    }

    /// One read-decide-append under the write lock, holding the case for the actor in the same
    /// transaction. Refusals still commit the events they carry (a refused verification attempt
    /// is audit), but no effects run.
    private func decideAndCommit(caseID: String, actor: Actor, _ decide: @escaping (CaseSnapshot) throws -> Decision) throws -> CaseOutcome {
        let lease = LeaseRequest(login: actor.login, now: clock(), duration: leaseDuration)
        var used: [StoredEvent] = []
        let result = try store.modifyCase(caseID, lease: lease, knownHistory: knownHistories[caseID]) { history -> (events: [CaseEvent], projection: CaseProjection?, result: Decision) in
            used = history
            guard let first = history.first else { throw StoreError.caseNotFound(caseID) }
            let runbook = try self.runbook(for: first.event)
            guard var state = CaseState.replay(history.map(\.event), runbook: runbook) else { throw StoreError.caseNotFound(caseID) }
            let now = self.clock()
            let facts = try self.platform.facts(subject: state.subject, history: history.map(\.event), now: now)
            let snapshot = CaseSnapshot(history: history, state: state, runbook: runbook, facts: facts, record: nil,
                                        context: DecisionContext(runbook: runbook, actor: actor, facts: facts, now: now,
                                                                 timeZone: self.timeZone, newCaseID: self.newCaseID(), training: self.training),
                                        missingFacts: [])
            let decision = try decide(snapshot)
            for event in decision.events { state.apply(event, runbook: runbook) }
            return (decision.events, CaseProjection(state: state), decision)
        }
        remember(used + result.stored, of: caseID)
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

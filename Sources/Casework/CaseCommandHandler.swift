import Engine
import Foundation
import Platform
import Runbook
import Store

/// The deciding side of the application layer: turns an operator's command into committed
/// events. The case and the platform's facts are read first, outside any write transaction (a
/// slow identity platform must not stall every other operator's commit); the Engine decides;
/// and the decision is committed only if the case has not changed since it was read. When
/// another terminal appended first, the case is read and decided again, so the operator is
/// told what the case now says (usually "someone moved it on"), never that SQLite was busy.
public final class CaseCommandHandler {
    let context: CaseworkContext
    let reader: CaseReader
    /// Reads and decisions at most, when other terminals keep appending to the same case.
    static let attempts = 3

    public init(_ context: CaseworkContext, reader: CaseReader) {
        self.context = context
        self.reader = reader
    }

    // MARK: - Opening

    public func open(subject: String, runbookID: String, actor: Actor, linkedFrom: String? = nil,
                     linkedFromIncident: Bool = false, runbook given: Runbook? = nil, caseID chosen: String? = nil) throws -> CaseOutcome {
        guard let runbook = given ?? context.runbooks(runbookID) else { throw CaseworkError.runbookMissing(runbookID) }
        // Nothing can be recorded: said before anything is decided (a refusal would read as a gate's).
        if context.store.isReadOnly { throw StoreError.readOnly(context.store.path) }
        if !linkedFromIncident {
            // The platform must know the subject: a case for a user who does not exist is a typo or a probe.
            do {
                _ = try context.platform.facts(subject: subject.lowercased(), history: [], now: context.clock())
            } catch {
                return .refused(Refusal(.invalid, "\(error)"), caseID: "")
            }
        }
        let caseID = chosen ?? context.newCaseID()
        let email = (try? FieldValidator.normalise(subject, for: Field(id: "subject", label: "Subject", kind: .email)).get()) ?? subject.lowercased()
        // A case an incident opens remembers who worked the incident and the suspension it carried out.
        var workers: [String]?
        var suspension: String?
        if linkedFromIncident, let linkedFrom {
            let incident = try context.store.events(caseID: linkedFrom).map(\.event)
            var logins: [String] = []
            for event in incident {
                var who = [event.actor]
                if case .actionCompleted(let completion) = event.body {
                    who.append(completion.recordedBy)
                    if completion.request.action == .suspendUser { suspension = completion.request.idempotencyKey }
                }
                for login in who where !logins.contains(login) { logins.append(login) }
            }
            workers = logins
        }
        var attempt = 1
        while true {
            let now = context.clock()
            // The person's history as of now; committed only if nothing was recorded for them since,
            // so two operators opening a case for the same caller at once cannot both succeed.
            let since = now.addingTimeInterval(-Double(runbook.settings.priorRefusalLookBackDays) * 86_400)
            // Training attempts are each their own call: an earlier attempt's case is not the caller's history.
            let (history, mark): (SubjectHistory, SubjectMark?) = context.training ? (.none, nil)
                : try context.store.subjectHistory(email, since: since, now: now, flaggedTypes: Self.priorCaseEvents)
            let decisionContext = context.decisionContext(runbook: runbook, actor: actor,
                                                          facts: PlatformFacts(user: UserRecord(email: subject, displayName: subject)), now: now)
            let decision = CaseEngine.open(caseID: caseID, subject: subject, context: decisionContext, linkedFrom: linkedFrom,
                                           linkedFromIncident: linkedFromIncident, history: history, incidentWorkers: workers,
                                           incidentSuspension: suspension)
            if let refusal = decision.refusal { return .refused(refusal, caseID: caseID) }
            var events = decision.events
            if case .opened(var opening) = events[0].body {
                // The case remembers its platform and the exact runbook file it runs on.
                opening.platform = context.platform.name
                if let pin = context.runbookPin?(runbook.id) {
                    opening.runbookSHA256 = pin.sha256
                    opening.runbookFile = pin.file
                }
                events[0].body = .opened(opening)
            }
            guard var state = CaseState(opening: events[0], runbook: runbook) else { throw CaseworkError.runbookMissing(runbookID) }
            for event in events.dropFirst() { state.apply(event, runbook: runbook) }
            // A linked case is opened by the incident case's operator but not held by them: whoever
            // verifies the real user picks it up.
            let lease = linkedFromIncident ? nil : LeaseRequest(login: actor.login, now: now, duration: context.leaseDuration)
            let appended = Result { () throws(StoreError) -> [StoredEvent] in
                try context.store.append(events, caseID: caseID, expectedLastCaseSeq: 0, projection: CaseProjection(state: state),
                                         lease: lease, subjectMark: mark)
            }
            switch appended {
            case .success(let stored):
                var outcome = CaseOutcome(caseID: caseID, stored: stored)
                outcome.anchorWarnings = context.anchorAfterCommit(stored)
                return outcome
            case .failure(.subjectChanged) where attempt < Self.attempts:
                attempt += 1
            case .failure(let error):
                throw error
            }
        }
    }

    /// The events that make an earlier case for the same person a reason to stop a new one.
    static let priorCaseEvents = [EventCodec.Name.refusalUpheld, EventCodec.Name.caseEscalated, EventCodec.Name.incidentDeclared]

    // MARK: - Deciding

    /// Decides `command` and commits its events; the effects are returned, not carried out
    /// (`ActionRunner` does that). `base` is the case as the caller already read it, if it did.
    public func decide(_ command: CaseCommand, on caseID: String, actor: Actor, base: CaseSnapshot? = nil) throws -> CaseOutcome {
        if let refusal = CaseEngine.permission(actor: actor, training: context.training, command: command) {
            return .refused(refusal, caseID: caseID)
        }
        let platform = context.platform
        // A senior stepping into someone else's case (clearing prior cases, confirming a fact) does
        // not take it from the agent who holds it.
        let takesHold = command.kind != .clearPriorCases && command.kind != .confirmFacts
        // A refused take-over says why (a reason too short): the hold is what it is about.
        return try commit(caseID: caseID, actor: actor, base: base, takesHold: takesHold,
                          holdStops: command.kind != .takeOver) { snapshot in
            if let problem = snapshot.factsProblem {
                return .refused(Refusal(.gate, "The identity platform cannot report on \(snapshot.state.subject) (\(problem)): nothing can be decided on case \(caseID)"))
            }
            if case .submit(let stepID, let values) = command, let step = snapshot.runbook.step(stepID),
               stepID == snapshot.state.currentStep {
                let missing = platform.missingFacts(for: step, values: values, history: snapshot.events)
                if !missing.isEmpty { return .refused(Self.missingFactsRefusal(missing, caseID: caseID)) }
            }
            // Seeing the new factor: what its gates read about it (the sign-in that enrolled it) is
            // asked for before it is judged, never judged untyped. A factor not typed at all is
            // answered by the gate itself: no factor enrolled since the reset.
            if case .observeEnrolment = command, let step = snapshot.runbook.step(snapshot.state.currentStep), step.awaits != nil {
                let missing = platform.missingFacts(for: step, values: [:], history: snapshot.events)
                if !missing.isEmpty, !missing.contains(where: { $0.key == PlatformFact.factors.rawValue }) {
                    return .refused(Self.missingFactsRefusal(missing, caseID: caseID))
                }
            }
            return CaseEngine.decide(command, state: snapshot.state, context: snapshot.context)
        }
    }

    /// A senior admin moves a case whose runbook file changed onto the file now in the folder:
    /// decided on the case replayed under that file, recorded as `runbook.migrated` (old and new
    /// hash, the reason), after which every decision loads the new file.
    public func migrateRunbook(on caseID: String, actor: Actor, reason: String) throws -> CaseOutcome {
        let command = CaseCommand.migrateRunbook(reason: reason)
        if let refusal = CaseEngine.permission(actor: actor, training: context.training, command: command) {
            return .refused(refusal, caseID: caseID)
        }
        let base = try reader.migrationSnapshot(caseID, actor: actor)
        return try commit(caseID: caseID, actor: actor, base: base, reread: { try self.reader.migrationSnapshot(caseID, actor: actor) }) { snapshot in
            CaseEngine.decide(command, state: snapshot.state, context: snapshot.context)
        }
    }

    /// Records typed platform facts (ManualConsole) as a `facts.recorded` event.
    public func recordFacts(_ facts: [String: JSONValue], on caseID: String, actor: Actor) throws -> CaseOutcome {
        if let refusal = CaseEngine.permission(actor: actor, training: context.training, command: nil) {
            return .refused(refusal, caseID: caseID)
        }
        let source = context.platform.name
        return try commit(caseID: caseID, actor: actor, base: nil) { s in
            CaseEngine.recordFacts(facts, source: source, state: s.state, context: s.context)
        }
    }

    // MARK: - Holding a case

    /// Takes or renews the actor's hold on the case, unless someone else holds it.
    public func hold(_ caseID: String, actor: Actor) throws -> HoldResult {
        do {
            try context.store.acquireLease(caseID: caseID, login: actor.login, now: context.clock(), duration: context.leaseDuration)
            return .held
        } catch .caseHeld(_, let holder, let until) {
            return .heldBy(holder, until: until)
        }
    }

    public func release(_ caseID: String, actor: Actor) throws {
        try context.store.releaseLease(caseID: caseID, login: actor.login)
    }

    // MARK: - Committing

    /// One decision committed optimistically: decided on the case as read, appended only if the
    /// case still has exactly the events it was decided on, with the case held for the actor in
    /// the same transaction. Refusals still commit the events they carry (a refused verification
    /// attempt is audit) without taking a hold; a refusal with nothing to record writes nothing.
    func commit(caseID: String, actor: Actor, base: CaseSnapshot?, reread: (() throws -> CaseSnapshot)? = nil,
                takesHold: Bool = true, holdStops: Bool = true,
                _ decide: (CaseSnapshot) throws -> Decision) throws -> CaseOutcome {
        var snapshot = try base ?? reader.snapshot(caseID, actor: actor)
        var attempt = 1
        while true {
            snapshot.context.now = context.clock()
            snapshot.context.newCaseID = context.newCaseID()
            let decision = try decide(snapshot)
            let now = snapshot.context.now
            // A take-over takes the hold from the holder it names, in the same transaction.
            var takingOverFrom: String?
            if decision.refusal == nil, case .takenOver(let from)? = decision.events.first?.body { takingOverFrom = from }
            if decision.events.isEmpty || decision.refusal != nil {
                // Someone else's hold, not the gate, is what stops this operator: say so (exit 5).
                if holdStops, let record = try context.store.caseRecord(caseID), record.heldBySomeoneElse(than: actor.login, at: now),
                   let holder = record.holder, let until = record.leaseExpiresAt {
                    throw StoreError.caseHeld(caseID: caseID, holder: holder, until: until)
                }
                if decision.events.isEmpty {
                    var outcome = CaseOutcome(caseID: caseID, refusal: decision.refusal, effects: decision.effects)
                    outcome.decidedOn = snapshot
                    return outcome
                }
            }
            var state = snapshot.state
            for event in decision.events { state.apply(event, runbook: snapshot.runbook) }
            let appended = Result { () throws(StoreError) -> [StoredEvent] in
                try context.store.append(decision.events, caseID: caseID, expectedLastCaseSeq: snapshot.lastCaseSeq,
                                         projection: CaseProjection(state: state),
                                         // A refused attempt is recorded but takes no hold: the case stays free for whoever can act.
                                         lease: decision.refusal == nil && takesHold
                                            ? LeaseRequest(login: actor.login, now: now, duration: context.leaseDuration,
                                                           takingOverFrom: takingOverFrom) : nil)
            }
            switch appended {
            case .success(let stored):
                var outcome = CaseOutcome(caseID: caseID, stored: stored, refusal: decision.refusal, effects: decision.effects)
                // Anchored before anyone is told it succeeded.
                outcome.anchorWarnings = context.anchorAfterCommit(stored)
                snapshot.history += stored
                snapshot.state = state
                outcome.decidedOn = snapshot
                return outcome
            case .failure(.caseChanged) where attempt < Self.attempts:
                attempt += 1
                snapshot = try reread?() ?? reader.snapshot(caseID, actor: actor)
            case .failure(let error):
                throw error
            }
        }
    }

    static func missingFactsRefusal(_ missing: [MissingFact], caseID: String) -> Refusal {
        let lines = missing.map { "\($0.description) (\($0.consoleScreen)), e.g. \($0.example)" }
        return Refusal(.gate, "Type these facts from the admin console first, with handrail case facts \(caseID) KEY=VALUE…: "
                       + lines.joined(separator: "; "),
                       failedChecks: missing.map { CheckOutcome(name: "fact.\($0.key)", label: "Fact: \($0.description)", passed: false,
                                                                 message: "not typed yet; read it from \($0.consoleScreen)") })
    }
}

/// Whether the operator now holds the case, or who does.
public enum HoldResult: Sendable, Equatable {
    case held
    case heldBy(String, until: Date)
}

import Casework
import Engine
import Foundation
import Hashing
import Platform
import Store
import Terminal

/// Runs the wizard on a terminal: reads keys, feeds `Wizard.update`, carries out the effects it
/// asks for (reading and writing the store, calling the platform) and draws `Wizard.view`.
/// Every decision is committed by the effect that makes it, so quitting at any moment loses nothing.
///
/// Used from one thread, except that `audit verify` reports progress from its worker threads
/// while the calling thread waits for them; those reports take `progressLock`. Hence unchecked.
public final class WizardRuntime: @unchecked Sendable {
    public private(set) var model: WizardModel
    let terminal: TerminalDevice
    let service: CaseService
    let actor: Actor
    let clock: () -> Date

    public init(terminal: TerminalDevice, service: CaseService, actor: Actor, header: HeaderInfo, signals: [(id: String, label: String)],
                clock: @escaping () -> Date = { EventTime.truncated(Date()) }) {
        self.terminal = terminal
        self.service = service
        self.actor = actor
        self.clock = clock
        let size = terminal.size
        model = WizardModel(header: header, width: size.width, height: size.height, unicode: terminal.unicode)
        model.signals = signals
    }

    var store: HandrailStore { service.store }

    /// Where training results come from (the training database beside this one), for the
    /// senior admin's results screen; nil where there is none.
    public var trainingResults: (() throws -> [TrainingResultRow])?

    /// Set for a training attempt: plays the caller and scores the attempt.
    public var coach: TrainingCoach? {
        didSet { model.training = coach?.pane }
    }

    /// Carries out `effects` (e.g. load the queue, or open a new case for the caller) and draws the first frame.
    public func start(_ effects: [WizardEffect]) {
        for effect in effects { for message in execute(effect) { dispatch(message) } }
        draw()
    }

    /// Reads keys until the operator quits.
    public func run() {
        while !model.quitting {
            guard let key = terminal.readKey(timeoutMilliseconds: 30_000) else { continue }
            handle(key)
        }
    }

    /// One key: update, effects, redraw.
    public func handle(_ key: Key) {
        if key == .resize {
            let size = terminal.size
            dispatch(.resized(width: size.width, height: size.height))
        }
        dispatch(.key(key))
        draw()
    }

    func dispatch(_ message: WizardMessage) {
        let effects = Wizard.update(&model, message)
        for effect in effects {
            for result in execute(effect) { dispatch(result) }
        }
    }

    /// Training: after a command on a case, the caller's side of the call.
    private func coached(_ effect: WizardEffect, _ outcome: CaseOutcome, _ caseID: String) -> [WizardMessage] {
        coach?.after(effect, outcome: outcome, caseID: caseID) ?? []
    }

    func draw() {
        terminal.draw(Wizard.view(model))
    }

    // MARK: - Effects

    func execute(_ effect: WizardEffect) -> [WizardMessage] {
        do {
            switch effect {
            case .quit:
                return []
            case .loadTrainingResults:
                return [.trainingResultsLoaded(try trainingResults?() ?? [])]
            case .loadQueue:
                return [.queueLoaded(try loadQueue())]
            case .openCase(let id):
                return try openCase(id)
            case .newCase(let subject):
                let outcome = try service.open(subject: subject, runbookID: "mfa-recovery", actor: actor)
                if let refusal = outcome.refusal { return [.failed("Cannot open a case: " + refusal.message)] }
                return [.caseLoaded(try service.snapshot(outcome.caseID, actor: actor))]
            case .perform(let caseID, let command):
                let outcome = try service.perform(command, on: caseID, actor: actor)
                let coaching = coached(effect, outcome, caseID)
                return [.commandFinished(outcome, try? service.snapshot(caseID, actor: actor))] + coaching
            case .attest(let caseID, let text, let failed):
                let outcome = try service.attest(caseID, actor: actor, attestation: failed ? nil : text, failure: failed ? text : nil)
                let coaching = coached(effect, outcome, caseID)
                return [.commandFinished(outcome, try? service.snapshot(caseID, actor: actor))] + coaching
            case .resumePendingAction(let caseID):
                let outcome = try service.resumePendingAction(caseID, actor: actor)
                let coaching = coached(effect, outcome, caseID)
                return [.commandFinished(outcome, try? service.snapshot(caseID, actor: actor))] + coaching
            case .releaseCase(let id):
                try? service.release(id, actor: actor)
                return []
            case .loadAudit(let filter, let page, let pageSize):
                var rows: [AuditRow] = []
                var skipped = 0
                // Stops reading at the row after the page (which only says there is more): on a
                // log of millions, the first page must not cost a scan of all of it.
                struct PageFull: Error {}
                do {
                    try store.auditRows(filter) { row in
                        if skipped < page * pageSize { skipped += 1; return }
                        rows.append(row)
                        if rows.count > pageSize { throw PageFull() }
                    }
                } catch is PageFull {}
                return [.auditLoaded(rows: Array(rows.prefix(pageSize)), hasMore: rows.count > pageSize)]
            case .verifyAudit:
                let total = max(1, try store.eventCount())
                let report = try ChainVerifier(store: store).verify(progressInterval: max(4096, total / 50)) { [weak self] done in
                    // Progress comes from worker threads; the frame is drawn by whichever reports.
                    self?.progress(Double(done) / Double(total))
                }
                if let problem = report.problem { return [.verifyFinished("FAILED: \(problem)", ok: false)] }
                return [.verifyFinished("Chain intact: \(report.eventsChecked) events; head #\(report.headSeq) \(report.headHash.hexString)", ok: true)]
            case .exportAudit(let filter, let format, let path):
                guard let kind = AuditExporter.Format(rawValue: format) else { return [.failed("Unknown format \(format)")] }
                guard FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600]),
                      let handle = FileHandle(forWritingAtPath: path) else { return [.failed("Cannot write \(path)")] }
                defer { try? handle.close() }
                let count = try AuditExporter(store: store).export(filter, format: kind) { bytes in handle.write(Data(bytes)) }
                return [.exported("Exported \(count) events to \(path)")]
            }
        } catch let error as StoreError {
            return [.failed(error.description)]
        } catch {
            return [.failed(String(describing: error))]
        }
    }

    private let progressLock = NSLock()

    func progress(_ fraction: Double) {
        progressLock.withLock {
            model.audit.verifyProgress = fraction
            draw()
        }
    }

    /// Opens a case: held for this operator, or shown read-only with who holds it. A case waiting
    /// for enrolment is checked against the platform at once.
    func openCase(_ id: String) throws -> [WizardMessage] {
        var snapshot = try service.snapshot(id, actor: actor)
        var messages: [WizardMessage] = []
        do {
            try store.acquireLease(caseID: id, login: actor.login, now: clock(), duration: service.leaseDuration)
        } catch StoreError.caseHeld(_, let holder, let until) {
            messages.append(.caseLoaded(snapshot))
            messages.append(.failed("Held by \(holder) until \(EventTime.format(until)): read-only for you"))
            return messages
        }
        if snapshot.state.status == .awaitingEnrolment, let step = snapshot.runbook.step(snapshot.state.currentStep),
           CaseEngine.evaluate(step: step, values: [:], state: snapshot.state, context: snapshot.context).failures.isEmpty {
            let outcome = try service.perform(.observeEnrolment, on: id, actor: actor)
            snapshot = try service.snapshot(id, actor: actor)
            return [.commandFinished(outcome, snapshot)]
        }
        return [.caseLoaded(snapshot)]
    }

    /// The queue's tabs, from the projection only (no replay): cheap on a database of millions.
    func loadQueue() throws -> [QueueModel.Tab: [QueueModel.Row]] {
        let now = clock()
        // One query per status, each reading only its newest rows through the (status, updated_at)
        // index: on 50k cases this keeps the first frame independent of how many are closed.
        var active: [CaseRecord] = []
        for status in ["open", "incident", "awaiting_approval", "action_pending", "paused", "escalated", "awaiting_enrolment"] {
            active += try store.cases(statuses: [status], limit: 300)
        }
        // Newest first across statuses, as one query would have given them.
        active.sort { ($0.projection.updatedAt, $1.projection.id) > ($1.projection.updatedAt, $0.projection.id) }
        let closed = try store.cases(statuses: ["closed"], limit: 50)
        func row(_ r: CaseRecord) -> QueueModel.Row {
            let p = r.projection
            let held = r.leaseExpiresAt.map { $0 > now } == true && r.holder != actor.login ? r.holder : nil
            return QueueModel.Row(id: p.id, subject: p.subject, status: p.status, step: p.step, updated: p.updatedAt,
                                  overdue: p.overdueAt.map { $0 < now } ?? false, holder: held, outcome: p.outcome)
        }
        let rows = active.map(row)
        let mine = active.filter { $0.projection.openedBy == actor.login || $0.holder == actor.login }
            .filter { $0.projection.status != "awaiting_enrolment" }.map(row)
        let review = rows.filter { $0.status == "escalated" || $0.status == "awaiting_approval" || $0.overdue }
            .sorted { ($0.overdue ? 0 : 1, $0.updated) < ($1.overdue ? 0 : 1, $1.updated) }
        return [
            .mine: mine,
            .awaiting: rows.filter { $0.status == "awaiting_enrolment" && !$0.overdue },
            .review: review,
            .overdue: rows.filter(\.overdue),
            .closed: closed.map(row),
        ]
    }
}

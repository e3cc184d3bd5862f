import Casework
import Engine
import Foundation
import Terminal

/// Runs the wizard on a terminal: reads keys, feeds `Wizard.update`, carries out the effects it
/// asks for (through the application layer, `CaseDesk`: the wizard never touches storage itself)
/// and draws `Wizard.view`.
/// Every decision is committed by the effect that makes it, so quitting at any moment loses nothing.
///
/// Used from one thread, except that `audit verify` reports progress from its worker threads
/// while the calling thread waits for them; those reports take `progressLock`. Hence unchecked.
public final class WizardRuntime: @unchecked Sendable {
    public private(set) var model: WizardModel
    let terminal: TerminalDevice
    let desk: CaseDesk
    let actor: Actor

    public init(terminal: TerminalDevice, desk: CaseDesk, actor: Actor, header: HeaderInfo, signals: [(id: String, label: String)]) {
        self.terminal = terminal
        self.desk = desk
        self.actor = actor
        let size = terminal.size
        model = WizardModel(header: header, width: size.width, height: size.height, unicode: terminal.unicode)
        model.signals = signals
    }

    /// Where training results come from (the training database beside this one), for the
    /// senior admin's results screen; nil where there is none.
    public var trainingResults: (() throws -> [TrainingResultRow])?

    /// The event types the audit browser completes and matches (the fixed names and the runbooks').
    public var eventTypes: [String] = [] {
        didSet { model.audit.knownTypes = eventTypes }
    }

    /// The folder the audit browser offers for exports (in the user's data directory).
    public var exportFolder = "" {
        didSet { model.audit.exportFolder = exportFolder }
    }

    /// What setting up had to say (a first run: who is the senior admin, the demo tenant made):
    /// a dialog over the queue; on a case opened for a caller on the line, a line at the foot of
    /// the screen instead, so that nothing stands between the operator and the call.
    public func announce(title: String, lines: [String]) {
        if model.route == .queue, model.modal == nil {
            model.modal = Modal(kind: .message(title: title, lines: lines))
        } else if model.flash == nil {
            model.flash = title + ": " + lines.joined(separator: " · ")
            model.flashIsError = false
        }
        draw()
    }

    /// Set for a training attempt: plays the caller and scores the attempt.
    public var coach: CallCoach? {
        didSet { model.training = coach?.pane }
    }

    /// Carries out `effects` (e.g. load the queue, or open a new case for the caller) and draws the first frame.
    public func start(_ effects: [WizardEffect]) {
        for effect in effects { for message in execute(effect) { dispatch(message) } }
        checkReplication()
        draw()
    }

    /// How long the wizard waits for a key before it looks whether the open case changed elsewhere.
    public var refreshMilliseconds = 1_000

    /// How far the replica is behind, as a warning line (nil when it keeps up): asked at start
    /// and every `replicationCheckTicks` idle waits, for a senior admin's queue. Nil: not checked.
    public var replicationStatus: (() -> String?)?
    public var replicationCheckTicks = 60
    private var idleTicks = 0

    /// Asks for the replication status now and shows it.
    public func checkReplication() {
        guard let replicationStatus, actor.role == .senior else { return }
        idleTicks = 0
        dispatch(.replicationChecked(replicationStatus()))
    }

    /// Reads keys until the operator quits; between keys, re-reads an open case that another
    /// terminal or the command line changed.
    public func run() {
        while !model.quitting {
            let key = terminal.readKey(timeoutMilliseconds: refreshMilliseconds)
            if let signal = terminal.terminationSignal {
                terminate(signal)
                return
            }
            guard let key else {
                refreshIfChanged()
                idleTicks += 1
                if replicationStatus != nil, idleTicks >= replicationCheckTicks {
                    checkReplication()
                    draw()
                }
                continue
            }
            handle(key)
        }
    }

    /// The signal that ended the run (SIGHUP, SIGTERM), if one did: the caller exits with 128 + it.
    public private(set) var terminatedBy: Int32?

    /// The connection dropped or the process was told to stop: the case on screen is let go at
    /// once (not held from the other operators until its lease runs out); every decision was
    /// already committed.
    public func terminate(_ signal: Int32) {
        terminatedBy = signal
        if model.route == .caseScreen, let id = model.caseScreen?.state.caseID { _ = execute(.releaseCase(id)) }
        model.quitting = true
    }

    /// The case on screen as it now is, if someone else appended to it (one indexed read of its
    /// projection when nothing changed). What is being typed stays.
    public func refreshIfChanged() {
        guard model.route == .caseScreen, let shown = model.caseScreen?.snapshot else { return }
        let caseID = shown.state.caseID
        guard let seq = try? desk.reader.lastCaseSeq(caseID), seq != shown.lastCaseSeq,
              let snapshot = try? desk.snapshot(caseID, actor: actor) else { return }
        dispatch(.caseChanged(snapshot))
        draw()
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
            if effect.waitsForFrame {
                afterFrame.append(effect)
                continue
            }
            for result in execute(effect) { dispatch(result) }
        }
    }

    /// Effects that wait until the frame is drawn (`WizardEffect.waitsForFrame`).
    private var afterFrame: [WizardEffect] = []

    /// Carries out the effects that waited for the frame, and what they lead to, for up to
    /// `rounds` rounds (each round's results may wait for a frame again); true if there were any.
    @discardableResult
    public func catchUp(rounds: Int = .max) -> Bool {
        var round = 0
        while !afterFrame.isEmpty, round < rounds {
            let waiting = afterFrame
            afterFrame = []
            for effect in waiting { for message in execute(effect) { dispatch(message) } }
            round += 1
        }
        return round > 0
    }

    /// Training: after a command on a case, the caller's side of the call.
    private func coached(_ effect: WizardEffect, _ outcome: CaseOutcome, _ caseID: String) -> [WizardMessage] {
        coach?.after(effect, outcome: outcome, caseID: caseID) ?? []
    }

    /// Tests: a dialog put up directly.
    public func setModalForTest(_ modal: Modal) {
        model.modal = modal
        draw()
    }

    /// Draws the model; then, while work waits for the frame, does one round of it and draws again.
    func draw() {
        terminal.draw(Wizard.view(model))
        while catchUp(rounds: 1) { terminal.draw(Wizard.view(model)) }
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
                return [.queueLoaded(try desk.reader.queue(for: actor, summarising: false))]
            case .summariseReview(let rows, let screenful):
                return [.reviewSummariesLoaded(desk.reader.reviewSummaries(for: Array(rows.prefix(screenful))),
                                               remaining: Array(rows.dropFirst(screenful)))]
            case .openCase(let id):
                return try openCase(id)
            case .lookUpSubject(let subject):
                return [.subjectCases(subject: subject, rows: try desk.reader.subjectCases(subject, actor: actor))]
            case .newCase(let subject):
                let outcome = try desk.open(subject: subject, runbookID: "mfa-recovery", actor: actor)
                if let refusal = outcome.refusal { return [.failed("Cannot open a case: " + refusal.message)] }
                return [.caseLoaded(try desk.snapshot(outcome.caseID, actor: actor))]
            case .perform(let caseID, let command):
                let outcome = try desk.perform(command, on: caseID, actor: actor)
                let coaching = coached(effect, outcome, caseID)
                return [.commandFinished(outcome, try? desk.snapshot(caseID, actor: actor))] + coaching
            case .attest(let caseID, let text, let failed):
                let outcome = try desk.attest(caseID, actor: actor, attestation: failed ? nil : text, failure: failed ? text : nil)
                let coaching = coached(effect, outcome, caseID)
                return [.commandFinished(outcome, try? desk.snapshot(caseID, actor: actor))] + coaching
            case .resumePendingAction(let caseID):
                let outcome = try desk.resumePendingAction(caseID, actor: actor)
                let coaching = coached(effect, outcome, caseID)
                return [.commandFinished(outcome, try? desk.snapshot(caseID, actor: actor))] + coaching
            case .recordFacts(let caseID, let values, let thenObserve):
                let outcome = try desk.recordTypedFacts(values, on: caseID, actor: actor)
                if outcome.refusal == nil, thenObserve {
                    let observed = try desk.perform(.observeEnrolment, on: caseID, actor: actor)
                    return [.commandFinished(observed, try? desk.snapshot(caseID, actor: actor))]
                }
                return [.commandFinished(outcome, try? desk.snapshot(caseID, actor: actor))]
            case .releaseCase(let id):
                try? desk.release(id, actor: actor)
                return []
            case .loadAudit(let filter, let page, let pageSize):
                let (rows, hasMore) = try desk.reader.auditPage(filter, page: page, pageSize: pageSize)
                return [.auditLoaded(rows: rows, hasMore: hasMore)]
            case .verifyAudit:
                let report = try desk.reader.verifyAudit { [weak self] fraction in
                    // Progress comes from worker threads; the frame is drawn by whichever reports.
                    self?.progress(fraction)
                }
                if let problem = report.problem { return [.verifyFinished("FAILED: \(problem)", ok: false)] }
                return [.verifyFinished("Chain intact: \(report.eventsChecked) events; head #\(report.headSeq) \(report.headHashHex)", ok: true)]
            case .exportAudit(let filter, let format, let path, let replace):
                return try export(filter, format: format, path: path, replace: replace)
            }
        } catch {
            return [.failed(String(describing: error))]
        }
    }

    /// Writes an export. The file is created only if it does not exist (O_CREAT|O_EXCL, open(2)),
    /// so an existing file is never replaced unless the operator said so for that path; the
    /// export folder is made (0700) the first time. Files are 0600: the log names people.
    func export(_ filter: AuditFilter, format: String, path: String, replace: Bool) throws -> [WizardMessage] {
        guard let kind = AuditFormat(rawValue: format) else { return [.failed("Unknown format \(format)")] }
        guard !path.isEmpty, !path.hasSuffix("/") else { return [.failed("Name the file to export to")] }
        let folder = (path as NSString).deletingLastPathComponent
        if !folder.isEmpty, !FileManager.default.fileExists(atPath: folder), folder == model.audit.exportFolder {
            try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        }
        let flags = O_WRONLY | O_CREAT | O_CLOEXEC | (replace ? O_TRUNC : O_EXCL)
        let fd = open(path, flags, 0o600)
        if fd < 0 {
            let code = errno
            if code == EEXIST { return [.exportWouldReplace(path: path)] }
            return [.failed("Cannot write \(path): \(String(cString: strerror(code)))")]
        }
        let handle = FileHandle(fileDescriptor: fd, closeOnDealloc: true)
        let count = try desk.reader.exportAudit(filter, format: kind) { bytes in handle.write(Data(bytes)) }
        try? handle.close()
        return [.exported(count: count, path: path)]
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
        var snapshot = try desk.snapshot(id, actor: actor)
        // A case waiting for a senior is only looked at by anyone who cannot review or approve it:
        // looking takes no hold, so the senior is never refused for it.
        let presentation = CasePresentation(snapshot)
        if [.escalated, .awaitingApproval].contains(snapshot.state.status),
           ![.uphold, .reopen, .approve, .deny].contains(where: presentation.offers) {
            return [.caseLoaded(snapshot)]
        }
        if case .heldBy(let holder, let until) = try desk.hold(id, actor: actor) {
            let takeOver = CasePresentation(snapshot).actions.first { $0.command.kind == .takeOver }
            return [.caseLoaded(snapshot), .failed("Held by \(holder) until \(Wizard.time(until)) UTC: read-only for you"
                                                   + (takeOver.map { "; \($0.key) takes it over" } ?? ""))]
        }
        if snapshot.state.status == .awaitingEnrolment, let step = snapshot.runbook.step(snapshot.state.currentStep),
           CaseEngine.evaluate(step: step, values: [:], state: snapshot.state, context: snapshot.context).failures.isEmpty {
            let outcome = try desk.perform(.observeEnrolment, on: id, actor: actor, base: snapshot)
            snapshot = try desk.snapshot(id, actor: actor)
            return [.commandFinished(outcome, snapshot)]
        }
        return [.caseLoaded(snapshot)]
    }
}

import Casework
import Engine
import Foundation
import HandrailTestSupport
import Hashing
import LocalTenant
import Platform
import Runbook
import Store
import Terminal
import Wizard
import XCTest

/// Everything a wizard needs, in-process and deterministic: a fresh case database and a
/// LocalDirectory demo tenant (seeded at the fixed clock) in a temporary folder, the shipped
/// runbook, UTC, a clock the test moves by hand and case ids counted from 1. Each `wizard(as:)`
/// is one operator's terminal: a WizardRuntime on a VirtualTerminal.
final class WizardHarness {
    let folder: URL
    let casePath: String
    let directoryPath: String
    let clock: TestClock
    let runbook: Runbook
    let store: HandrailStore
    let directoryStore: DirectoryStore
    let directory: LocalDirectory
    let utc = TimeZone(identifier: "UTC")!
    private let ids = CaseIDCounter()
    /// Cases on ManualConsole (facts typed from an admin console) instead of the demo tenant.
    var manual = false
    var platform: IdentityPlatform { manual ? ManualConsole() : directory }

    /// The agent on the call, and two senior admins (a review and an approval need someone else).
    static let agent = Actor(login: "alice", role: .agent)
    static let senior = Actor(login: "sam", role: .senior)
    static let otherSenior = Actor(login: "tess", role: .senior)
    /// The database path the header shows: fixed, so golden screens do not carry a temporary path.
    static let shownDatabase = "/var/lib/handrail/handrail.db"

    init(demo: Bool = true) throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("handrail-wizard-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        casePath = folder.appendingPathComponent("handrail.db").path
        directoryPath = folder.appendingPathComponent("directory.db").path
        clock = TestClock()
        runbook = try ShippedRunbook.load()
        store = try HandrailStore(path: casePath, now: Date.init)
        directoryStore = try DirectoryStore(path: directoryPath, now: Date.init)
        directory = LocalDirectory(store: directoryStore)
        if demo { try DemoTenant.seed(directoryStore, now: clock.now) }
    }

    deinit {
        try? FileManager.default.removeItem(at: folder)
    }

    /// The application layer on this harness's database, tenant, clock and id counter.
    func service() -> CaseDesk {
        let runbook = runbook
        let ids = ids
        let clock = clock
        return CaseDesk(CaseworkContext(store: store, platform: platform, runbooks: { $0 == runbook.id ? runbook : nil }, timeZone: utc,
                                        clock: { clock.read() }, newCaseID: { ids.next() }))
    }

    /// One operator's terminal, started on `start` (the queue unless told otherwise).
    func wizard(as actor: Actor, width: Int = 80, height: Int = 24, unicode: Bool = true,
                start: [WizardEffect] = [.loadQueue], replication: (() -> String?)? = nil) -> WizardDriver {
        let terminal = VirtualTerminal(width: width, height: height, colors: true, unicode: unicode)
        let header = HeaderInfo(login: actor.login, role: actor.role, database: Self.shownDatabase,
                                platform: platform.name, demo: manual ? false : directory.demo)
        let runtime = WizardRuntime(terminal: terminal, desk: service(), actor: actor, header: header,
                                    signals: runbook.refusalSignals.map { (id: $0.id, label: $0.label) })
        runtime.replicationStatus = replication
        runtime.eventTypes = Array(Set(EventCodec.Name.fixed + EventCodec.Name.recorded(by: runbook))).sorted()
        runtime.exportFolder = exportFolder.path
        runtime.start(start)
        return WizardDriver(terminal: terminal, runtime: runtime)
    }

    /// Where the audit browser offers exports (the data directory's, in the product).
    var exportFolder: URL { folder.appendingPathComponent("exports") }

    var simulator: UserSimulator { UserSimulator(store: directoryStore) }

    /// The user's side: signs in with the password (and a new one, for a temporary password),
    /// then enrols a TOTP factor, a minute later.
    func userEnrols(_ email: String, password: String = DemoTenant.password, newPassword: String? = nil) throws {
        clock.advance(60)
        try simulator.signIn(email, password: password, code: nil, newPassword: newPassword, address: "198.51.100.20", now: clock.read())
        try simulator.enrol(email, kind: "totp", label: "Pixel 9", now: clock.read())
        clock.advance(1)
    }

    /// Adds a user to the tenant (with one phone number on file for two years).
    func addUser(_ email: String, displayName: String) throws {
        let hash = PasswordHash.make(DemoTenant.password, salt: Array("wizard-tests-salt".utf8))
        try directoryStore.putUser(DirectoryUser(email: email, displayName: displayName, passwordHash: hash),
                                   factors: [EnrolledFactor(kind: "totp", label: "Phone", enrolledAt: clock.now.addingTimeInterval(-400 * 86_400))],
                                   codeHashes: [], phones: [PhoneNumberOnFile(number: "+15550142", addedAt: clock.now.addingTimeInterval(-700 * 86_400))],
                                   federated: [], signIns: [])
    }

    // MARK: - Cases made without the wizard (for the queue and the reviews)

    func open(_ subject: String, as actor: Actor = WizardHarness.agent) throws -> String {
        let outcome = try service().open(subject: subject, runbookID: runbook.id, actor: actor)
        XCTAssertNil(outcome.refusal, "opening a case for \(subject): \(outcome.refusal?.message ?? "")")
        return outcome.caseID
    }

    /// Submits a step the way the command line does: prefilled values, the subject typed to confirm, then `values`.
    @discardableResult
    func pass(_ caseID: String, _ stepID: String, _ values: [String: String] = [:], as actor: Actor = WizardHarness.agent) throws -> CaseOutcome {
        let service = service()
        let snapshot = try service.snapshot(caseID, actor: actor)
        var all: [String: String] = [:]
        if let step = snapshot.runbook.step(stepID) {
            all = CaseEngine.prefill(step: step, state: snapshot.state, context: snapshot.context)
            for field in step.fields where field.confirmsSubject { all[field.id] = snapshot.state.subject }
        }
        all.merge(values) { $1 }
        let outcome = try service.perform(.submit(step: stepID, values: all), on: caseID, actor: actor)
        XCTAssertNil(outcome.refusal, "\(stepID) refused: \(outcome.refusal?.message ?? "")")
        return outcome
    }

    func perform(_ command: CaseCommand, on caseID: String, as actor: Actor = WizardHarness.agent) throws {
        let outcome = try service().perform(command, on: caseID, actor: actor)
        XCTAssertNil(outcome.refusal, "\(command) refused: \(outcome.refusal?.message ?? "")")
    }

    static let video = ["method": "video", "compared_against": "hr_photo", "video_match": "yes", "reference": "INC-4242"]
    static let callback = ["method": "callback", "callback_number": "+1555010011", "callback_confirmed": "yes", "reference": "SD-4711"]

    /// A case for ben (or `subject`), verified by call-back, codes checked, "lost the device" chosen: at the force reset.
    func caseAtForceReset(_ subject: String = "ben@demo.example", number: String = "+1555010011", situation: String = "device") throws -> String {
        let id = try open(subject)
        var verification = Self.callback
        verification["callback_number"] = number
        try pass(id, "verify_identity", verification)
        try pass(id, "check_backup_codes")
        try pass(id, "choose_recovery", ["situation": situation])
        return id
    }

    func state(_ caseID: String) throws -> CaseState {
        try service().snapshot(caseID, actor: Self.senior).state
    }

    func eventTypes(_ caseID: String) throws -> [String] {
        try store.events(caseID: caseID).map(\.event.type)
    }
}

/// Case ids "HR-00000001", "HR-00000002", …: CaseService asks for one per case and one per decision
/// (a decision may open a linked case), so the numbers depend only on what the test does.
final class CaseIDCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var n = 0

    func next() -> String {
        lock.withLock {
            n += 1
            return String(format: "HR-%08d", n)
        }
    }
}

/// One operator's terminal: keys go in through the runtime (update, effects, draw), the screen comes out as text.
final class WizardDriver {
    let terminal: VirtualTerminal
    let runtime: WizardRuntime

    init(terminal: VirtualTerminal, runtime: WizardRuntime) {
        self.terminal = terminal
        self.runtime = runtime
    }

    var model: WizardModel { runtime.model }
    var screen: Screen { terminal.screen }
    var text: String { terminal.text }

    func press(_ keys: Key...) {
        for key in keys { runtime.handle(key) }
    }

    func type(_ text: String) {
        for ch in text { runtime.handle(.character(ch)) }
    }

    func resize(width: Int, height: Int) {
        terminal.resize(width: width, height: height)
        while let key = terminal.readKey(timeoutMilliseconds: 0) { runtime.handle(key) }
    }

    /// The screen with the secrets of a shown-once dialog blanked out (same length, so the layout
    /// is what is compared), for golden files that must never hold a generated secret.
    var maskedText: String {
        var text = self.text
        if case .secrets(let secrets)? = model.modal?.kind {
            for secret in secrets { text = text.replacingOccurrences(of: TerminalText.safe(secret), with: String(secret.map { $0.isLetter || $0.isNumber ? "X" : $0 })) }
        }
        return text
    }

    /// Every cell is printable: no control character, DEL or C1 control reaches the terminal.
    func assertNoControlCharacters(file: StaticString = #filePath, line: UInt = #line) {
        for row in 0..<screen.height {
            for column in 0..<screen.width {
                let ch = screen[row, column].text
                if ch == "\u{0}" { continue } // the right half of a wide character, never drawn
                for scalar in ch.unicodeScalars where scalar.value < 0x20 || scalar.value == 0x7F || (0x80...0x9F).contains(scalar.value) {
                    XCTFail("control character U+\(String(scalar.value, radix: 16)) at row \(row), column \(column):\n\(text)", file: file, line: line)
                    return
                }
            }
        }
    }
}

/// The test's clock: fixed at 2026-05-18T10:00:00Z (a Monday mid-morning, far from midnight
/// in UTC) and advanced by hand.
final class TestClock: @unchecked Sendable {
    private let lock = NSLock()
    private var current: Date

    init(start: Date = Date(timeIntervalSince1970: 1_779_098_400)) {
        current = EventTime.truncated(start)
    }

    var now: Date { lock.withLock { current } }

    func read() -> Date { now }

    func advance(_ seconds: TimeInterval) {
        lock.withLock { current = current.addingTimeInterval(seconds) }
    }
}

/// The runbook the product ships, loaded the way the product loads it.
enum ShippedRunbook {
    struct LoadFailure: Error, CustomStringConvertible {
        var description: String
    }

    static let packageRoot = PackagePaths.root
    static let runbooks = PackagePaths.runbooks
    static let url = runbooks.appendingPathComponent("mfa-recovery.json5")

    static func load() throws -> Runbook {
        let text = try String(contentsOf: url, encoding: .utf8)
        switch EngineVocabulary.load(text) {
        case .valid(let runbook): return runbook
        case .invalid(let problems):
            throw LoadFailure(description: problems.map { $0.formatted(file: url.lastPathComponent) }.joined(separator: "\n"))
        }
    }
}

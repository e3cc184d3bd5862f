import Casework
import Engine
import Foundation
import HandrailTestSupport
import LocalTenant
import Platform
import Runbook
import SQLiteCore
import Store
import XCTest

/// A case database and a LocalDirectory tenant in a fresh temporary folder, the shipped runbook,
/// and a clock the test controls: everything CaseService needs, in-process, nothing mocked but
/// the clock. The connections stay open until `close()`, as a running process would hold them.
final class LocalTenantHarness {
    let folder: URL
    let casePath: String
    let directoryPath: String
    let clock: TestClock
    let runbook: Runbook
    private(set) var caseStore: HandrailStore!
    private(set) var directoryStore: DirectoryStore!
    private(set) var directory: LocalDirectory!

    let alice = Actor(login: "alice", role: .senior)
    let bob = Actor(login: "bob", role: .senior)
    let timeZone = TimeZone(identifier: "UTC")!

    /// - Parameter demo: seed the demo tenant (as of the clock's time).
    init(clock: TestClock = TestClock(), demo: Bool = true) throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("handrail-local-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        casePath = folder.appendingPathComponent("handrail.db").path
        directoryPath = folder.appendingPathComponent("directory.db").path
        self.clock = clock
        runbook = try ShippedRunbook.load()
        caseStore = try HandrailStore(path: casePath, now: Date.init)
        directoryStore = try DirectoryStore(path: directoryPath, now: Date.init)
        directory = LocalDirectory(store: directoryStore)
        if demo { try DemoTenant.seed(directoryStore, now: clock.now) }
    }

    deinit {
        try? FileManager.default.removeItem(at: folder)
    }

    /// Drops every connection this harness holds (SQLite checkpoints and removes the WAL when
    /// the last one closes).
    func close() {
        caseStore = nil
        directory = nil
        directoryStore = nil
    }

    /// The application layer on `platform` (default: the LocalDirectory), as one process builds it.
    func service(platform: IdentityPlatform? = nil, store: HandrailStore? = nil) -> CaseDesk {
        let runbook = self.runbook
        let clock = self.clock
        return CaseDesk(CaseworkContext(store: store ?? caseStore, platform: platform ?? directory, runbooks: { $0 == runbook.id ? runbook : nil },
                                        timeZone: timeZone, clock: { clock.read() }))
    }

    /// A new process: its own connections to both files, its own LocalDirectory and CaseService.
    func freshProcess() throws -> (service: CaseDesk, store: HandrailStore, directory: DirectoryStore) {
        let store = try HandrailStore(path: casePath, now: Date.init)
        let directoryStore = try DirectoryStore(path: directoryPath, now: Date.init)
        return (service(platform: LocalDirectory(store: directoryStore), store: store), store, directoryStore)
    }

    var simulator: UserSimulator { UserSimulator(store: directoryStore) }

    // MARK: - Driving a case

    func open(_ subject: String, as actor: Actor? = nil, file: StaticString = #filePath, line: UInt = #line) throws -> String {
        let outcome = try service().open(subject: subject, runbookID: runbook.id, actor: actor ?? alice)
        XCTAssertNil(outcome.refusal, "opening a case for \(subject): \(outcome.refusal?.message ?? "")", file: file, line: line)
        return outcome.caseID
    }

    /// Submits `stepID` the way the command line does: the step's pre-filled values (the reason
    /// drafted from the verification), the subject's email typed to confirm, then `values`.
    @discardableResult
    func submit(_ caseID: String, _ stepID: String, _ values: [String: String] = [:], as actor: Actor? = nil,
                via service: CaseDesk? = nil) throws -> CaseOutcome {
        let service = service ?? self.service()
        let actor = actor ?? alice
        let snapshot = try service.snapshot(caseID, actor: actor)
        var all: [String: String] = [:]
        if let step = snapshot.runbook.step(stepID) {
            all = CaseEngine.prefill(step: step, state: snapshot.state, context: snapshot.context)
            for field in step.fields where field.confirmsSubject { all[field.id] = snapshot.state.subject }
        }
        all.merge(values) { $1 }
        return try service.perform(.submit(step: stepID, values: all), on: caseID, actor: actor)
    }

    /// `submit` that must be accepted.
    @discardableResult
    func pass(_ caseID: String, _ stepID: String, _ values: [String: String] = [:], as actor: Actor? = nil,
              file: StaticString = #filePath, line: UInt = #line) throws -> CaseOutcome {
        let outcome = try submit(caseID, stepID, values, as: actor)
        XCTAssertNil(outcome.refusal, "\(stepID) refused: \(outcome.refusal?.message ?? "")", file: file, line: line)
        return outcome
    }

    /// `submit` that a gate must refuse, naming `check`.
    @discardableResult
    func refused(_ caseID: String, _ stepID: String, _ values: [String: String] = [:], check: String,
                 file: StaticString = #filePath, line: UInt = #line) throws -> Refusal? {
        let outcome = try submit(caseID, stepID, values)
        XCTAssertEqual(outcome.refusal?.kind, .gate, "\(stepID) should be refused by \(check)", file: file, line: line)
        XCTAssertTrue(outcome.refusal?.failedChecks.contains { $0.name == check } ?? false,
                      "\(stepID) should be refused by \(check), got: \(outcome.refusal?.message ?? "accepted")", file: file, line: line)
        return outcome.refusal
    }

    static let video = ["method": "video", "compared_against": "hr_photo", "video_match": "yes", "reference": "INC-4242"]

    /// Opens a case for `subject`, verifies by video, checks codes and chooses `situation`:
    /// the case then stands at the step that situation leads to.
    func reach(_ subject: String, situation: String, file: StaticString = #filePath, line: UInt = #line) throws -> String {
        let id = try open(subject, file: file, line: line)
        try pass(id, "verify_identity", Self.video, file: file, line: line)
        try pass(id, "check_backup_codes", file: file, line: line)
        try pass(id, "choose_recovery", ["situation": situation], file: file, line: line)
        return id
    }

    func state(_ caseID: String) throws -> CaseState {
        try service().snapshot(caseID, actor: alice).state
    }

    func eventTypes(_ caseID: String, store: HandrailStore? = nil) throws -> [String] {
        try (store ?? caseStore).events(caseID: caseID).map(\.event.type)
    }

    func assertChainVerifies(_ store: HandrailStore? = nil, file: StaticString = #filePath, line: UInt = #line) throws {
        let report = try ChainVerifier(store: store ?? caseStore).verify()
        XCTAssertNil(report.problem, "audit chain: \(report.problem?.description ?? "")", file: file, line: line)
        XCTAssertGreaterThan(report.eventsChecked, 0, file: file, line: line)
    }

    /// Lets the user sign in and enrol a new factor a minute later, then observes it and sends the follow-up.
    func finishAfterAction(_ caseID: String, subject: String, password: String = DemoTenant.password, code: String? = nil,
                           newPassword: String? = nil, file: StaticString = #filePath, line: UInt = #line) throws {
        clock.advance(60)
        try simulator.signIn(subject, password: password, code: code, newPassword: newPassword, address: "198.51.100.20", now: clock.read())
        try simulator.enrol(subject, kind: "totp", label: "Pixel 9", now: clock.read())
        clock.advance(1)
        let observed = try service().perform(.observeEnrolment, on: caseID, actor: alice)
        XCTAssertNil(observed.refusal, "observe-enrolment: \(observed.refusal?.message ?? "")", file: file, line: line)
        try pass(caseID, "follow_up", [:], file: file, line: line)
        XCTAssertEqual(try state(caseID).status, .closed, file: file, line: line)
    }

    // MARK: - Reading the directory file directly

    /// A count from the directory file, on a connection of its own (what is committed, not what
    /// the store's API chooses to show).
    func directoryCount(_ sql: String, _ values: [SQLValue] = []) throws -> Int {
        let db = try Database(path: directoryPath, mode: .readWrite)
        return Int(try db.scalarInt(sql, values) ?? -1)
    }

    func actionRows(key: String) throws -> Int {
        try directoryCount("SELECT count(*) FROM actions WHERE idempotency_key = ?1", [.text(key)])
    }

    func directoryEvents(_ email: String, type: String) throws -> Int {
        try directoryStore.events(email).filter { $0.type == type }.count
    }
}

/// The test's clock: fixed and advanced by hand, or `live` (the real time, but never the same
/// millisecond twice, so "enrolled after the reset" cannot tie with the reset).
final class TestClock: @unchecked Sendable {
    private let lock = NSLock()
    private var current: Date
    private let live: Bool

    /// Default start: 2026-05-18T10:00:00Z, mid-morning, far from midnight in UTC.
    init(start: Date = Date(timeIntervalSince1970: 1_779_098_400), live: Bool = false) {
        current = EventTime.truncated(start)
        self.live = live
    }

    static func liveClock() -> TestClock { TestClock(start: Date(), live: true) }

    var now: Date { lock.withLock { current } }

    /// The time for the next decision: fixed, or for a live clock the real time, strictly after the last reading.
    func read() -> Date {
        lock.withLock {
            if live { current = max(EventTime.truncated(Date()), current.addingTimeInterval(0.001)) }
            return current
        }
    }

    func advance(_ seconds: TimeInterval) {
        lock.withLock { current = current.addingTimeInterval(seconds) }
    }
}

/// The runbook the product ships, loaded the way the product loads it.
enum ShippedRunbook {
    struct LoadFailure: Error, CustomStringConvertible {
        var description: String
    }

    static let url = PackagePaths.runbooks.appendingPathComponent("mfa-recovery.json5")

    static func load() throws -> Runbook {
        let text = try String(contentsOf: url, encoding: .utf8)
        switch EngineVocabulary.load(text) {
        case .valid(let runbook): return runbook
        case .invalid(let problems):
            throw LoadFailure(description: problems.map { $0.formatted(file: url.lastPathComponent) }.joined(separator: "\n"))
        }
    }
}

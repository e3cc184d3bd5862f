import CSQLite
import Engine
import Foundation
import Runbook
import SQLiteCore
@testable import Store
import XCTest

/// A test case with a fresh temporary directory (and so a fresh database) per test,
/// removed in tearDown, plus builders for events and projections.
class StoreTestCase: XCTestCase {
    /// The test's own directory under the system temporary directory.
    private(set) var directory: URL!

    /// The database path every test uses unless it needs several.
    var databasePath: String { directory.appendingPathComponent("handrail.db").path }

    /// A fixed clock: 2026-05-17T10:00:00.000Z.
    let t0 = EventTime.parse("2026-05-17T10:00:00.000Z")!

    override func setUpWithError() throws {
        try super.setUpWithError()
        directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("handrail-store-tests-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        if let directory { try? FileManager.default.removeItem(at: directory) }
        directory = nil
        try super.tearDownWithError()
    }

    func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    func makeStore(_ path: String? = nil) throws -> HandrailStore {
        try HandrailStore(path: path ?? databasePath, now: Date.init)
    }

    /// Migrates `db` as a Handrail case database, dated by the test clock.
    func migrate(_ db: Database, migrations: [Migration] = Migrations.all) throws {
        try Migrator.migrate(db, migrations: migrations, applicationID: Migrations.applicationID, now: t0)
    }

    // MARK: Events and projections

    func event(_ caseID: String, type: String = "note.added", subject: String = "ada@example.com", actor: String = "alice",
               at time: Date? = nil, reason: String? = nil, payload: [String: JSONValue] = [:]) -> CaseEvent {
        CaseEvent(type: type, caseID: caseID, subject: subject, actor: actor, time: time ?? t0, reason: reason, payload: payload)
    }

    /// The projection of a case after `lastCaseSeq` events, built through the public `CaseState` path.
    func projection(_ caseID: String, subject: String = "ada@example.com", lastCaseSeq: Int, at time: Date? = nil,
                    status: CaseStatus = .open, step: String = "verify_identity") -> CaseProjection {
        var state = CaseState(caseID: caseID, runbookID: "mfa-recovery", runbookVersion: 1, subject: subject, openedBy: "alice",
                              openedAt: t0, linkedFrom: nil, linkedFromIncident: false, startStep: step)
        state.status = status
        state.eventCount = lastCaseSeq
        state.lastEventAt = time ?? t0
        return CaseProjection(state: state)
    }

    /// Appends `events` to their case (all of one case), expecting it to hold `after` events.
    @discardableResult
    func append(_ store: HandrailStore, _ events: [CaseEvent], after: Int) throws -> [StoredEvent] {
        let caseID = events[0].caseID
        return try store.append(events, caseID: caseID, expectedLastCaseSeq: after,
                                projection: projection(caseID, subject: events[0].subject, lastCaseSeq: after + events.count,
                                                       at: events.last!.time))
    }

    // MARK: Inspecting the file

    func fileMode(_ path: String) throws -> Int {
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        return (attributes[.posixPermissions] as! NSNumber).intValue & 0o777
    }

    func bytes(_ path: String) throws -> Data {
        try Data(contentsOf: URL(fileURLWithPath: path))
    }

    /// Runs `body` and returns the `StoreError` it threw; fails the test if it threw none or another error.
    func storeError(file: StaticString = #filePath, line: UInt = #line, _ body: () throws -> Void) -> StoreError? {
        do {
            try body()
            XCTFail("expected a StoreError, nothing was thrown", file: file, line: line)
        } catch let error as StoreError {
            return error
        } catch {
            XCTFail("expected a StoreError, got \(error)", file: file, line: line)
        }
        return nil
    }

    func sqliteError(file: StaticString = #filePath, line: UInt = #line, _ body: () throws -> Void) -> SQLiteError? {
        do {
            try body()
            XCTFail("expected an SQLiteError, nothing was thrown", file: file, line: line)
        } catch let error as SQLiteError {
            return error
        } catch {
            XCTFail("expected an SQLiteError, got \(error)", file: file, line: line)
        }
        return nil
    }
}

/// A connection that bypasses Handrail entirely, as someone editing the file with the
/// `sqlite3` shell would: no defensive mode, no wrapper, triggers dropped at will.
final class RawConnection {
    private var handle: OpaquePointer?

    init(_ path: String, create: Bool = false) throws {
        let flags = SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0)
        guard sqlite3_open_v2(path, &handle, flags, nil) == SQLITE_OK else {
            defer { sqlite3_close_v2(handle) }
            throw SQLiteError(extendedCode: sqlite3_extended_errcode(handle), message: String(cString: sqlite3_errmsg(handle)))
        }
    }

    deinit { sqlite3_close_v2(handle) }

    func execute(_ sql: String) throws {
        var message: UnsafeMutablePointer<CChar>?
        let rc = sqlite3_exec(handle, sql, nil, nil, &message)
        defer { sqlite3_free(message) }
        guard rc == SQLITE_OK else {
            throw SQLiteError(extendedCode: sqlite3_extended_errcode(handle), message: message.map { String(cString: $0) } ?? "", sql: sql)
        }
    }

    /// Runs one statement with blob/text/integer values bound in order.
    func run(_ sql: String, _ values: [SQLValue]) throws {
        var statement: OpaquePointer?
        guard sqlite3_prepare_v2(handle, sql, -1, &statement, nil) == SQLITE_OK else {
            throw SQLiteError(extendedCode: sqlite3_extended_errcode(handle), message: String(cString: sqlite3_errmsg(handle)), sql: sql)
        }
        defer { sqlite3_finalize(statement) }
        for (i, value) in values.enumerated() {
            let index = Int32(i + 1)
            switch value {
            case .null: sqlite3_bind_null(statement, index)
            case .integer(let n): sqlite3_bind_int64(statement, index, n)
            case .real(let d): sqlite3_bind_double(statement, index, d)
            case .text(let s): sqlite3_bind_text(statement, index, s, -1, handrail_sqlite_transient())
            case .blob(let b): _ = b.withUnsafeBytes { sqlite3_bind_blob(statement, index, $0.baseAddress, Int32($0.count), handrail_sqlite_transient()) }
            }
        }
        guard sqlite3_step(statement) == SQLITE_DONE else {
            throw SQLiteError(extendedCode: sqlite3_extended_errcode(handle), message: String(cString: sqlite3_errmsg(handle)), sql: sql)
        }
    }
}

/// Extended result codes from sqlite3.h (https://sqlite.org/rescode.html#extrc): defined there
/// as `(SQLITE_CONSTRAINT | (n<<8))`, macros Swift does not import.
enum ExtendedCode {
    static let constraintNotNull: Int32 = SQLITE_CONSTRAINT | (5 << 8)
    static let constraintPrimaryKey: Int32 = SQLITE_CONSTRAINT | (6 << 8)
    static let constraintTrigger: Int32 = SQLITE_CONSTRAINT | (7 << 8)
    static let constraintUnique: Int32 = SQLITE_CONSTRAINT | (8 << 8)
}

import CSQLite
import Engine
import Foundation
import HandrailTestSupport
import SQLiteCore
@testable import Store
import Store
import XCTest

/// Migrations run once and are recorded; files that are not Handrail's are refused and left
/// byte for byte as they were; a database opened read-only refuses every write clearly.
final class MigrationsApplyOnceAndForeignFilesAreRefusedUntouchedTests: StoreTestCase {
    func testFreshDatabaseGetsEveryMigrationRecordedAndTheApplicationID() throws {
        let store = try makeStore()
        XCTAssertEqual(try Migrator.appliedIDs(store.db), Set(Migrations.all.map(\.id)))
        XCTAssertEqual(try store.db.scalarInt("PRAGMA application_id"), Int64(Migrations.applicationID))
        let tables = try tableNames(store.db)
        for table in ["events", "chain_head", "cases", "operators", "schema_migrations"] {
            XCTAssertTrue(tables.contains(table), "missing table \(table)")
        }
        XCTAssertNotNil(try store.db.scalarString("SELECT applied_at FROM schema_migrations WHERE id = ?1",
                                                  [.text(Migrations.all[0].id)]).flatMap(EventTime.parse),
                        "applied_at is a stored event time")
    }

    func testReopeningAppliesNothingAgainAndKeepsData() throws {
        do {
            let store = try makeStore()
            try append(store, [event("HR-1")], after: 0)
        }
        let firstApplied = try appliedRows()
        let store = try makeStore()
        XCTAssertEqual(try appliedRows(), firstApplied, "no migration ran twice, none re-recorded")
        XCTAssertEqual(try store.eventCount(), 1)
        // Migrating an already migrated connection again is a no-op too.
        try migrate(store.db)
        XCTAssertEqual(try appliedRows(), firstApplied)
        XCTAssertEqual(try store.db.scalarInt("SELECT count(*) FROM schema_migrations"), Int64(Migrations.all.count))
    }

    func testNewMigrationIsAppliedOnceOnTopOfShippedOnes() throws {
        let db = try Database(path: databasePath, mode: .create)
        try migrate(db)
        let extra = Migrations.all + [Migration("9999-test-extra", "CREATE TABLE extra (x INTEGER)")]
        try migrate(db, migrations: extra)
        try migrate(db, migrations: extra)
        XCTAssertEqual(try Migrator.appliedIDs(db), Set(extra.map(\.id)))
        XCTAssertTrue(try tableNames(db).contains("extra"))
        // An older Handrail (without the extra migration) refuses the newer database.
        XCTAssertThrowsError(try migrate(db)) {
            XCTAssertEqual($0 as? Migrator.Failure, .newerSchema(["9999-test-extra"]))
        }
    }

    func testDatabaseMigratedByANewerHandrailIsRefusedAsNewerSchema() throws {
        do {
            let db = try Database(path: databasePath, mode: .create)
            try migrate(db, migrations: Migrations.all + [Migration("9999-future", "SELECT 1")])
        }
        let error = storeError { _ = try makeStore() }
        XCTAssertEqual(error, .newerSchema(databasePath, ["9999-future"]))
    }

    func testOtherApplicationsSQLiteFileIsRefusedAndLeftByteForByte() throws {
        let path = self.path("someone-elses.db")
        do {
            let other = try RawConnection(path, create: true)
            try other.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, amount REAL); INSERT INTO invoices VALUES (1, 9.5);")
        }
        XCTAssertEqual(try sqliteApplicationID(path), 0)
        let before = try bytes(path)

        let error = storeError { _ = try HandrailStore(path: path, now: Date.init) }
        XCTAssertEqual(error, .notAHandrailDatabase(path))
        XCTAssertEqual(error?.description, "\(path) is not a Handrail database")
        XCTAssertEqual(try bytes(path), before, "the other application's file must not be changed at all")
        XCTAssertFalse(FileManager.default.fileExists(atPath: path + "-wal"))
        XCTAssertFalse(FileManager.default.fileExists(atPath: path + "-shm"))
    }

    func testSQLiteFileWithAnotherApplicationIDIsRefusedEvenWithoutTables() throws {
        let path = self.path("other-app-id.db")
        do {
            let other = try RawConnection(path, create: true)
            try other.execute("PRAGMA application_id = 1234")
        }
        let before = try bytes(path)
        XCTAssertEqual(storeError { _ = try HandrailStore(path: path, now: Date.init) }, .notAHandrailDatabase(path))
        XCTAssertEqual(try bytes(path), before)
    }

    func testTextFileIsRefusedAsNotAHandrailDatabaseAndLeftUntouched() throws {
        for (name, text) in [("notes.txt", String(repeating: "Call Ada back about her phone.\n", count: 50)),
                             ("short.txt", "hello\n")] {
            let path = self.path(name)
            try Data(text.utf8).write(to: URL(fileURLWithPath: path))
            let before = try bytes(path)
            let modeBefore = try fileMode(path)
            XCTAssertEqual(storeError { _ = try HandrailStore(path: path, now: Date.init) }, .notAHandrailDatabase(path), name)
            XCTAssertEqual(storeError { _ = try HandrailStore(path: path, create: false, now: Date.init) }, .notAHandrailDatabase(path), name)
            XCTAssertEqual(storeError { _ = try HandrailStore(path: path, readOnly: true, now: Date.init) }, .notAHandrailDatabase(path), name)
            XCTAssertEqual(try bytes(path), before, "\(name) must be left as it was")
            XCTAssertEqual(try fileMode(path), modeBefore, "\(name)'s permissions must be left as they were")
        }
    }

    func testEmptyFileBecomesAHandrailDatabase() throws {
        // An empty file is an empty SQLite database (https://sqlite.org/fileformat2.html).
        XCTAssertTrue(FileManager.default.createFile(atPath: databasePath, contents: Data()))
        let store = try makeStore()
        XCTAssertEqual(try store.db.scalarInt("PRAGMA application_id"), Int64(Migrations.applicationID))
    }

    func testOpeningWithoutCreateDoesNotCreateAFile() throws {
        let error = storeError { _ = try HandrailStore(path: databasePath, create: false, now: Date.init) }
        XCTAssertNotNil(error)
        XCTAssertFalse(FileManager.default.fileExists(atPath: databasePath))
    }

    // MARK: Read-only

    /// The tests run as root, for whom a 0444 file is still writable; the read-only path is
    /// therefore taken by opening with SQLITE_OPEN_READONLY, which holds for root too.
    func testReadOnlyStoreReadsButRefusesEveryWrite() throws {
        do {
            let store = try makeStore()
            try append(store, [event("HR-1")], after: 0)
            _ = try store.enrolFirstOperator("alice", at: t0)
        }
        let before = try bytes(databasePath)
        let store = try HandrailStore(path: databasePath, readOnly: true, now: Date.init)
        XCTAssertTrue(store.isReadOnly)
        XCTAssertEqual(try store.events(caseID: "HR-1").count, 1)
        XCTAssertEqual(try store.role(of: "alice"), .senior)
        XCTAssertNil(try ChainVerifier(store: store).verify().problem)

        let readOnly = StoreError.readOnly(databasePath)
        XCTAssertEqual(storeError { try append(store, [event("HR-1")], after: 1) }, readOnly)
        XCTAssertEqual(storeError { try append(store, [event("HR-2")], after: 0) }, readOnly)
        XCTAssertEqual(storeError { try store.acquireLease(caseID: "HR-1", login: "alice", now: t0, duration: 60) }, readOnly)
        XCTAssertEqual(storeError { try store.releaseLease(caseID: "HR-1", login: "alice") }, readOnly)
        XCTAssertEqual(storeError { try store.setOperator("bob", role: .agent, by: "alice", at: t0) }, readOnly)
        XCTAssertEqual(storeError { _ = try store.enrolFirstOperator("bob", at: t0) }, readOnly)
        XCTAssertEqual(storeError {
            _ = try store.modifyCase("HR-1") { _ in ([self.event("HR-1")], self.projection("HR-1", lastCaseSeq: 2), ()) }
        }, readOnly)
        XCTAssertTrue(readOnly.description.contains("read-only"))
        XCTAssertEqual(try store.eventCount(), 1)
        XCTAssertEqual(try bytes(databasePath), before)
    }

    func testRawWriteOnReadOnlyStoreConnectionIsSQLiteReadOnly() throws {
        _ = try makeStore()
        let store = try HandrailStore(path: databasePath, readOnly: true, now: Date.init)
        let error = sqliteError { try store.db.execute("INSERT INTO operators VALUES ('x', 'agent', 'x', 'x')") }
        XCTAssertEqual(error?.code, SQLITE_READONLY)
    }

    func testReadOnlyOpenOfUnmigratedOrMissingFileIsRefused() throws {
        let empty = path("empty.db")
        XCTAssertTrue(FileManager.default.createFile(atPath: empty, contents: Data()))
        XCTAssertEqual(storeError { _ = try HandrailStore(path: empty, readOnly: true, now: Date.init) }, .notAHandrailDatabase(empty))
        XCTAssertNotNil(storeError { _ = try HandrailStore(path: path("missing.db"), readOnly: true, now: Date.init) })
        XCTAssertFalse(FileManager.default.fileExists(atPath: path("missing.db")))
    }

    /// A 0444 file opened the ordinary way (`HandrailStore(path:, now: Date.init)`, no read-only flag): SQLite
    /// falls back to a read-only connection and the store refuses every write with `.readOnly`.
    /// Root ignores file permissions, so when the tests run as root the open happens on a
    /// thread whose filesystem user is `nobody` (setfsuid(2) is per thread and drops
    /// CAP_DAC_OVERRIDE for it), which is what an ordinary operator would meet.
    func testWriteProtectedFileOpensReadOnlyAndRefusesWrites() throws {
        do {
            let store = try makeStore()
            try append(store, [event("HR-1")], after: 0)
        }
        XCTAssertEqual(chmod(directory.path, 0o777), 0, "lets the unprivileged thread create the -shm file")
        // The database is the file and the write-ahead log kept beside it (with its index):
        // write-protecting the database is write-protecting all three.
        for suffix in ["", "-wal", "-shm"] where FileManager.default.fileExists(atPath: databasePath + suffix) {
            XCTAssertEqual(chmod(databasePath + suffix, 0o444), 0)
        }
        let before = try bytes(databasePath)
        let path = databasePath, at = t0

        struct Outcome: Sendable {
            var writableForThread = false
            var isReadOnly = false
            var openError: StoreError?
            var appendError: StoreError?
            var leaseError: StoreError?
            var events = -1
        }
        let outcome = try Self.asUnprivilegedFileUser { () -> Outcome in
            var outcome = Outcome()
            let fd = open(path, O_RDWR)
            outcome.writableForThread = fd >= 0
            if fd >= 0 { close(fd); return outcome }
            let store: HandrailStore
            do { store = try HandrailStore(path: path, now: Date.init) } catch { outcome.openError = error as? StoreError; return outcome }
            outcome.isReadOnly = store.isReadOnly
            outcome.events = (try? store.events(caseID: "HR-1").count) ?? -1
            var state = CaseState(caseID: "HR-1", runbookID: "mfa-recovery", runbookVersion: 1, subject: "ada@example.com",
                                  openedBy: "alice", openedAt: at, linkedFrom: nil, linkedFromIncident: false, startStep: "verify_identity")
            state.eventCount = 2
            do {
                try store.append([CaseEvent(type: "note.added", caseID: "HR-1", subject: "ada@example.com", actor: "alice", time: at)],
                                 caseID: "HR-1", expectedLastCaseSeq: 1, projection: CaseProjection(state: state))
            } catch { outcome.appendError = error as? StoreError }
            do { try store.acquireLease(caseID: "HR-1", login: "alice", now: at, duration: 60) } catch { outcome.leaseError = error as? StoreError }
            return outcome
        }
        guard !outcome.writableForThread else {
            throw MissingRequirement("could not drop file permissions for a thread here: this test needs to run as root with "
                                     + "CAP_SETUID and CAP_SETGID (setfsuid/setfsgid to nobody), or as an ordinary user")
        }
        XCTAssertNil(outcome.openError, "a write-protected Handrail database still opens, for reading")
        XCTAssertTrue(outcome.isReadOnly)
        XCTAssertEqual(outcome.events, 1)
        XCTAssertEqual(outcome.appendError, StoreError.readOnly(databasePath))
        XCTAssertEqual(outcome.leaseError, StoreError.readOnly(databasePath))
        XCTAssertEqual(try bytes(databasePath), before)
    }

    /// Runs `body` on its own thread with filesystem uid/gid `nobody` when the process is root
    /// (file-permission checks then apply to it), or as is otherwise.
    private static func asUnprivilegedFileUser<T: Sendable>(_ body: @escaping @Sendable () -> T) throws -> T {
        let box = ResultBox<T>()
        let done = DispatchSemaphore(value: 0)
        // setfsuid(2)/setfsgid(2) are not in Glibc's Swift overlay; look them up in libc.
        typealias SetID = @convention(c) (UInt32) -> Int32
        guard let uidSymbol = dlsym(nil, "setfsuid"), let gidSymbol = dlsym(nil, "setfsgid") else {
            throw MissingRequirement("setfsuid/setfsgid not found in libc: this test needs Linux's glibc")
        }
        let setfsuid = unsafeBitCast(uidSymbol, to: SetID.self), setfsgid = unsafeBitCast(gidSymbol, to: SetID.self)
        let thread = Thread {
            let root = geteuid() == 0
            if root {
                _ = setfsgid(65_534)
                _ = setfsuid(65_534)
            }
            box.value = body()
            if root {
                _ = setfsuid(0)
                _ = setfsgid(0)
            }
            done.signal()
        }
        thread.start()
        done.wait()
        return box.value!
    }

    // MARK: Helpers

    private final class ResultBox<T>: @unchecked Sendable {
        var value: T?
    }

    private func tableNames(_ db: Database) throws -> Set<String> {
        let statement = try db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table'")
        var names: Set<String> = []
        while try statement.step() { names.insert(statement.string(0)) }
        return names
    }

    private func appliedRows() throws -> [String] {
        let db = try Database(path: databasePath, mode: .readOnly)
        let statement = try db.prepare("SELECT id || ' ' || applied_at FROM schema_migrations ORDER BY id")
        var rows: [String] = []
        while try statement.step() { rows.append(statement.string(0)) }
        return rows
    }

    private func sqliteApplicationID(_ path: String) throws -> Int64? {
        try Database(path: path, mode: .readOnly).scalarInt("PRAGMA application_id")
    }
}

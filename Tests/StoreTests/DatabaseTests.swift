import CSQLite
import Engine
import Foundation
import SQLiteCore
@testable import Store
import XCTest

/// The SQLite wrapper: private files, durable settings, errors that keep SQLite's codes,
/// transactions that roll back on a throw.
final class DatabaseIsPrivateDurableAndKeepsSQLiteCodesTests: StoreTestCase {
    func testCreatedDatabaseFileIsOwnerReadWriteOnly() throws {
        let path = self.path("fresh.db")
        _ = try Database(path: path, mode: .create)
        XCTAssertEqual(try fileMode(path), 0o600)
    }

    func testMissingParentDirectoryIsCreatedOwnerOnly() throws {
        let path = self.path("nested/deeper/handrail.db")
        _ = try Database(path: path, mode: .create)
        XCTAssertEqual(try fileMode(path), 0o600)
        XCTAssertEqual(try fileMode(self.path("nested/deeper")), 0o700)
    }

    func testWriteAheadLogAndSharedMemoryFilesAreOwnerOnlyWhileOpen() throws {
        let store = try makeStore()
        try append(store, [event("HR-1")], after: 0)
        // The connection is still open: SQLite keeps -wal and -shm until the last connection closes.
        for suffix in ["", "-wal", "-shm"] {
            let path = databasePath + suffix
            XCTAssertTrue(FileManager.default.fileExists(atPath: path), "\(path) should exist while the connection is open")
            XCTAssertEqual(try fileMode(path), 0o600, path)
        }
        withExtendedLifetime(store) {}
    }

    func testStoreConnectionUsesWALFullSyncAndForeignKeys() throws {
        let store = try makeStore()
        XCTAssertEqual(try store.db.scalarString("PRAGMA journal_mode"), "wal")
        XCTAssertEqual(try store.db.scalarInt("PRAGMA synchronous"), 2, "2 is FULL")
        XCTAssertEqual(try store.db.scalarInt("PRAGMA foreign_keys"), 1)
        XCTAssertEqual(store.db.busyWait.budget, .milliseconds(Int(Database.busyTimeoutMilliseconds)))
        XCTAssertFalse(store.isReadOnly)
    }

    /// Another connection holds the write lock for a moment: a writer waits its turn and commits,
    /// it is not told the database is locked.
    func testAWriterWaitsForAnotherConnectionsWriteLock() throws {
        let first = try Database(path: path("busy.db"), mode: .create)
        try first.execute("PRAGMA journal_mode = WAL; CREATE TABLE t (x INTEGER)")
        let second = try Database(path: path("busy.db"), mode: .readWrite)
        try first.execute("BEGIN IMMEDIATE; INSERT INTO t VALUES (1)")
        let released = expectation(description: "the first connection commits")
        let holder = HeldConnection(first)
        DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(300)) {
            try? holder.db.execute("COMMIT")
            released.fulfill()
        }
        try second.transaction { try second.execute("INSERT INTO t VALUES (2)") }
        wait(for: [released], timeout: 10)
        XCTAssertEqual(try second.scalarInt("SELECT count(*) FROM t"), 2)
    }

    /// Past its budget, a waiter gives up: SQLITE_BUSY, never an endless wait.
    func testAWaiterGivesUpWhenItsBudgetIsSpent() {
        let wait = BusyWait(budget: .milliseconds(30))
        var tries: Int32 = 0
        while wait.tryAgain(after: tries) { tries += 1 }
        XCTAssertGreaterThan(tries, 0)
        XCTAssertFalse(wait.tryAgain(after: tries))
    }

    func testConstraintViolationKeepsPrimaryAndExtendedCodes() throws {
        let db = try Database(path: path("codes.db"), mode: .create)
        try db.execute("CREATE TABLE t (x INTEGER UNIQUE, y TEXT NOT NULL)")
        try db.execute("INSERT INTO t (x, y) VALUES (1, 'a')")

        // Through execute (sqlite3_exec).
        let unique = sqliteError { try db.execute("INSERT INTO t (x, y) VALUES (1, 'b')") }
        XCTAssertEqual(unique?.code, SQLITE_CONSTRAINT)
        XCTAssertEqual(unique?.extendedCode, ExtendedCode.constraintUnique)
        XCTAssertEqual(unique?.isConstraint, true)
        XCTAssertEqual(unique?.sql, "INSERT INTO t (x, y) VALUES (1, 'b')")

        // Through a prepared statement (sqlite3_step).
        let insert = try db.prepare("INSERT INTO t (x, y) VALUES (?1, ?2)")
        let notNull = sqliteError { try insert.run([.integer(2), .null]) }
        XCTAssertEqual(notNull?.code, SQLITE_CONSTRAINT)
        XCTAssertEqual(notNull?.extendedCode, ExtendedCode.constraintNotNull)
        XCTAssertTrue(notNull?.message.contains("NOT NULL") ?? false, notNull?.message ?? "")
        XCTAssertTrue(notNull?.description.contains("code \(ExtendedCode.constraintNotNull)") ?? false)

        let syntax = sqliteError { _ = try db.prepare("SELEKT 1") }
        XCTAssertEqual(syntax?.code, SQLITE_ERROR)
        XCTAssertEqual(syntax?.sql, "SELEKT 1")
        XCTAssertEqual(syntax?.isConstraint, false)
    }

    func testFileThatIsNotSQLiteReportsNotADatabase() throws {
        let path = self.path("notes.txt")
        try Data(String(repeating: "these are my notes, not a database\n", count: 200).utf8).write(to: URL(fileURLWithPath: path))
        let db = try Database(path: path, mode: .readWrite)
        let error = sqliteError { _ = try db.scalarInt("SELECT count(*) FROM sqlite_schema") }
        XCTAssertEqual(error?.code, SQLITE_NOTADB)
        XCTAssertEqual(error?.isNotADatabase, true)
    }

    func testTransactionThatThrowsRollsBack() throws {
        struct Abandon: Error {}
        let db = try Database(path: path("tx.db"), mode: .create)
        try db.execute("CREATE TABLE t (x INTEGER)")
        XCTAssertThrowsError(try db.transaction {
            try db.execute("INSERT INTO t VALUES (1)")
            try db.execute("INSERT INTO t VALUES (2)")
            XCTAssertTrue(db.isInTransaction)
            throw Abandon()
        }) { XCTAssertTrue($0 is Abandon, "the body's own error is rethrown, got \($0)") }
        XCTAssertFalse(db.isInTransaction)
        XCTAssertEqual(try db.scalarInt("SELECT count(*) FROM t"), 0)

        // A failing statement inside the body rolls back the statements before it too.
        XCTAssertThrowsError(try db.transaction {
            try db.execute("INSERT INTO t VALUES (3)")
            try db.execute("INSERT INTO no_such_table VALUES (4)")
        })
        XCTAssertEqual(try db.scalarInt("SELECT count(*) FROM t"), 0)

        let value = try db.transaction { () throws -> Int in
            try db.execute("INSERT INTO t VALUES (5)")
            return 5
        }
        XCTAssertEqual(value, 5)
        XCTAssertEqual(try db.scalarInt("SELECT sum(x) FROM t"), 5)
    }

    func testReadOnlyConnectionRefusesWritesWithReadOnlyCode() throws {
        let path = self.path("ro.db")
        do {
            let db = try Database(path: path, mode: .create)
            try db.execute("CREATE TABLE t (x INTEGER)")
        }
        let db = try Database(path: path, mode: .readOnly)
        let error = sqliteError { try db.execute("INSERT INTO t VALUES (1)") }
        XCTAssertEqual(error?.code, SQLITE_READONLY)
        XCTAssertEqual(error?.isReadOnly, true)
    }

    func testOpeningAMissingFileWithoutCreateFailsWithCantOpen() {
        let error = sqliteError { _ = try Database(path: path("missing.db"), mode: .readWrite) }
        XCTAssertEqual(error?.code, SQLITE_CANTOPEN)
        XCTAssertFalse(FileManager.default.fileExists(atPath: path("missing.db")))
    }

    /// Everything read inside `read` comes from one snapshot, whatever other connections commit
    /// meanwhile (https://sqlite.org/isolation.html); the next read sees their commits.
    func testReadSeesOneSnapshotWhileAnotherConnectionCommits() throws {
        let path = self.path("snapshot.db")
        let db = try SQLiteFile.open(path: path, applicationID: 0x54657374, migrations: [Migration("0001-t", "CREATE TABLE t (x INTEGER)")],
                                     mode: .create, now: t0)
        let other = try Database(path: path, mode: .readWrite)
        let counts = try db.read {
            let before = try db.scalarInt("SELECT count(*) FROM t")
            try other.execute("INSERT INTO t VALUES (1)")
            XCTAssertTrue(db.isInTransaction)
            let nested = try db.read { try db.scalarInt("SELECT count(*) FROM t") }
            return [before, nested, try db.scalarInt("SELECT count(*) FROM t")]
        }
        XCTAssertEqual(counts, [0, 0, 0], "the commit made meanwhile is not seen inside the snapshot")
        XCTAssertFalse(db.isInTransaction)
        XCTAssertEqual(try db.scalarInt("SELECT count(*) FROM t"), 1)
    }
}

/// A connection handed to the thread that ends its transaction; only that thread uses it then.
private final class HeldConnection: @unchecked Sendable {
    let db: Database
    init(_ db: Database) { self.db = db }
}

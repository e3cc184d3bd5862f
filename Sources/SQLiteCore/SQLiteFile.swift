import Foundation

/// The one way a program's own SQLite file is opened: every store (the case database, the
/// directory tenant, training results) gets the same checks, settings and migrations.
public enum SQLiteFile {
    public enum Mode: Sendable {
        /// Create the file (0600) if it does not exist, and migrate it.
        case create
        /// Open an existing file and migrate it.
        case readWrite
        /// Open without writing anything; nothing is created or migrated.
        case readOnly
    }

    /// Opens the database at `path` as a file of kind `applicationID`:
    ///
    /// 1. Opens it (a new file is created 0600 by `Database`). Opening is lazy, so a first read
    ///    follows: that is where "not a database" surfaces (https://sqlite.org/c3ref/open.html).
    /// 2. Refuses a file of another application before anything writes: even
    ///    `PRAGMA journal_mode = WAL` rewrites the header, and someone else's database must be
    ///    left exactly as it was.
    /// 3. Switches to WAL, so readers work while a writer commits (https://sqlite.org/wal.html),
    ///    with synchronous = FULL, so each commit survives power loss
    ///    (https://sqlite.org/pragma.html#pragma_synchronous); and turns foreign keys on, which
    ///    SQLite leaves off per connection (https://sqlite.org/foreignkeys.html#fk_enable).
    /// 4. Applies the migrations not yet applied, by id, each in its own transaction.
    /// 5. Keeps the write-ahead log when the connection closes (`keepWriteAheadLogOnClose`): a
    ///    short-lived process then costs one sync per commit, not a checkpoint at every exit.
    ///
    /// A connection that cannot write (`readOnly`, or a file the process may only read) skips
    /// steps 3 and 4 and only checks that the file is of kind `applicationID`.
    ///
    /// - Parameter now: the caller's clock reading, recorded with the migrations applied.
    /// - Throws: `SQLiteError`, or `Migrator.Failure` for a foreign file or a newer schema.
    public static func open(path: String, applicationID: Int32, migrations: [Migration], mode: Mode, now: Date) throws -> Database {
        let db: Database
        switch mode {
        case .create: db = try Database(path: path, mode: .create)
        case .readWrite: db = try Database(path: path, mode: .readWrite)
        case .readOnly: db = try Database(path: path, mode: .readOnly)
        }
        _ = try db.scalarInt("SELECT count(*) FROM sqlite_schema")
        let writable = !db.isReadOnly
        if writable {
            guard try Migrator.isOwnedOrEmpty(db, applicationID: applicationID) else { throw Migrator.Failure.foreignFile(path) }
            try retryingWhileBusy { _ = try db.scalarString("PRAGMA journal_mode = WAL") }
            try db.execute("PRAGMA synchronous = FULL")
            try db.keepWriteAheadLogOnClose()
        }
        try db.execute("PRAGMA foreign_keys = ON")
        if writable {
            try retryingWhileBusy { try Migrator.migrate(db, migrations: migrations, applicationID: applicationID, now: now) }
        } else if try db.scalarInt("PRAGMA application_id") != Int64(applicationID) {
            throw Migrator.Failure.foreignFile(path)
        }
        return db
    }

    /// Runs `body` again while SQLite answers SQLITE_BUSY, for up to ten seconds. Needed when
    /// several processes start at once on a new file: switching to WAL takes an exclusive lock,
    /// and SQLite returns BUSY at once rather than wait when waiting could deadlock
    /// (https://sqlite.org/c3ref/busy_handler.html); a moment later the switch is done.
    ///
    /// The deadline is on the monotonic clock: it measures a wait, not a time of day, and must
    /// not stretch or shrink when the wall clock is set.
    public static func retryingWhileBusy<T>(for limit: Duration = .seconds(10), _ body: () throws -> T) throws -> T {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: limit)
        while true {
            do {
                return try body()
            } catch let error as SQLiteError where error.isBusy && clock.now < deadline {
                usleep(20_000)
            }
        }
    }
}

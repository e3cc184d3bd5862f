import Foundation

/// Brings a database to the current schema, one migration per transaction, recording each id
/// in `schema_migrations`. Refuses files that are SQLite but belong to some other application
/// (or to another kind of file of this one), told apart by `PRAGMA application_id`.
public enum Migrator {
    public enum Failure: Error, Sendable, Equatable {
        /// The file is an SQLite database of some other application (or another kind of file).
        case foreignFile(String)
        /// The database was migrated by a newer program than this one: it holds these unknown ids.
        case newerSchema([String])
    }

    /// - Parameters:
    ///   - applicationID: which kind of file this is (https://sqlite.org/pragma.html#pragma_application_id).
    ///   - now: the caller's clock reading, recorded as each migration's `applied_at`; handed in
    ///     rather than read here so the core has no clock of its own.
    public static func migrate(_ db: Database, migrations: [Migration], applicationID: Int32, now: Date) throws {
        guard try isOwnedOrEmpty(db, applicationID: applicationID) else { throw Failure.foreignFile(db.path) }
        if (try db.scalarInt("PRAGMA application_id") ?? 0) == 0 {
            try db.transaction {
                try db.execute("PRAGMA application_id = \(applicationID)")
                try db.execute("""
                CREATE TABLE IF NOT EXISTS schema_migrations (id TEXT PRIMARY KEY, applied_at TEXT NOT NULL)
                """)
            }
        }
        let applied = try appliedIDs(db)
        let known = Set(migrations.map(\.id))
        let unknown = applied.filter { !known.contains($0) }
        if !unknown.isEmpty { throw Failure.newerSchema(unknown.sorted()) }
        for migration in migrations where !applied.contains(migration.id) {
            try db.transaction {
                // Another process may have applied it while this one waited for the lock.
                let done = try db.scalarInt("SELECT count(*) FROM schema_migrations WHERE id = ?1", [.text(migration.id)]) ?? 0
                guard done == 0 else { return }
                try db.execute(migration.sql)
                // UTC, ISO 8601 with milliseconds ("2026-05-17T10:00:00.000Z"), the form every time in
                // these files takes, written by SQLite from the caller's reading
                // (https://sqlite.org/lang_datefunc.html: %f is seconds with milliseconds).
                let insert = try db.prepare("""
                INSERT INTO schema_migrations (id, applied_at) VALUES (?1, strftime('%Y-%m-%dT%H:%M:%fZ', ?2, 'unixepoch'))
                """)
                try insert.run([.text(migration.id), .real(now.timeIntervalSince1970)])
            }
        }
    }

    /// Whether the file carries `expected` as its application id, or is an empty one that may
    /// become such a file: anything else (another application's tables or application id) is not
    /// to be written. Only reads.
    ///
    /// Both are read by one statement, so from one snapshot: read apart, a process that read the
    /// application id (0) just before another's first migration committed, and then the table count
    /// (1) just after, took a brand-new database being created next to it for someone else's file.
    public static func isOwnedOrEmpty(_ db: Database, applicationID expected: Int32) throws -> Bool {
        let statement = try db.prepare("""
        SELECT (SELECT application_id FROM pragma_application_id()),
               (SELECT count(*) FROM sqlite_schema WHERE type = 'table')
        """)
        guard try statement.step() else { return false }
        let applicationID = statement.int64(0), tableCount = statement.int64(1)
        if applicationID == Int64(expected) { return true }
        return applicationID == 0 && tableCount == 0
    }

    public static func appliedIDs(_ db: Database) throws -> Set<String> {
        let statement = try db.prepare("SELECT id FROM schema_migrations")
        var ids: Set<String> = []
        while try statement.step() { ids.insert(statement.string(0)) }
        return ids
    }
}

import CSQLite
import Engine
import Foundation

/// Brings a database to the current schema, one migration per transaction, recording each id
/// in `schema_migrations`. Refuses files that are SQLite but not Handrail's.
public enum Migrator {
    public enum Failure: Error, Sendable, Equatable {
        /// The file is an SQLite database of some other application.
        case notAHandrailDatabase(String)
        /// The database was migrated by a newer Handrail than this one.
        case newerSchema([String])
    }

    /// - Parameter applicationID: which kind of Handrail file this is (case database, directory).
    public static func migrate(_ db: Database, migrations: [Migration] = Migrations.all,
                               applicationID: Int32 = Migrations.applicationID) throws {
        guard try isHandrailOrEmpty(db, applicationID: applicationID) else { throw Failure.notAHandrailDatabase(db.path) }
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
                let insert = try db.prepare("INSERT INTO schema_migrations (id, applied_at) VALUES (?1, ?2)")
                try insert.run([.text(migration.id), .text(EventTime.format(Date()))])
            }
        }
    }

    /// Whether the file is a Handrail database or an empty one that may become one: anything
    /// else (another application's tables or application id) is not to be written. Only reads.
    ///
    /// Both are read by one statement, so from one snapshot: read apart, a process that read the
    /// application id (0) just before another's first migration committed, and then the table count
    /// (1) just after, took a brand-new database being created next to it for someone else's file.
    public static func isHandrailOrEmpty(_ db: Database, applicationID expected: Int32 = Migrations.applicationID) throws -> Bool {
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

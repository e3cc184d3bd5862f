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

    public static func migrate(_ db: Database, migrations: [Migration] = Migrations.all) throws {
        let applicationID = try db.scalarInt("PRAGMA application_id") ?? 0
        let tableCount = try db.scalarInt("SELECT count(*) FROM sqlite_schema WHERE type = 'table'") ?? 0
        if applicationID != Int64(Migrations.applicationID) && (applicationID != 0 || tableCount > 0) {
            throw Failure.notAHandrailDatabase(db.path)
        }
        if applicationID == 0 {
            try db.transaction {
                try db.execute("PRAGMA application_id = \(Migrations.applicationID)")
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

    public static func appliedIDs(_ db: Database) throws -> Set<String> {
        let statement = try db.prepare("SELECT id FROM schema_migrations")
        var ids: Set<String> = []
        while try statement.step() { ids.insert(statement.string(0)) }
        return ids
    }
}

import Foundation

/// A copy of a database as a build from before the queue's order indexes left it: the indexes
/// and their migration's record removed with the sqlite3 shell, so that build opens it (a
/// database migrated further than a build knows is refused) and reads it as it did.
enum IndexlessCopy {
    static func make(of path: String) -> String {
        let copy = path.replacingOccurrences(of: ".db", with: "-indexless.db")
        guard !FileManager.default.fileExists(atPath: copy) else { return copy }
        try! FileManager.default.copyItem(atPath: path, toPath: copy)
        let run = runChild(["sqlite3", copy, """
        DROP INDEX cases_by_update_order; DROP INDEX cases_by_status_update_order;
        DELETE FROM schema_migrations WHERE id = '0003-case-order-indexes'; VACUUM;
        """])
        precondition(run.status == 0, "sqlite3 could not make the copy without the indexes")
        return copy
    }
}

import Foundation

/// The peer of one decision through the command line: the sqlite3 shell, a whole process,
/// committing one row in its own transaction on a WAL database with synchronous = FULL (the
/// event log's durability), and nothing else: no hash chain, no projection, no checks.
enum SQLiteCLIInsertPeer {
    /// Creates the peer's database (WAL, one table); returns its path.
    static func prepare(path: String) -> String {
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        let run = runChild(["sqlite3", path, "PRAGMA journal_mode=WAL; CREATE TABLE t (id INTEGER PRIMARY KEY, time TEXT, body TEXT);"])
        precondition(run.status == 0, "sqlite3 could not create \(path): is the sqlite3 shell installed (apt-get install sqlite3)?")
        return path
    }

    /// The command line: one insert transaction, durable.
    static func arguments(database: String, n: Int) -> [String] {
        ["sqlite3", database, "PRAGMA synchronous=FULL; BEGIN IMMEDIATE; "
            + "INSERT INTO t (time, body) VALUES ('2026-05-17T10:00:00.000Z', 'Benchmark note \(n) on the call'); COMMIT;"]
    }
}

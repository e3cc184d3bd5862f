import CSQLite
import Foundation

/// The peer a durable decision is measured against: one row inserted in its own transaction
/// through the bare sqlite3 C API, with the same journal mode and durability as the event log.
/// It lives here because SQL and the C API belong to the Store; the benchmark only times it.
public final class BareInsertPeer {
    private var db: OpaquePointer?
    private var insert: OpaquePointer?
    private let body = String(repeating: "x", count: 400)

    public init(path: String) {
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        sqlite3_open(path, &db)
        sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; CREATE TABLE t (id INTEGER PRIMARY KEY, time TEXT, body TEXT)", nil, nil, nil)
        sqlite3_prepare_v2(db, "INSERT INTO t (time, body) VALUES (?1, ?2)", -1, &insert, nil)
    }

    deinit {
        sqlite3_finalize(insert)
        sqlite3_close(db)
    }

    /// BEGIN IMMEDIATE; INSERT; COMMIT — one durable write.
    public func insertOne() {
        sqlite3_exec(db, "BEGIN IMMEDIATE", nil, nil, nil)
        sqlite3_bind_text(insert, 1, "2026-05-17T10:00:00.000Z", -1, handrail_sqlite_transient())
        sqlite3_bind_text(insert, 2, body, -1, handrail_sqlite_transient())
        sqlite3_step(insert)
        sqlite3_reset(insert)
        sqlite3_exec(db, "COMMIT", nil, nil, nil)
    }
}

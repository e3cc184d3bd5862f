import Foundation
import SQLiteCore

/// The peer a durable decision is measured against: one row inserted in its own transaction
/// on a bare SQLite connection, with the same journal mode and durability as the event log
/// (WAL, synchronous = FULL) and nothing else: no hash chain, no projection, no checks. It is a
/// peer, not a store, so it speaks SQL on the core's connection directly.
final class BareInsertPeer {
    private let db: Database
    private let insert: Statement
    private let body = String(repeating: "x", count: 400)

    init(path: String) {
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        db = try! Database(path: path, mode: .create)
        try! db.execute("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; CREATE TABLE t (id INTEGER PRIMARY KEY, time TEXT, body TEXT)")
        insert = try! db.prepare("INSERT INTO t (time, body) VALUES (?1, ?2)")
    }

    /// BEGIN IMMEDIATE; INSERT; COMMIT — one durable write.
    func insertOne() {
        try! db.execute("BEGIN IMMEDIATE")
        try! insert.run([.text("2026-05-17T10:00:00.000Z"), .text(body)])
        try! db.execute("COMMIT")
    }
}

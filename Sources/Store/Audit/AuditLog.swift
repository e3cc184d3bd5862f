import Foundation
import SQLiteCore

extension HandrailStore {
    /// Streams the events matching `filter` in log order, one row at a time, so exporting ten
    /// million events needs no more memory than exporting ten.
    public func auditRows(_ filter: AuditFilter, _ body: (AuditRow) throws -> Void) throws {
        let (clause, values) = filter.sql()
        let statement = try db.prepare("""
        SELECT seq, time, actor, case_id, subject, type, reason, payload, lower(hex(hash)) FROM events \(clause) ORDER BY seq\(filter.limit.map { " LIMIT \(max(0, $0))" } ?? "")
        """)
        try statement.bind(values)
        while try statement.step() {
            try body(AuditRow(seq: statement.int64(0), time: statement.string(1), actor: statement.string(2),
                              caseID: statement.string(3), subject: statement.string(4), type: statement.string(5),
                              reason: statement.optionalString(6), payload: statement.string(7), hash: statement.string(8)))
        }
    }

    /// The same rows with each column as raw bytes, valid only during `body`: for exports that
    /// write millions of rows and must not build a String per cell. Columns in `AuditRow.columnNames` order.
    public func auditRowsRaw(_ filter: AuditFilter, _ body: (_ columns: RawColumns) throws -> Void) throws {
        let (clause, values) = filter.sql()
        let statement = try db.prepare("""
        SELECT seq, time, actor, case_id, subject, type, reason, payload, lower(hex(hash)) FROM events \(clause) ORDER BY seq
        """)
        try statement.bind(values)
        let columns = RawColumns(statement: statement)
        while try statement.step() { try body(columns) }
    }

    /// Streams, event by event in log order, exactly the bytes each event's hash covers
    /// (previous hash ‖ canonical event), valid only during `body`: what a tool outside Handrail
    /// hashes to check the chain on its own, and what the benchmark times sha256sum on.
    public func hashedBytes(_ body: (UnsafeRawBufferPointer) -> Void) throws(StoreError) {
        try read {
            let statement = try db.prepare("""
            SELECT seq, case_seq, time, actor, case_id, subject, type, reason, payload, prev_hash FROM events ORDER BY seq
            """)
            let hashing = EventHashing()
            while try statement.step() {
                statement.withBytes(9) { prev in statement.withBytes(2) { time in statement.withBytes(3) { actor in
                    statement.withBytes(4) { caseID in statement.withBytes(5) { subject in statement.withBytes(6) { type in
                        statement.withBytes(8) { payload in
                            let reason: UnsafeRawBufferPointer? = statement.isNull(7) ? nil : statement.withBytes(7) { $0 }
                            hashing.withCanonicalBytes(previous: prev, .init(seq: statement.int64(0), caseSeq: statement.int64(1), time: time,
                                                                             actor: actor, caseID: caseID, subject: subject, type: type,
                                                                             reason: reason, payload: payload), body)
                        }
                    } } }
                } } }
            }
        }
    }

    /// The chain's recorded head: the last sequence number and its hash.
    public func chainHead() throws(StoreError) -> (seq: Int64, hash: [UInt8]) {
        try read {
            let statement = try db.prepare("SELECT seq, hash FROM chain_head WHERE id = 1")
            guard try statement.step() else { return (0, EventHashing.genesis) }
            return (statement.int64(0), statement.bytes(1))
        }
    }

    /// The cases with events after `afterSeq` up to `throughSeq`, sorted: what a checkpoint
    /// records of the events it anchors since the one before (a range of the primary key).
    public func caseIDs(after afterSeq: Int64, through throughSeq: Int64) throws(StoreError) -> [String] {
        try read {
            let statement = try db.prepare("SELECT DISTINCT case_id FROM events WHERE seq > ?1 AND seq <= ?2 ORDER BY case_id")
            try statement.bind([.integer(afterSeq), .integer(throughSeq)])
            var out: [String] = []
            while try statement.step() { out.append(statement.string(0)) }
            return out
        }
    }

    public func eventCount() throws(StoreError) -> Int64 {
        try read { try db.scalarInt("SELECT count(*) FROM events") ?? 0 }
    }

    /// Every case id the log holds events for, whether or not the `cases` table has a row for it.
    public func caseIDsInLog() throws(StoreError) -> [String] {
        try read {
            let statement = try db.prepare("SELECT DISTINCT case_id FROM events ORDER BY case_id")
            var ids: [String] = []
            while try statement.step() { ids.append(statement.string(0)) }
            return ids
        }
    }

    /// The last event's time as stored, or nil for an empty log.
    public func lastEventTime() throws(StoreError) -> String? {
        try read {
            let statement = try db.prepare("SELECT time FROM events ORDER BY seq DESC LIMIT 1")
            return try statement.step() ? statement.string(0) : nil
        }
    }
}

/// The current row's columns as bytes (a NULL reads as empty). Valid until the next row.
public struct RawColumns {
    let statement: Statement

    public var count: Int32 { 9 }

    public func isNull(_ index: Int32) -> Bool { statement.isNull(index) }

    public func withBytes<R>(_ index: Int32, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try statement.withBytes(index, body)
    }
}

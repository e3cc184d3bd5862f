import Engine
import Foundation
import Runbook
import SQLiteCore

/// What a checkpoint is compared with: the hash and time the log holds at a sequence number.
public struct LoggedEvent: Sendable, Equatable {
    public var seq: Int64
    public var hash: [UInt8]
    public var time: Date
}

extension HandrailStore {
    /// The events at `seqs`, read in one snapshot with the log's last sequence number: absent
    /// from the answer when the log has no such event (truncated, or rolled back).
    public func loggedEvents(at seqs: [Int64]) throws(StoreError) -> (lastSeq: Int64, events: [Int64: LoggedEvent]) {
        try read {
            let last = try db.scalarInt("SELECT max(seq) FROM events") ?? 0
            let statement = try db.cached("SELECT hash, time FROM events WHERE seq = ?1")
            var out: [Int64: LoggedEvent] = [:]
            for seq in Set(seqs) where seq > 0 {
                try statement.bind([.integer(seq)])
                if try statement.step() {
                    out[seq] = LoggedEvent(seq: seq, hash: statement.bytes(0), time: EventTime.parse(statement.string(1)) ?? .distantPast)
                }
                statement.reset()
            }
            return (last, out)
        }
    }

    /// Every case with its events, in one snapshot: each case's `cases` row (nil when missing)
    /// beside the events the log holds for it (empty when there are none), case by case in id
    /// order. Two streams merged, so memory holds one case at a time.
    public func forEachCaseHistory(_ body: (_ caseID: String, _ record: CaseRecord?, _ events: [StoredEvent]) throws -> Void) throws(StoreError) {
        try read {
            let cases = try db.prepare("SELECT \(Self.caseColumns) FROM cases ORDER BY id")
            let events = try db.prepare("""
            SELECT seq, case_seq, time, actor, subject, type, reason, payload, prev_hash, hash, case_id
            FROM events ORDER BY case_id, case_seq
            """)
            // Both in SQLite's BINARY order, compared here byte by byte as SQLite does.
            var record: CaseRecord? = try cases.step() ? Self.caseRecord(from: cases) : nil
            var pending: StoredEvent?
            var pendingCase: String?
            func nextEvent() throws {
                guard try events.step() else {
                    pending = nil
                    pendingCase = nil
                    return
                }
                let caseID = events.string(10)
                let payloadText = events.string(7)
                let payload = (try? JSON5Parser.parse(payloadText))?.plain.objectValue ?? [:]
                let event = CaseEvent(type: events.string(5), caseID: caseID, subject: events.string(4), actor: events.string(3),
                                      time: EventTime.parse(events.string(2)) ?? .distantPast, reason: events.optionalString(6), payload: payload)
                pending = StoredEvent(seq: events.int64(0), caseSeq: events.int(1), event: event, payloadText: payloadText,
                                      previousHash: events.bytes(8), hash: events.bytes(9))
                pendingCase = caseID
            }
            try nextEvent()
            while record != nil || pendingCase != nil {
                let id = [record?.projection.id, pendingCase].compactMap { $0 }.min { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }!
                var history: [StoredEvent] = []
                while pendingCase == id, let event = pending {
                    history.append(event)
                    try nextEvent()
                }
                let row = record?.projection.id == id ? record : nil
                if row != nil { record = try cases.step() ? Self.caseRecord(from: cases) : nil }
                try body(id, row, history)
            }
        }
    }
}

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
    /// order. Two streams merged, so memory holds one case at a time: the rows in id order, and
    /// the events in (case, case sequence) order through the log's UNIQUE (case_id, case_seq)
    /// index.
    ///
    /// Made for replaying every case (`audit verify --projections`, a restore's proof), so it
    /// reads only what a replay needs, each column once, straight from SQLite's buffers: no
    /// hashes, no String for the payload, which is decoded once by `CanonicalJSON` (falling
    /// back to the JSON5 reader for anything outside the canonical form).
    public func forEachCaseEvents(_ body: (_ caseID: String, _ record: CaseRecord?, _ events: [CaseEvent]) throws -> Void) throws(StoreError) {
        try read {
            let cases = try db.prepare("SELECT \(Self.caseColumns) FROM cases ORDER BY id")
            let events = try db.prepare("""
            SELECT case_id, time, actor, subject, type, reason, payload FROM events ORDER BY case_id, case_seq
            """)
            var record: CaseRecord? = try cases.step() ? Self.caseRecord(from: cases) : nil
            var hasEvent = try events.step()
            var history: [CaseEvent] = []
            let actor = RepeatedText(), subject = RepeatedText(), type = RepeatedText()
            while record != nil || hasEvent {
                // Both in SQLite's BINARY order, compared here byte by byte as SQLite does.
                let eventCase: [UInt8]? = hasEvent ? events.withBytes(0) { Array($0) } : nil
                let recordCase = record.map { Array($0.projection.id.utf8) }
                let id: [UInt8]
                if let eventCase, let recordCase { id = eventCase.lexicographicallyPrecedes(recordCase) ? eventCase : recordCase } else { id = (eventCase ?? recordCase)! }
                let caseID = String(decoding: id, as: UTF8.self)
                history.removeAll(keepingCapacity: true)
                while hasEvent, events.withBytes(0, { $0.elementsEqual(id) }) {
                    let payload = events.withBytes(6) { bytes in
                        CanonicalJSON.decode(bytes)?.objectValue ?? (try? JSON5Parser.parse(String(decoding: bytes, as: UTF8.self)))?.plain.objectValue ?? [:]
                    }
                    history.append(CaseEvent(type: type.text(events, 4), caseID: caseID, subject: subject.text(events, 3), actor: actor.text(events, 2),
                                             time: events.withBytes(1) { EventTime.parse(utf8: $0) } ?? .distantPast,
                                             reason: events.optionalString(5), payload: payload))
                    hasEvent = try events.step()
                }
                let row = recordCase == id ? record : nil
                if row != nil { record = try cases.step() ? Self.caseRecord(from: cases) : nil }
                try body(caseID, row, history)
            }
        }
    }
}

/// A text column that mostly repeats from row to row (a case's subject and actor, a type name):
/// the String of the last value is kept and handed out again while the bytes are the same.
final class RepeatedText {
    private var bytes: [UInt8] = []
    private var string = ""

    func text(_ statement: Statement, _ column: Int32) -> String {
        statement.withBytes(column) { current in
            if !current.elementsEqual(bytes) {
                bytes = Array(current)
                string = String(decoding: current, as: UTF8.self)
            }
            return string
        }
    }
}

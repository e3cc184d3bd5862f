import Engine
import Foundation
import SQLiteCore

/// Where a person's history in the log ended when it was read: the last event recorded for them.
/// A new case is committed only if no event for them was recorded since (`append(subjectMark:)`).
public struct SubjectMark: Sendable, Equatable {
    public var subject: String
    public var lastSeq: Int64

    public init(subject: String, lastSeq: Int64) {
        self.subject = subject
        self.lastSeq = lastSeq
    }
}

extension HandrailStore {
    /// What the log holds about `subject` as of one snapshot: the cases not closed (with who
    /// holds each at `now`), the cases with any of `flaggedTypes` recorded since `since`, and the
    /// mark a new case's commit checks. Reads through the (subject) indexes of both tables.
    public func subjectHistory(_ subject: String, since: Date, now: Date,
                               flaggedTypes: [String]) throws(StoreError) -> (history: SubjectHistory, mark: SubjectMark) {
        try read {
            var history = SubjectHistory()
            var records: [String: CaseRecord] = [:]
            let cases = try db.prepare("SELECT \(Self.caseColumns) FROM cases WHERE subject = ?1 ORDER BY opened_at, id")
            try cases.bind([.text(subject)])
            while try cases.step() {
                let record = Self.caseRecord(from: cases)
                records[record.projection.id] = record
                guard record.projection.status != .closed else { continue }
                let live = record.leaseExpiresAt.map { $0 > now } ?? false
                history.openCases.append(OpenCaseReference(id: record.projection.id, status: record.projection.status,
                                                           openedBy: record.projection.openedBy, holder: live ? record.holder : nil))
            }
            if !flaggedTypes.isEmpty {
                let placeholders = flaggedTypes.indices.map { "?\($0 + 3)" }.joined(separator: ", ")
                let flagged = try db.prepare("""
                SELECT case_id, type, actor FROM events
                WHERE subject = ?1 AND time >= ?2 AND type IN (\(placeholders)) ORDER BY seq
                """)
                try flagged.bind([.text(subject), .text(EventTime.format(since))] + flaggedTypes.map(SQLValue.text))
                var order: [String] = []
                var found: [String: (types: [String], by: [String])] = [:]
                while try flagged.step() {
                    let id = flagged.string(0), type = flagged.string(1), actor = flagged.string(2)
                    if found[id] == nil { order.append(id) }
                    var entry = found[id] ?? ([], [])
                    if !entry.types.contains(type) { entry.types.append(type) }
                    if !entry.by.contains(actor) { entry.by.append(actor) }
                    found[id] = entry
                }
                history.priorCases = order.map { id in
                    let projection = records[id]?.projection
                    return PriorCase(id: id, status: projection?.status.rawValue ?? "unknown", outcome: projection?.outcome,
                                     found: found[id]?.types ?? [], by: found[id]?.by ?? [])
                }
            }
            return (history, SubjectMark(subject: subject, lastSeq: try subjectMarkInTransaction(subject)))
        }
    }

    /// The sequence number of the last event recorded for `subject` (0: none).
    func subjectMarkInTransaction(_ subject: String) throws -> Int64 {
        try db.scalarInt("SELECT coalesce(max(seq), 0) FROM events WHERE subject = ?1", [.text(subject)]) ?? 0
    }
}

import Engine
import Foundation
import Store

/// A case whose row in the `cases` table is not what its events say: someone edited the
/// projection (hiding an escalated case from the senior queue, say), or a restore went wrong.
public struct ProjectionMismatch: Sendable, Equatable, CustomStringConvertible {
    public var caseID: String
    /// What differs, one phrase per field ("status: the row says closed, the events say escalated").
    public var differences: [String]

    public var description: String { "case \(caseID): " + differences.joined(separator: "; ") }
}

extension CaseReader {
    /// Every case whose projection row differs from the replay of its events, and every case with
    /// events but no row. Reads the whole log once per case: for `audit verify` and restores, not
    /// for the queue.
    public func projectionMismatches() throws -> [ProjectionMismatch] {
        var mismatches: [ProjectionMismatch] = []
        let records = try context.store.cases(statuses: nil, subject: nil, limit: Int.max)
        var seen = Set<String>()
        for record in records {
            seen.insert(record.projection.id)
            let events = try context.store.events(caseID: record.projection.id).map(\.event)
            guard let runbook = context.runbooks(record.projection.runbook) else {
                mismatches.append(ProjectionMismatch(caseID: record.projection.id,
                                                     differences: ["its runbook \"\(record.projection.runbook)\" is not in the runbook folder"]))
                continue
            }
            guard let state = CaseState.replay(events, runbook: runbook) else {
                mismatches.append(ProjectionMismatch(caseID: record.projection.id, differences: ["a row without a case.opened event"]))
                continue
            }
            let differences = Self.differences(row: record.projection, replayed: CaseProjection(state: state))
            if !differences.isEmpty { mismatches.append(ProjectionMismatch(caseID: record.projection.id, differences: differences)) }
        }
        for caseID in try context.store.caseIDsInLog() where !seen.contains(caseID) {
            mismatches.append(ProjectionMismatch(caseID: caseID, differences: ["events without a row in the cases table"]))
        }
        return mismatches
    }

    static func differences(row: CaseProjection, replayed: CaseProjection) -> [String] {
        var out: [String] = []
        func compare<T: Equatable>(_ name: String, _ a: T, _ b: T) {
            if a != b { out.append("\(name): the row says \(a), the events say \(b)") }
        }
        compare("status", row.status.rawValue, replayed.status.rawValue)
        compare("step", row.step, replayed.step)
        compare("outcome", row.outcome ?? "none", replayed.outcome ?? "none")
        compare("subject", row.subject, replayed.subject)
        compare("opened by", row.openedBy, replayed.openedBy)
        compare("events", row.lastCaseSeq, replayed.lastCaseSeq)
        compare("updated", EventTime.format(row.updatedAt), EventTime.format(replayed.updatedAt))
        compare("overdue at", row.overdueAt.map(EventTime.format) ?? "none", replayed.overdueAt.map(EventTime.format) ?? "none")
        return out
    }
}

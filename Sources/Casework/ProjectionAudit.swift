import Engine
import Foundation
import Runbook
import Store

/// A case whose `cases` row is not what its events say.
public struct ProjectionMismatch: Sendable, Equatable, CustomStringConvertible {
    public var caseID: String
    public var reason: String
    public var description: String { "case \(caseID): \(reason)" }
}

extension CaseReader {
    /// Replays every case's events and compares the result with its row in `cases`, which the
    /// queue (the senior's escalations, the overdue list) reads instead of the events: a row
    /// edited by hand (its status set to closed behind Handrail's back) hides a case from whoever should
    /// see it while the hash chain stays intact. Holder and lease are not replayed (they are not
    /// events). One snapshot; at most `limit` mismatches are returned.
    public func auditProjections(limit: Int = 20) throws -> (casesChecked: Int, mismatches: [ProjectionMismatch]) {
        var checked = 0
        var mismatches: [ProjectionMismatch] = []
        // Cases share a handful of runbooks: each is found (read, parsed, checked) once per audit,
        // not once per case, which on a log of a million cases was most of the time taken.
        // Only runbooks found are kept: a failure names its case, so each failing case asks again.
        var runbooks: [RunbookKey: Runbook] = [:]
        try context.store.forEachCaseEvents { caseID, record, history in
            guard mismatches.count < limit else { return }
            // Sessions and roster changes: chained like every event, but no case and so no row.
            if record == nil, HandrailStore.isDeskCase(caseID) { return }
            checked += 1
            guard let record else {
                mismatches.append(ProjectionMismatch(caseID: caseID, reason: "it has \(history.count) events but no row in cases: the row was deleted"))
                return
            }
            guard let first = history.first else {
                mismatches.append(ProjectionMismatch(caseID: caseID, reason: "it has a row in cases but no events: the row was added, or its events removed"))
                return
            }
            let runbook: Runbook
            do {
                let key = RunbookKey(first, history: history)
                if let known = key.flatMap({ runbooks[$0] }) {
                    runbook = known
                } else {
                    runbook = try context.replayRunbook(for: first, history: history)
                    if let key { runbooks[key] = runbook }
                }
            } catch {
                mismatches.append(ProjectionMismatch(caseID: caseID, reason: "cannot be replayed: \(error)"))
                return
            }
            guard let state = CaseState.replay(history, runbook: runbook) else {
                mismatches.append(ProjectionMismatch(caseID: caseID, reason: "its events do not replay to a case"))
                return
            }
            let expected = CaseProjection(state: state)
            let differences = Self.differences(stored: record.projection, replayed: expected)
            if !differences.isEmpty {
                mismatches.append(ProjectionMismatch(caseID: caseID, reason: "its row in cases differs from the replay of its events: "
                                                     + differences.joined(separator: "; ")))
            }
        }
        return (checked, mismatches)
    }

    /// What `CaseworkContext.replayRunbook(for:history:)` looks a case's runbook up by: the pinned
    /// file's hash (`pinnedSHA256`, a migration's if there was one) and the runbook's id. Nil for an event that is not an
    /// opening (which has no runbook to look up).
    struct RunbookKey: Hashable {
        var sha256: String?
        var id: String

        init?(_ opening: CaseEvent, history: [CaseEvent]) {
            guard case .opened(let o) = opening.body else { return nil }
            sha256 = CaseworkContext.pinnedSHA256(o, history: history)
            id = o.runbookID
        }
    }

    static func differences(stored: CaseProjection, replayed: CaseProjection) -> [String] {
        var out: [String] = []
        func compare<T: Equatable>(_ name: String, _ a: T, _ b: T) {
            if a != b { out.append("\(name) is \(String(describing: a)), the events say \(String(describing: b))") }
        }
        compare("status", stored.status.rawValue, replayed.status.rawValue)
        compare("step", stored.step, replayed.step)
        compare("outcome", stored.outcome ?? "none", replayed.outcome ?? "none")
        compare("subject", stored.subject, replayed.subject)
        if stored.runbook != replayed.runbook || stored.runbookVersion != replayed.runbookVersion {
            compare("runbook", "\(stored.runbook) v\(stored.runbookVersion)", "\(replayed.runbook) v\(replayed.runbookVersion)")
        }
        compare("opened by", stored.openedBy, replayed.openedBy)
        // Times as stored (to the millisecond); spelt out only when they differ, since formatting
        // three times per case was a good part of replaying a million cases.
        func compareTime(_ name: String, _ a: Date?, _ b: Date?) {
            if a.map(EventTime.truncated) != b.map(EventTime.truncated) {
                compare(name, a.map(EventTime.format) ?? "none", b.map(EventTime.format) ?? "none")
            }
        }
        compareTime("opened at", stored.openedAt, replayed.openedAt)
        compareTime("updated at", stored.updatedAt, replayed.updatedAt)
        compareTime("overdue at", stored.overdueAt, replayed.overdueAt)
        compare("event count", stored.lastCaseSeq, replayed.lastCaseSeq)
        compare("linked from", stored.linkedFrom ?? "none", replayed.linkedFrom ?? "none")
        return out
    }
}

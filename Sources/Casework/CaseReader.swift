import Engine
import Foundation
import Platform
import Runbook
import Store

/// The reading side of the application layer: a case as it stands (for the screens and for
/// deciding), the queue's tabs, and pages of the audit log. Reads take no write lock.
public final class CaseReader {
    let context: CaseworkContext

    public init(_ context: CaseworkContext) {
        self.context = context
    }

    /// A case as it stands: its events, state, runbook and the platform's facts as of now.
    public func snapshot(_ caseID: String, actor: Actor) throws -> CaseSnapshot {
        try snapshot(of: try context.store.events(caseID: caseID), caseID: caseID, actor: actor, record: try context.store.caseRecord(caseID))
    }

    /// The snapshot of a history already read (after a commit, say), with the facts read now.
    func snapshot(of history: [StoredEvent], caseID: String, actor: Actor, record: CaseRecord?, newCaseID: String? = nil) throws -> CaseSnapshot {
        guard let first = history.first else { throw StoreError.caseNotFound(caseID) }
        let runbook = try context.runbook(for: first.event)
        let events = history.map(\.event)
        guard let state = CaseState.replay(events, runbook: runbook) else { throw StoreError.caseNotFound(caseID) }
        let now = context.clock()
        let platform = context.platform
        let facts: PlatformFacts
        var problem: String?
        do {
            facts = try platform.facts(subject: state.subject, history: events, now: now)
        } catch {
            // Shown with every fact unknown, never as an internal error: auditors still read the case.
            facts = PlatformFacts(user: UserRecord(email: state.subject, displayName: state.subject))
            problem = "\(error)"
        }
        let missing = state.status == .closed || problem != nil ? [] : runbook.step(state.currentStep).map {
            platform.missingFacts(for: $0, values: [:], history: events)
        } ?? []
        let decisionContext = context.decisionContext(runbook: runbook, actor: actor, facts: facts, now: now, newCaseID: newCaseID)
        var snapshot = CaseSnapshot(history: history, state: state, runbook: runbook, facts: decisionContext.facts, record: record,
                                    context: decisionContext,
                                    missingFacts: missing, knownFacts: problem == nil ? platform.knownFacts(history: events) : [])
        snapshot.factsProblem = problem
        return snapshot
    }

    /// A case's events, without replaying them or asking the platform.
    public func events(_ caseID: String) throws -> [CaseEvent] {
        try context.store.events(caseID: caseID).map(\.event)
    }

    // MARK: - The queue

    /// The queue's tabs for `actor`, from the projection only (no replay): cheap on a database of
    /// millions. One query per status, each reading only its newest rows through the
    /// (status, updated_at) index, so the first frame does not depend on how many are closed.
    public func queue(for actor: Actor) throws -> [QueueTab: [QueueRow]] {
        let now = context.clock()
        var active: [CaseRecord] = []
        for status in CaseStatus.allCases where status != .closed {
            active += try context.store.cases(statuses: [status.rawValue], limit: 300)
        }
        // Newest first across statuses, as one query would have given them.
        active.sort { ($0.projection.updatedAt, $1.projection.id) > ($1.projection.updatedAt, $0.projection.id) }
        let closed = try context.store.cases(statuses: [CaseStatus.closed.rawValue], limit: 50)
        func row(_ r: CaseRecord) -> QueueRow {
            QueueRow(r, viewer: actor.login, now: now)
        }
        let rows = active.map(row)
        let mine = active.filter { $0.projection.openedBy == actor.login || $0.holder == actor.login }
            .map(row).filter { $0.status != .awaitingEnrolment }
        let review = rows.filter { $0.status == .escalated || $0.status == .awaitingApproval || $0.overdue }
            .sorted { ($0.overdue ? 0 : 1, $0.updated) < ($1.overdue ? 0 : 1, $1.updated) }
        return [
            .mine: mine,
            .awaiting: rows.filter { $0.status == .awaitingEnrolment && !$0.overdue },
            .review: review,
            .overdue: rows.filter(\.overdue),
            .closed: closed.map(row),
            .allOpen: rows,
        ]
    }

    /// Cases for `case list`, most recently updated first: a page of at most `limit`, after the
    /// case `after` (the last of the page before) when given.
    public func cases(status: CaseStatus?, subject: String?, limit: Int, after: String? = nil) throws -> [CaseRecord] {
        try context.store.cases(statuses: status.map { [$0.rawValue] }, subject: subject, limit: limit, after: after)
    }

    // MARK: - The audit log

    /// One page of the audit log. Stops reading at the row after the page (which only says
    /// there is more): on a log of millions, the first page must not cost a scan of all of it.
    public func auditPage(_ filter: AuditFilter, page: Int, pageSize: Int) throws -> (rows: [AuditRow], hasMore: Bool) {
        var rows: [AuditRow] = []
        var skipped = 0
        struct PageFull: Error {}
        do {
            try context.store.auditRows(filter) { row in
                if skipped < page * pageSize { skipped += 1; return }
                rows.append(row)
                if rows.count > pageSize { throw PageFull() }
            }
        } catch is PageFull {}
        return (Array(rows.prefix(pageSize)), rows.count > pageSize)
    }

    /// Verifies the chain, reporting progress (0…1) from the verifier's threads.
    public func verifyAudit(progress: @escaping @Sendable (Double) -> Void) throws -> ChainVerifier.Report {
        let total = max(1, try context.store.eventCount())
        return try ChainVerifier(store: context.store).verify(progressInterval: max(4096, total / 50)) { done in
            progress(Double(done) / Double(total))
        }
    }

    /// Writes the filtered log in `format` through `write`; the number of events written.
    public func exportAudit(_ filter: AuditFilter, format: AuditExporter.Format, write: @escaping ([UInt8]) -> Void) throws -> Int {
        try AuditExporter(store: context.store).export(filter, format: format, sink: write)
    }
}

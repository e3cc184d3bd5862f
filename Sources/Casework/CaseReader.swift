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

    /// The case replayed on its runbook's current file rather than the one it is pinned to, with
    /// that file as the migration target: what a senior admin's `migrateRunbook` is decided on.
    func migrationSnapshot(_ caseID: String, actor: Actor) throws -> CaseSnapshot {
        let history = try context.store.events(caseID: caseID)
        guard let first = history.first, case .opened(let o) = first.event.body else { throw StoreError.caseNotFound(caseID) }
        guard let pin = context.runbookPin?(o.runbookID), let runbook = context.runbookByHash?(pin.sha256) ?? context.runbooks(o.runbookID) else {
            throw CaseworkError.runbookMissing(o.runbookID)
        }
        var snapshot = try self.snapshot(of: history, caseID: caseID, actor: actor, record: try context.store.caseRecord(caseID), runbook: runbook)
        snapshot.context.runbookMigrationTarget = RunbookPin(sha256: pin.sha256, file: pin.file)
        return snapshot
    }

    /// The snapshot of a history already read (after a commit, say), with the facts read now.
    func snapshot(of history: [StoredEvent], caseID: String, actor: Actor, record: CaseRecord?, newCaseID: String? = nil,
                  runbook given: Runbook? = nil) throws -> CaseSnapshot {
        guard let first = history.first else { throw StoreError.caseNotFound(caseID) }
        let runbook = try given ?? context.runbook(for: first.event, history: history.map(\.event))
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
        var decisionContext = context.decisionContext(runbook: runbook, actor: actor, facts: facts, now: now, newCaseID: newCaseID)
        if let record, record.heldBySomeoneElse(than: actor.login, at: now) { decisionContext.heldBy = record.holder }
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
    /// - Parameter summarising: whether the review tab's rows carry their `ReviewSummary` (each
    ///   one a read of the case's events); the wizard asks for them after its first frame
    ///   (`reviewSummaries(for:)`), which needs only the rows.
    public func queue(for actor: Actor, summarising: Bool = true) throws -> [QueueTab: [QueueRow]] {
        let now = context.clock()
        var active: [CaseRecord] = []
        for status in CaseStatus.allCases where status != .closed {
            active += try context.store.cases(statuses: [status.rawValue], limit: 300)
        }
        // Newest first across statuses, as one query would have given them (sorted as positions:
        // a record is a dozen strings to move).
        let newestFirst = active.indices.sorted { a, b in
            (active[a].projection.updatedAt, active[b].projection.id) > (active[b].projection.updatedAt, active[a].projection.id)
        }
        let closed = try context.store.cases(statuses: [CaseStatus.closed.rawValue], limit: 50)
        // Step titles from each runbook, read once per queue (a runbook is a file to parse), and
        // kept as a table: a queue is hundreds of rows, and copying a runbook out for each cost
        // more than reading the rows.
        var stepTitles: [String: [String: String]] = [:]
        func title(runbook id: String, step: String) -> String? {
            if stepTitles[id] == nil {
                stepTitles[id] = context.runbooks(id).map { Dictionary($0.steps.map { ($0.id, $0.title) }, uniquingKeysWith: { first, _ in first }) } ?? [:]
            }
            return stepTitles[id]?[step]
        }
        func row(_ record: CaseRecord) -> QueueRow {
            var row = QueueRow(record, viewer: actor.login, now: now)
            row.stepTitle = title(runbook: record.projection.runbook, step: record.projection.step) ?? record.projection.step
            return row
        }
        var rows: [QueueRow] = [], mine: [QueueRow] = []
        rows.reserveCapacity(active.count)
        for record in newestFirst.lazy.map({ active[$0] }) {
            let row = row(record)
            rows.append(row)
            if record.projection.openedBy == actor.login || record.holder == actor.login, row.status != .awaitingEnrolment { mine.append(row) }
        }
        // Overdue first, then the longest waiting; the row's place in `rows` settles ties, as a
        // stable sort would. Sorted as positions, not rows: a row is a dozen strings to move.
        let waiting = rows.indices.filter { rows[$0].status == .escalated || rows[$0].status == .awaitingApproval || rows[$0].overdue }
        var review = waiting.sorted { a, b in
            (rows[a].overdue ? 0 : 1, rows[a].updated, a) < (rows[b].overdue ? 0 : 1, rows[b].updated, b)
        }.map { rows[$0] }
        if summarising {
            let summaries = reviewSummaries(for: review, now: now)
            for i in review.indices { review[i].review = summaries[review[i].id] ?? review[i].review }
        }
        return [
            .mine: mine,
            .awaiting: rows.filter { $0.status == .awaitingEnrolment && !$0.overdue },
            .review: review,
            .overdue: rows.filter(\.overdue),
            .closed: closed.map(row),
            .allOpen: rows,
        ]
    }

    /// What a senior decides on, read from each waiting case's events, by case id: the review
    /// tab is short, and the first `reviewSummaryLimit` rows are read (the rest say so when opened).
    public func reviewSummaries(for rows: [QueueRow], now: Date? = nil) -> [String: ReviewSummary] {
        let now = now ?? context.clock()
        // The runbook folder looked at once per runbook for the whole list (by pinned hash, or by
        // id for a case opened before pinning), not once per case: one reading of the folder as it is now.
        var listing = context
        let seen = RunbooksSeen()
        if let byHash = context.runbookByHash {
            listing.runbookByHash = { hash in seen.remembered(hash, in: \.byHash) { byHash(hash) } }
        }
        let byID = context.runbooks
        listing.runbooks = { id in seen.remembered(id, in: \.byID) { byID(id) } }
        var summaries: [String: ReviewSummary] = [:]
        for row in rows.prefix(Self.reviewSummaryLimit) { summaries[row.id] = try? reviewSummary(row, now: now, context: listing) }
        return summaries
    }

    /// The runbooks one list of review summaries found, by SHA-256 and by id (nil: none found).
    private final class RunbooksSeen {
        var byHash: [String: Runbook?] = [:]
        var byID: [String: Runbook?] = [:]

        func remembered(_ key: String, in table: ReferenceWritableKeyPath<RunbooksSeen, [String: Runbook?]>, _ find: () -> Runbook?) -> Runbook? {
            if let known = self[keyPath: table][key] { return known }
            let found = find()
            self[keyPath: table][key] = .some(found)
            return found
        }
    }

    public static let reviewSummaryLimit = 50

    /// Why a case waits for a senior: the escalation's or the approval request's reason, who
    /// sent it and since when, and every signal raised on it, in people's words.
    func reviewSummary(_ row: QueueRow, now: Date, context: CaseworkContext) throws -> ReviewSummary? {
        let history = try context.store.events(caseID: row.id)
        guard let first = history.first else { return nil }
        let runbook = try context.runbook(for: first.event, history: history.map(\.event))
        guard let state = CaseState.replay(history.map(\.event), runbook: runbook) else { return nil }
        func label(_ signal: String) -> String { runbook.signal(signal)?.label ?? signal }
        var signals = state.signals.map { label($0.signal) }
        let summary: ReviewSummary
        if state.status == .escalated, let e = state.escalation {
            signals.insert(label(e.signal), at: 0)
            summary = ReviewSummary(kind: .refusal, reason: e.reason, requester: e.by, since: e.at, signals: [])
        } else if state.status == .awaitingApproval, let a = state.approval {
            summary = ReviewSummary(kind: .approval, reason: a.reason ?? "", requester: a.requestedBy, since: a.requestedAt, signals: [])
        } else {
            let since = state.enrolmentDeadline ?? state.lastEventAt
            summary = ReviewSummary(kind: .overdue, reason: "No new factor enrolled in time: the account has no second factor",
                                    requester: state.openedBy, since: since, signals: [])
        }
        var unique: [String] = []
        for signal in signals where !unique.contains(signal) { unique.append(signal) }
        var result = summary
        result.signals = unique
        result.age = max(0, now.timeIntervalSince(summary.since))
        return result
    }

    /// A caller's cases, for the operator about to open another: the open and escalated ones
    /// first, then the most recent closed ones. A read only: nothing is held or recorded.
    public func subjectCases(_ subject: String, actor: Actor, recent: Int = 5) throws -> [QueueRow] {
        let now = context.clock()
        let records = try context.store.cases(subject: subject.trimmingBlanks().lowercased(), limit: 50)
        let rows = records.map { record -> QueueRow in
            var row = QueueRow(record, viewer: actor.login, now: now)
            row.stepTitle = context.runbooks(record.projection.runbook)?.step(record.projection.step)?.title ?? record.projection.step
            return row
        }
        return rows.filter { $0.status != .closed } + rows.filter { $0.status == .closed }.prefix(recent)
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

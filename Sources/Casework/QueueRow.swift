import Engine
import Foundation
import Hashing
import Store

/// The queue's tabs.
public enum QueueTab: Int, Sendable, CaseIterable {
    case mine, awaiting, review, overdue, closed
    /// Every case not closed, whoever has it: paused ones and those held by a colleague (with the holder).
    case allOpen

    public var title: String {
        switch self {
        case .mine: return "My open cases"
        case .awaiting: return "Awaiting enrolment"
        case .review: return "Senior review"
        case .overdue: return "Overdue"
        case .closed: return "Recently closed"
        case .allOpen: return "All open cases (paused and held by others too)"
        }
    }
}

/// One case as the queue lists it, from the `cases` projection.
public struct QueueRow: Sendable, Equatable {
    public var id: String
    public var subject: String
    public var status: CaseStatus
    public var step: String
    public var updated: Date
    public var overdue: Bool
    /// Someone other than the viewer who holds the case now.
    public var holder: String?
    public var outcome: String?
    /// The step as the runbook titles it (the id when the runbook cannot be read).
    public var stepTitle: String
    /// For the review tab: why the case waits for a senior, who sent it, since when, the signals.
    public var review: ReviewSummary?

    public init(id: String, subject: String, status: CaseStatus, step: String, updated: Date, overdue: Bool, holder: String?, outcome: String?) {
        self.id = id
        self.subject = subject
        self.status = status
        self.step = step
        self.updated = updated
        self.overdue = overdue
        self.holder = holder
        self.outcome = outcome
        stepTitle = step
    }

    init(_ record: CaseRecord, viewer: String, now: Date) {
        let p = record.projection
        self.init(id: p.id, subject: p.subject, status: p.status, step: p.step, updated: p.updatedAt,
                  overdue: p.overdueAt.map { $0 < now } ?? false,
                  holder: record.heldBySomeoneElse(than: viewer, at: now) ? record.holder : nil, outcome: p.outcome)
    }
}

/// The audit log's types, for edges that reach the log only through Casework.
public typealias AuditRow = Store.AuditRow
public typealias AuditFilter = Store.AuditFilter
public typealias AuditFormat = Store.AuditExporter.Format
public typealias VerificationReport = Store.ChainVerifier.Report

extension ChainVerifier.Report {
    /// The head hash as hex, for screens that show it.
    public var headHashHex: String { headHash.hexString }
}

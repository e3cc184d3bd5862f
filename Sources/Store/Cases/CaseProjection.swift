import Engine
import Foundation

/// A case's row in the `cases` table: what the queue shows without replaying events.
/// Derived from `CaseState` and written in the same transaction as the events it reflects.
public struct CaseProjection: Sendable, Equatable {
    public var id: String
    public var runbook: String
    public var runbookVersion: Int
    public var subject: String
    public var status: CaseStatus
    public var step: String
    public var outcome: String?
    public var openedBy: String
    public var openedAt: Date
    public var updatedAt: Date
    /// When an awaiting-enrolment case becomes overdue.
    public var overdueAt: Date?
    public var lastCaseSeq: Int
    public var linkedFrom: String?

    public init(state: CaseState) {
        id = state.caseID
        runbook = state.runbookID
        runbookVersion = state.runbookVersion
        subject = state.subject
        status = state.status
        step = state.currentStep
        outcome = state.outcome
        openedBy = state.openedBy
        openedAt = state.openedAt
        updatedAt = state.lastEventAt
        overdueAt = state.status == .awaitingEnrolment ? state.enrolmentDeadline : nil
        lastCaseSeq = state.eventCount
        linkedFrom = state.linkedFrom
    }
}

/// A row of the `cases` table as read back, with who holds it.
public struct CaseRecord: Sendable, Equatable {
    public var projection: CaseProjection
    public var holder: String?
    public var leaseExpiresAt: Date?

    public func heldBySomeoneElse(than login: String, at now: Date) -> Bool {
        guard let holder, holder != login, let until = leaseExpiresAt else { return false }
        return until > now
    }
}

extension CaseProjection {
    init(id: String, runbook: String, runbookVersion: Int, subject: String, status: CaseStatus, step: String, outcome: String?,
         openedBy: String, openedAt: Date, updatedAt: Date, overdueAt: Date?, lastCaseSeq: Int, linkedFrom: String?) {
        self.id = id
        self.runbook = runbook
        self.runbookVersion = runbookVersion
        self.subject = subject
        self.status = status
        self.step = step
        self.outcome = outcome
        self.openedBy = openedBy
        self.openedAt = openedAt
        self.updatedAt = updatedAt
        self.overdueAt = overdueAt
        self.lastCaseSeq = lastCaseSeq
        self.linkedFrom = linkedFrom
    }
}

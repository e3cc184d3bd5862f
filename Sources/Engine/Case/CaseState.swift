import Foundation
import Runbook

/// A case as its events make it: `CaseState.replay(events, runbook:)`. Nothing here is stored
/// directly; the `cases` projection is derived from it in the same transaction as the events.
public struct CaseState: Sendable, Equatable {
    public var caseID: String
    public var runbookID: String
    public var runbookVersion: Int
    public var subject: String
    public var openedBy: String
    public var openedAt: Date
    /// The incident case this one was opened from, if any.
    public var linkedFrom: String?
    public var linkedFromIncident: Bool
    public var status: CaseStatus
    public var currentStep: String
    /// The values last submitted at each completed step, by step id then field id.
    public var stepValues: [String: [String: String]] = [:]
    /// Completed steps in the order they were completed (repeats removed).
    public var completedSteps: [String] = []
    /// Steps at which the case was refused, for the rail's ✗.
    public var refusedSteps: Set<String> = []
    public var verification: Verification?
    public var rejectedVerificationAttempts = 0
    /// Attempts to continue or act that the gates refused (`gate.refused`).
    public var refusedAttempts = 0
    public var signals: [RaisedSignal] = []
    /// Unusual activity up to this time was reviewed by a senior admin who reopened the case.
    public var activityAcknowledgedThrough: Date?
    public var approval: Approval?
    public var pendingAction: PendingAction?
    public var completedActions: [CompletedAction] = []
    public var enrolmentDeadline: Date?
    public var enrolledFactor: EnrolledFactor?
    public var escalation: Escalation?
    public var statusBeforePause: CaseStatus?
    /// Where a restarted verification returns to once the caller is verified again, so that
    /// re-verifying never sends a case back through steps (and admin actions) already done.
    public var resumeAfterVerification: String?
    public var incidentDeclared = false
    /// The SHA-256 of the runbook file the case runs on: the opening's, or the last migration's.
    public var runbookSHA256: String?
    public var linkedCases: [String] = []
    /// For a case linked from an incident: who worked the incident (none may approve here), and
    /// the suspension the incident carried out (the only one this case may act through).
    public var incidentWorkers: [String] = []
    public var incidentSuspension: String?
    /// Refused, escalated or incident cases for the same person found when this one was opened,
    /// and the senior admin who cleared them (nil while they stand).
    public var priorCases: PriorCasesFound?
    public var priorCasesClearedBy: String?
    /// Typed facts (ManualConsole) as last recorded, by key.
    public var typedFacts: [String: JSONValue] = [:]
    /// Typed facts a gate refused on, with the value they had then: changing one needs a senior's
    /// confirmation of the new value (`confirmedFacts`).
    public var disputedFacts: [String: JSONValue] = [:]
    /// New values a senior admin confirmed for disputed facts, with who confirmed them.
    public var confirmedFacts: [String: FactConfirmation] = [:]
    public var notes: [CaseNote] = []
    public var outcome: String?
    public var eventCount = 0
    public var lastEventAt: Date

    public init(caseID: String, runbookID: String, runbookVersion: Int, subject: String, openedBy: String,
                openedAt: Date, linkedFrom: String?, linkedFromIncident: Bool, startStep: String) {
        self.caseID = caseID
        self.runbookID = runbookID
        self.runbookVersion = runbookVersion
        self.subject = subject
        self.openedBy = openedBy
        self.openedAt = openedAt
        self.linkedFrom = linkedFrom
        self.linkedFromIncident = linkedFromIncident
        self.status = .open
        self.currentStep = startStep
        self.lastEventAt = openedAt
    }

    /// The prior cases found at opening, while no senior admin has cleared them.
    public var standingPriorCases: PriorCasesFound? {
        priorCasesClearedBy == nil && !(priorCases?.cases.isEmpty ?? true) ? priorCases : nil
    }

    /// Past its enrolment deadline with no factor: the exposure window the senior queue must see.
    public func isOverdue(at now: Date) -> Bool {
        status == .awaitingEnrolment && (enrolmentDeadline.map { now > $0 } ?? false)
    }

    /// The time the last admin action completed: enrolment must come after it.
    public var lastActionCompletedAt: Date? { completedActions.last?.at }

    /// The value of `stepID.fieldID` as last submitted.
    public func value(_ fieldID: String, at stepID: String) -> String? {
        stepValues[stepID]?[fieldID]
    }
}

public struct Verification: Sendable, Equatable {
    /// The choice value: video, callback, ticket, federated.
    public var method: String
    /// How reasons name it ("video call").
    public var term: String
    public var at: Date
    public var reference: String?
    public var by: String
}

public struct FactConfirmation: Sendable, Equatable {
    public var value: JSONValue
    public var by: String
    public var reason: String
}

public struct RaisedSignal: Sendable, Equatable {
    public var signal: String
    public var reason: String
    public var by: String
    public var at: Date
}

public struct Approval: Sendable, Equatable {
    public enum State: String, Sendable, Equatable {
        case requested, granted, denied
    }

    public var state: State
    public var requestedBy: String
    public var requestedAt: Date
    public var decidedBy: String?
    public var decidedAt: Date?
    public var reason: String?
}

public struct PendingAction: Sendable, Equatable {
    public var idempotencyKey: String
    public var action: PlatformAction
    public var event: String
    public var step: String
    public var next: String
    public var values: [String: String]
    public var reason: String?
    public var requestedBy: String
    public var requestedAt: Date
    /// A lost secret issued again: its completion carries the same marker.
    public var reissue = false
}

public struct CompletedAction: Sendable, Equatable {
    public var action: PlatformAction
    public var event: String
    public var step: String
    public var by: String
    public var at: Date
}

public struct Escalation: Sendable, Equatable {
    public var signal: String
    public var reason: String
    public var step: String
    public var by: String
    public var at: Date
}

public struct CaseNote: Sendable, Equatable {
    public enum Kind: String, Sendable, Equatable {
        case note, refusal
    }

    public var kind: Kind
    public var text: String
    public var by: String
    public var at: Date
}

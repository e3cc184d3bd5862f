import Foundation

/// What the log already holds about the person a case is being opened for, read by the store
/// when the case is opened and decided on by `CaseEngine.open`: a caller refused by one agent
/// must not simply ring again and be served by the next ("caller shopping").
public struct SubjectHistory: Sendable, Equatable {
    /// Cases for the same person that are not closed: a second one is refused.
    public var openCases: [OpenCaseReference]
    /// Cases for the same person refused, escalated or turned into an incident within the
    /// runbook's look-back window (`priorRefusalLookBackDays`).
    public var priorCases: [PriorCase]

    public init(openCases: [OpenCaseReference] = [], priorCases: [PriorCase] = []) {
        self.openCases = openCases
        self.priorCases = priorCases
    }

    public static let none = SubjectHistory()
}

/// A case for the subject that is still being worked, and who has it.
public struct OpenCaseReference: Sendable, Equatable {
    public var id: String
    public var status: CaseStatus
    public var openedBy: String
    /// Who holds it now (an unexpired hold), if anyone.
    public var holder: String?

    public init(id: String, status: CaseStatus, openedBy: String, holder: String?) {
        self.id = id
        self.status = status
        self.openedBy = openedBy
        self.holder = holder
    }
}

/// A recent case for the subject that ended in, or passed through, a refusal: its id, where it
/// stands, what was found in it (the event names: `refusal.upheld`, `case.escalated`,
/// `incident.declared`) and who recorded those events. Recorded in the new case's
/// `case.prior_cases_found` event, so a reviewer sees what the agent was shown.
public struct PriorCase: Sendable, Equatable {
    public var id: String
    /// The case's status as found ("closed", "escalated"…).
    public var status: String
    public var outcome: String?
    public var found: [String]
    public var by: [String]

    public init(id: String, status: String, outcome: String?, found: [String], by: [String]) {
        self.id = id
        self.status = status
        self.outcome = outcome
        self.found = found
        self.by = by
    }

    /// "HR-1 (refused: refusal.upheld by bob)".
    public var summary: String {
        "\(id) (\(outcome ?? status): \(found.joined(separator: ", ")) by \(by.joined(separator: ", ")))"
    }
}

/// `case.prior_cases_found`: the refused, escalated or incident cases for the same person within
/// the look-back window, found when the case was opened. Until a senior admin clears it
/// (`case.prior_cases_cleared`, with a reason), the "No refusal signal raised" gate fails.
public struct PriorCasesFound: Sendable, Equatable {
    public var lookBackDays: Int
    public var cases: [PriorCase]

    public init(lookBackDays: Int, cases: [PriorCase]) {
        self.lookBackDays = lookBackDays
        self.cases = cases
    }
}

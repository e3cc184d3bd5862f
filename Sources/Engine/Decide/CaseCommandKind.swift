/// The kinds of command a case can be given, with everything about a kind that does not
/// depend on the case: its command-line name, the statuses it may be given in and whether it
/// is a senior admin's. `CaseEngine.decide` and `CaseEngine.availableCommands` both read this
/// table, so what the screens offer is what the Engine accepts. The cases are in the order menus
/// list them: the step first, then what the case's status calls for, then what is always there.
public enum CaseCommandKind: String, Sendable, Equatable, CaseIterable {
    /// Fill in the current step and continue (on the command line: the step's id).
    case continueStep
    case restartVerification
    case requestApproval
    case observeEnrolment
    /// Issue a lost one-time secret again, while the case waits for the user.
    case reissueSecret
    /// Record that the pending platform action was done (ManualConsole's attestation).
    case attest
    /// Record that the pending platform action failed.
    case attestFailed
    case approve
    case deny
    case uphold
    case reopen
    case resume
    case raiseSignal
    case refuse
    case pause
    case declareIncident
    case clearPriorCases
    case confirmFacts
    /// A senior takes over a case another operator holds.
    case takeOver
    case note
    /// Move the case onto its runbook's current file (command line only: a case whose runbook
    /// changed cannot be shown on a screen until it is moved).
    case migrateRunbook

    /// The word `handrail case do ID …` takes; nil for `continueStep`, which takes the step's id.
    public var cliName: String? {
        switch self {
        case .continueStep: return nil
        case .raiseSignal: return "signal"
        case .refuse: return "refuse"
        case .note: return "note"
        case .pause: return "pause"
        case .resume: return "resume"
        case .restartVerification: return "restart-verification"
        case .requestApproval: return "request-approval"
        case .approve: return "approve"
        case .deny: return "deny"
        case .attest: return "attest"
        case .attestFailed: return "attest-failed"
        case .observeEnrolment: return "observe-enrolment"
        case .uphold: return "uphold"
        case .reopen: return "reopen"
        case .declareIncident: return "incident"
        case .migrateRunbook: return "migrate-runbook"
        case .clearPriorCases: return "clear-prior"
        case .confirmFacts: return "confirm-fact"
        case .takeOver: return "take-over"
        case .reissueSecret: return "reissue"
        }
    }

    /// The kind a command-line word names (not a step id).
    public init?(cliName: String) {
        guard let kind = Self.allCases.first(where: { $0.cliName == cliName }) else { return nil }
        self = kind
    }

    /// The statuses the command may be given in.
    public var allowedStatuses: Set<CaseStatus> {
        switch self {
        case .continueStep: return [.open, .incident]
        case .raiseSignal: return [.open, .incident, .awaitingApproval, .paused]
        case .refuse: return [.open, .awaitingApproval, .paused]
        case .note: return Set(CaseStatus.allCases)
        case .pause: return [.open, .awaitingApproval, .incident]
        case .resume: return [.paused]
        case .restartVerification, .requestApproval: return [.open]
        case .approve, .deny: return [.awaitingApproval]
        case .attest, .attestFailed: return [.actionPending]
        case .observeEnrolment, .reissueSecret: return [.awaitingEnrolment]
        case .uphold, .reopen: return [.escalated]
        case .declareIncident: return [.open, .awaitingEnrolment, .closed, .paused]
        case .migrateRunbook: return Set(CaseStatus.allCases).subtracting([.closed])
        case .clearPriorCases: return [.open, .paused, .awaitingApproval]
        case .confirmFacts: return [.open, .paused, .awaitingApproval, .awaitingEnrolment, .incident, .escalated]
        case .takeOver: return Set(CaseStatus.allCases).subtracting([.closed])
        }
    }

    /// Approvals and reviews are a senior admin's.
    public var needsSenior: Bool {
        switch self {
        case .approve, .deny, .uphold, .reopen, .migrateRunbook, .clearPriorCases, .confirmFacts, .takeOver: return true
        default: return false
        }
    }

    /// What the command does, for "Cannot … : the case is …" messages.
    var doing: String {
        switch self {
        case .continueStep: return "continue"
        case .raiseSignal: return "raise a signal"
        case .refuse: return "refuse"
        case .note: return "add a note"
        case .pause: return "pause it"
        case .resume: return "resume it"
        case .restartVerification: return "restart verification"
        case .requestApproval: return "request approval"
        case .approve: return "approve"
        case .deny: return "deny approval"
        case .attest: return "record the action done"
        case .attestFailed: return "record the action failed"
        case .observeEnrolment: return "check for the enrolment"
        case .uphold, .reopen: return "review it"
        case .declareIncident: return "declare an incident"
        case .migrateRunbook: return "move it to the current runbook"
        case .clearPriorCases: return "clear the prior cases"
        case .confirmFacts: return "confirm a typed fact"
        case .takeOver: return "take the case over"
        case .reissueSecret: return "reissue the one-time secret"
        }
    }
}

extension CaseCommand {
    /// The command's kind, for the table above.
    public var kind: CaseCommandKind {
        switch self {
        case .submit: return .continueStep
        case .raiseSignal: return .raiseSignal
        case .refuse: return .refuse
        case .addNote: return .note
        case .pause: return .pause
        case .resume: return .resume
        case .restartVerification: return .restartVerification
        case .requestApproval: return .requestApproval
        case .approve: return .approve
        case .denyApproval: return .deny
        case .completeAction: return .attest
        case .failAction: return .attestFailed
        case .observeEnrolment: return .observeEnrolment
        case .review(.uphold, _): return .uphold
        case .review(.reopen, _): return .reopen
        case .declareIncident: return .declareIncident
        case .migrateRunbook: return .migrateRunbook
        case .clearPriorCases: return .clearPriorCases
        case .confirmFacts: return .confirmFacts
        case .takeOver: return .takeOver
        case .reissueSecret: return .reissueSecret
        }
    }
}

import Engine

/// Internal names as people say them, for the screen: a status, an outcome, a platform action.
/// Data (runbook ids, events in the history) is still shown as recorded where it is a record.
enum PeopleWords {
    static func status(_ status: CaseStatus) -> String {
        switch status {
        case .open: return "open"
        case .escalated: return "escalated"
        case .paused: return "paused"
        case .awaitingApproval: return "awaiting approval"
        case .actionPending: return "platform action pending"
        case .awaitingEnrolment: return "awaiting enrolment"
        case .incident: return "incident"
        case .closed: return "closed"
        }
    }

    /// An outcome id ("resolved_self_service") as words ("resolved self service").
    static func outcome(_ outcome: String) -> String {
        outcome.replacingOccurrences(of: "_", with: " ").replacingOccurrences(of: ".", with: " ")
    }

    static func action(_ action: PlatformAction) -> String {
        switch action {
        case .resetFactors: return "Force MFA reset"
        case .generateBackupCodes: return "Backup codes generated"
        case .setTemporaryPassword: return "Temporary password set"
        case .suspendUser: return "Account suspended"
        case .sendNotification: return "Notification sent"
        }
    }
}

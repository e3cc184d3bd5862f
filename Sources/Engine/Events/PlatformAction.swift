/// The admin actions a runbook step may ask the identity platform to carry out. Every
/// platform switches over this type, so a new action cannot be added without each of
/// them saying what it does; runbooks name them by `rawValue`.
public enum PlatformAction: String, Sendable, Equatable, CaseIterable {
    /// Force MFA reset: every enrolled factor removed (unused backup codes too).
    case resetFactors
    /// Reset to backup codes only: codes generated for the user, shown to the operator once.
    case generateBackupCodes
    /// A temporary password, shown once, that must be changed at first sign-in.
    case setTemporaryPassword
    /// Users → Disable: cuts off an attacker who got in.
    case suspendUser
    /// The account-recovery notice (NIST SP 800-63B-4 requires one after a recovery): what was
    /// done, when and how to dispute it, sent by the platform to every notification address on file.
    case sendNotification

    /// The action as an operator names it, for screens and messages.
    public var title: String {
        switch self {
        case .resetFactors: return "Force MFA reset"
        case .generateBackupCodes: return "Generate backup codes"
        case .setTemporaryPassword: return "Set a temporary password"
        case .suspendUser: return "Suspend the account"
        case .sendNotification: return "Send the recovery notice"
        }
    }

    /// Whether the action hands the operator a secret to read to the user (never stored).
    public var producesSecret: Bool {
        switch self {
        case .generateBackupCodes, .setTemporaryPassword: return true
        case .resetFactors, .suspendUser, .sendNotification: return false
        }
    }

    /// The action on a privileged account's credentials, which takes a second person's approval.
    public var changesCredentials: Bool {
        switch self {
        case .resetFactors, .generateBackupCodes, .setTemporaryPassword: return true
        case .suspendUser, .sendNotification: return false
        }
    }
}

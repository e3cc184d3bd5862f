import Foundation
import Runbook

/// A user of the local directory, as stored (hashes only).
public struct DirectoryUser: Sendable, Equatable {
    public var email: String
    public var displayName: String
    public var privileged: Bool
    public var suspended: Bool
    public var passwordHash: String
    /// A temporary password: must be changed at first sign-in.
    public var passwordMustChange: Bool
    public var passwordExpiresAt: Date?
    /// For demo users, the recovery path they exist to show.
    public var demoNote: String?
    /// The user's manager's email, if the directory knows it.
    public var manager: String?
    /// The idempotency key of the admin action that suspended the account (nil: not suspended,
    /// or suspended some other way, such as by seeding).
    public var suspendedBy: String?

    public init(email: String, displayName: String, privileged: Bool = false, suspended: Bool = false,
                passwordHash: String, passwordMustChange: Bool = false, passwordExpiresAt: Date? = nil, demoNote: String? = nil,
                manager: String? = nil, suspendedBy: String? = nil) {
        self.email = email
        self.displayName = displayName
        self.privileged = privileged
        self.suspended = suspended
        self.passwordHash = passwordHash
        self.passwordMustChange = passwordMustChange
        self.passwordExpiresAt = passwordExpiresAt
        self.demoNote = demoNote
        self.manager = manager
        self.suspendedBy = suspendedBy
    }
}

public struct StoredBackupCode: Sendable, Equatable {
    public var id: Int64
    public var codeHash: String
    public var createdAt: Date
    public var expiresAt: Date?
    public var usedAt: Date?
}

/// An admin action the directory carried out, by idempotency key.
public struct RecordedAction: Sendable, Equatable {
    public var idempotencyKey: String
    public var action: String
    public var email: String
    public var actor: String
    public var at: Date
    public var succeeded: Bool
    public var details: [String: JSONValue]
}

/// The directory's own audit line ("mfa.factor_enrolled for ada at 10:41").
public struct DirectoryEvent: Sendable, Equatable {
    public var at: Date
    public var email: String
    public var type: String
    public var actor: String
    public var details: [String: JSONValue]
}

/// What a directory change does, applied in one transaction with the action record and event.
public enum DirectoryChange: Sendable, Equatable {
    case removeAllFactors
    case replaceBackupCodes(hashes: [String], expiresAt: Date?)
    case setPassword(hash: String, mustChange: Bool, expiresAt: Date?)
    case setSuspended(Bool)
    /// One message per recipient into the outbox.
    case sendNotice(recipients: [String], subject: String, body: String, caseID: String)
}

/// A notice in the directory's outbox, as sent to one recipient.
public struct SentNotice: Sendable, Equatable {
    public var recipient: String
    public var subject: String
    public var body: String
    public var sentAt: Date
    public var caseID: String
}

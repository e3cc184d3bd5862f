import Foundation

/// What the identity platform says about the subject, as plain values. The gates decide
/// from these, never from the operator's say-so: LocalDirectory computes them from its
/// data, ManualConsole from what the operator reads off the named console screen.
public struct PlatformFacts: Sendable, Equatable {
    public var user: UserRecord
    public var factors: [EnrolledFactor]
    public var backupCodesRemaining: Int
    public var phoneNumbers: [PhoneNumberOnFile]
    public var federatedLinks: [FederatedLink]
    /// Sign-ins over at least the runbook's look-back period, newest or oldest first.
    public var signIns: [SignInAttempt]
    /// Every address on file that account notices go to (the primary email first): the
    /// notification of a recovery goes to each, so a user whose mailbox was taken still hears.
    public var notificationAddresses: [String]

    public init(user: UserRecord, factors: [EnrolledFactor] = [], backupCodesRemaining: Int = 0,
                phoneNumbers: [PhoneNumberOnFile] = [], federatedLinks: [FederatedLink] = [],
                signIns: [SignInAttempt] = [], notificationAddresses: [String] = []) {
        self.user = user
        self.factors = factors
        self.backupCodesRemaining = backupCodesRemaining
        self.phoneNumbers = phoneNumbers
        self.federatedLinks = federatedLinks
        self.signIns = signIns
        self.notificationAddresses = notificationAddresses
    }
}

public struct UserRecord: Sendable, Equatable {
    public var email: String
    public var displayName: String
    /// A tenant admin: resetting them needs a second person's approval.
    public var privileged: Bool
    public var suspended: Bool
    /// Which admin action suspended the account (its idempotency key), where the platform knows:
    /// a case linked from an incident may act only through the suspension its incident carried out.
    public var suspendedBy: String?
    /// The user's manager's email, where the platform knows it: a vouching ticket from anyone
    /// else is flagged, and refused for a privileged account.
    public var manager: String?

    public init(email: String, displayName: String, privileged: Bool = false, suspended: Bool = false,
                suspendedBy: String? = nil, manager: String? = nil) {
        self.email = email
        self.displayName = displayName
        self.privileged = privileged
        self.suspended = suspended
        self.suspendedBy = suspendedBy
        self.manager = manager
    }
}

public struct EnrolledFactor: Sendable, Equatable {
    /// "totp", "webauthn", "sms"…
    public var kind: String
    public var label: String
    public var enrolledAt: Date
    /// The address (or device) of the sign-in that enrolled it; nil when the platform does not say.
    public var enrolledFrom: String?
    /// Whether the user had signed in successfully from `enrolledFrom` within the look-back before
    /// the reset, when the platform says so itself (on ManualConsole, the operator's reading of the
    /// console's sign-in log); nil when the Engine judges it from the sign-in log.
    public var enrolledFromSeenBefore: Bool?

    public init(kind: String, label: String, enrolledAt: Date, enrolledFrom: String? = nil, enrolledFromSeenBefore: Bool? = nil) {
        self.kind = kind
        self.label = label
        self.enrolledAt = enrolledAt
        self.enrolledFrom = enrolledFrom
        self.enrolledFromSeenBefore = enrolledFromSeenBefore
    }
}

public struct PhoneNumberOnFile: Sendable, Equatable {
    public var number: String
    public var addedAt: Date

    public init(number: String, addedAt: Date) {
        self.number = number
        self.addedAt = addedAt
    }
}

public struct FederatedLink: Sendable, Equatable {
    /// "google", "saml:okta"…
    public var provider: String
    public var linkedAt: Date

    public init(provider: String, linkedAt: Date) {
        self.provider = provider
        self.linkedAt = linkedAt
    }
}

public struct SignInAttempt: Sendable, Equatable {
    public var at: Date
    public var address: String
    public var succeeded: Bool
    /// "password", "password+totp", "backup_code", "federated"…
    public var method: String

    public init(at: Date, address: String, succeeded: Bool, method: String = "password") {
        self.at = at
        self.address = address
        self.succeeded = succeeded
        self.method = method
    }
}

import Foundation

/// `session.started`: an operator began a session on a locked deployment, and how the system
/// knew who they were. Recorded in the log's pseudo-case `~sessions`, chained like every event.
public struct SessionRecord: Sendable, Equatable {
    /// "ssh", "sudo", "system" (root or the service account) or "unverified".
    public var entry: String
    public var uid: Int
    public var sudoUID: Int?
    public var loginUID: Int?
    public var tty: String?
    /// The SSH key's SHA256 fingerprint, when sshd's ExposeAuthInfo named it.
    public var keyFingerprint: String?

    public init(entry: String, uid: Int, sudoUID: Int? = nil, loginUID: Int? = nil, tty: String? = nil, keyFingerprint: String? = nil) {
        self.entry = entry
        self.uid = uid
        self.sudoUID = sudoUID
        self.loginUID = loginUID
        self.tty = tty
        self.keyFingerprint = keyFingerprint
    }
}

/// `operator.changed` (and `operator.promotion_requested`): the roster changed, or a senior
/// asked for a promotion to senior that a second senior must approve. The actor and their role
/// are the event's envelope; `login` is whose entry changed.
public struct RosterChange: Sendable, Equatable {
    public var login: String
    /// The role before (nil: was not on the roster).
    public var from: Role?
    /// The role after (nil: removed).
    public var to: Role?

    public init(login: String, from: Role?, to: Role?) {
        self.login = login
        self.from = from
        self.to = to
    }
}

/// What the envelope of an event records beyond who and when: whether the deployment verified
/// identities ("locked" or "unlocked") and the actor's role when they acted. Stored under the
/// payload key `envelope` (`EventCodec.envelopeKey`) so that it is hashed with the event; events
/// written before it existed have none.
public struct EventStamp: Sendable, Equatable {
    public var mode: String
    public var actorRole: Role?
    /// The time zone "today" was judged in, for events decided by this process.
    public var timeZone: String?

    public init(mode: String, actorRole: Role?, timeZone: String? = nil) {
        self.mode = mode
        self.actorRole = actorRole
        self.timeZone = timeZone
    }
}

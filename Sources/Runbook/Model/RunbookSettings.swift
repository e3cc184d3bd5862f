/// The runbook's tunable numbers. They live in the runbook, not in code, so that a team
/// can tighten a window without a release, and so `runbook show` can tell an operator
/// exactly how long a verification lasts.
public struct RunbookSettings: Sendable, Equatable {
    /// A force reset needs a verification at most this many minutes old.
    public var verificationValidityMinutes: Int
    /// After an admin action, the user has this long to enrol before the case is overdue.
    public var enrolmentDeadlineHours: Int
    public var unusualActivity: UnusualActivityRule
    public var backupCodeExpiryMinutes: Int
    public var temporaryPasswordExpiryHours: Int
    /// Refusals, notes and reasons shorter than this are refused as too thin to review.
    public var minimumReasonLength: Int
    /// A call-back number's most recent addition to the account must be at least this many
    /// hours old (as well as before the start of today in the organisation's time zone).
    public var callbackMinimumAgeHours: Int
    /// Opening a case looks this many days back for refused, escalated or incident cases for the
    /// same person: a caller refused by one agent who rings again gets a case only a senior can clear.
    public var priorRefusalLookBackDays: Int

    public init(verificationValidityMinutes: Int = 15, enrolmentDeadlineHours: Int = 24,
                unusualActivity: UnusualActivityRule = .init(), backupCodeExpiryMinutes: Int = 60,
                temporaryPasswordExpiryHours: Int = 24, minimumReasonLength: Int = 15, callbackMinimumAgeHours: Int = 24,
                priorRefusalLookBackDays: Int = 30) {
        self.verificationValidityMinutes = verificationValidityMinutes
        self.enrolmentDeadlineHours = enrolmentDeadlineHours
        self.unusualActivity = unusualActivity
        self.backupCodeExpiryMinutes = backupCodeExpiryMinutes
        self.temporaryPasswordExpiryHours = temporaryPasswordExpiryHours
        self.minimumReasonLength = minimumReasonLength
        self.callbackMinimumAgeHours = callbackMinimumAgeHours
        self.priorRefusalLookBackDays = priorRefusalLookBackDays
    }
}

/// "Several failed sign-ins from addresses never seen for this user."
public struct UnusualActivityRule: Sendable, Equatable {
    /// How many such failures make the activity unusual.
    public var failedSignInThreshold: Int
    /// How far back from now failures are counted.
    public var windowHours: Int
    /// An address is "seen" if the user signed in from it successfully within this many days
    /// before the window.
    public var lookbackDays: Int

    public init(failedSignInThreshold: Int = 3, windowHours: Int = 72, lookbackDays: Int = 30) {
        self.failedSignInThreshold = failedSignInThreshold
        self.windowHours = windowHours
        self.lookbackDays = lookbackDays
    }
}

import Foundation
import Engine

/// The user every case in these tests is about, and the platform's facts about them, as
/// literals. Each test starts from `Subject.facts()` and changes only the fact it is about,
/// so the reader sees exactly which fact makes a gate pass or refuse.
enum Subject {
    static let email = "sam.rivera@example.com"
    static let displayName = "Sam Rivera"

    /// On the account since 2024: the number a call-back may use.
    static let numberOnFile = "+44 20 7946 0958"
    /// The same line typed the way a caller might read it out.
    static let numberOnFileRetyped = "+44-20-7946-0958"
    /// Where account notices go besides the work email.
    static let personalAddress = "sam.rivera@home.example"

    /// An address Sam signs in from successfully every week.
    static let familiarAddress = "198.51.100.7"

    /// The factor Sam enrolled long ago on the phone they lost.
    static let lostFactor = EnrolledFactor(kind: "totp", label: "Pixel 6 (lost)", enrolledAt: Date("2025-01-10T09:00:00Z"))

    /// A user with no backup codes left, one number on file since 2024, no federated link,
    /// ordinary sign-in history, neither privileged nor suspended.
    static func facts(backupCodesRemaining: Int = 0, privileged: Bool = false, suspended: Bool = false) -> PlatformFacts {
        PlatformFacts(
            user: UserRecord(email: email, displayName: displayName, privileged: privileged, suspended: suspended),
            factors: [lostFactor],
            backupCodesRemaining: backupCodesRemaining,
            phoneNumbers: [PhoneNumberOnFile(number: numberOnFile, addedAt: Date("2024-03-01T12:00:00Z"))],
            federatedLinks: [],
            signIns: [
                SignInAttempt(at: Date("2026-05-11T08:02:00Z"), address: familiarAddress, succeeded: true, method: "password+totp"),
                SignInAttempt(at: Date("2026-05-14T08:05:00Z"), address: familiarAddress, succeeded: true, method: "password+totp"),
            ],
            notificationAddresses: [email, personalAddress]
        )
    }

    /// A failed sign-in from an address Sam has never signed in from.
    static func failedSignIn(at time: Date, from address: String) -> SignInAttempt {
        SignInAttempt(at: time, address: address, succeeded: false)
    }
}

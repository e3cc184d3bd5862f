import Engine
import Foundation
import Runbook

/// A practice call: who the caller claims to be and what the tenant knows about them, what the
/// caller says when asked, what they do on the user's side, and what a careful operator does —
/// the expected outcome and the decisive moments a trainee is scored on.
public struct Scenario: Sendable, Equatable {
    public enum Kind: String, Sendable, Equatable, CaseIterable {
        case honest, malicious
    }

    public var id: String
    public var title: String
    public var kind: Kind
    public var summary: String
    public var subject: ScenarioSubject
    public var caller: CallerScript
    /// What the person on the line does on the user's side once an admin action is done.
    public var userSide: [UserSideAction]
    public var expected: ExpectedOutcome
    public var debrief: String
}

/// The account in the training tenant, with times relative to the start of the attempt.
public struct ScenarioSubject: Sendable, Equatable {
    public var email: String
    public var name: String
    public var privileged: Bool
    public var suspended: Bool
    public var backupCodesRemaining: Int
    public var phones: [(number: String, addedMinutesAgo: Double)]
    public var federated: [String]
    public var signIns: [(minutesAgo: Double, address: String, succeeded: Bool)]
    public var factors: [(kind: String, label: String)]

    public static func == (a: ScenarioSubject, b: ScenarioSubject) -> Bool {
        a.email == b.email && a.name == b.name && a.privileged == b.privileged && a.suspended == b.suspended
            && a.backupCodesRemaining == b.backupCodesRemaining && a.federated == b.federated
            && a.phones.map(\.number) == b.phones.map(\.number) && a.phones.map(\.addedMinutesAgo) == b.phones.map(\.addedMinutesAgo)
            && a.signIns.map(\.address) == b.signIns.map(\.address) && a.signIns.map(\.minutesAgo) == b.signIns.map(\.minutesAgo)
            && a.factors.map(\.kind) == b.factors.map(\.kind)
    }

    /// The platform facts this account shows at `start` (for the engine, without a tenant).
    public func facts(at start: Date) -> PlatformFacts {
        PlatformFacts(user: UserRecord(email: email, displayName: name, privileged: privileged, suspended: suspended),
                      factors: factors.map { EnrolledFactor(kind: $0.kind, label: $0.label, enrolledAt: start.addingTimeInterval(-300 * 86_400)) },
                      backupCodesRemaining: backupCodesRemaining,
                      phoneNumbers: phones.map { PhoneNumberOnFile(number: $0.number, addedAt: start.addingTimeInterval(-$0.addedMinutesAgo * 60)) },
                      federatedLinks: federated.map { FederatedLink(provider: $0, linkedAt: start.addingTimeInterval(-200 * 86_400)) },
                      signIns: signIns.map { SignInAttempt(at: start.addingTimeInterval(-$0.minutesAgo * 60), address: $0.address, succeeded: $0.succeeded) },
                      notificationAddresses: [email])
    }
}

/// The caller's lines, revealed one topic at a time as the trainee asks.
public struct CallerScript: Sendable, Equatable {
    public var opening: String
    /// Topic → line: `verification` (asked how to verify), `callback` (asked for a number),
    /// `pressed` (when the trainee slows down), `refused` (when refused), and any other.
    public var lines: [String: String]

    public static let topics = ["verification", "callback", "situation", "pressed", "refused"]
}

public struct UserSideAction: Sendable, Equatable {
    /// After which event the caller acts (e.g. `mfa.factor_admin_reset`).
    public var after: String
    /// `enrol` (enrol a new factor), `signin` (sign in with the codes or password read out), or
    /// `approve` (the senior on duty approves a privileged reset when asked).
    public var action: String
}

public struct ExpectedOutcome: Sendable, Equatable {
    /// `resolved`, `resolved_self_service`, `escalated`, `refused`, …: the case's outcome, or
    /// `escalated` for a case refused and waiting for review.
    public var outcome: String
    public var moments: [DecisiveMoment]
}

/// Something a careful operator does (or never does) on this call, checked against the attempt.
public struct DecisiveMoment: Sendable, Equatable {
    public var id: String
    public var description: String
    public var rule: MomentRule
}

public enum MomentRule: Sendable, Equatable {
    /// An event of this type was recorded.
    case eventRecorded(String)
    /// No event of this type was recorded.
    case eventNeverRecorded(String)
    /// The case was refused with this signal.
    case refusedWithSignal(String)
    /// Verification was recorded with this method.
    case verifiedBy(String)
    /// This gate refused the trainee at least once (they tried and were stopped).
    case gateRefused(String)
}

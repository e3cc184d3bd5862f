import Engine
import Foundation
import Runbook

/// Where the facts come from and the actions happen: the tenant's identity platform.
/// The gates decide from its facts; the edges ask it to act after the request is committed.
public protocol IdentityPlatform {
    /// "local" or "manual": shown on every screen and in `case show`.
    var name: String { get }
    /// A sentence for headers: "ManualConsole: facts typed from the admin console".
    var summary: String { get }

    /// The facts for `subject` as of `now`. `history` is the case's events so far (a platform
    /// whose facts are typed in reads them from there).
    func facts(subject: String, history: [CaseEvent], now: Date) throws -> PlatformFacts

    /// Facts the operator must still supply before `step` can be decided, each with where to
    /// read it. Empty for a platform that knows its facts itself.
    func missingFacts(for step: Step, values: [String: String], history: [CaseEvent]) -> [MissingFact]

    /// Which facts (by ManualConsole key) are known for this case; nil when the platform knows them all.
    /// Screens show "not typed" rather than a default that could be mistaken for a reading.
    func knownFacts(history: [CaseEvent]) -> Set<String>?

    /// Carries out a requested action. Must be idempotent on `request.idempotencyKey`.
    func perform(_ request: ActionRequest) throws -> ActionOutcome

    /// What became of a request whose completion was never recorded (the process died in between):
    /// `nil` if the platform cannot tell and the operator must say.
    func outcome(of request: ActionRequest) throws -> ActionOutcome?

    /// Whether `perform` carries the action out itself (and `outcome(of:)` can say whether it
    /// did), rather than waiting for the operator's attestation of what they did in a console.
    var actsItself: Bool { get }
}

extension IdentityPlatform {
    public var actsItself: Bool { true }
}

/// An action the Engine asked for, with the key that makes retrying it safe.
public struct ActionRequest: Sendable, Equatable {
    public var action: PlatformAction
    public var idempotencyKey: String
    public var subject: String
    public var actor: String
    /// The operator's attestation, for a platform where the operator acts in the real console.
    public var attestation: String?
    /// When the request is carried out (the edge's clock).
    public var now: Date
    /// How long generated secrets (backup codes, a temporary password) stay valid: the runbook's setting.
    public var secretLifetime: TimeInterval?
    /// A temporary password for the real user after an incident also lifts the suspension.
    public var reinstate: Bool
    /// For `sendNotification`: the message and every address it goes to.
    public var notification: RecoveryNotice?

    public init(action: PlatformAction, idempotencyKey: String, subject: String, actor: String, attestation: String? = nil,
                now: Date, secretLifetime: TimeInterval? = nil, reinstate: Bool = false, notification: RecoveryNotice? = nil) {
        self.action = action
        self.idempotencyKey = idempotencyKey
        self.subject = subject
        self.actor = actor
        self.attestation = attestation
        self.now = now
        self.secretLifetime = secretLifetime
        self.reinstate = reinstate
        self.notification = notification
    }
}

/// The account-recovery notice: what was done, when and how to dispute it (the follow-up the
/// operator checked), to every notification address on file. Never holds a secret: it is the
/// text of a step's field, which the event log holds already.
public struct RecoveryNotice: Sendable, Equatable {
    public var recipients: [String]
    public var subject: String
    public var body: String
    public var caseID: String

    public init(recipients: [String], subject: String, body: String, caseID: String) {
        self.recipients = recipients
        self.subject = subject
        self.body = body
        self.caseID = caseID
    }
}

public enum ActionOutcome: Sendable, Equatable {
    /// Done. `details` go into the audit event and must hold no secret; `shownOnce` are
    /// secrets (codes, a temporary password) for the operator's eyes only, never stored.
    case completed(details: [String: JSONValue], shownOnce: [String])
    case failed(String)
    /// The operator has yet to do it in the console and attest.
    case awaitingAttestation(instructions: String)
}

/// A fact the operator must type, and where in the admin console to read it.
public struct MissingFact: Sendable, Equatable {
    public var key: String
    public var description: String
    public var consoleScreen: String
    public var example: String
}

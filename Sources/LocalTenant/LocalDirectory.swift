import Engine
import Foundation
import Hashing
import Platform
import Runbook
import Store

/// The identity platform embedded in its own SQLite file: the default on first run, the
/// training tenant, and what the tests run against. Reached only through `IdentityPlatform`,
/// as if it were a remote system; facts are computed from its data, never typed.
public final class LocalDirectory: IdentityPlatform {
    public let name = "local"
    public var summary: String { demo ? "LocalDirectory (DEMO tenant) at \(store.path)" : "LocalDirectory at \(store.path)" }
    public let store: DirectoryStore
    /// Whether this tenant holds demo users (shown as DEMO on every screen).
    public var demo: Bool { ((try? store.users()) ?? []).contains { $0.demoNote != nil } }
    /// How far back sign-ins are read for the unusual-activity rule.
    public var signInLookback: TimeInterval = 40 * 86_400
    /// How many backup codes an admin generates.
    public var backupCodeCount = 10

    public init(store: DirectoryStore) {
        self.store = store
    }

    public enum Failure: Error, Equatable, CustomStringConvertible {
        case unknownUser(String)

        public var description: String {
            switch self {
            case .unknownUser(let email): return "\(email) is not a user of the local directory (handrail directory list shows who is)"
            }
        }
    }

    // MARK: Facts

    public func facts(subject: String, history: [CaseEvent], now: Date) throws -> PlatformFacts {
        guard let user = try store.user(subject) else { throw Failure.unknownUser(subject) }
        let codes = try store.backupCodes(subject).filter { $0.usedAt == nil && ($0.expiresAt.map { $0 > now } ?? true) }
        return PlatformFacts(user: UserRecord(email: user.email, displayName: user.displayName, privileged: user.privileged, suspended: user.suspended,
                                              suspendedBy: user.suspended ? user.suspendedBy ?? Self.suspendedOutsideActions : nil,
                                              manager: user.manager),
                             factors: try store.factors(subject), backupCodesRemaining: codes.count,
                             phoneNumbers: try store.phoneNumbers(subject), federatedLinks: try store.federatedLinks(subject),
                             signIns: try store.signIns(subject, since: now.addingTimeInterval(-signInLookback)),
                             notificationAddresses: try store.notificationAddresses(subject)).cleaned()
    }

    /// What `suspendedBy` says of an account suspended other than by an admin action (seeded so, or
    /// suspended before actions were recorded): the directory knows it was no incident's suspension.
    public static let suspendedOutsideActions = "the directory (no admin action)"

    public func missingFacts(for step: Step, values: [String: String], history: [CaseEvent]) -> [MissingFact] { [] }

    public func knownFacts(history: [CaseEvent]) -> Set<String>? { nil }

    // MARK: Actions

    public func outcome(of request: ActionRequest) throws -> ActionOutcome? {
        guard let record = try store.recordedAction(request.idempotencyKey) else { return nil }
        return Self.outcome(record, secrets: [])
    }

    public func perform(_ request: ActionRequest) throws -> ActionOutcome {
        guard let user = try store.user(request.subject) else { return .failed("\(request.subject) is not a user of the local directory") }
        let now = request.now
        var secrets: [String] = []
        var changes: [DirectoryChange] = []
        var details: [String: JSONValue] = ["platform": .string(name)]
        let eventType: String
        switch request.action {
        case .resetFactors:
            let count = try store.factors(user.email).count
            changes = [.removeAllFactors]
            details["factorsRemoved"] = .number(Double(count))
            eventType = "mfa.factor_admin_reset"
        case .generateBackupCodes:
            secrets = (0..<backupCodeCount).map { _ in Secrets.backupCode() }
            let expiresAt = request.secretLifetime.map { now.addingTimeInterval($0) }
            // "Reset to backup codes only": the lost app's factor goes, the codes are the way back in.
            changes = [.removeAllFactors, .replaceBackupCodes(hashes: secrets.map { PasswordHash.make(Secrets.normaliseCode($0), salt: Secrets.salt(), iterations: 2_000) },
                                           expiresAt: expiresAt)]
            details["count"] = .number(Double(secrets.count))
            if let expiresAt { details["expiresAt"] = .string(EventTime.format(expiresAt)) }
            eventType = "mfa.backup_codes_generated_by_admin"
        case .setTemporaryPassword:
            let password = Secrets.temporaryPassword()
            secrets = [password]
            let expiresAt = request.secretLifetime.map { now.addingTimeInterval($0) }
            changes = [.setPassword(hash: PasswordHash.make(password, salt: Secrets.salt()), mustChange: true, expiresAt: expiresAt)]
            if request.reinstate && user.suspended {
                changes.append(.setSuspended(false))
                details["reinstated"] = .bool(true)
            }
            details["mustChangeAtFirstSignIn"] = .bool(true)
            if let expiresAt { details["expiresAt"] = .string(EventTime.format(expiresAt)) }
            eventType = "user.password_set_by_admin"
        case .suspendUser:
            changes = [.setSuspended(true)]
            eventType = "user.suspended"
        case .sendNotification:
            guard let notice = request.notification, !notice.recipients.isEmpty,
                  !notice.body.trimmingWhitespace().isEmpty else {
                return .failed("No notice to send: it needs a message and at least one notification address")
            }
            changes = [.sendNotice(recipients: notice.recipients, subject: notice.subject, body: notice.body, caseID: notice.caseID)]
            details["recipients"] = .array(notice.recipients.map(JSONValue.string))
            eventType = "user.notified"
        }
        let (record, fresh) = try store.apply(changes, action: request.action.rawValue, idempotencyKey: request.idempotencyKey, email: user.email,
                                              actor: request.actor, at: now, eventType: eventType, details: details)
        // A key seen before: the action happened once already; its secrets were shown then.
        return Self.outcome(record, secrets: fresh ? secrets : [])
    }

    static func outcome(_ record: RecordedAction, secrets: [String]) -> ActionOutcome {
        record.succeeded ? .completed(details: record.details, shownOnce: secrets) : .failed(record.details["error"]?.stringValue ?? "failed")
    }
}

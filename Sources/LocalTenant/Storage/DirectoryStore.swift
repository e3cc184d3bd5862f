import Engine
import Foundation
import Runbook
import SQLiteCore
import Store

/// The LocalDirectory tenant's storage: users, factors, hashed backup codes, phone history,
/// federated links, the sign-in log, the directory's own events and its record of admin
/// actions by idempotency key. Its own SQLite file, as a real tenant is its own system.
public final class DirectoryStore {
    let file: StoreFile
    var db: Database { file.db }
    public var path: String { file.path }

    /// Opens (creating and migrating it if need be) the directory file at `path`, through the same
    /// core as the case database (`StoreFile`).
    ///
    /// - Parameter now: the caller's clock, read once to date the migrations this opening applies.
    public init(path: String, now: () -> Date) throws(StoreError) {
        file = try StoreFile(path: path, applicationID: DirectorySchema.applicationID, migrations: DirectorySchema.migrations, now: now)
    }

    func read<T>(_ body: () throws -> T) throws(StoreError) -> T { try file.read(body) }

    func write<T>(_ body: () throws -> T) throws(StoreError) -> T { try file.write(body) }

    private static func time(_ date: Date?) -> SQLValue { date.map { .text(EventTime.format($0)) } ?? .null }

    // MARK: - Users

    public func user(_ email: String) throws(StoreError) -> DirectoryUser? {
        try read {
            let s = try db.prepare("""
            SELECT email, display_name, privileged, suspended, password_hash, password_must_change, password_expires_at, demo,
                   manager, suspended_by
            FROM users WHERE email = ?1
            """)
            try s.bind([.text(email.lowercased())])
            return try s.step() ? Self.user(from: s) : nil
        }
    }

    public func users() throws(StoreError) -> [DirectoryUser] {
        try read {
            let s = try db.prepare("""
            SELECT email, display_name, privileged, suspended, password_hash, password_must_change, password_expires_at, demo,
                   manager, suspended_by
            FROM users ORDER BY email
            """)
            var out: [DirectoryUser] = []
            while try s.step() { out.append(Self.user(from: s)) }
            return out
        }
    }

    private static func user(from s: Statement) -> DirectoryUser {
        let demo = s.optionalString(7)  // NULL for a user who is not a demo user
        return DirectoryUser(email: s.string(0), displayName: s.string(1), privileged: s.int(2) != 0, suspended: s.int(3) != 0,
                             passwordHash: s.string(4), passwordMustChange: s.int(5) != 0,
                             passwordExpiresAt: s.optionalString(6).flatMap(EventTime.parse),
                             demoNote: demo?.isEmpty == false ? demo : nil, manager: s.optionalString(8), suspendedBy: s.optionalString(9))
    }

    /// Adds (or replaces) a user with everything about them, in one transaction.
    public func putUser(_ user: DirectoryUser, factors: [EnrolledFactor], codeHashes: [(hash: String, createdAt: Date, usedAt: Date?)],
                        phones: [PhoneNumberOnFile], federated: [FederatedLink], signIns: [SignInAttempt],
                        notificationAddresses: [String] = []) throws(StoreError) {
        try write {
            let email = user.email.lowercased()
            for table in ["factors", "backup_codes", "phone_numbers", "federated_links", "sign_ins", "notification_addresses"] {
                try db.prepare("DELETE FROM \(table) WHERE email = ?1").run([.text(email)])
            }
            try db.prepare("""
            INSERT INTO users (email, display_name, privileged, suspended, password_hash, password_must_change, password_expires_at, demo,
                               manager, suspended_by)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
            ON CONFLICT (email) DO UPDATE SET display_name = excluded.display_name, privileged = excluded.privileged,
                suspended = excluded.suspended, password_hash = excluded.password_hash,
                password_must_change = excluded.password_must_change, password_expires_at = excluded.password_expires_at,
                demo = excluded.demo, manager = excluded.manager, suspended_by = excluded.suspended_by
            """).run([.text(email), .text(user.displayName), .integer(user.privileged ? 1 : 0), .integer(user.suspended ? 1 : 0),
                      .text(user.passwordHash), .integer(user.passwordMustChange ? 1 : 0), Self.time(user.passwordExpiresAt),
                      user.demoNote.map(SQLValue.text) ?? .null, user.manager.map { SQLValue.text($0.lowercased()) } ?? .null,
                      user.suspendedBy.map(SQLValue.text) ?? .null])
            let factor = try db.prepare("INSERT INTO factors (email, kind, label, enrolled_at, enrolled_from) VALUES (?1, ?2, ?3, ?4, ?5)")
            for f in factors {
                try factor.run([.text(email), .text(f.kind), .text(f.label), Self.time(f.enrolledAt), f.enrolledFrom.map(SQLValue.text) ?? .null])
            }
            let notify = try db.prepare("INSERT OR IGNORE INTO notification_addresses (email, address) VALUES (?1, ?2)")
            for address in notificationAddresses where address.lowercased() != email { try notify.run([.text(email), .text(address.lowercased())]) }
            let code = try db.prepare("INSERT INTO backup_codes (email, code_hash, created_at, used_at) VALUES (?1, ?2, ?3, ?4)")
            for c in codeHashes { try code.run([.text(email), .text(c.hash), Self.time(c.createdAt), Self.time(c.usedAt)]) }
            let phone = try db.prepare("INSERT INTO phone_numbers (email, number, added_at) VALUES (?1, ?2, ?3)")
            for p in phones { try phone.run([.text(email), .text(p.number), Self.time(p.addedAt)]) }
            let link = try db.prepare("INSERT INTO federated_links (email, provider, linked_at) VALUES (?1, ?2, ?3)")
            for l in federated { try link.run([.text(email), .text(l.provider), Self.time(l.linkedAt)]) }
            let signIn = try db.prepare("INSERT INTO sign_ins (email, at, address, succeeded, method) VALUES (?1, ?2, ?3, ?4, ?5)")
            for s in signIns { try signIn.run([.text(email), Self.time(s.at), .text(s.address), .integer(s.succeeded ? 1 : 0), .text(s.method)]) }
        }
    }

    // MARK: - Facts

    public func factors(_ email: String) throws(StoreError) -> [EnrolledFactor] {
        try read {
            let s = try db.prepare("SELECT kind, label, enrolled_at, enrolled_from FROM factors WHERE email = ?1 ORDER BY enrolled_at")
            try s.bind([.text(email.lowercased())])
            var out: [EnrolledFactor] = []
            while try s.step() {
                out.append(EnrolledFactor(kind: s.string(0), label: s.string(1), enrolledAt: EventTime.parse(s.string(2)) ?? .distantPast,
                                          enrolledFrom: s.optionalString(3)))
            }
            return out
        }
    }

    /// Where account notices go: the primary email first, then every other address on file.
    public func notificationAddresses(_ email: String) throws(StoreError) -> [String] {
        try read {
            let s = try db.prepare("SELECT address FROM notification_addresses WHERE email = ?1 ORDER BY address")
            try s.bind([.text(email.lowercased())])
            var out = [email.lowercased()]
            while try s.step() { out.append(s.string(0)) }
            return out
        }
    }

    /// The notices sent about `email`'s account, oldest first.
    public func outbox(_ email: String) throws(StoreError) -> [SentNotice] {
        try read {
            let s = try db.prepare("SELECT recipient, subject, body, sent_at, case_id FROM outbox WHERE email = ?1 ORDER BY seq")
            try s.bind([.text(email.lowercased())])
            var out: [SentNotice] = []
            while try s.step() {
                out.append(SentNotice(recipient: s.string(0), subject: s.string(1), body: s.string(2),
                                      sentAt: EventTime.parse(s.string(3)) ?? .distantPast, caseID: s.string(4)))
            }
            return out
        }
    }

    public func backupCodes(_ email: String) throws(StoreError) -> [StoredBackupCode] {
        try read {
            let s = try db.prepare("SELECT id, code_hash, created_at, expires_at, used_at FROM backup_codes WHERE email = ?1 ORDER BY id")
            try s.bind([.text(email.lowercased())])
            var out: [StoredBackupCode] = []
            while try s.step() {
                out.append(StoredBackupCode(id: s.int64(0), codeHash: s.string(1), createdAt: EventTime.parse(s.string(2)) ?? .distantPast,
                                            expiresAt: s.optionalString(3).flatMap(EventTime.parse), usedAt: s.optionalString(4).flatMap(EventTime.parse)))
            }
            return out
        }
    }

    public func phoneNumbers(_ email: String) throws(StoreError) -> [PhoneNumberOnFile] {
        try read {
            let s = try db.prepare("SELECT number, added_at FROM phone_numbers WHERE email = ?1 ORDER BY added_at")
            try s.bind([.text(email.lowercased())])
            var out: [PhoneNumberOnFile] = []
            while try s.step() { out.append(PhoneNumberOnFile(number: s.string(0), addedAt: EventTime.parse(s.string(1)) ?? .distantPast)) }
            return out
        }
    }

    public func federatedLinks(_ email: String) throws(StoreError) -> [FederatedLink] {
        try read {
            let s = try db.prepare("SELECT provider, linked_at FROM federated_links WHERE email = ?1 ORDER BY linked_at")
            try s.bind([.text(email.lowercased())])
            var out: [FederatedLink] = []
            while try s.step() { out.append(FederatedLink(provider: s.string(0), linkedAt: EventTime.parse(s.string(1)) ?? .distantPast)) }
            return out
        }
    }

    public func signIns(_ email: String, since: Date) throws(StoreError) -> [SignInAttempt] {
        try read {
            let s = try db.prepare("SELECT at, address, succeeded, method FROM sign_ins WHERE email = ?1 AND at >= ?2 ORDER BY at")
            try s.bind([.text(email.lowercased()), Self.time(since)])
            var out: [SignInAttempt] = []
            while try s.step() {
                out.append(SignInAttempt(at: EventTime.parse(s.string(0)) ?? .distantPast, address: s.string(1), succeeded: s.int(2) != 0, method: s.string(3)))
            }
            return out
        }
    }

    public func events(_ email: String) throws(StoreError) -> [DirectoryEvent] {
        try read {
            let s = try db.prepare("SELECT at, email, type, actor, details FROM directory_events WHERE email = ?1 ORDER BY seq")
            try s.bind([.text(email.lowercased())])
            var out: [DirectoryEvent] = []
            while try s.step() {
                out.append(DirectoryEvent(at: EventTime.parse(s.string(0)) ?? .distantPast, email: s.string(1), type: s.string(2), actor: s.string(3),
                                          details: (try? JSON5Parser.parse(s.string(4)))?.plain.objectValue ?? [:]))
            }
            return out
        }
    }

    // MARK: - Admin actions

    public func recordedAction(_ key: String) throws(StoreError) -> RecordedAction? {
        try read {
            let s = try db.prepare("SELECT idempotency_key, action, email, actor, at, outcome, details FROM actions WHERE idempotency_key = ?1")
            try s.bind([.text(key)])
            guard try s.step() else { return nil }
            return RecordedAction(idempotencyKey: s.string(0), action: s.string(1), email: s.string(2), actor: s.string(3),
                                  at: EventTime.parse(s.string(4)) ?? .distantPast, succeeded: s.string(5) == "completed",
                                  details: (try? JSON5Parser.parse(s.string(6)))?.plain.objectValue ?? [:])
        }
    }

    /// Carries out an admin action exactly once per idempotency key: the change, the action
    /// record and the directory's event in one transaction. A key seen before returns its
    /// first record and changes nothing.
    public func apply(_ changes: [DirectoryChange], action: String, idempotencyKey: String, email: String, actor: String, at: Date,
                      eventType: String, details: [String: JSONValue]) throws(StoreError) -> (record: RecordedAction, fresh: Bool) {
        try write {
            let existing = try db.prepare("SELECT 1 FROM actions WHERE idempotency_key = ?1")
            try existing.bind([.text(idempotencyKey)])
            if try existing.step() {
                return (try recordedActionInTransaction(idempotencyKey), false)
            }
            let lower = email.lowercased()
            for change in changes {
                switch change {
                case .removeAllFactors:
                    try db.prepare("DELETE FROM factors WHERE email = ?1").run([.text(lower)])
                    // Backup codes are a factor too: the reset leaves no way in but enrolment.
                    try db.prepare("DELETE FROM backup_codes WHERE email = ?1 AND used_at IS NULL").run([.text(lower)])
                case .replaceBackupCodes(let hashes, let expiresAt):
                    try db.prepare("DELETE FROM backup_codes WHERE email = ?1 AND used_at IS NULL").run([.text(lower)])
                    let insert = try db.prepare("INSERT INTO backup_codes (email, code_hash, created_at, expires_at) VALUES (?1, ?2, ?3, ?4)")
                    for hash in hashes { try insert.run([.text(lower), .text(hash), Self.time(at), Self.time(expiresAt)]) }
                case .setPassword(let hash, let mustChange, let expiresAt):
                    try db.prepare("UPDATE users SET password_hash = ?2, password_must_change = ?3, password_expires_at = ?4 WHERE email = ?1")
                        .run([.text(lower), .text(hash), .integer(mustChange ? 1 : 0), Self.time(expiresAt)])
                case .setSuspended(true):
                    // The action that suspends an active account is named as the suspension's; suspending
                    // an account already suspended does not make that suspension this action's.
                    try db.prepare("UPDATE users SET suspended = 1, suspended_by = ?2 WHERE email = ?1 AND suspended = 0")
                        .run([.text(lower), .text(idempotencyKey)])
                case .setSuspended(false):
                    try db.prepare("UPDATE users SET suspended = 0, suspended_by = NULL WHERE email = ?1").run([.text(lower)])
                case .sendNotice(let recipients, let subject, let body, let caseID):
                    let insert = try db.prepare("""
                    INSERT INTO outbox (email, recipient, subject, body, sent_at, case_id, idempotency_key) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
                    """)
                    for recipient in recipients {
                        try insert.run([.text(lower), .text(recipient), .text(subject), .text(body), Self.time(at), .text(caseID), .text(idempotencyKey)])
                    }
                }
            }
            let detailsText = JSONValue.object(details).canonicalText
            try db.prepare("""
            INSERT INTO actions (idempotency_key, action, email, actor, at, outcome, details) VALUES (?1, ?2, ?3, ?4, ?5, 'completed', ?6)
            """).run([.text(idempotencyKey), .text(action), .text(lower), .text(actor), Self.time(at), .text(detailsText)])
            try recordEventInTransaction(at: at, email: lower, type: eventType, actor: actor, details: details)
            return (try recordedActionInTransaction(idempotencyKey), true)
        }
    }

    private func recordedActionInTransaction(_ key: String) throws -> RecordedAction {
        let s = try db.prepare("SELECT idempotency_key, action, email, actor, at, outcome, details FROM actions WHERE idempotency_key = ?1")
        try s.bind([.text(key)])
        _ = try s.step()
        return RecordedAction(idempotencyKey: s.string(0), action: s.string(1), email: s.string(2), actor: s.string(3),
                              at: EventTime.parse(s.string(4)) ?? .distantPast, succeeded: s.string(5) == "completed",
                              details: (try? JSON5Parser.parse(s.string(6)))?.plain.objectValue ?? [:])
    }

    private func recordEventInTransaction(at: Date, email: String, type: String, actor: String, details: [String: JSONValue]) throws {
        try db.prepare("INSERT INTO directory_events (at, email, type, actor, details) VALUES (?1, ?2, ?3, ?4, ?5)")
            .run([Self.time(at), .text(email), .text(type), .text(actor), .text(JSONValue.object(details).canonicalText)])
    }

    // MARK: - The user's side

    public func recordSignIn(_ email: String, attempt: SignInAttempt) throws(StoreError) {
        try write {
            try db.prepare("INSERT INTO sign_ins (email, at, address, succeeded, method) VALUES (?1, ?2, ?3, ?4, ?5)")
                .run([.text(email.lowercased()), Self.time(attempt.at), .text(attempt.address), .integer(attempt.succeeded ? 1 : 0), .text(attempt.method)])
        }
    }

    /// Marks a backup code used, if it still is unused: single use even under concurrent sign-ins.
    public func useBackupCode(id: Int64, at: Date) throws(StoreError) -> Bool {
        try write {
            try db.prepare("UPDATE backup_codes SET used_at = ?2 WHERE id = ?1 AND used_at IS NULL").run([.integer(id), Self.time(at)])
            return db.changes == 1
        }
    }

    public func changePassword(_ email: String, hash: String, at: Date) throws(StoreError) {
        try write {
            try db.prepare("UPDATE users SET password_hash = ?2, password_must_change = 0, password_expires_at = NULL WHERE email = ?1")
                .run([.text(email.lowercased()), .text(hash)])
            try recordEventInTransaction(at: at, email: email.lowercased(), type: "user.password_changed", actor: email.lowercased(), details: [:])
        }
    }

    /// Enrols a factor from the sign-in at `address` (the platform records where every factor came from).
    public func enrolFactor(_ email: String, kind: String, label: String, at: Date, from address: String) throws(StoreError) {
        try write {
            try db.prepare("INSERT INTO factors (email, kind, label, enrolled_at, enrolled_from) VALUES (?1, ?2, ?3, ?4, ?5)")
                .run([.text(email.lowercased()), .text(kind), .text(label), Self.time(at), .text(address)])
            try recordEventInTransaction(at: at, email: email.lowercased(), type: "mfa.factor_enrolled", actor: email.lowercased(),
                                         details: ["kind": .string(kind), "label": .string(label), "from": .string(address)])
        }
    }
}

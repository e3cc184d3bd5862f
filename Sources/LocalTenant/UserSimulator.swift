import Engine
import Foundation
import Hashing
import Store

/// Acts as the user would, on the local directory: sign in with a backup code or a temporary
/// password, change that password, enrol a new factor. This is how "await enrolment" completes
/// for real in the demo, in training and in the tests.
public struct UserSimulator {
    public let store: DirectoryStore

    public init(store: DirectoryStore) {
        self.store = store
    }

    public enum Refusal: Error, Equatable, CustomStringConvertible {
        case unknownUser(String)
        case suspended
        case wrongPassword
        case passwordExpired
        case mustChangePassword
        case newPasswordSameAsTemporary
        case codeRejected(String)
        case notSignedIn

        public var description: String {
            switch self {
            case .unknownUser(let email): return "\(email) is not a user of the local directory"
            case .suspended: return "the account is suspended"
            case .wrongPassword: return "wrong password"
            case .passwordExpired: return "the temporary password has expired; an admin must set a new one"
            case .mustChangePassword: return "this is a temporary password: give --new-password to change it at this first sign-in"
            case .newPasswordSameAsTemporary:
                return "the new password is the temporary one: choose a different password (the temporary one stops working once changed)"
            case .codeRejected(let why): return "backup code rejected: \(why)"
            case .notSignedIn: return "sign in first (with a backup code or a temporary password): enrolling needs a fresh sign-in"
            }
        }
    }

    /// Signs in with email + password (+ a backup code when the account has factors).
    public func signIn(_ email: String, password: String, code: String?, newPassword: String?, address: String, now: Date) throws {
        guard let user = try store.user(email) else { throw Refusal.unknownUser(email) }
        func fail(_ refusal: Refusal) throws -> Never {
            try store.recordSignIn(email, attempt: SignInAttempt(at: now, address: address, succeeded: false, method: code == nil ? "password" : "backup_code"))
            throw refusal
        }
        if user.suspended { try fail(.suspended) }
        guard PasswordHash.verify(password, against: user.passwordHash) else { try fail(.wrongPassword) }
        if user.passwordMustChange {
            if let expires = user.passwordExpiresAt, expires <= now { try fail(.passwordExpired) }
            guard let newPassword, newPassword.count >= 8 else { try fail(.mustChangePassword) }
            // Whoever read the temporary password (the agent, anyone listening on the call) must not
            // hold the account's password afterwards.
            if newPassword == password { try fail(.newPasswordSameAsTemporary) }
            try store.changePassword(email, hash: PasswordHash.make(newPassword, salt: Secrets.salt()), at: now)
        }
        // Unused backup codes are a second factor too: an account reset to backup codes only must
        // not let the password alone in, or an expired (or never delivered) code set is no barrier.
        let needsSecondFactor = try !store.factors(email).isEmpty || store.backupCodes(email).contains { $0.usedAt == nil }
        if let code {
            let typed = Secrets.normaliseCode(code)
            let candidates = try store.backupCodes(email)
            guard let match = candidates.first(where: { PasswordHash.verify(typed, against: $0.codeHash) }) else {
                try fail(.codeRejected("not a code of this account"))
            }
            if match.usedAt != nil { try fail(.codeRejected("already used; each code works once")) }
            if let expires = match.expiresAt, expires <= now { try fail(.codeRejected("expired")) }
            guard try store.useBackupCode(id: match.id, at: now) else { try fail(.codeRejected("already used; each code works once")) }
        } else if needsSecondFactor {
            try fail(.codeRejected("the account has MFA factors or backup codes: sign in with a backup code"))
        }
        try store.recordSignIn(email, attempt: SignInAttempt(at: now, address: address, succeeded: true, method: code == nil ? "password" : "backup_code"))
    }

    /// Enrols a new factor; the user must have signed in successfully in the last hour. The factor
    /// is enrolled from `address` if given, else from that latest sign-in's address.
    public func enrol(_ email: String, kind: String, label: String, from address: String? = nil, now: Date) throws {
        guard try store.user(email) != nil else { throw Refusal.unknownUser(email) }
        guard let recent = try store.signIns(email, since: now.addingTimeInterval(-3600)).last(where: { $0.succeeded }) else {
            throw Refusal.notSignedIn
        }
        try store.enrolFactor(email, kind: kind, label: label, at: now, from: address ?? recent.address)
    }

    /// The notices the directory sent about `email`'s account: what the user finds in their mailboxes.
    public func inbox(_ email: String) throws -> [SentNotice] {
        guard try store.user(email) != nil else { throw Refusal.unknownUser(email) }
        return try store.outbox(email)
    }
}

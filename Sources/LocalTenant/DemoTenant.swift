import Engine
import Foundation
import Hashing
import Store

/// The demo tenant a first run is seeded with: one user for every path of the MFA runbook, with
/// times relative to the moment of seeding (so "a number added today" is today). Every demo user's
/// password is `demo-password`; re-seeding restores them all to their starting state.
public enum DemoTenant {
    public static let password = "demo-password"

    public struct DemoUser: Sendable {
        public var email: String
        public var name: String
        public var note: String
    }

    /// Who is there, and the path each one shows.
    public static let users: [DemoUser] = [
        DemoUser(email: "ada@demo.example", name: "Ada Lovelace", note: "backup codes left: the user recovers with one, no reset"),
        DemoUser(email: "ben@demo.example", name: "Ben Okafor", note: "no backup codes left, number on file for years: force reset"),
        DemoUser(email: "cara@demo.example", name: "Cara Diaz", note: "federated (Google) identity: self-service, no reset"),
        DemoUser(email: "dev.admin@demo.example", name: "Dev Admin", note: "tenant admin: a reset needs a second senior's approval"),
        DemoUser(email: "eli@demo.example", name: "Eli Park", note: "lost email too: reset, then a temporary password"),
        DemoUser(email: "fay@demo.example", name: "Fay Nguyen", note: "lost device and authenticator: admin-generated backup codes"),
        DemoUser(email: "gus@demo.example", name: "Gus Moreau", note: "only phone number was added today: call-back refused"),
        DemoUser(email: "hana@demo.example", name: "Hana Sato", note: "failed sign-ins from new addresses: refuse and escalate"),
        DemoUser(email: "ivan@demo.example", name: "Ivan Petrov", note: "suspended account: an incident, not a recovery"),
    ]

    /// Writes (or restores) every demo user in `store`, with times relative to `now`.
    public static func seed(_ store: DirectoryStore, now: Date) throws {
        let day: TimeInterval = 86_400
        let passwordHash = PasswordHash.make(password, salt: Secrets.salt())
        let office = "198.51.100.20"
        func ago(days: Double) -> Date { now.addingTimeInterval(-days * day) }
        func regularSignIns(days: [Double]) -> [SignInAttempt] {
            days.map { SignInAttempt(at: ago(days: $0), address: office, succeeded: true, method: "password+totp") }
        }
        func usedCodes(_ n: Int) -> [(hash: String, createdAt: Date, usedAt: Date?)] {
            // Codes the user already spent: hashes of codes nobody knows.
            (0..<n).map { _ in (PasswordHash.make(Secrets.backupCode(), salt: Secrets.salt(), iterations: 2_000), ago(days: 400), ago(days: 30)) }
        }
        for demo in users {
            // Everyone reports to the desk's manager of record; the tenant admin to the CTO.
            var user = DirectoryUser(email: demo.email, displayName: demo.name, passwordHash: passwordHash, demoNote: demo.note,
                                     manager: demo.email == "dev.admin@demo.example" ? "cto@demo.example" : "rosa.manager@demo.example")
            var factors = [EnrolledFactor(kind: "totp", label: "Phone authenticator", enrolledAt: ago(days: 400))]
            var codes = usedCodes(10)
            var phones = [PhoneNumberOnFile(number: "+15550100\(users.firstIndex { $0.email == demo.email }! + 10)", addedAt: ago(days: 700))]
            var federated: [FederatedLink] = []
            var signIns = regularSignIns(days: [20, 12, 5, 2])
            switch demo.email {
            case "ada@demo.example":
                codes = usedCodes(7) + (0..<3).map { _ in (PasswordHash.make(Secrets.backupCode(), salt: Secrets.salt(), iterations: 2_000), ago(days: 400), nil) }
            case "cara@demo.example":
                federated = [FederatedLink(provider: "google", linkedAt: ago(days: 300))]
                signIns += [SignInAttempt(at: ago(days: 1), address: office, succeeded: true, method: "federated")]
            case "dev.admin@demo.example":
                user.privileged = true
                factors.append(EnrolledFactor(kind: "webauthn", label: "Security key", enrolledAt: ago(days: 200)))
            case "fay@demo.example":
                factors = [EnrolledFactor(kind: "totp", label: "Authenticator app", enrolledAt: ago(days: 90))]
            case "gus@demo.example":
                // Added at the moment of seeding: "today" in every time zone (ten minutes earlier would be
                // yesterday for a tenant seeded just after midnight, and the call-back would pass).
                phones = [PhoneNumberOnFile(number: "+15550199", addedAt: now)]
            case "hana@demo.example":
                signIns += ["203.0.113.7", "203.0.113.7", "192.0.2.44", "192.0.2.45"].enumerated().map { i, address in
                    SignInAttempt(at: now.addingTimeInterval(-Double(6 - i) * 3600), address: address, succeeded: false, method: "password")
                }
            case "ivan@demo.example":
                user.suspended = true
            default:
                break
            }
            // Besides the work email, a personal address for account notices: a recovery notice
            // reaches the user even when the work mailbox is the attacker's.
            let personal = demo.email.replacingOccurrences(of: "@demo.example", with: "@home.example")
            try store.putUser(user, factors: factors, codeHashes: codes, phones: phones, federated: federated, signIns: signIns,
                              notificationAddresses: [personal])
        }
    }
}

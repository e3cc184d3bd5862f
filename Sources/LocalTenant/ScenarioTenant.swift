import Engine
import Foundation
import Hashing
import Store
import Training

/// The training tenant for one attempt: the scenario's account, written fresh into a directory
/// of its own so that nothing a trainee does touches real users.
public enum ScenarioTenant {
    /// The practice account's password (the caller "knows" it).
    public static let password = "training-password"

    public static func seed(_ store: DirectoryStore, scenario: Scenario, now: Date) throws {
        let s = scenario.subject
        let user = DirectoryUser(email: s.email, displayName: s.name, privileged: s.privileged, suspended: s.suspended,
                                 passwordHash: PasswordHash.make(password, salt: Secrets.salt()), demoNote: "training: \(scenario.title)")
        let codes = (0..<s.backupCodesRemaining).map { _ in
            (hash: PasswordHash.make(Secrets.backupCode(), salt: Secrets.salt(), iterations: 2_000), createdAt: now.addingTimeInterval(-300 * 86_400), usedAt: Date?.none)
        }
        let facts = s.facts(at: now)
        try store.putUser(user, factors: facts.factors, codeHashes: codes, phones: facts.phoneNumbers, federated: facts.federatedLinks,
                          signIns: facts.signIns)
    }
}

import Casework
import Engine
import Foundation
import Hashing
import LocalTenant
import Platform
import Runbook
import Store
import XCTest

/// The facts the gates decide from are computed by LocalDirectory from its data, never typed:
/// backup codes remaining, phone numbers and when each was added, unusual sign-in activity,
/// privileged and suspended accounts, federated links. Each is checked as a value and as the
/// gate it drives, through CaseService, passing and refusing.
final class FactsFromDirectoryTests: XCTestCase {
    private var h: LocalTenantHarness!

    override func setUpWithError() throws {
        h = try LocalTenantHarness()
    }

    override func tearDown() {
        h = nil
    }

    private var now: Date { h.clock.now }
    private let day: TimeInterval = 86_400

    private func facts(_ email: String, at time: Date? = nil) throws -> PlatformFacts {
        try h.directory.facts(subject: email, history: [], now: time ?? now)
    }

    private static func codeHash(_ code: String) -> String {
        PasswordHash.make(code.uppercased().replacingOccurrences(of: "-", with: ""), salt: Array("salt-\(code)".utf8), iterations: 1_000)
    }

    /// A user of the directory with exactly the data given.
    private func addUser(_ email: String, privileged: Bool = false, suspended: Bool = false,
                         codes: [(code: String, usedAt: Date?)] = [], phones: [PhoneNumberOnFile] = [],
                         federated: [FederatedLink] = [], signIns: [SignInAttempt] = []) throws {
        let user = DirectoryUser(email: email, displayName: email, privileged: privileged, suspended: suspended,
                                 passwordHash: PasswordHash.make("pw-\(email)", salt: Array(email.utf8), iterations: 1_000))
        try h.directoryStore.putUser(user, factors: [EnrolledFactor(kind: "totp", label: "Old phone", enrolledAt: now.addingTimeInterval(-300 * day))],
                                     codeHashes: codes.map { (Self.codeHash($0.code), now.addingTimeInterval(-200 * day), $0.usedAt) },
                                     phones: phones, federated: federated, signIns: signIns)
    }

    // MARK: - The demo tenant

    /// Every demo user shows the path their note promises, in facts computed from the directory.
    func testDemoUsersFactsShowEveryPath() throws {
        let rule = h.runbook.settings.unusualActivity
        func unusual(_ f: PlatformFacts) -> Bool { UnusualActivity(signIns: f.signIns, rule: rule, now: now).isUnusual }
        let startOfToday = CalendarDay.startOfDay(now, in: h.timeZone)

        let ada = try facts("ada@demo.example")
        XCTAssertEqual(ada.backupCodesRemaining, 3, "ada has 3 unused codes of 10")
        let ben = try facts("ben@demo.example")
        XCTAssertEqual(ben.backupCodesRemaining, 0, "ben used all 10")
        XCTAssertEqual(ben.phoneNumbers.count, 1)
        XCTAssertLessThan(ben.phoneNumbers[0].addedAt, startOfToday, "ben's number has been on file for years")
        XCTAssertTrue(ben.federatedLinks.isEmpty)
        XCTAssertEqual(try facts("cara@demo.example").federatedLinks.map(\.provider), ["google"])
        let dev = try facts("dev.admin@demo.example")
        XCTAssertTrue(dev.user.privileged)
        XCTAssertEqual(dev.factors.count, 2)
        let gus = try facts("gus@demo.example")
        XCTAssertEqual(gus.phoneNumbers.count, 1)
        XCTAssertGreaterThanOrEqual(gus.phoneNumbers[0].addedAt, startOfToday, "gus's only number was added today")
        XCTAssertTrue(unusual(try facts("hana@demo.example")), "hana has failed sign-ins from new addresses")
        XCTAssertTrue(try facts("ivan@demo.example").user.suspended)
        for email in ["ada", "ben", "cara", "dev.admin", "eli", "fay", "gus", "ivan"].map({ "\($0)@demo.example" }) {
            let f = try facts(email)
            XCTAssertFalse(unusual(f), "\(email) has no unusual activity")
            XCTAssertEqual(f.user.suspended, email == "ivan@demo.example", email)
            XCTAssertEqual(f.user.privileged, email == "dev.admin@demo.example", email)
        }
        XCTAssertTrue(h.directory.demo)
        XCTAssertTrue(h.directory.summary.contains("DEMO"), h.directory.summary)
        XCTAssertThrowsError(try facts("nobody@demo.example"), "an unknown user has no facts")
        let refused = try h.service().open(subject: "nobody@demo.example", runbookID: h.runbook.id, actor: h.alice)
        XCTAssertNotNil(refused.refusal, "no case for a user the directory does not know")
    }

    /// Seeded five minutes after midnight, gus's number is still "added today" (not yesterday).
    func testGusNumberIsTodayEvenWhenTheTenantIsSeededJustAfterMidnight() throws {
        let midnight = CalendarDay.startOfDay(now, in: h.timeZone)
        let early = try LocalTenantHarness(clock: TestClock(start: midnight.addingTimeInterval(300)))
        let number = try XCTUnwrap(try early.directory.facts(subject: "gus@demo.example", history: [], now: early.clock.now).phoneNumbers.first)
        XCTAssertGreaterThanOrEqual(number.addedAt, midnight)
        let id = try early.open("gus@demo.example")
        try early.refused(id, "verify_identity", ["method": "callback", "callback_number": number.number, "callback_confirmed": "yes",
                                                  "reference": "INC-1"], check: "callbackNumberOnFileBeforeToday")
    }

    /// A tenant of ordinary users (a real or training tenant) stores them, and is not a demo.
    func testATenantWithoutDemoUsersIsNotADemo() throws {
        let plain = try LocalTenantHarness(demo: false)
        XCTAssertFalse(plain.directory.demo)
        let user = DirectoryUser(email: "pat@example.com", displayName: "Pat", passwordHash: PasswordHash.make("pw", salt: [1], iterations: 1_000))
        try plain.directoryStore.putUser(user, factors: [], codeHashes: [], phones: [], federated: [], signIns: [])
        XCTAssertEqual(try plain.directoryStore.user("pat@example.com")?.demoNote, nil)
        XCTAssertFalse(plain.directory.demo)
        XCTAssertFalse(plain.directory.summary.contains("DEMO"), plain.directory.summary)
        XCTAssertEqual(try plain.directory.facts(subject: "pat@example.com", history: [], now: now).user.displayName, "Pat")
    }

    // MARK: - Backup codes remaining

    func testBackupCodesRemainingCountsOnlyUnusedUnexpiredCodes() throws {
        try addUser("kim@example.com", codes: [("AAAA-BBBB", nil), ("CCCC-DDDD", nil), ("EEEE-FFFF", now.addingTimeInterval(-day)),
                                               ("GGGG-HHHH", now.addingTimeInterval(-2 * day)), ("JJJJ-KKKK", now.addingTimeInterval(-3 * day))])
        try addUser("lee@example.com", codes: [("AAAA-BBBB", now.addingTimeInterval(-day))])
        XCTAssertEqual(try facts("kim@example.com").backupCodesRemaining, 2, "two unused of five")
        XCTAssertEqual(try facts("lee@example.com").backupCodesRemaining, 0, "used codes do not count")

        // Spending one through the user's side changes the fact.
        try h.simulator.signIn("kim@example.com", password: "pw-kim@example.com", code: "aaaabbbb", newPassword: nil, address: "198.51.100.20", now: now)
        XCTAssertEqual(try facts("kim@example.com").backupCodesRemaining, 1)

        // The gate: codes left → self-service; none → a recovery must be chosen.
        let kim = try h.open("kim@example.com")
        try h.pass(kim, "verify_identity", LocalTenantHarness.video)
        try h.pass(kim, "check_backup_codes")
        XCTAssertEqual(try h.state(kim).currentStep, "backup_code_self_service")
        let lee = try h.open("lee@example.com")
        try h.pass(lee, "verify_identity", LocalTenantHarness.video)
        try h.pass(lee, "check_backup_codes")
        XCTAssertEqual(try h.state(lee).currentStep, "choose_recovery")

        // Admin-generated codes that expire: counted until their expiry, not at or after it.
        try addUser("liv@example.com")
        let expiry = now.addingTimeInterval(3600)
        _ = try h.directoryStore.apply([.replaceBackupCodes(hashes: ["MMMM-NNNN", "PPPP-QQQQ", "RRRR-SSSS"].map(Self.codeHash), expiresAt: expiry)],
                                       action: "generateBackupCodes", idempotencyKey: "test-expiring", email: "liv@example.com",
                                       actor: "alice", at: now, eventType: "mfa.backup_codes_generated_by_admin", details: [:])
        XCTAssertEqual(try facts("liv@example.com").backupCodesRemaining, 3)
        XCTAssertEqual(try facts("liv@example.com", at: expiry.addingTimeInterval(-1)).backupCodesRemaining, 3)
        XCTAssertEqual(try facts("liv@example.com", at: expiry).backupCodesRemaining, 0, "expired codes are not codes remaining")

        // A case decided after the expiry sees none left.
        h.clock.advance(2 * 3600)
        let later = try h.open("liv@example.com")
        try h.pass(later, "verify_identity", LocalTenantHarness.video)
        try h.pass(later, "check_backup_codes")
        XCTAssertEqual(try h.state(later).currentStep, "choose_recovery", "expired codes do not send the user to self-service")
    }

    // MARK: - Phone numbers and "before today"

    func testCallBackNumberMustHaveBeenOnTheAccountBeforeToday() throws {
        let startOfToday = CalendarDay.startOfDay(now, in: h.timeZone)
        try addUser("max@example.com", phones: [
            PhoneNumberOnFile(number: "+15550100", addedAt: now.addingTimeInterval(-400 * day)),
            PhoneNumberOnFile(number: "+15550111", addedAt: startOfToday.addingTimeInterval(-1)),
            PhoneNumberOnFile(number: "+15550122", addedAt: startOfToday.addingTimeInterval(1)),
        ])
        func callback(_ number: String) -> [String: String] {
            ["method": "callback", "callback_number": number, "callback_confirmed": "yes", "reference": "INC-77"]
        }
        let id = try h.open("max@example.com")
        let today = try h.refused(id, "verify_identity", callback("+15550122"), check: "callbackNumberOnFileBeforeToday")
        XCTAssertTrue(today?.message.contains("added to the account today") ?? false, today?.message ?? "")
        let unknown = try h.refused(id, "verify_identity", callback("+15550999"), check: "callbackNumberOnFileBeforeToday")
        XCTAssertTrue(unknown?.message.contains("not on the account") ?? false, unknown?.message ?? "")
        XCTAssertEqual(try h.eventTypes(id), ["case.opened", "gate.refused", "gate.refused"], "refused call-backs are on the record")
        // One second before midnight is "before today", but not yet the runbook's 24 hours old.
        let recent = try h.refused(id, "verify_identity", callback("+1 555-0111"), check: "callbackNumberOnFileBeforeToday")
        XCTAssertTrue(recent?.message.contains("at least 24 h") ?? false, recent?.message ?? "")
        // Typed with other punctuation, the old number is the same number.
        try h.pass(id, "verify_identity", callback("+1 555-0100"))

        // The demo's gus: his only number was added at seeding, today.
        let gus = try h.open("gus@demo.example")
        let number = try facts("gus@demo.example").phoneNumbers[0].number
        try h.refused(gus, "verify_identity", callback(number), check: "callbackNumberOnFileBeforeToday")
        // And the next day it is a number from before today.
        h.clock.advance(day)
        try h.pass(gus, "verify_identity", callback(number))
    }

    // MARK: - Unusual activity

    func testUnusualActivityIsComputedFromTheSignInLogAndStopsTheCase() throws {
        let rule = h.runbook.settings.unusualActivity
        XCTAssertEqual(rule.failedSignInThreshold, 3, "the runbook's threshold")
        XCTAssertEqual(rule.lookbackDays, 30)
        let threshold = rule.failedSignInThreshold
        let hour: TimeInterval = 3600
        func failures(_ n: Int, from address: String, hoursAgo: Double = 2) -> [SignInAttempt] {
            (0..<n).map { SignInAttempt(at: now.addingTimeInterval(-(hoursAgo + Double($0)) * hour), address: address, succeeded: false) }
        }
        func success(_ address: String, daysAgo: Double) -> SignInAttempt {
            SignInAttempt(at: now.addingTimeInterval(-daysAgo * day), address: address, succeeded: true, method: "password+totp")
        }
        // Threshold failures from an address never seen: unusual.
        try addUser("una@example.com", signIns: [success("198.51.100.20", daysAgo: 3)] + failures(threshold, from: "203.0.113.9"))
        // The same failures from an address the user signed in from 10 days ago: familiar.
        try addUser("vic@example.com", signIns: [success("198.51.100.77", daysAgo: 10)] + failures(threshold, from: "198.51.100.77"))
        // ...and from one last seen 35 days ago: outside the runbook's 30-day look-back, so not familiar.
        try addUser("wes@example.com", signIns: [success("198.51.100.88", daysAgo: Double(rule.lookbackDays) + 5)]
                    + failures(threshold, from: "198.51.100.88"))
        // One failure short of the threshold, and a full set of failures older than the window.
        try addUser("xan@example.com", signIns: failures(threshold - 1, from: "203.0.113.10")
                    + failures(threshold, from: "203.0.113.11", hoursAgo: Double(rule.windowHours) + 24))

        for (email, expected) in [("una", true), ("vic", false), ("wes", true), ("xan", false)] {
            let f = try facts("\(email)@example.com")
            XCTAssertEqual(UnusualActivity(signIns: f.signIns, rule: rule, now: now).isUnusual, expected, email)
            let id = try h.open("\(email)@example.com")
            if expected {
                let refusal = try h.refused(id, "verify_identity", LocalTenantHarness.video, check: "noUnusualSignInActivity")
                XCTAssertTrue(refusal?.message.contains("failed sign-ins") ?? false, refusal?.message ?? "")
                // It cannot be waved away: the operator may only refuse (and escalate).
                let refuse = try h.service().perform(.refuse(signal: "unusual_activity", reason: "Failed sign-ins from unknown addresses"),
                                                     on: id, actor: h.alice)
                XCTAssertNil(refuse.refusal)
                XCTAssertEqual(try h.state(id).status, .escalated)
            } else {
                try h.pass(id, "verify_identity", LocalTenantHarness.video)
            }
        }
        XCTAssertTrue(try facts("wes@example.com").signIns.contains { $0.succeeded }, "the 35-day-old success is in the facts")

        // Failures the user's side produces (wrong passwords from a new address) become the signal
        // mid-case: verified before them, the reset is refused after them.
        try addUser("yul@example.com", signIns: [success("198.51.100.20", daysAgo: 1)])
        let id = try h.open("yul@example.com")
        try h.pass(id, "verify_identity", LocalTenantHarness.video)
        try h.pass(id, "check_backup_codes")
        try h.pass(id, "choose_recovery", ["situation": "device"])
        for _ in 0..<threshold {
            XCTAssertThrowsError(try h.simulator.signIn("yul@example.com", password: "guess", code: nil, newPassword: nil,
                                                        address: "203.0.113.200", now: now)) { error in
                XCTAssertEqual(error as? UserSimulator.Refusal, .wrongPassword)
            }
        }
        try h.refused(id, "force_reset", check: "noUnusualSignInActivity")
        XCTAssertEqual(try h.directoryEvents("yul@example.com", type: "mfa.factor_admin_reset"), 0, "nothing was reset")
        XCTAssertEqual(try facts("yul@example.com").factors.count, 1)
        XCTAssertEqual(try h.eventTypes(id).filter { $0 != "gate.refused" }.last, "recovery.chosen")
    }

    // MARK: - Privileged and suspended

    func testPrivilegedAccountNeedsASecondSeniorAndSuspendedAccountIsRefused() throws {
        XCTAssertTrue(try facts("dev.admin@demo.example").user.privileged)
        let id = try h.reach("dev.admin@demo.example", situation: "device")
        try h.refused(id, "force_reset", check: "privilegedResetApproved")
        XCTAssertNil(try h.service().perform(.requestApproval(reason: "Tenant admin reset"), on: id, actor: h.alice).refusal)
        try h.service().release(id, actor: h.alice)
        XCTAssertNil(try h.service().perform(.approve(reason: "Verified on video"), on: id, actor: h.bob).refusal)
        try h.service().release(id, actor: h.bob)
        let reset = try h.pass(id, "force_reset")
        XCTAssertEqual(reset.stored.map(\.event.type), ["mfa.factor_admin_reset.requested", "mfa.factor_admin_reset"])
        XCTAssertTrue(try facts("dev.admin@demo.example").factors.isEmpty)

        // The ordinary user: no approval needed.
        XCTAssertFalse(try facts("ben@demo.example").user.privileged)

        XCTAssertTrue(try facts("ivan@demo.example").user.suspended)
        let ivan = try h.open("ivan@demo.example")
        try h.refused(ivan, "verify_identity", LocalTenantHarness.video, check: "subjectNotSuspended")

        // Suspended by the directory's own action: the fact follows the data.
        XCTAssertFalse(try facts("ada@demo.example").user.suspended)
        let result = try h.directory.perform(ActionRequest(action: .suspendUser, idempotencyKey: "test-suspend-ada", subject: "ada@demo.example",
                                                           actor: "alice", now: now))
        guard case .completed = result else { return XCTFail("suspendUser: \(result)") }
        XCTAssertTrue(try facts("ada@demo.example").user.suspended)
        let ada = try h.open("ada@demo.example")
        try h.refused(ada, "verify_identity", LocalTenantHarness.video, check: "subjectNotSuspended")
    }

    /// Which suspension an account is under: the action that suspended it (what a case an incident
    /// opened may act through), or the directory's own, which is no incident's.
    func testTheDirectoryReportsWhichActionSuspendedAnAccountAndManagers() throws {
        XCTAssertEqual(try facts("ivan@demo.example").user.suspendedBy, LocalDirectory.suspendedOutsideActions, "suspended by seeding")
        XCTAssertNil(try facts("ada@demo.example").user.suspendedBy)
        func suspend(_ key: String, _ email: String) throws {
            let result = try h.directory.perform(ActionRequest(action: .suspendUser, idempotencyKey: key, subject: email, actor: "alice", now: now))
            guard case .completed = result else { return XCTFail("suspendUser: \(result)") }
        }
        try suspend("CASE-1:incident_suspend:11", "ada@demo.example")
        XCTAssertEqual(try facts("ada@demo.example").user.suspendedBy, "CASE-1:incident_suspend:11")
        // Suspending an account already suspended does not make the suspension the later action's.
        try suspend("CASE-9:incident_suspend:4", "ada@demo.example")
        try suspend("CASE-9:incident_suspend:4", "ivan@demo.example")
        XCTAssertEqual(try facts("ada@demo.example").user.suspendedBy, "CASE-1:incident_suspend:11")
        XCTAssertEqual(try facts("ivan@demo.example").user.suspendedBy, LocalDirectory.suspendedOutsideActions)
        // A reinstatement lifts it.
        let reinstated = try h.directory.perform(ActionRequest(action: .setTemporaryPassword, idempotencyKey: "CASE-2:set_temporary_password:9",
                                                               subject: "ada@demo.example", actor: "alice", now: now, reinstate: true))
        guard case .completed = reinstated else { return XCTFail("setTemporaryPassword: \(reinstated)") }
        XCTAssertFalse(try facts("ada@demo.example").user.suspended)
        XCTAssertNil(try facts("ada@demo.example").user.suspendedBy)
        // Demo users have a manager on record; the tenant admin's is the CTO.
        XCTAssertEqual(try facts("ben@demo.example").user.manager, "rosa.manager@demo.example")
        XCTAssertEqual(try facts("dev.admin@demo.example").user.manager, "cto@demo.example")
    }

    // MARK: - Federated links

    func testFederatedSignInNeedsALinkOnFile() throws {
        let federated = ["method": "federated", "federated_signin_seen": "yes", "reference": "INC-88"]
        XCTAssertEqual(try facts("cara@demo.example").federatedLinks.map(\.provider), ["google"])
        let cara = try h.open("cara@demo.example")
        try h.pass(cara, "verify_identity", federated)
        XCTAssertEqual(try h.state(cara).currentStep, "federated_self_service")
        try h.pass(cara, "federated_self_service", ["walked_through": "yes"])
        XCTAssertEqual(try h.state(cara).outcome, "resolved_self_service")
        XCTAssertEqual(try h.eventTypes(cara), ["case.opened", "verification.recorded", "recovery.self_service_guided", "case.closed"])

        XCTAssertTrue(try facts("ben@demo.example").federatedLinks.isEmpty)
        let ben = try h.open("ben@demo.example")
        try h.refused(ben, "verify_identity", federated, check: "federatedLinkOnFile")

        try addUser("sam@example.com", federated: [FederatedLink(provider: "saml:okta", linkedAt: now.addingTimeInterval(-30 * day))])
        let sam = try h.open("sam@example.com")
        try h.pass(sam, "verify_identity", federated)
        XCTAssertEqual(try h.state(sam).currentStep, "federated_self_service")
        try h.assertChainVerifies()
    }
}

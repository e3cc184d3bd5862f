import Casework
import Engine
import Foundation
import Hashing
import LocalTenant
import Platform
import Runbook
import Store
import XCTest

/// Generated backup codes and temporary passwords: handed back once (`CaseOutcome.shownOnce`),
/// usable once by the user (through `UserSimulator`), refused when used, expired, or — for a
/// temporary password — not changed at the first sign-in.
final class SecretsShownOnceTests: XCTestCase {
    private var h: LocalTenantHarness!

    override func setUpWithError() throws {
        h = try LocalTenantHarness()
    }

    override func tearDown() {
        h = nil
    }

    private func signIn(_ email: String, password: String = DemoTenant.password, code: String? = nil, newPassword: String? = nil,
                        at time: Date? = nil) throws {
        try h.simulator.signIn(email, password: password, code: code, newPassword: newPassword, address: "198.51.100.20",
                               now: time ?? h.clock.now)
    }

    private func assertRefused(_ expected: UserSimulator.Refusal, _ attempt: @autoclosure () throws -> Void, _ message: String = "",
                               file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try attempt(), message, file: file, line: line) { error in
            XCTAssertEqual(error as? UserSimulator.Refusal, expected, "\(message) \(error)", file: file, line: line)
        }
    }

    private func codesRemaining(_ email: String, at time: Date? = nil) throws -> Int {
        try h.directory.facts(subject: email, history: [], now: time ?? h.clock.now).backupCodesRemaining
    }

    /// Fay's case up to the generated codes: the outcome that shows them.
    private func generateCodes() throws -> (caseID: String, codes: [String]) {
        let id = try h.reach("fay@demo.example", situation: "device_and_app")
        let outcome = try h.pass(id, "generate_backup_codes", ["delivery_channel": "video"])
        return (id, outcome.shownOnce)
    }

    /// Eli's case up to the temporary password.
    private func setTemporaryPassword() throws -> (caseID: String, password: String) {
        let id = try h.reach("eli@demo.example", situation: "email_too")
        let reset = try h.pass(id, "force_reset")
        XCTAssertTrue(reset.shownOnce.isEmpty, "a reset generates no secret")
        let outcome = try h.pass(id, "set_temporary_password")
        XCTAssertEqual(outcome.shownOnce.count, 1)
        return (id, outcome.shownOnce.first ?? "")
    }

    // MARK: - Backup codes

    func testGeneratedBackupCodesAreShownOnceAndEachWorksOnce() throws {
        let (id, codes) = try generateCodes()
        XCTAssertEqual(codes.count, 10)
        XCTAssertEqual(Set(codes).count, 10, "no two codes alike")
        for code in codes {
            XCTAssertNotNil(code.range(of: #"^[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}$"#, options: .regularExpression), code)
        }
        XCTAssertEqual(try codesRemaining("fay@demo.example"), 10)
        let completion = try XCTUnwrap(try h.caseStore.events(caseID: id).last)
        XCTAssertEqual(completion.event.type, "mfa.backup_codes_generated_by_admin")
        XCTAssertEqual(completion.event.payload["details"]?.objectValue?["count"], .number(10))
        for code in codes { XCTAssertFalse(completion.payloadText.contains(code), "the event holds the count, not the codes") }

        // Fay's factors are gone: the codes are her only way in, and she must use one.
        assertRefused(.codeRejected("the account has MFA factors or backup codes: sign in with a backup code"), try signIn("fay@demo.example"))
        // A wrong password with a good code: refused, and the code is not spent.
        assertRefused(.wrongPassword, try signIn("fay@demo.example", password: "not-her-password", code: codes[0]))
        XCTAssertEqual(try codesRemaining("fay@demo.example"), 10)

        try signIn("fay@demo.example", code: codes[0])
        XCTAssertEqual(try codesRemaining("fay@demo.example"), 9)
        assertRefused(.codeRejected("already used; each code works once"), try signIn("fay@demo.example", code: codes[0]))
        assertRefused(.codeRejected("already used; each code works once"),
                      try signIn("fay@demo.example", code: codes[0].lowercased().replacingOccurrences(of: "-", with: "")))
        // Typed back without the dash and in lower case, a fresh code works.
        try signIn("fay@demo.example", code: codes[1].lowercased().replacingOccurrences(of: "-", with: ""))
        XCTAssertEqual(try codesRemaining("fay@demo.example"), 8)
        // Another account's code does not open this one.
        assertRefused(.codeRejected("not a code of this account"), try signIn("ada@demo.example", code: codes[2]))

        try h.finishAfterAction(id, subject: "fay@demo.example", code: codes[3])
        XCTAssertEqual(try h.state(id).outcome, "resolved")
        try h.assertChainVerifies()
    }

    func testExpiredBackupCodeIsRefused() throws {
        let generatedAt = h.clock.now
        let (_, codes) = try generateCodes()
        let lifetime = TimeInterval(h.runbook.settings.backupCodeExpiryMinutes * 60)
        let expiry = generatedAt.addingTimeInterval(lifetime)
        let stored = try h.directoryStore.backupCodes("fay@demo.example").filter { $0.usedAt == nil }
        XCTAssertEqual(Set(stored.compactMap(\.expiresAt)), [expiry], "each code carries the runbook's expiry")

        try signIn("fay@demo.example", code: codes[0], at: expiry.addingTimeInterval(-1))
        assertRefused(.codeRejected("expired"), try signIn("fay@demo.example", code: codes[1], at: expiry))
        XCTAssertEqual(try codesRemaining("fay@demo.example", at: expiry), 0, "expired codes are not counted")
        // Expired codes are no way in, and their expiry opens no password-only way either.
        assertRefused(.codeRejected("the account has MFA factors or backup codes: sign in with a backup code"),
                      try signIn("fay@demo.example", at: expiry.addingTimeInterval(60)))
    }

    // MARK: - Temporary password

    func testTemporaryPasswordIsShownOnceAndMustBeChangedAtFirstSignIn() throws {
        let (id, temporary) = try setTemporaryPassword()
        XCTAssertNotNil(temporary.range(of: #"^([2-9A-HJ-NP-Z]{4}-){3}[2-9A-HJ-NP-Z]{4}$"#, options: .regularExpression), temporary)
        let user = try XCTUnwrap(try h.directoryStore.user("eli@demo.example"))
        XCTAssertTrue(user.passwordMustChange)
        XCTAssertTrue(PasswordHash.verify(temporary, against: user.passwordHash))
        XCTAssertFalse(user.passwordHash.contains(temporary))

        assertRefused(.wrongPassword, try signIn("eli@demo.example"), "the old password no longer works")
        assertRefused(.mustChangePassword, try signIn("eli@demo.example", password: temporary))
        assertRefused(.mustChangePassword, try signIn("eli@demo.example", password: temporary, newPassword: "short"))
        try signIn("eli@demo.example", password: temporary, newPassword: "a-new-passphrase")
        XCTAssertFalse(try XCTUnwrap(try h.directoryStore.user("eli@demo.example")).passwordMustChange)
        assertRefused(.wrongPassword, try signIn("eli@demo.example", password: temporary, newPassword: "another-passphrase"),
                      "the temporary password worked once")
        XCTAssertEqual(try h.directoryStore.events("eli@demo.example").map(\.type),
                       ["mfa.factor_admin_reset", "user.password_set_by_admin", "user.password_changed"])

        try h.finishAfterAction(id, subject: "eli@demo.example", password: "a-new-passphrase")
        XCTAssertEqual(try h.state(id).outcome, "resolved")
        try h.assertChainVerifies()
    }

    func testExpiredTemporaryPasswordIsRefused() throws {
        let setAt = h.clock.now
        let (_, temporary) = try setTemporaryPassword()
        let expiry = setAt.addingTimeInterval(TimeInterval(h.runbook.settings.temporaryPasswordExpiryHours * 3600))
        XCTAssertEqual(try h.directoryStore.user("eli@demo.example")?.passwordExpiresAt, expiry)
        assertRefused(.passwordExpired, try signIn("eli@demo.example", password: temporary, newPassword: "a-new-passphrase", at: expiry))
        try signIn("eli@demo.example", password: temporary, newPassword: "a-new-passphrase", at: expiry.addingTimeInterval(-1))
    }
}

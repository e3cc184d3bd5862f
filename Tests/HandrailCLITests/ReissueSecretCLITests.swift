import Foundation
import HandrailTestSupport
import XCTest

/// Issue 13: one-time secrets lost before they reached the user are issued again with
/// `handrail case do ID reissue --reason …`, through the real binary on the LocalDirectory demo
/// tenant: new secrets on the terminal, the old ones dead, and every gate of the first issue again.
final class ReissueSecretCLITests: XCTestCase {
    private var demo: LocalDemoShell!

    override func setUpWithError() throws {
        demo = try LocalDemoShell()
    }

    override func tearDown() {
        demo = nil
    }

    private static let video = ["method=video", "compared_against=hr_photo", "video_match=yes"]

    /// Fay's codes generated over the call-back and lost (the terminal closed): the case waits.
    private func fayCodesIssued(reference: String) throws -> (LocalDemoCase, [String]) {
        let number = try XCTUnwrap(try demo.phoneNumbers("fay@demo.example").first)
        let c = try demo.open("fay@demo.example")
        try c.act(["verify_identity", "method=callback", "callback_number=\(number)", "callback_confirmed=yes", "reference=\(reference)"])
        try c.act(["check_backup_codes"])
        try c.act(["choose_recovery", "situation=device_and_app"])
        let generated = try c.act(["generate_backup_codes", "delivery_channel=callback", "--confirm", "fay@demo.example"])
        let codes = LocalDemoShell.shownOnce(generated.out)
        XCTAssertEqual(codes.count, 10, "\(generated)")
        return (c, codes)
    }

    /// A reason that names the verification, as the action's own reason gate asks.
    private func reason(_ reference: String) -> String {
        "Codes lost before the user read them; identity verified via call-back \(demo.clock.today), see \(reference)"
    }

    func testLostCodesAreReissuedOnTheTerminalAndTheOldOnesNoLongerWork() throws {
        let (c, old) = try fayCodesIssued(reference: "INC-7001")
        XCTAssertTrue(try demo.run(["case", "show", c.id]).out.contains("reissue"), "offered while the case waits")
        let reissued = try c.act(["reissue", "--reason", reason("INC-7001"), "--json"])
        let codes = LocalDemoShell.shownOnce(reissued.out)
        XCTAssertEqual(codes.count, 10, "\(reissued)")
        XCTAssertTrue(Set(codes).isDisjoint(with: old), "new codes")
        let json = try XCTUnwrap(reissued.out.split(separator: "\n").first { $0.hasPrefix("{") }, "\(reissued)")
        XCTAssertTrue(json.contains("\"shownOnceOnTerminal\":10"), String(json))
        for code in codes + old { XCTAssertFalse(json.contains(code), "a code in the JSON") }

        let dead = try demo.run(["directory", "simulate", "fay@demo.example", "signin", "--password", "demo-password", "--code", old[0]], expect: 3)
        XCTAssertFalse(dead.out.contains("signed in"), "\(dead)")
        let signedIn = try demo.run(["directory", "simulate", "fay@demo.example", "signin", "--password", "demo-password", "--code", codes[0]])
        XCTAssertTrue(signedIn.out.contains("signed in with a backup code"), "\(signedIn)")
        try demo.run(["directory", "simulate", "fay@demo.example", "enrol", "totp", "New phone"])
        try c.act(["observe-enrolment"])
        try c.act(["follow_up"])
        try c.assertEnded(step: "closed_recovered", outcome: "resolved")

        let types = try c.eventTypes()
        XCTAssertEqual(types.filter { $0 == "mfa.backup_codes_generated_by_admin.requested" }.count, 2, "\(types)")
        let requests = try demo.audit(["--event", "mfa.backup_codes_generated_by_admin.requested"])
        let keys = requests.compactMap { ($0["payload"] as? [String: Any])?["idempotencyKey"] as? String }
        XCTAssertEqual(Set(keys).count, 2, "a new idempotency key: \(requests)")
        // Never stored, never exported: not in the audit export nor anywhere in the database files.
        let csv = try demo.run(["audit", "--format", "csv"]).out
        let json2 = try demo.run(["audit", "--format", "json"]).out
        var stored = Data()
        for name in ["handrail.db", "handrail.db-wal"] {
            stored += (try? Data(contentsOf: demo.folder.appendingPathComponent(name))) ?? Data()
        }
        for code in codes + old {
            XCTAssertFalse(csv.contains(code) || json2.contains(code), "a code in the export")
            XCTAssertNil(stored.range(of: Data(code.utf8)), "a code in the database")
        }
        try demo.assertChainVerifies()
    }

    /// After Ctrl-C the operator finds no terminal-less shortcut: piped, the reissue is refused before
    /// anything is decided (exit 2), as the first issue is.
    func testAReissueWithoutATerminalIsRefusedBeforeDeciding() throws {
        let (c, _) = try fayCodesIssued(reference: "INC-7002")
        let before = try c.eventTypes()
        let piped = try ChildProcess.run(demo.binary, ["case", "do", c.id, "reissue", "--reason", reason("INC-7002"), "--json"],
                                         environment: demo.environment(login: "alice"), directory: demo.folder, scratch: demo.folder,
                                         faketime: demo.clock.tick(), timeout: LocalDemoShell.timeout)
        XCTAssertEqual(piped.status, 2, "\(piped)")
        XCTAssertTrue(piped.err.contains("goes to your terminal only"), "\(piped)")
        XCTAssertEqual(try c.eventTypes(), before, "nothing decided, nothing generated")
    }

    func testAReissueAfterTheVerificationExpiredIsRefusedNamingRestartVerification() throws {
        let (c, _) = try fayCodesIssued(reference: "INC-7003")
        demo.clock.advance(by: 20 * 60)
        let refused = try c.act(["reissue", "--reason", reason("INC-7003")], expect: 3)
        XCTAssertTrue((refused.out + refused.err).contains("restart-verification"), "\(refused)")
        XCTAssertTrue(LocalDemoShell.shownOnce(refused.out).isEmpty)
        XCTAssertEqual(try c.eventTypes().filter { $0 == "mfa.backup_codes_generated_by_admin.requested" }.count, 1, "nothing requested")
        let number = try XCTUnwrap(try demo.phoneNumbers("fay@demo.example").first)
        try c.act(["restart-verification", "--reason", "The codes were lost and the verification expired"])
        try c.act(["verify_identity", "method=callback", "callback_number=\(number)", "callback_confirmed=yes", "reference=INC-7003"])
        let reissued = try c.act(["reissue", "--reason", reason("INC-7003")])
        XCTAssertEqual(LocalDemoShell.shownOnce(reissued.out).count, 10, "\(reissued)")
    }

    func testAPlaceholderReasonIsRefused() throws {
        let (c, _) = try fayCodesIssued(reference: "INC-7004")
        let refused = try c.act(["reissue", "--reason", "n/a"], expect: 2)
        XCTAssertTrue(LocalDemoShell.shownOnce(refused.out).isEmpty, "\(refused)")
        let missing = try c.act(["reissue"], expect: 2)
        XCTAssertTrue((missing.out + missing.err).contains("--reason"), "\(missing)") // on a terminal, stderr is the screen too
    }

    func testAnAgentCannotReissueOnACaseSomeoneElseHolds() throws {
        try demo.run(["operator", "add", "aaron", "--role", "agent"])
        let (c, _) = try fayCodesIssued(reference: "INC-7005")
        let held = try c.act(["reissue", "--reason", reason("INC-7005")], as: "aaron", expect: 5)
        XCTAssertTrue(LocalDemoShell.shownOnce(held.out).isEmpty, "\(held)")
    }

    func testNoReissueAfterTheCaseClosed() throws {
        let (c, codes) = try fayCodesIssued(reference: "INC-7006")
        try demo.run(["directory", "simulate", "fay@demo.example", "signin", "--password", "demo-password", "--code", codes[0]])
        try demo.run(["directory", "simulate", "fay@demo.example", "enrol", "totp", "New phone"])
        try c.act(["observe-enrolment"])
        try c.act(["follow_up"])
        let closed = try c.act(["reissue", "--reason", reason("INC-7006")], expect: 2)
        XCTAssertTrue((closed.out + closed.err).contains("closed"), "\(closed)")
        XCTAssertTrue(LocalDemoShell.shownOnce(closed.out).isEmpty)
    }

    /// Dev is a tenant admin: the approval that let the first codes through was used by them; the
    /// reissue waits for a fresh one from a senior who did not work the case.
    func testOnAPrivilegedAccountTheReissueNeedsAFreshApproval() throws {
        try demo.run(["operator", "add", "bob", "--role", "senior"])
        let c = try demo.open("dev.admin@demo.example")
        try c.act(["verify_identity"] + Self.video + ["reference=INC-7007"])
        try c.act(["check_backup_codes"])
        try c.act(["choose_recovery", "situation=device_and_app"])
        try c.act(["request-approval", "--reason", "Tenant admin: codes need a second senior"])
        try c.release()
        try c.act(["approve", "--reason", "Watched the video verification"], as: "bob")
        try c.release(as: "bob")
        let first = try c.act(["generate_backup_codes", "delivery_channel=video", "--confirm", "dev.admin@demo.example"])
        XCTAssertEqual(LocalDemoShell.shownOnce(first.out).count, 10, "\(first)")
        let why = "Codes lost before the user read them; identity verified via video call \(demo.clock.today), see INC-7007"
        let unapproved = try c.act(["reissue", "--reason", why], expect: 3)
        XCTAssertTrue((unapproved.out + unapproved.err).contains("used by the first issue"), "\(unapproved)")
        XCTAssertTrue(LocalDemoShell.shownOnce(unapproved.out).isEmpty)
        try c.act(["request-approval", "--reason", "The codes were lost: a reissue needs a second senior"])
        try c.release()
        try c.act(["approve", "--reason", "Spoke to the agent about the lost codes"], as: "bob")
        try c.release(as: "bob")
        let reissued = try c.act(["reissue", "--reason", why])
        XCTAssertEqual(LocalDemoShell.shownOnce(reissued.out).count, 10, "\(reissued)")
        XCTAssertEqual(try demo.audit(["--event", "approval.granted"]).count, 2)
    }
}

import Engine
import Foundation
import HandrailTestSupport
import Hashing
import LocalTenant
import XCTest

/// Every path of the MFA recovery runbook, run through the real `handrail` binary with
/// `HANDRAIL_PLATFORM=local` in a fresh folder: the first command creates the demo tenant, every
/// fact comes from the LocalDirectory (no `case facts` is ever typed), every action happens in
/// it, and the user's side is acted out with `handrail directory simulate`. Phone numbers are
/// read from `handrail directory show`, never hard-coded. Each test checks the case's end, the
/// exact events in the audit log, and that the hash chain verifies.
///
/// Every command runs on a wall clock set with faketime (`FakeClock`: 2026-05-19 10:15:00 UTC,
/// standing still during a command, a second on between commands), so what the demo tenant and
/// the log record is the same on every run and never straddles midnight.
///
/// Ben's case is also kept, command by command with its output, as Transcripts/local-demo-ben.txt,
/// and compared with it: only case ids, the chain's head hash and the throughput of
/// `audit verify` may differ. HANDRAIL_REGENERATE_TRANSCRIPTS=1 rewrites the file and fails the run.
final class LocalDirectoryPathTests: XCTestCase {
    private var demo: LocalDemoShell!

    override func setUpWithError() throws {
        demo = try LocalDemoShell()
    }

    override func tearDown() {
        demo = nil
    }

    private static let video = ["method=video", "compared_against=hr_photo", "video_match=yes"]

    private func callback(to number: String) -> [String] {
        ["method=callback", "callback_number=\(number)", "callback_confirmed=yes"]
    }

    // MARK: - Self-service: no reset

    /// Ada saved backup codes and has 3 left (the directory counts them): she signs in with one; nothing is reset.
    func testAdaHasBackupCodesLeftAndRecoversHerself() throws {
        let c = try demo.open("ada@demo.example")
        XCTAssertTrue(try demo.run(["case", "show", c.id]).out.contains("backup codes remaining 3"))
        try c.act(["verify_identity"] + Self.video + ["reference=INC-1001"])
        try c.act(["check_backup_codes"])
        XCTAssertEqual(try c.show()["step"] as? String, "backup_code_self_service")
        try c.act(["backup_code_self_service", "walked_through=yes"])

        try c.assertEnded(step: "closed_self_service", outcome: "resolved_self_service")
        XCTAssertEqual(try c.eventTypes(), ["case.opened", "verification.recorded", "backup_codes.checked",
                                            "recovery.self_service_guided", "case.closed"])
        XCTAssertTrue(try demo.audit(["--event", "mfa.factor_admin_reset"]).isEmpty, "nothing was reset")
        let ada = try demo.run(["directory", "show", "ada@demo.example"]).out
        XCTAssertTrue(ada.contains("Backup codes: 3 remaining") && ada.contains("Factors: totp"), ada)
        try demo.assertChainVerifies()
    }

    /// Cara has a Google identity linked: she signs in with it and re-enrols herself. Ben has none,
    /// and the same verification is refused for him.
    func testCaraSignsInWithHerFederatedIdentity() throws {
        let federated = ["method=federated", "federated_signin_seen=yes", "reference=INC-2002"]
        let ben = try demo.open("ben@demo.example")
        let refused = try ben.act(["verify_identity"] + federated, expect: 3)
        XCTAssertTrue(refused.err.contains("Federated identity linked"), "\(refused)")

        let c = try demo.open("cara@demo.example")
        XCTAssertTrue(try demo.run(["case", "show", c.id]).out.contains("federated google"))
        try c.act(["verify_identity"] + federated)
        XCTAssertEqual(try c.show()["step"] as? String, "federated_self_service")
        try c.act(["federated_self_service", "walked_through=yes"])
        try c.assertEnded(step: "closed_self_service", outcome: "resolved_self_service")
        XCTAssertEqual(try c.eventTypes(), ["case.opened", "verification.recorded", "recovery.self_service_guided", "case.closed"])
        try demo.assertChainVerifies()
    }

    // MARK: - Force reset

    /// Ben: call-back to the number on file for years, no codes left, force reset, he signs in and
    /// enrols "Pixel 9", the enrolment is observed in the directory, follow-up, closed. Saved as the
    /// transcript.
    func testBenCallBackResetEnrolmentFollowUpClosed() throws {
        demo.startTranscript()
        let directory = try demo.run(["directory", "show", "ben@demo.example"])
        XCTAssertTrue(directory.err.contains("created the demo tenant"), "the first command creates the demo tenant: \(directory)")
        let number = try XCTUnwrap(LocalDemoShell.phoneNumbers(in: directory.out).first, directory.out)
        let c = try demo.open("ben@demo.example")
        let shown = try demo.run(["case", "show", c.id])
        XCTAssertTrue(shown.out.contains("Platform: LocalDirectory (DEMO tenant)"), shown.out)
        XCTAssertTrue(shown.out.contains("backup codes remaining 0") && shown.out.contains(number), shown.out)
        try c.act(["verify_identity"] + callback(to: number) + ["reference=INC-1001"])
        try c.act(["check_backup_codes"])
        try c.act(["choose_recovery", "situation=device"])
        let reset = try c.act(["force_reset", "--confirm", "ben@demo.example"])
        XCTAssertTrue(reset.out.contains("Recorded mfa.factor_admin_reset.requested") && reset.out.contains("Recorded mfa.factor_admin_reset ("),
                      "\(reset)")
        XCTAssertEqual(try c.show(record: false)["status"] as? String, "awaiting_enrolment")
        let early = try c.act(["observe-enrolment"], expect: 3)
        XCTAssertTrue(early.err.contains("No factor enrolled since the reset"), "\(early)")
        try demo.run(["directory", "simulate", "ben@demo.example", "signin", "--password", "demo-password"])
        try demo.run(["directory", "simulate", "ben@demo.example", "enrol", "totp", "Pixel 9"])
        let enrolled = try demo.run(["directory", "show", "ben@demo.example"])
        XCTAssertTrue(enrolled.out.contains("Factors: totp \"Pixel 9\""), enrolled.out)
        try c.act(["observe-enrolment"])
        try c.act(["follow_up"])
        let closed = try demo.run(["case", "show", c.id])
        try demo.run(["audit", "--case", c.id])
        try demo.run(["audit", "verify"])
        let transcript = demo.stopTranscript()

        XCTAssertTrue(closed.out.contains("Status: closed (resolved)"), closed.out)
        try c.assertEnded(step: "closed_recovered", outcome: "resolved")
        XCTAssertEqual(try c.eventTypes(), ["case.opened", "verification.recorded", "backup_codes.checked", "recovery.chosen",
                                            "mfa.factor_admin_reset.requested", "mfa.factor_admin_reset", "mfa.factor_enrolled",
                                            "user.notified.requested", "user.notified", "case.closed"])
        let resets = try demo.audit(["--event", "mfa.factor_admin_reset"])
        XCTAssertEqual(resets.count, 1)
        let reason = resets.first?["reason"] as? String ?? ""
        XCTAssertTrue(reason.contains("call-back") && reason.contains("INC-1001"), reason)
        let observed = try demo.audit(["--event", "mfa.factor_enrolled"]).first?["payload"] as? [String: Any]
        XCTAssertEqual((observed?["factor"] as? [String: Any])?["label"] as? String, "Pixel 9", "the factor the directory holds")
        try demo.assertSaysLocalDemo(c.id)
        try demo.assertChainVerifies()
        LocalDemoShell.assertTranscript(transcript, name: "local-demo-ben.txt")
    }

    /// Eli cannot read his email either: reset, then a temporary password shown once on stdout,
    /// which he must change at his first sign-in.
    func testEliLostEmailTooGetsATemporaryPasswordShownOnce() throws {
        let c = try demo.open("eli@demo.example")
        try c.act(["verify_identity"] + Self.video + ["reference=INC-3003"])
        try c.act(["check_backup_codes"])
        try c.act(["choose_recovery", "situation=email_too"])
        try c.act(["force_reset", "--confirm", "eli@demo.example"])
        XCTAssertEqual(try c.show()["step"] as? String, "set_temporary_password")
        let set = try c.act(["set_temporary_password", "--confirm", "eli@demo.example"])
        let shown = LocalDemoShell.shownOnce(set.out)
        XCTAssertEqual(shown.count, 1, "one temporary password: \(set)")
        let temporary = try XCTUnwrap(shown.first)
        XCTAssertEqual(set.out.components(separatedBy: temporary).count, 2, "shown exactly once")
        XCTAssertFalse(set.err.contains(temporary))
        for view in [["case", "show", c.id], ["case", "show", c.id, "--json"], ["audit", "--format", "csv"], ["audit", "--format", "json"],
                     ["directory", "show", "eli@demo.example"]] {
            let run = try demo.run(view)
            XCTAssertFalse((run.out + run.err).contains(temporary), "\(view) does not show the temporary password")
        }

        let unchanged = try demo.run(["directory", "simulate", "eli@demo.example", "signin", "--password", temporary], expect: 3)
        XCTAssertTrue(unchanged.err.contains("temporary password"), "\(unchanged)")
        let same = try demo.run(["directory", "simulate", "eli@demo.example", "signin", "--password", temporary, "--new-password", temporary], expect: 3)
        XCTAssertTrue(same.err.contains("the new password is the temporary one: choose a different password"), "\(same)")
        XCTAssertFalse((same.out + same.err).contains(temporary), "the refusal does not echo the password")
        try demo.run(["directory", "simulate", "eli@demo.example", "signin", "--password", temporary, "--new-password", "eli-new-passphrase"])
        // Changed: the temporary password no longer works, alone or with another change.
        let old = try demo.run(["directory", "simulate", "eli@demo.example", "signin", "--password", temporary], expect: 3)
        XCTAssertTrue(old.err.contains("wrong password"), "\(old)")
        try demo.run(["directory", "simulate", "eli@demo.example", "enrol", "webauthn", "YubiKey 5"])
        try c.act(["observe-enrolment"])
        try c.act(["follow_up"])
        try c.assertEnded(step: "closed_recovered", outcome: "resolved")
        try demo.run(["directory", "simulate", "eli@demo.example", "signin", "--password", temporary, "--new-password", "x-another-one"], expect: 3)
        XCTAssertFalse(try demo.run(["directory", "simulate", "eli@demo.example", "inbox"]).out.contains(temporary), "the notice holds no secret")

        XCTAssertEqual(try c.eventTypes(), ["case.opened", "verification.recorded", "backup_codes.checked", "recovery.chosen",
                                            "mfa.factor_admin_reset.requested", "mfa.factor_admin_reset",
                                            "user.password_set_by_admin.requested", "user.password_set_by_admin",
                                            "mfa.factor_enrolled", "user.notified.requested", "user.notified", "case.closed"])
        let set2 = try demo.audit(["--event", "user.password_set_by_admin"]).first?["payload"] as? [String: Any]
        XCTAssertEqual((set2?["details"] as? [String: Any])?["mustChangeAtFirstSignIn"] as? Bool, true)
        try demo.assertSaysLocalDemo(c.id)
        try demo.assertChainVerifies()
    }

    /// Fay lost her device and her authenticator app: codes generated by the admin, shown once and
    /// read to her over the call-back; she signs in with one; the same code a second time is refused.
    /// One-time secrets reach the operator's terminal only. Without a controlling terminal (a
    /// script capturing stdout, a pipeline) the step is refused before anything is decided, so no
    /// codes are generated that nobody could see, and none ever lands in stdout or --json.
    func testSecretsAreNeverWrittenToStdoutAndAStepWithoutATerminalIsRefusedBeforeActing() throws {
        let number = try XCTUnwrap(try demo.phoneNumbers("fay@demo.example").first)
        let c = try demo.open("fay@demo.example")
        try c.act(["verify_identity"] + callback(to: number) + ["reference=INC-4005"])
        try c.act(["check_backup_codes"])
        try c.act(["choose_recovery", "situation=device_and_app"])
        let before = try c.eventTypes()
        let piped = try ChildProcess.run(demo.binary, ["case", "do", c.id, "generate_backup_codes", "delivery_channel=callback",
                                                       "--confirm", "fay@demo.example", "--json"],
                                         environment: demo.environment(login: "alice"), directory: demo.folder, scratch: demo.folder,
                                         faketime: demo.clock.tick(), timeout: LocalDemoShell.timeout)
        XCTAssertEqual(piped.status, 2, "\(piped)")
        XCTAssertTrue(piped.err.contains("goes to your terminal only"), "\(piped)")
        XCTAssertEqual(try c.eventTypes(), before, "nothing decided, nothing generated")
        // On a terminal: generated, shown there, and the JSON only says how many were shown.
        let shown = try c.act(["generate_backup_codes", "delivery_channel=callback", "--confirm", "fay@demo.example", "--json"])
        let codes = LocalDemoShell.shownOnce(shown.out)
        XCTAssertEqual(codes.count, 10, "\(shown)")
        let json = try XCTUnwrap(shown.out.split(separator: "\n").first { $0.hasPrefix("{") }, "\(shown)")
        XCTAssertTrue(json.contains("\"shownOnceOnTerminal\":10"), String(json))
        for code in codes { XCTAssertFalse(json.contains(code), "a code in the JSON") }
    }

    func testFayLostDeviceAndAppGetsCodesThatWorkOnce() throws {
        let number = try XCTUnwrap(try demo.phoneNumbers("fay@demo.example").first)
        let c = try demo.open("fay@demo.example")
        try c.act(["verify_identity"] + callback(to: number) + ["reference=INC-4004"])
        try c.act(["check_backup_codes"])
        try c.act(["choose_recovery", "situation=device_and_app"])
        let video = try c.act(["generate_backup_codes", "delivery_channel=video", "--confirm", "fay@demo.example"], expect: 3)
        XCTAssertTrue((video.out + video.err).contains("Delivered over the verification channel"), "\(video)") // on a terminal, stderr is the screen too
        let generated = try c.act(["generate_backup_codes", "delivery_channel=callback", "--confirm", "fay@demo.example"])
        let codes = LocalDemoShell.shownOnce(generated.out)
        XCTAssertEqual(codes.count, 10, "\(generated)")
        XCTAssertTrue(try demo.run(["directory", "show", "fay@demo.example"]).out.contains("Backup codes: 10 remaining"))

        let noCode = try demo.run(["directory", "simulate", "fay@demo.example", "signin", "--password", "demo-password"], expect: 3)
        XCTAssertTrue(noCode.err.contains("sign in with a backup code"), "\(noCode)")
        let signedIn = try demo.run(["directory", "simulate", "fay@demo.example", "signin", "--password", "demo-password", "--code", codes[0]])
        XCTAssertTrue(signedIn.out.contains("signed in with a backup code"), "\(signedIn)")
        try demo.run(["directory", "simulate", "fay@demo.example", "enrol", "totp", "New phone"])
        try c.act(["observe-enrolment"])
        try c.act(["follow_up"])
        try c.assertEnded(step: "closed_recovered", outcome: "resolved")
        let again = try demo.run(["directory", "simulate", "fay@demo.example", "signin", "--password", "demo-password", "--code", codes[0]],
                                 expect: 3)
        XCTAssertTrue(again.err.contains("already used"), "\(again)")

        XCTAssertEqual(try c.eventTypes(), ["case.opened", "verification.recorded", "backup_codes.checked", "recovery.chosen",
                                            "gate.refused", "mfa.backup_codes_generated_by_admin.requested", "mfa.backup_codes_generated_by_admin",
                                            "mfa.factor_enrolled", "user.notified.requested", "user.notified", "case.closed"])
        let csv = try demo.run(["audit", "--format", "csv"]).out
        for code in codes { XCTAssertFalse(csv.contains(code)) }
        try demo.assertSaysLocalDemo(c.id)
        try demo.assertChainVerifies()
    }

    /// Dev is a tenant admin: the reset is refused until a second senior admin approves it.
    func testDevAdminResetNeedsASecondSeniorsApproval() throws {
        try demo.run(["operator", "add", "bob", "--role", "senior"])
        let c = try demo.open("dev.admin@demo.example")
        XCTAssertTrue(try demo.run(["case", "show", c.id]).out.contains("privileged (tenant admin)"))
        try c.act(["verify_identity"] + Self.video + ["reference=INC-5005"])
        try c.act(["check_backup_codes"])
        try c.act(["choose_recovery", "situation=device"])
        let unapproved = try c.act(["force_reset", "--confirm", "dev.admin@demo.example"], expect: 3)
        XCTAssertTrue(unapproved.err.contains("Second approval for a privileged account"), "\(unapproved)")
        try c.act(["request-approval", "--reason", "Tenant admin: reset needs a second senior"])
        let selfApproved = try c.act(["approve", "--reason", "Approving my own request"], expect: 4)
        XCTAssertTrue(selfApproved.err.contains("another senior admin"), "\(selfApproved)")
        try c.release()
        try c.act(["approve", "--reason", "Watched the video verification"], as: "bob")
        try c.release(as: "bob")
        try c.act(["force_reset", "--confirm", "dev.admin@demo.example"])
        try demo.run(["directory", "simulate", "dev.admin@demo.example", "signin", "--password", "demo-password"])
        try demo.run(["directory", "simulate", "dev.admin@demo.example", "enrol", "webauthn", "New security key"])
        try c.act(["observe-enrolment"])
        try c.act(["follow_up"])

        try c.assertEnded(step: "closed_recovered", outcome: "resolved")
        XCTAssertEqual(try c.eventTypes(), ["case.opened", "verification.recorded", "backup_codes.checked", "recovery.chosen",
                                            "gate.refused", "approval.requested", "approval.granted", "mfa.factor_admin_reset.requested",
                                            "mfa.factor_admin_reset", "mfa.factor_enrolled", "user.notified.requested", "user.notified", "case.closed"])
        let approval = try demo.audit(["--event", "approval.granted"])
        XCTAssertEqual(approval.first?["actor"] as? String, "bob")
        XCTAssertEqual(try demo.audit(["--event", "mfa.factor_admin_reset"]).first?["actor"] as? String, "alice")
        try demo.assertSaysLocalDemo(c.id)
        try demo.assertChainVerifies()
    }

    // MARK: - Refusals

    /// Gus's only number was added today: the call-back is refused, naming the gate (exit 3).
    func testGusCallBackToANumberAddedTodayIsRefused() throws {
        let directory = try demo.run(["directory", "show", "gus@demo.example"])
        let numbers = LocalDemoShell.phoneNumbers(in: directory.out)
        XCTAssertEqual(numbers.count, 1, directory.out)
        let c = try demo.open("gus@demo.example")
        let refused = try c.act(["verify_identity"] + callback(to: numbers[0]) + ["reference=INC-6006"], expect: 3)
        XCTAssertTrue(refused.err.contains("Call-back number on file before today"), "the message names the gate: \(refused)")
        XCTAssertTrue(refused.err.contains("was added to the account today"), "\(refused)")
        XCTAssertEqual(try c.eventTypes(), ["case.opened", "gate.refused"], "a refused call-back is on the record")
        let show = try c.show()
        XCTAssertEqual(show["status"] as? String, "open")
        XCTAssertEqual(show["step"] as? String, "verify_identity")
        try demo.assertSaysLocalDemo(c.id)
        try demo.assertChainVerifies()
    }

    /// Hana has failed sign-ins from addresses never seen for her: the directory reports it, the
    /// verification is refused, the operator refuses and the case goes to a senior, who upholds it.
    func testHanaUnusualActivityIsRefusedEscalatedAndUpheld() throws {
        try demo.run(["operator", "add", "bob", "--role", "senior"])
        let c = try demo.open("hana@demo.example")
        XCTAssertTrue(try demo.run(["case", "show", c.id]).out.contains("UNUSUAL ACTIVITY"))
        let refused = try c.act(["verify_identity"] + Self.video + ["reference=INC-7007"], expect: 3)
        XCTAssertTrue(refused.err.contains("No unusual sign-in activity"), "\(refused)")
        try c.act(["refuse", "unusual_activity", "--reason", "Four failed sign-ins from unknown addresses today"])
        XCTAssertEqual(try c.show()["status"] as? String, "escalated")
        let queue = try demo.json(["case", "list", "--status", "escalated", "--json"]) as? [[String: Any]]
        XCTAssertEqual(queue?.map { $0["id"] as? String }, [c.id])
        try c.act(["uphold", "--reason", "Upholding my own refusal"], expect: 4)
        try c.release()
        try c.act(["uphold", "--reason", "Refusal stands; security team informed"], as: "bob")

        try c.assertEnded(step: "verify_identity", outcome: "refused")
        XCTAssertEqual(try c.eventTypes(), ["case.opened", "gate.refused", "note.added", "case.escalated", "refusal.upheld", "case.closed"])
        try demo.assertSaysLocalDemo(c.id)
        try demo.assertChainVerifies()
    }

    /// Ivan's account is suspended: the verification is refused and the case escalated. Then the
    /// incident path, on a closed case of Ben's whose reset went to an attacker: suspend, notify,
    /// record, and a linked case that gives the real Ben a fresh reset and a temporary password.
    func testIvanSuspendedIsRefusedThenAnIncidentOnBensClosedCaseAndItsLinkedCase() throws {
        try demo.run(["operator", "add", "bob", "--role", "senior"])
        let ivan = try demo.open("ivan@demo.example")
        XCTAssertTrue(try demo.run(["case", "show", ivan.id]).out.contains("SUSPENDED"))
        let refused = try ivan.act(["verify_identity"] + Self.video + ["reference=INC-8008"], expect: 3)
        XCTAssertTrue(refused.err.contains("Account not suspended"), "\(refused)")
        try ivan.act(["refuse", "cannot_verify", "--reason", "Account is suspended: an incident, not a recovery"])
        try ivan.release()
        try ivan.act(["uphold", "--reason", "Suspended account; handled by security"], as: "bob")
        try ivan.assertEnded(step: "verify_identity", outcome: "refused")
        XCTAssertEqual(try ivan.eventTypes(), ["case.opened", "gate.refused", "note.added", "case.escalated", "refusal.upheld", "case.closed"])

        // Ben's reset, closed...
        let c = try bensResetCase()
        try demo.run(["directory", "simulate", "ben@demo.example", "signin", "--password", "demo-password"])
        try demo.run(["directory", "simulate", "ben@demo.example", "enrol", "totp", "Attacker phone"])
        try c.act(["observe-enrolment"])
        try c.act(["follow_up"])
        try c.assertEnded(step: "closed_recovered", outcome: "resolved")

        // ...went to an attacker.
        try c.act(["incident", "--reason", "The real Ben called: he never asked for a reset"])
        try c.act(["incident_suspend", "--confirm", "ben@demo.example", "--reason", "Reset went to an attacker; cut them off"])
        XCTAssertTrue(try demo.run(["directory", "show", "ben@demo.example"]).out.contains("Suspended: yes"))
        let attacker = try demo.run(["directory", "simulate", "ben@demo.example", "signin", "--password", "demo-password"], expect: 3)
        XCTAssertTrue(attacker.err.contains("suspended"), "\(attacker)")
        try c.act(["incident_notify", "channel=hr_phone", "notified=yes"])
        try c.act(["incident_record", "what_happened=The reset went to someone posing as Ben",
                   "how_discovered=The real Ben called the desk", "security_ticket=SEC-42"])
        let relinked = try c.act(["incident_relink", "handover=yes"])
        let linkedID = try XCTUnwrap(relinked.out.range(of: #"Opened linked case (HR-[0-9A-Z]{8})"#, options: .regularExpression)
            .map { String(relinked.out[$0].suffix(11)) }, "\(relinked)")
        try c.assertEnded(step: "closed_incident", outcome: "incident")
        XCTAssertEqual(try c.eventTypes(), ["case.opened", "verification.recorded", "backup_codes.checked", "recovery.chosen",
                                            "mfa.factor_admin_reset.requested", "mfa.factor_admin_reset", "mfa.factor_enrolled",
                                            "user.notified.requested", "user.notified", "case.closed", "incident.declared", "user.suspended.requested",
                                            "user.suspended", "incident.user_notified", "incident.recorded", "case.linked", "case.closed"])

        // The linked case: the real Ben, verified again, a fresh reset and a temporary password that lifts the suspension.
        let linked = demo.existing(linkedID)
        XCTAssertEqual(try linked.show()["linkedFrom"] as? String, c.id)
        let number = try XCTUnwrap(try demo.phoneNumbers("ben@demo.example").first)
        try linked.act(["verify_identity"] + callback(to: number) + ["reference=SEC-42"])
        try linked.act(["check_backup_codes"])
        try linked.act(["choose_recovery", "situation=device"])
        // alice worked the incident: its linked case's actions need a senior who did not.
        let unapproved = try linked.act(["force_reset", "--confirm", "ben@demo.example"], expect: 3)
        XCTAssertTrue(unapproved.err.contains("Approval by a senior outside the incident"), "\(unapproved)")
        try linked.act(["request-approval", "--reason", "Linked case of Ben's incident: the real Ben verified by call-back"])
        try linked.act(["approve", "--reason", "Checked the call-back number against the directory"], as: "bob")
        try linked.release(as: "bob")
        try linked.act(["force_reset", "--confirm", "ben@demo.example"])
        XCTAssertEqual(try linked.show()["step"] as? String, "set_temporary_password", "after an incident, a temporary password")
        let set = try linked.act(["set_temporary_password", "--confirm", "ben@demo.example"])
        let temporary = try XCTUnwrap(LocalDemoShell.shownOnce(set.out).first, "\(set)")
        XCTAssertTrue(try demo.run(["directory", "show", "ben@demo.example"]).out.contains("Suspended: no"), "reinstated")
        try demo.run(["directory", "simulate", "ben@demo.example", "signin", "--password", "demo-password"], expect: 3)
        try demo.run(["directory", "simulate", "ben@demo.example", "signin", "--password", temporary, "--new-password", "ben-real-passphrase"])
        try demo.run(["directory", "simulate", "ben@demo.example", "enrol", "totp", "Pixel 9"])
        try linked.act(["observe-enrolment"])
        try linked.act(["follow_up"])
        try linked.assertEnded(step: "closed_recovered", outcome: "resolved")
        XCTAssertEqual(try linked.eventTypes(), ["case.opened", "verification.recorded", "backup_codes.checked", "recovery.chosen",
                                                 "gate.refused", "approval.requested", "approval.granted",
                                                 "mfa.factor_admin_reset.requested", "mfa.factor_admin_reset",
                                                 "user.password_set_by_admin.requested", "user.password_set_by_admin",
                                                 "mfa.factor_enrolled", "user.notified.requested", "user.notified", "case.closed"])
        let reinstated = try demo.audit(["--event", "user.password_set_by_admin"]).first?["payload"] as? [String: Any]
        XCTAssertEqual((reinstated?["details"] as? [String: Any])?["reinstated"] as? Bool, true)
        try demo.assertSaysLocalDemo(linked.id)
        try demo.assertChainVerifies()
    }

    // MARK: - Probing: the enrolling sign-in, the notice, the temporary password, hostile platform text

    /// Ben's reset, up to the wait for enrolment.
    private func bensResetCase() throws -> LocalDemoCase {
        let number = try XCTUnwrap(try demo.phoneNumbers("ben@demo.example").first)
        let c = try demo.open("ben@demo.example")
        try c.act(["verify_identity"] + callback(to: number) + ["reference=INC-1001"])
        try c.act(["check_backup_codes"])
        try c.act(["choose_recovery", "situation=device"])
        try c.act(["force_reset", "--confirm", "ben@demo.example"])
        return c
    }

    /// Whoever got Ben's reset signs in and enrols from an address Ben never used: the enrolment is
    /// recorded with that address, the signal raised and the case held; the agent cannot send the
    /// all-clear notice, nor clear it; a senior who reviews it can.
    func testAFactorEnrolledFromAnAddressNeverSeenIsHeldForASeniorBeforeTheNotice() throws {
        try demo.run(["operator", "add", "bob", "--role", "senior"])
        let c = try bensResetCase()
        try demo.run(["directory", "simulate", "ben@demo.example", "signin", "--password", "demo-password", "--address", "203.0.113.66"])
        let enrolled = try demo.run(["directory", "simulate", "ben@demo.example", "enrol", "totp", "Attacker phone"])
        XCTAssertTrue(enrolled.out.contains("from 203.0.113.66"), "\(enrolled)")
        let observed = try c.act(["observe-enrolment"])
        XCTAssertTrue(observed.out.contains("Recorded signal.raised") && observed.out.contains("Recorded case.escalated"), "\(observed)")
        XCTAssertEqual(try c.show()["status"] as? String, "escalated")
        let notice = try c.act(["follow_up"], expect: 2)
        XCTAssertTrue(notice.err.contains("escalated"), "\(notice)")
        try c.act(["reopen", "--reason", "I observed it myself and it looks fine"], expect: 4)
        XCTAssertEqual(try demo.run(["directory", "simulate", "ben@demo.example", "inbox"]).out,
                       "No notices sent about ben@demo.example's account.\n", "nothing sent while held")
        let signal = try demo.audit(["--event", "signal.raised"]).first
        XCTAssertTrue((signal?["reason"] as? String)?.contains("was enrolled from 203.0.113.66, an address never seen for this user") ?? false,
                      "\(signal ?? [:])")
        let factor = (try demo.audit(["--event", "mfa.factor_enrolled"]).first?["payload"] as? [String: Any])?["factor"] as? [String: Any]
        XCTAssertEqual(factor?["from"] as? String, "203.0.113.66")
        try c.release()
        try c.act(["reopen", "--reason", "Called Ben back on file: he is travelling, confirmed the new phone"], as: "bob")
        try c.release(as: "bob")
        try c.act(["follow_up"])
        try c.assertEnded(step: "closed_recovered", outcome: "resolved")
        try demo.assertChainVerifies()
    }

    /// The honest path: Ben enrols from the office address he signs in from every week; the notice
    /// goes through the directory to both his addresses, and the case closes once it was sent.
    func testAFactorEnrolledFromAKnownAddressGoesStraightToTheNoticeWhichReachesEveryAddress() throws {
        let c = try bensResetCase()
        try demo.run(["directory", "simulate", "ben@demo.example", "signin", "--password", "demo-password"])
        try demo.run(["directory", "simulate", "ben@demo.example", "enrol", "totp", "Pixel 9", "--from", "198.51.100.20"])
        let observed = try c.act(["observe-enrolment"])
        XCTAssertFalse(observed.out.contains("escalated"), "\(observed)")
        XCTAssertEqual(try c.show()["step"] as? String, "follow_up")
        let sent = try c.act(["follow_up"])
        XCTAssertTrue(sent.out.contains("Recorded user.notified.requested") && sent.out.contains("Recorded user.notified (")
                      && sent.out.contains("is closed (resolved)"), "\(sent)")
        let inbox = try demo.run(["directory", "simulate", "ben@demo.example", "inbox"]).out
        XCTAssertTrue(inbox.contains("To: ben@demo.example") && inbox.contains("To: ben@home.example"), inbox)
        for part in ["Subject: Your account: MFA recovery: lost device (case \(c.id))", "Hello Ben Okafor",
                     "we removed your MFA factors", "If you did not ask for it", "audit log (case \(c.id))"] {
            XCTAssertTrue(inbox.contains(part), "missing \(part) in:\n\(inbox)")
        }
        let shown = try demo.run(["directory", "show", "ben@demo.example"]).out
        XCTAssertTrue(shown.contains("Notices go to: ben@demo.example, ben@home.example") && shown.contains("Outbox (notices sent"), shown)
        let notified = try demo.audit(["--event", "user.notified"]).first?["payload"] as? [String: Any]
        XCTAssertEqual((notified?["details"] as? [String: Any])?["recipients"] as? [String], ["ben@demo.example", "ben@home.example"])
        try demo.assertChainVerifies()
    }

    /// A user whose display name carries U+202E and a bell, and a factor label with an escape
    /// sequence: the directory's text is cleaned on the way in, the pre-filled notice passes its
    /// own field's validation, and nothing raw reaches the log, the exports or the notice.
    func testHostileTextFromTheDirectoryIsCleanedOnTheWayInAndThePrefilledNoticePasses() throws {
        try demo.run(["directory", "list"])
        let store = try DirectoryStore(path: demo.folder.appendingPathComponent("directory.db").path, now: { Date(timeIntervalSince1970: 1_779_185_700) })
        let hostile = "Eve\u{202E}gnp.exe\u{0007}"
        try store.putUser(DirectoryUser(email: "eve@demo.example", displayName: hostile,
                                        passwordHash: PasswordHash.make("demo-password", salt: Array("a-fixed-test-salt".utf8))),
                          factors: [], codeHashes: [], phones: [PhoneNumberOnFile(number: "+15550177", addedAt: Date(timeIntervalSince1970: 1_600_000_000))],
                          federated: [], signIns: [SignInAttempt(at: Date(timeIntervalSince1970: 1_779_000_000), address: "198.51.100.20", succeeded: true)])
        let c = try demo.open("eve@demo.example")
        try c.act(["verify_identity"] + callback(to: "+15550177") + ["reference=INC-1818"])
        try c.act(["check_backup_codes"])
        try c.act(["choose_recovery", "situation=device"])
        try c.act(["force_reset", "--confirm", "eve@demo.example"])
        try demo.run(["directory", "simulate", "eve@demo.example", "signin", "--password", "demo-password"])
        try demo.run(["directory", "simulate", "eve@demo.example", "enrol", "totp", "Pixel\u{200B}9"], expect: 0)
        try c.act(["observe-enrolment"])
        try c.act(["follow_up"])
        try c.assertEnded(step: "closed_recovered", outcome: "resolved")
        for view in [["audit", "--format", "json"], ["audit", "--format", "csv"], ["case", "list", "--json"], ["case", "show", c.id, "--json"],
                     ["directory", "simulate", "eve@demo.example", "inbox"]] {
            let out = try demo.run(view).out
            XCTAssertFalse(out.unicodeScalars.contains { $0 == "\u{202E}" || $0 == "\u{0007}" || $0 == "\u{200B}" }, "\(view): \(out)")
        }
        XCTAssertTrue(try demo.run(["directory", "simulate", "eve@demo.example", "inbox"]).out.contains("Hello Eve\u{FFFD}gnp.exe\u{FFFD}"))
    }
}

// MARK: - The shell these tests type into

/// The built `handrail` run as a subprocess on a fresh folder with `HANDRAIL_PLATFORM=local`
/// (its directory file defaults to directory.db beside the database, created on first use).
/// Optionally records a transcript of the commands and their output.
final class LocalDemoShell {
    struct Run: CustomStringConvertible {
        var arguments: [String]
        var login: String
        var status: Int32
        var out: String
        var err: String

        var description: String {
            "HANDRAIL_LOGIN=\(login) handrail \(arguments.map(\.debugDescription).joined(separator: " ")) → exit \(status)"
                + "\n--- stdout\n\(out.prefix(4000))\n--- stderr\n\(err.prefix(4000))"
        }
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    static let timeout: TimeInterval = 60

    let binary: URL
    let folder: URL
    /// The wall clock every command sees.
    let clock = FakeClock()
    private var transcript: [String]?

    init() throws {
        binary = try HandrailExecutable.locate()
        _ = try Requirement.faketime()
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("handrail-local-demo-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(at: folder)
    }

    func environment(login: String) -> [String: String] {
        ["PATH": "/usr/bin:/bin", "HOME": folder.path, "XDG_DATA_HOME": folder.path, "XDG_CONFIG_HOME": folder.appendingPathComponent("config").path,
         "LANG": "C.UTF-8", "TZ": "UTC", "HANDRAIL_DB": folder.appendingPathComponent("handrail.db").path,
         "HANDRAIL_RUNBOOKS": PackagePaths.runbooks.path, "HANDRAIL_LOGIN": login, "HANDRAIL_PLATFORM": "local"]
    }

    /// `handrail ARGUMENTS` as `login`; asserts the exit status unless `expect` is nil.
    @discardableResult
    func run(_ arguments: [String], as login: String = "alice", expect: Int32? = 0,
             file: StaticString = #filePath, line: UInt = #line) throws -> Run {
        XCTAssertFalse(arguments.starts(with: ["case", "facts"]), "facts come from the LocalDirectory, never typed", file: file, line: line)
        // The steps that show one-time secrets run on a terminal, as an operator does: the secrets go
        // to the controlling terminal only. script(1) gives the command one (a pty) and copies what
        // it shows, stdout and terminal together, to its own stdout.
        let onTerminal = arguments.contains("set_temporary_password") || arguments.contains("generate_backup_codes")
            || arguments.contains("reissue")
        var env = environment(login: login)
        try DatabaseInit.ensure(binary: binary, environment: env, before: arguments, senior: login, directory: folder, faketime: .frozen(clock.now))
        let result: ProcessResult
        if onTerminal {
            env["SHELL"] = "/bin/sh"
            let script = try Requirement.tool("script", install: "install bsdutils (Debian: apt-get install bsdutils)")
            let line = ([binary.path] + arguments).map(shellQuoted).joined(separator: " ")
            result = try ChildProcess.run(URL(fileURLWithPath: script), ["-qec", line, "/dev/null"], environment: env, directory: folder,
                                          scratch: folder, faketime: clock.tick(), timeout: Self.timeout)
        } else {
            result = try ChildProcess.run(binary, arguments, environment: env, directory: folder, scratch: folder,
                                          faketime: clock.tick(), timeout: Self.timeout)
        }
        let out = onTerminal ? result.out.replacingOccurrences(of: "\r\n", with: "\n") : result.out
        let run = Run(arguments: arguments, login: login, status: result.status, out: out, err: result.err)
        if let expect { XCTAssertEqual(run.status, expect, "\(run)", file: file, line: line) }
        record(run)
        return run
    }

    // MARK: Cases

    func open(_ subject: String, file: StaticString = #filePath, line: UInt = #line) throws -> LocalDemoCase {
        let run = try run(["case", "open", "--subject", subject], file: file, line: line)
        let id = run.out.trimmingCharacters(in: .whitespacesAndNewlines)
        guard id.range(of: #"^HR-[0-9A-Z]{8}$"#, options: .regularExpression) != nil else {
            throw Failure(description: "case open printed no case id:\n\(run)")
        }
        return LocalDemoCase(shell: self, id: id)
    }

    func existing(_ id: String) -> LocalDemoCase {
        LocalDemoCase(shell: self, id: id)
    }

    func json(_ arguments: [String], as login: String = "alice", record: Bool = true) throws -> Any {
        let saved = transcript
        if !record { transcript = nil }
        defer { if !record { transcript = saved } }
        let run = try run(arguments, as: login)
        guard run.status == 0 else { throw Failure(description: "expected exit 0:\n\(run)") }
        return try JSONSerialization.jsonObject(with: Data(run.out.utf8))
    }

    func audit(_ filters: [String]) throws -> [[String: Any]] {
        guard let rows = try json(["audit"] + filters + ["--format", "json"], record: false) as? [[String: Any]] else {
            throw Failure(description: "audit --format json is not an array of objects")
        }
        return rows
    }

    func assertChainVerifies(file: StaticString = #filePath, line: UInt = #line) throws {
        try run(["audit", "verify"], file: file, line: line)
    }

    /// `case show` and `case show --json` both say the platform is local and the tenant a demo one.
    func assertSaysLocalDemo(_ caseID: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let text = try run(["case", "show", caseID], file: file, line: line).out
        XCTAssertTrue(text.contains("Platform: LocalDirectory (DEMO tenant) at \(folder.appendingPathComponent("directory.db").path)"),
                      text, file: file, line: line)
        let object = try json(["case", "show", caseID, "--json"], record: false) as? [String: Any]
        XCTAssertEqual(object?["platform"] as? String, "local", file: file, line: line)
        XCTAssertEqual(object?["demoTenant"] as? Bool, true, file: file, line: line)
        XCTAssertTrue((object?["platformSummary"] as? String)?.contains("DEMO tenant") ?? false, "\(object ?? [:])", file: file, line: line)
    }

    /// The numbers on file for `email`, as `directory show` lists them.
    func phoneNumbers(_ email: String) throws -> [String] {
        Self.phoneNumbers(in: try run(["directory", "show", email]).out)
    }

    static func phoneNumbers(in directoryShow: String) -> [String] {
        guard let line = directoryShow.split(separator: "\n").first(where: { $0.hasPrefix("Phone numbers: ") }) else { return [] }
        return line.dropFirst("Phone numbers: ".count).components(separatedBy: "; ").compactMap { $0.components(separatedBy: " added ").first }
            .filter { $0 != "none" }
    }

    /// The secrets of a one-time display on a command's terminal.
    static func shownOnce(_ out: String) -> [String] {
        let lines = out.components(separatedBy: "\n")
        guard let header = lines.firstIndex(where: { $0.hasPrefix("Shown once, never stored") }) else { return [] }
        return lines[(header + 1)...].prefix { $0.hasPrefix("  ") }.map { $0.trimmingCharacters(in: .whitespaces) }
    }

    // MARK: Transcript

    func startTranscript() {
        transcript = []
    }

    func stopTranscript() -> String {
        defer { transcript = nil }
        let header = """
        # Handrail on the LocalDirectory demo tenant: one MFA recovery case, from open to closed.
        # Ben Okafor lost his phone. Run in a fresh, empty folder ($DEMO) with HANDRAIL_PLATFORM=local,
        # HANDRAIL_DB=$DEMO/handrail.db (made first with handrail init --senior alice), TZ=UTC, as the
        # operator alice (HANDRAIL_LOGIN=alice), on a clock set with faketime: 2026-05-19 10:15:00 UTC
        # for the first command, a second later for each next one. The first command creates the demo
        # tenant ($DEMO/directory.db). Each command is followed by what it printed (stdout, then stderr),
        # and its exit status when it is not 0.
        # Compared with each run of LocalDirectoryPathTests.testBenCallBackResetEnrolmentFollowUpClosed
        # (case ids and the chain's head hash aside); after an intended change, regenerate with
        # HANDRAIL_REGENERATE_TRANSCRIPTS=1 swift test --filter LocalDirectoryPathTests, read the diff, commit it.


        """
        return header + (transcript ?? []).joined(separator: "\n") + "\n"
    }

    private func record(_ run: Run) {
        guard transcript != nil else { return }
        let words = run.arguments.map { word -> String in
            word.allSatisfy({ $0.isLetter || $0.isNumber || "@._+=:/-".contains($0) }) && !word.isEmpty ? word : "\"\(word)\""
        }
        var entry = "$ " + (run.login == "alice" ? "" : "HANDRAIL_LOGIN=\(run.login) ") + "handrail " + words.joined(separator: " ") + "\n"
        entry += run.out + (run.out.isEmpty || run.out.hasSuffix("\n") ? "" : "\n")
        entry += run.err + (run.err.isEmpty || run.err.hasSuffix("\n") ? "" : "\n")
        if run.status != 0 { entry += "[exit \(run.status)]\n" }
        transcript?.append(entry.replacingOccurrences(of: folder.path, with: "$DEMO"))
    }

    /// Compares a transcript with Transcripts/NAME, as committed (see `ReferenceText`), once what
    /// differs from run to run is replaced on both sides: case ids (`HR-<id>`), the chain's head
    /// hash, the throughput `audit verify` reports. Times need no replacing: the clock is fixed.
    static func assertTranscript(_ text: String, name: String, file: StaticString = #filePath, line: UInt = #line) {
        ReferenceText.assertMatches(text, PackagePaths.tests("HandrailCLITests/Transcripts/\(name)"),
                                    regenerate: "HANDRAIL_REGENERATE_TRANSCRIPTS", normalise: normalisedTranscript, file: file, line: line)
    }

    static func normalisedTranscript(_ text: String) -> String {
        var text = text
        for (pattern, replacement) in [(#"HR-[0-9A-Z]{8}"#, "HR-<id>"), (#"head #([0-9]+) [0-9a-f]{64}"#, "head #$1 <hash>"),
                                       (#"\([0-9.]+ s, [0-9.]+ [kMG]?B/s of event data\)"#, "(<seconds> s, <rate> of event data)")] {
            text = text.replacingOccurrences(of: pattern, with: replacement, options: .regularExpression)
        }
        return text
    }
}

/// One case on the demo tenant, driven as an operator types it.
struct LocalDemoCase {
    let shell: LocalDemoShell
    let id: String

    /// `case do ID WORDS…`, which must exit `expect`.
    @discardableResult
    func act(_ words: [String], as login: String = "alice", expect: Int32 = 0,
             file: StaticString = #filePath, line: UInt = #line) throws -> LocalDemoShell.Run {
        try shell.run(["case", "do", id] + words, as: login, expect: expect, file: file, line: line)
    }

    func release(as login: String = "alice", file: StaticString = #filePath, line: UInt = #line) throws {
        try shell.run(["case", "release", id], as: login, file: file, line: line)
    }

    /// `case show ID --json` (kept out of the transcript unless `record`).
    func show(record: Bool = false) throws -> [String: Any] {
        guard let object = try shell.json(["case", "show", id, "--json"], record: record) as? [String: Any] else {
            throw LocalDemoShell.Failure(description: "case show \(id) --json is not an object")
        }
        return object
    }

    /// The case's event types in log order, from `audit --case ID --format json`; never a typed fact.
    func eventTypes(file: StaticString = #filePath, line: UInt = #line) throws -> [String] {
        let types = try shell.audit(["--case", id]).map { $0["event"] as? String ?? "?" }
        XCTAssertFalse(types.contains("facts.recorded"), "no fact was typed", file: file, line: line)
        return types
    }

    func assertEnded(step: String, outcome: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let object = try show()
        XCTAssertEqual(object["status"] as? String, "closed", file: file, line: line)
        XCTAssertEqual(object["step"] as? String, step, file: file, line: line)
        XCTAssertEqual(object["outcome"] as? String, outcome, file: file, line: line)
    }
}

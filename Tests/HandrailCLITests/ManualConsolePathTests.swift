import Foundation
import XCTest

/// Whole MFA recovery cases, from `case open` to closed, through the real `handrail` binary on the
/// ManualConsole platform: facts typed from the admin console, actions attested. Every path of the
/// runbook is walked; each test checks the case's final state, the exact sequence of events the
/// audit log holds for it, and that the hash chain verifies. Refusals are asserted where they are
/// the point: the gate named, the exit code, and what (if anything) the attempt recorded.
final class ManualConsolePathTests: XCTestCase {
    private var handrail: HandrailProcess!
    private let subject = "sam@example.com"

    override func setUpWithError() throws {
        handrail = try HandrailProcess(login: "alice")
    }

    override func tearDown() {
        handrail = nil
    }

    // MARK: - Self-service ends

    func testVideoVerificationWithBackupCodesLeftEndsInSelfService() throws {
        let c = try ManualCase.open(handrail, subject: subject)
        try c.typeOrdinaryFacts(codes: 3)
        try c.verifyByVideo()
        try c.act(["check_backup_codes"])
        XCTAssertEqual(try c.show()["step"] as? String, "backup_code_self_service")
        try c.act(["backup_code_self_service", "walked_through=yes"])

        try c.assertEnded(step: "closed_self_service", outcome: "resolved_self_service")
        XCTAssertEqual(try c.eventTypes(), ["case.opened", "facts.recorded", "verification.recorded", "backup_codes.checked",
                                            "recovery.self_service_guided", "case.closed"])
        XCTAssertTrue(try handrail.audit(["--event", "mfa.factor_admin_reset"]).isEmpty, "nothing was reset")
        try assertChainVerifies()
    }

    func testFederatedSignInEndsInSelfService() throws {
        let c = try ManualCase.open(handrail, subject: subject)
        try c.facts(["signins=none", "suspended=no", "federated=google@2024-01-10"])
        try c.act(["verify_identity", "method=federated", "federated_signin_seen=yes", "reference=INC-2002"])
        XCTAssertEqual(try c.show()["step"] as? String, "federated_self_service")
        try c.act(["federated_self_service", "walked_through=yes"])

        try c.assertEnded(step: "closed_self_service", outcome: "resolved_self_service")
        XCTAssertEqual(try c.eventTypes(), ["case.opened", "facts.recorded", "verification.recorded",
                                            "recovery.self_service_guided", "case.closed"])
        try assertChainVerifies()
    }

    // MARK: - Force reset

    /// Call-back, no codes, a new device: force reset (attested), enrolment observed, follow-up, closed.
    /// On the way, a call-back to a number added today is refused by its gate, and an enrolment
    /// from before the reset does not end the wait.
    func testCallBackForceResetEnrolmentAndFollowUp() throws {
        let c = try ManualCase.open(handrail, subject: subject)
        try c.typeOrdinaryFacts(codes: 0, extra: ["phone=+15550100@\(handrail.today)", "phone=+1 555 0199@2024-03-01"])

        let today = try c.act(["verify_identity", "method=callback", "callback_number=+15550100", "callback_confirmed=yes",
                               "reference=INC-1001"], expect: 3)
        XCTAssertTrue(today.err.contains("Call-back number on file before today"), "the message names the gate: \(today)")
        XCTAssertTrue(today.err.contains("was added to the account today"), "\(today)")
        XCTAssertEqual(try c.eventTypes(), ["case.opened", "facts.recorded", "gate.refused"], "a refused call-back is on the record")

        try c.act(["verify_identity", "method=callback", "caller_number=+15550100", "callback_number=+1-555-0199",
                   "callback_confirmed=yes", "reference=INC-1001"])
        try c.act(["check_backup_codes"])
        try c.act(["choose_recovery", "situation=device"])
        let requested = try c.act(["force_reset", "--confirm", subject])
        XCTAssertTrue(requested.out.contains("Force MFA reset"), "tells the operator what to do in the console: \(requested)")
        XCTAssertEqual(try c.show()["status"] as? String, "action_pending")
        try c.attest("Force MFA reset confirmed in the modal")
        XCTAssertEqual(try c.show()["status"] as? String, "awaiting_enrolment")

        let early = try c.act(["observe-enrolment"], expect: 3)
        XCTAssertTrue(early.err.contains("No factor enrolled since the reset"), "\(early)")
        try c.facts(["factor=totp:Old phone@2025-01-01T10:00"])
        try c.act(["observe-enrolment"], expect: 3)
        try c.finishAfterReset()

        try c.assertEnded(step: "closed_recovered", outcome: "resolved")
        XCTAssertEqual(try c.eventTypes(), ["case.opened", "facts.recorded", "gate.refused", "verification.recorded", "backup_codes.checked",
                                            "recovery.chosen", "mfa.factor_admin_reset.requested", "mfa.factor_admin_reset",
                                            "facts.recorded", "facts.recorded", "mfa.factor_enrolled", "facts.recorded", "user.notified.requested", "user.notified", "case.closed"])
        let resets = try handrail.audit(["--event", "mfa.factor_admin_reset"])
        XCTAssertEqual(resets.count, 1)
        XCTAssertEqual(resets.first?["actor"] as? String, "alice")
        let reason = resets.first?["reason"] as? String ?? ""
        XCTAssertTrue(reason.contains("call-back") && reason.contains(handrail.today) && reason.contains("INC-1001"),
                      "the reset's reason names the verification: \(reason)")
        try assertChainVerifies()
    }

    func testLostDeviceAndAppGetsAdminGeneratedBackupCodes() throws {
        let c = try ManualCase.open(handrail, subject: subject)
        try c.typeOrdinaryFacts(codes: 0)
        try c.verifyByVideo()
        try c.act(["check_backup_codes"])
        try c.act(["choose_recovery", "situation=device_and_app"])
        XCTAssertEqual(try c.show()["step"] as? String, "generate_backup_codes")
        let otherChannel = try c.act(["generate_backup_codes", "delivery_channel=callback", "--confirm", subject], expect: 3)
        XCTAssertTrue(otherChannel.err.contains("Delivered over the verification channel"), "\(otherChannel)")
        try c.act(["generate_backup_codes", "delivery_channel=video", "--confirm", subject,
                   "--attest", "Generated codes and read them to the user on the video call"])
        try c.finishAfterReset()

        try c.assertEnded(step: "closed_recovered", outcome: "resolved")
        XCTAssertEqual(try c.eventTypes(), ["case.opened", "facts.recorded", "verification.recorded", "backup_codes.checked",
                                            "recovery.chosen", "gate.refused", "mfa.backup_codes_generated_by_admin.requested",
                                            "mfa.backup_codes_generated_by_admin", "facts.recorded", "mfa.factor_enrolled",
                                            "facts.recorded", "user.notified.requested", "user.notified", "case.closed"])
        try assertChainVerifies()
    }

    func testLostEmailTooGetsAResetAndATemporaryPassword() throws {
        try handrail.configure(#"{ organisationDomains: ["example.com"] }"#)
        let c = try ManualCase.open(handrail, subject: subject)
        try c.typeOrdinaryFacts(codes: 0)
        try c.act(["verify_identity", "method=ticket", "vouching_ticket=HR-55", "ticket_opened_by=manager@example.com",
                   "ticket_opener_role=manager", "reference=INC-3003"])
        try c.act(["check_backup_codes"])
        try c.act(["choose_recovery", "situation=email_too"])
        try c.act(["force_reset", "--confirm", subject, "--attest", "Force MFA reset confirmed in the modal"])
        XCTAssertEqual(try c.show()["step"] as? String, "set_temporary_password")
        try c.act(["set_temporary_password", "--confirm", subject,
                   "--attest", "Temporary password set and read to the user over the phone"])
        try c.finishAfterReset()

        try c.assertEnded(step: "closed_recovered", outcome: "resolved")
        XCTAssertEqual(try c.eventTypes(), ["case.opened", "facts.recorded", "verification.recorded", "backup_codes.checked",
                                            "recovery.chosen", "mfa.factor_admin_reset.requested", "mfa.factor_admin_reset",
                                            "user.password_set_by_admin.requested", "user.password_set_by_admin",
                                            "facts.recorded", "mfa.factor_enrolled", "facts.recorded", "user.notified.requested", "user.notified", "case.closed"])
        try assertChainVerifies()
    }

    // MARK: - Refusal and review

    /// The caller presses; the agent refuses; the case waits for another senior, who upholds it.
    /// The refusing operator cannot review their own refusal (4); escalating let the case go, so
    /// another senior upholds at once (no wait for the refusing agent's hold to run out).
    func testRefusalUnderPressureIsUpheldByAnotherSenior() throws {
        try addOperator("carol", role: "senior")
        let c = try ManualCase.open(handrail, subject: subject)
        try c.typeOrdinaryFacts()
        try c.act(["refuse", "pressure", "--reason", "Caller insisted it was urgent and threatened to call the CEO"])
        XCTAssertEqual(try c.show()["status"] as? String, "escalated")

        let own = try c.act(["uphold", "--reason", "Upholding my own refusal here"], expect: 4)
        XCTAssertTrue(own.err.contains("another senior admin must review it"), "\(own)")
        try c.act(["uphold", "--reason", "The refusal stands: classic pressure"], as: "carol")

        try c.assertEnded(step: "verify_identity", outcome: "refused")
        XCTAssertEqual(try c.eventTypes(), ["case.opened", "facts.recorded", "note.added", "case.escalated",
                                            "refusal.upheld", "case.closed"])
        let actors = try handrail.audit(["--case", c.id]).map { $0["actor"] as? String ?? "" }
        XCTAssertEqual(actors, ["alice", "alice", "alice", "alice", "carol", "carol"])
        try assertChainVerifies()
    }

    /// A refusal a senior reopens: the case resumes where it was refused and runs to closed.
    func testRefusalReopenedBySeniorContinuesToClosed() throws {
        try addOperator("carol", role: "senior")
        let c = try ManualCase.open(handrail, subject: subject)
        try c.typeOrdinaryFacts(codes: 2)
        try c.verifyByVideo()
        try c.act(["refuse", "gut_says_no", "--reason", "The voice did not sound like the person on video"])
        try c.release()
        try c.act(["reopen", "--reason", "Spoke to their manager in person: it is really them"], as: "carol")
        try c.release(as: "carol")
        let shown = try c.show()
        XCTAssertEqual(shown["status"] as? String, "open")
        XCTAssertEqual(shown["step"] as? String, "check_backup_codes")
        try c.act(["check_backup_codes"])
        try c.act(["backup_code_self_service", "walked_through=yes"])

        try c.assertEnded(step: "closed_self_service", outcome: "resolved_self_service")
        XCTAssertEqual(try c.eventTypes(), ["case.opened", "facts.recorded", "verification.recorded", "note.added", "case.escalated",
                                            "case.reopened", "backup_codes.checked", "recovery.self_service_guided", "case.closed"])
        try assertChainVerifies()
    }

    // MARK: - Privileged account

    /// A tenant admin's reset needs a second senior: refused without approval (3), not approvable
    /// by the operator who opened the case (4), approved by another login, then carried out.
    func testPrivilegedSubjectNeedsApprovalBySecondSenior() throws {
        try addOperator("carol", role: "senior")
        let c = try ManualCase.open(handrail, subject: subject)
        try c.typeOrdinaryFacts(codes: 0, privileged: true)
        try c.verifyByVideo()
        try c.act(["check_backup_codes"])
        try c.act(["choose_recovery", "situation=device"])

        let unapproved = try c.act(["force_reset", "--confirm", subject, "--attest", "Reset in the modal"], expect: 3)
        XCTAssertTrue(unapproved.err.contains("Second approval for a privileged account"), "\(unapproved)")
        try c.act(["request-approval", "--reason", "Tenant admin account: a second senior must approve"])
        XCTAssertEqual(try c.show()["status"] as? String, "awaiting_approval")
        let own = try c.act(["approve", "--reason", "Approving my own case"], expect: 4)
        XCTAssertTrue(own.err.contains("cannot approve their own case"), "\(own)")

        try c.release()
        try c.act(["approve", "--reason", "Checked the video call record and the ticket"], as: "carol")
        try c.release(as: "carol")
        try c.act(["force_reset", "--confirm", subject, "--attest", "Force MFA reset confirmed in the modal"])
        try c.finishAfterReset()

        try c.assertEnded(step: "closed_recovered", outcome: "resolved")
        XCTAssertEqual(try c.eventTypes(), ["case.opened", "facts.recorded", "verification.recorded", "backup_codes.checked",
                                            "recovery.chosen", "gate.refused", "approval.requested", "approval.granted",
                                            "mfa.factor_admin_reset.requested", "mfa.factor_admin_reset", "facts.recorded",
                                            "mfa.factor_enrolled", "facts.recorded", "user.notified.requested", "user.notified", "case.closed"])
        let approvals = try handrail.audit(["--event", "approval.granted"])
        XCTAssertEqual(approvals.map { $0["actor"] as? String }, ["carol"])
        try assertChainVerifies()
    }

    // MARK: - Incident

    /// A closed reset case turns out to have handed the account to an attacker: suspend, notify,
    /// record, relink, closed as an incident; the linked case carries the real reset (with a
    /// temporary password, since the attacker may have changed it) to closed.
    func testIncidentAfterAClosedResetAndItsLinkedCase() throws {
        try addOperator("carol", role: "senior")
        let c = try ManualCase.open(handrail, subject: subject)
        try c.typeOrdinaryFacts(codes: 0)
        try c.verifyByVideo()
        try c.act(["check_backup_codes"])
        try c.act(["choose_recovery", "situation=device"])
        try c.act(["force_reset", "--confirm", subject, "--attest", "Force MFA reset confirmed in the modal"])
        try c.finishAfterReset()
        try c.assertEnded(step: "closed_recovered", outcome: "resolved")

        try c.act(["incident", "--reason", "The real Sam called from the office: they never asked for a reset"])
        XCTAssertEqual(try c.show()["status"] as? String, "incident")
        try c.act(["incident_suspend", "--confirm", subject, "--reason", "The reset went to an attacker; cutting them off",
                   "--attest", "Disabled the user in Users"])
        try c.act(["incident_notify", "channel=hr_phone", "notified=yes"])
        try c.act(["incident_record", "what_happened=Reset granted to a caller impersonating Sam",
                   "how_discovered=The real user called the desk", "security_ticket=SEC-77"])
        let relink = try c.act(["incident_relink", "handover=yes"])
        let linkedID = try XCTUnwrap(relink.out.components(separatedBy: "Opened linked case ").dropFirst().first?
            .components(separatedBy: ".").first, "\(relink)")

        try c.assertEnded(step: "closed_incident", outcome: "incident")
        XCTAssertEqual(try c.eventTypes(), ["case.opened", "facts.recorded", "verification.recorded", "backup_codes.checked",
                                            "recovery.chosen", "mfa.factor_admin_reset.requested", "mfa.factor_admin_reset",
                                            "facts.recorded", "mfa.factor_enrolled", "facts.recorded", "user.notified.requested", "user.notified", "case.closed",
                                            "incident.declared", "user.suspended.requested", "user.suspended",
                                            "incident.user_notified", "incident.recorded", "case.linked", "case.closed"])

        let linked = c.linked(linkedID)
        let opened = try linked.show()
        XCTAssertEqual(opened["linkedFrom"] as? String, c.id)
        XCTAssertEqual(opened["status"] as? String, "open")
        XCTAssertEqual(opened["subject"] as? String, subject)
        // The account is suspended now; the linked case is the way back for the real user.
        try linked.facts(["signins=none", "suspended=yes", "codes=0", "privileged=no", "federated=none"])
        try linked.verifyByVideo(reference: "SEC-77")
        try linked.act(["check_backup_codes"])
        try linked.act(["choose_recovery", "situation=device"])
        // alice worked the incident: a senior who did not approves the linked case's actions.
        try linked.act(["request-approval", "--reason", "Linked case of the incident: the real Sam verified on video"])
        try linked.act(["approve", "--reason", "Checked the video verification against the HR photo"], as: "carol")
        try linked.release(as: "carol")
        try linked.act(["force_reset", "--confirm", subject, "--attest", "Force MFA reset confirmed in the modal"])
        XCTAssertEqual(try linked.show()["step"] as? String, "set_temporary_password")
        try linked.act(["set_temporary_password", "--confirm", subject, "--attest", "Temporary password set and read to the user"])
        try linked.finishAfterReset()

        try linked.assertEnded(step: "closed_recovered", outcome: "resolved")
        XCTAssertEqual(try linked.eventTypes(), ["case.opened", "facts.recorded", "verification.recorded", "backup_codes.checked",
                                                 "recovery.chosen", "approval.requested", "approval.granted",
                                                 "mfa.factor_admin_reset.requested", "mfa.factor_admin_reset",
                                                 "user.password_set_by_admin.requested", "user.password_set_by_admin",
                                                 "facts.recorded", "mfa.factor_enrolled", "facts.recorded", "user.notified.requested", "user.notified", "case.closed"])
        try assertChainVerifies()
    }

    // MARK: - Refusals that are the point

    /// Each unacceptable method exits 3 naming the gate, and the attempt itself is audit.
    func testUnacceptableVerificationMethodsAreRefusedAndRecorded() throws {
        let c = try ManualCase.open(handrail, subject: subject)
        try c.typeOrdinaryFacts()
        let methods = ["email_match", "knowledge", "recovery_email_code", "chat_message"]
        for method in methods {
            let run = try c.act(["verify_identity", "method=\(method)", "reference=INC-1001"], expect: 3)
            XCTAssertTrue(run.err.contains("Acceptable verification method"), "\(run)")
            XCTAssertTrue(run.err.contains("Not acceptable"), "\(run)")
        }
        let rejected = try handrail.audit(["--event", "verification.rejected"])
        XCTAssertEqual(rejected.count, methods.count)
        XCTAssertEqual(rejected.map { ($0["payload"] as? [String: Any])?["method"] as? String }, methods)
        XCTAssertTrue(rejected.allSatisfy { $0["case"] as? String == c.id && $0["actor"] as? String == "alice" })
        XCTAssertTrue((rejected.first?["reason"] as? String ?? "").contains("phishing-trivial"), "\(rejected)")
        XCTAssertEqual(try c.show()["step"] as? String, "verify_identity", "a refused method moves nothing on")
        try assertChainVerifies()
    }

    /// An auditor reads and exports and changes no case: exit 4 on every changing command, whether
    /// or not someone holds the case, and nothing is recorded.
    func testAuditorIsNotPermittedToChangeACase() throws {
        try addOperator("ann", role: "auditor")
        let c = try ManualCase.open(handrail, subject: subject)
        try c.typeOrdinaryFacts()
        let before = try c.eventTypes()
        for holding in [true, false] {
            if !holding { try c.release() }
            let act = try c.act(["verify_identity", "method=video", "compared_against=hr_photo", "video_match=yes",
                                 "reference=INC-1001"], as: "ann", expect: 4)
            XCTAssertTrue(act.err.contains("ann is an auditor"), "\(act)")
            try c.act(["refuse", "pressure", "--reason", "An auditor trying to refuse a case"], as: "ann", expect: 4)
            try c.facts(["codes=5"], as: "ann", expect: 4)
            XCTAssertEqual(try handrail.run(["case", "note", c.id, "An auditor's note on the case"], as: "ann").status, 4)
        }
        XCTAssertEqual(try c.eventTypes(), before)
        XCTAssertEqual(try handrail.run(["audit"], as: "ann").status, 0, "auditors read the audit log")
        XCTAssertEqual(try handrail.run(["case", "show", c.id], as: "ann").status, 0, "and the case")
    }

    func testUnknownLoginIsToldWhoCanAddThem() throws {
        try addOperator("carol", role: "senior")
        let c = try ManualCase.open(handrail, subject: subject)
        let run = try c.act(["note"], as: "zed", expect: 4)
        XCTAssertTrue(run.err.contains("zed is not on this database's roster"), "\(run)")
        XCTAssertTrue(run.err.contains("Ask a senior admin (alice, carol) to run: handrail operator add zed --role agent"), "\(run)")
        let facts = try c.facts(["codes=0"], as: "zed", expect: 4)
        XCTAssertTrue(facts.err.contains("handrail operator add zed"), "\(facts)")
        let open = try handrail.run(["case", "open", "--subject", "other@example.com"], as: "zed")
        XCTAssertEqual(open.status, 4, "\(open)")
        XCTAssertEqual(try c.eventTypes(), ["case.opened"])
    }

    /// While alice holds a case, another operator, senior or not, may read it but not act on it (5).
    func testActingWhileAnotherOperatorHoldsTheCaseExitsFive() throws {
        try addOperator("carol", role: "senior")
        try addOperator("ted", role: "agent")
        let c = try ManualCase.open(handrail, subject: subject)
        try c.typeOrdinaryFacts()
        for login in ["carol", "ted"] {
            let run = try c.act(["verify_identity", "method=video", "compared_against=hr_photo", "video_match=yes",
                                 "reference=INC-1001"], as: login, expect: 5)
            XCTAssertTrue(run.err.contains("is held by alice until"), "\(run)")
            try c.facts(["codes=1"], as: login, expect: 5)
            XCTAssertEqual(try handrail.run(["case", "show", c.id], as: login).status, 0, "reading is allowed")
        }
        XCTAssertEqual(try c.eventTypes(), ["case.opened", "facts.recorded"])
        try c.release()
        try c.act(["verify_identity", "method=video", "compared_against=hr_photo", "video_match=yes", "reference=INC-1001"],
                  as: "ted")
        let back = try c.act(["check_backup_codes"], expect: 5)
        XCTAssertTrue(back.err.contains("is held by ted until"), "\(back)")
        try assertChainVerifies()
    }

    // MARK: - Helpers

    private func addOperator(_ login: String, role: String, file: StaticString = #filePath, line: UInt = #line) throws {
        // The first command on a new database makes alice its senior admin.
        let run = try handrail.run(["operator", "add", login, "--role", role])
        XCTAssertEqual(run.status, 0, "\(run)", file: file, line: line)
    }

    private func assertChainVerifies(file: StaticString = #filePath, line: UInt = #line) throws {
        let run = try handrail.run(["audit", "verify"])
        XCTAssertEqual(run.status, 0, "\(run)", file: file, line: line)
        XCTAssertTrue(run.out.hasPrefix("audit verify: ok: "), "\(run)", file: file, line: line)
    }
}

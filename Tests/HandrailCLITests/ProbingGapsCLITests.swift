import Foundation
import XCTest

/// The gaps found by probing, through the real binary on ManualConsole: each attack refused with
/// its documented exit code, next to the honest path.
final class ProbingGapsCLITests: XCTestCase {
    private var handrail: HandrailProcess!
    private let subject = "sam@example.com"

    override func setUpWithError() throws {
        handrail = try HandrailProcess(login: "alice")
    }

    override func tearDown() {
        handrail = nil
    }

    /// The organisation's settings, in the user's configuration file.
    private func configure(_ text: String) throws {
        try handrail.configure(text)
    }

    // MARK: - 3. Who vouches: a ticket from the organisation's domains

    func testATicketOpenedFromOutsideTheOrganisationIsRefused() throws {
        try configure(#"{ organisationDomains: ["example.com"] }"#)
        let c = try ManualCase.open(handrail, subject: subject)
        try c.typeOrdinaryFacts()
        let refused = try c.act(["verify_identity", "method=ticket", "vouching_ticket=HR-55", "ticket_opened_by=boss@gmail.com",
                                 "ticket_opener_role=manager", "reference=INC-3003"], expect: 3)
        XCTAssertTrue(refused.err.contains("is not an address of the organisation"), "\(refused)")
        try c.act(["verify_identity", "method=ticket", "vouching_ticket=HR-55", "ticket_opened_by=manager@example.com",
                   "ticket_opener_role=manager", "reference=INC-3003"])
    }

    func testWithoutConfiguredDomainsATicketCannotVouch() throws {
        let c = try ManualCase.open(handrail, subject: subject)
        try c.typeOrdinaryFacts()
        let refused = try c.act(["verify_identity", "method=ticket", "vouching_ticket=HR-55", "ticket_opened_by=manager@example.com",
                                 "ticket_opener_role=manager", "reference=INC-3003"], expect: 3)
        XCTAssertTrue(refused.err.contains("organisationDomains"), "\(refused)")
    }

    // MARK: - 1. A typed date is a day in the organisation's time zone, not midnight UTC

    func testTodaysDateTypedInAWesternTimeZoneDoesNotPassAsBeforeToday() throws {
        try configure(#"{ timeZone: "America/Los_Angeles" }"#)
        handrail.clock.advance(by: 17 * 3600) // 2026-05-20 03:15 UTC: still the 19th in Los Angeles
        let c = try ManualCase.open(handrail, subject: subject)
        try c.typeOrdinaryFacts(extra: ["phone=+15550100@2026-05-19", "phone=+15550177@2024-03-01"])
        let refused = try c.act(["verify_identity", "method=callback", "callback_number=+15550100", "callback_confirmed=yes",
                                 "reference=INC-1001"], expect: 3)
        XCTAssertTrue(refused.err.contains("Call-back number on file before today"), "\(refused)")
        XCTAssertTrue(refused.err.contains("at least 24 h"), "\(refused)")
        // The honest path: a number on file for years.
        try c.act(["verify_identity", "method=callback", "callback_number=+15550177", "callback_confirmed=yes", "reference=INC-1001"])
    }

    // MARK: - 2. The caller's number typed another way is still the caller's number

    func testTheCallersNumberTypedNationallyIsRefusedWithTheConfiguredCountryCode() throws {
        try configure(#"{ defaultCountryCode: "+1" }"#)
        let c = try ManualCase.open(handrail, subject: subject)
        try c.typeOrdinaryFacts(extra: ["phone=+15550199@2024-03-01"])
        for given in ["555-0199", "1 555 0199", "0015550199"] {
            let refused = try c.act(["verify_identity", "method=callback", "caller_number=\(given)", "callback_number=+15550199",
                                     "callback_confirmed=yes", "reference=INC-1001"], expect: 3)
            XCTAssertTrue(refused.err.contains("Not the number the caller gave"), "\(given): \(refused)")
        }
        try c.act(["verify_identity", "method=callback", "caller_number=+1 202 555 0147", "callback_number=555 0199",
                   "callback_confirmed=yes", "reference=INC-1001"])
    }

    func testAConfigurationWithABadCountryCodeIsAUsageError() throws {
        try configure(#"{ defaultCountryCode: "+0x" }"#)
        let run = try handrail.run(["case", "list"])
        XCTAssertEqual(run.status, 2, "\(run)")
        XCTAssertTrue(run.err.contains("is not a country calling code"), "\(run)")
    }

    // MARK: - 13. "privileged" never rests on the agent's word alone

    func testAConfiguredPrivilegedAccountNeedsApprovalThoughTheAgentTypedPrivilegedNo() throws {
        try configure(#"{ privilegedAccounts: ["sam@example.com"] }"#)
        let c = try ManualCase.open(handrail, subject: subject)
        try c.typeOrdinaryFacts(privileged: false)
        try c.verifyByVideo()
        try c.act(["check_backup_codes"])
        try c.act(["choose_recovery", "situation=device"])
        let refused = try c.act(["force_reset", "--confirm", subject], expect: 3)
        XCTAssertTrue(refused.err.contains("Second approval for a privileged account"), "\(refused)")
        // The honest path: another account, not on the list, as typed.
        let other = try ManualCase.open(handrail, subject: "rae@example.com")
        try other.typeOrdinaryFacts(privileged: false)
        try other.verifyByVideo()
        try other.act(["check_backup_codes"])
        try other.act(["choose_recovery", "situation=device"])
        try other.act(["force_reset", "--confirm", "rae@example.com"])
    }

    // MARK: - 9. Nothing carried out on an expired verification

    func testAttestingAnActionAfterItsVerificationExpiredIsRefusedAndReportingItFailedReturnsToVerification() throws {
        let c = try ManualCase.open(handrail, subject: subject)
        try c.typeOrdinaryFacts()
        try c.verifyByVideo()
        try c.act(["check_backup_codes"])
        try c.act(["choose_recovery", "situation=device"])
        try c.act(["force_reset", "--confirm", subject])
        XCTAssertEqual(try c.show()["status"] as? String, "action_pending")
        // Two hours later (a crash, a lunch break), an agent picks the case up.
        XCTAssertEqual(try handrail.run(["operator", "add", "aaron", "--role", "agent"]).status, 0)
        try c.release()
        handrail.clock.advance(by: 2 * 3600)
        let late = try c.attest("Force MFA reset confirmed in the modal", as: "aaron", expect: 3)
        XCTAssertTrue(late.err.contains("must not be carried out now"), "\(late)")
        let failed = try handrail.run(["case", "attest", c.id, "--failed", "Not done: the verification expired"], as: "aaron")
        XCTAssertEqual(failed.status, 0, "\(failed)")
        XCTAssertEqual(try c.show()["step"] as? String, "verify_identity")
        XCTAssertEqual(Array(try c.eventTypes().suffix(2)), ["mfa.factor_admin_reset.failed", "verification.restarted"])
        // The honest path: verified again, the reset goes through (and returns to the reset step).
        try c.act(["verify_identity", "method=video", "compared_against=hr_photo", "video_match=yes", "reference=INC-1002"], as: "aaron")
        XCTAssertEqual(try c.show()["step"] as? String, "force_reset")
    }

    // MARK: - 12. Every refused attempt is on the record

    func testARetryWithAnotherNumberLeavesBothAttemptsInTheAuditLog() throws {
        let c = try ManualCase.open(handrail, subject: subject)
        try c.typeOrdinaryFacts(extra: ["phone=+15550100@\(handrail.today)", "phone=+15550177@2024-03-01"])
        for number in ["+15550100", "+15550155"] {
            try c.act(["verify_identity", "method=callback", "callback_number=\(number)", "callback_confirmed=yes", "reference=INC-1001"],
                      expect: 3)
        }
        let refused = try handrail.audit(["--event", "gate.refused"])
        let tried = refused.compactMap { (($0["payload"] as? [String: Any])?["values"] as? [String: Any])?["callback_number"] as? String }
        XCTAssertEqual(tried, ["+15550100", "+15550155"])
        try c.act(["verify_identity", "method=callback", "callback_number=+15550177", "callback_confirmed=yes", "reference=INC-1001"])
        XCTAssertEqual(try handrail.run(["audit", "verify"]).status, 0)
    }

    // MARK: - 14. One rule for every reason and note

    func testPlaceholderNotesAndPauseReasonsAreUsageErrors() throws {
        let c = try ManualCase.open(handrail, subject: subject)
        for placeholder in ["n/a", "-", "."] {
            let note = try handrail.run(["case", "note", c.id, placeholder])
            XCTAssertEqual(note.status, 2, "\(note)")
            try c.act(["pause", "--reason", placeholder], expect: 2)
        }
        XCTAssertEqual(try handrail.run(["case", "note", c.id, "Caller will ring back after lunch"]).status, 0)
        try c.act(["pause", "--reason", "Call dropped; the caller will ring back"])
    }

    // MARK: - 15. Subjects are ASCII

    func testSubjectsWithInvisibleOrLookAlikeCharactersAreRefused() throws {
        for bad in ["sam\u{200D}@example.com", "s\u{0430}m@example.com", "sam\u{3164}@example.com", "sa\u{0301}m@example.com"] {
            let run = try handrail.run(["case", "open", "--subject", bad])
            XCTAssertEqual(run.status, 2, "\(run)")
            XCTAssertTrue(RawControls.find(in: run.stderr, allowCarriageReturn: false).isEmpty, "\(run)")
        }
        XCTAssertTrue(try handrail.json(["case", "list", "--json"]) is [Any])
        _ = try ManualCase.open(handrail, subject: "sam@xn--bcher-kva.example")
    }

    // MARK: - 20. Acting on a step the case has not reached

    func testFollowUpOnAFreshCaseIsARefusalNamingTheCurrentStep() throws {
        let c = try ManualCase.open(handrail, subject: subject)
        let run = try c.act(["follow_up"], expect: 3)
        XCTAssertTrue(run.err.contains("The case is at \"verify_identity\" (Verify identity out-of-band)"), "\(run)")
        XCTAssertFalse(run.err.contains("reload"), "\(run)")
    }

    // MARK: - 16 and 17 on ManualConsole: the enrolling sign-in typed, the notice attested address by address

    /// Reset attested; the case waits for the new factor.
    private func resetCase() throws -> ManualCase {
        let c = try ManualCase.open(handrail, subject: subject)
        try c.typeOrdinaryFacts()
        try c.verifyByVideo()
        try c.act(["check_backup_codes"])
        try c.act(["choose_recovery", "situation=device"])
        try c.act(["force_reset", "--confirm", subject, "--attest", "Force MFA reset confirmed in the modal"])
        return c
    }

    func testTheEnrollingSignInMustBeTypedAndANewAddressGoesToASenior() throws {
        let c = try resetCase()
        try c.facts(["factor=totp:Pixel 9@\(handrail.clock.typed)"])
        let untyped = try c.act(["observe-enrolment"], expect: 3)
        XCTAssertTrue(untyped.err.contains("enrolledfrom"), "the console's sign-in log is asked for: \(untyped)")
        let malformed = try c.facts(["enrolledfrom=203.0.113.66"], expect: 2)
        XCTAssertTrue(malformed.err.contains("write seen:ADDRESS"), "\(malformed)")
        try c.facts(["enrolledfrom=new:203.0.113.66"])
        let observed = try c.act(["observe-enrolment"])
        XCTAssertTrue(observed.out.contains("Recorded case.escalated"), "\(observed)")
        XCTAssertEqual(try c.show()["status"] as? String, "escalated")
        XCTAssertEqual(Array(try c.eventTypes().suffix(3)), ["mfa.factor_enrolled", "signal.raised", "case.escalated"])
    }

    func testTheNoticeIsAttestedToEveryAddressOnFileBeforeTheCaseCloses() throws {
        let c = try resetCase()
        try c.facts(["factor=totp:Pixel 9@\(handrail.clock.typed)", "enrolledfrom=seen:198.51.100.7"])
        try c.act(["observe-enrolment"])
        let untyped = try c.act(["follow_up"], expect: 3)
        XCTAssertTrue(untyped.err.contains("notify"), "the addresses are asked for: \(untyped)")
        try c.facts(["notify=\(subject)", "notify=\(c.personalAddress)"])
        // A notice edited down to an all-clear that hides what was done is refused.
        let hiding = try c.act(["follow_up", "message=Your account is fine again. This is in our audit log."], expect: 3)
        XCTAssertTrue(hiding.err.contains("Say what was done: removed your MFA factors"), "\(hiding)")
        let requested = try c.act(["follow_up"])
        XCTAssertTrue(requested.out.contains(subject) && requested.out.contains(c.personalAddress), "each address is shown: \(requested)")
        XCTAssertEqual(try c.show()["status"] as? String, "action_pending")
        // Sent to the work address only: not recorded, and the missing address is named.
        let partial = try c.attest("Sent the notice to \(subject)")
        XCTAssertTrue(partial.out.contains("Not recorded: the attestation does not name \(c.personalAddress)"), "\(partial)")
        XCTAssertEqual(try c.show()["status"] as? String, "action_pending")
        XCTAssertFalse(try c.eventTypes().contains("user.notified"))
        // The honest path: every address named, the notice recorded and the case closed.
        try c.attest(c.noticeAttestation)
        try c.assertEnded(step: "closed_recovered", outcome: "resolved")
        XCTAssertEqual(Array(try c.eventTypes().suffix(3)), ["user.notified.requested", "user.notified", "case.closed"])
    }
}

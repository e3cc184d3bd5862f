import XCTest
import Runbook
import Engine

/// Procedure step 1, "Verify identity out-of-band": each of the four acceptable methods
/// passes with its evidence and is refused without it; the four unacceptable methods are
/// refused with the procedure's reason, and each refused attempt is itself recorded.
final class VerificationMethodTests: XCTestCase {
    // MARK: - Live video

    func testVideoComparedAgainstHRPhotoWithMatchConfirmedPasses() throws {
        let h = try CaseHarness()
        h.openCase()
        let decision = assertAccepted(h.submit("verify_identity", Evidence.video()))
        XCTAssertEqual(decision.events.map(\.type), ["verification.recorded"])
        XCTAssertEqual(decision.events.first?.payload["method"], .string("video"))
        XCTAssertEqual(decision.events.first?.payload["term"], .string("video call"))
        XCTAssertEqual(h.currentState.verification?.method, "video")
        XCTAssertEqual(h.currentState.verification?.reference, Evidence.reference)
        XCTAssertEqual(h.currentState.verification?.at, CaseHarness.startTime)
        XCTAssertEqual(h.currentState.currentStep, "check_backup_codes")
    }

    func testVideoComparedAgainstGovernmentIDPasses() throws {
        let h = try CaseHarness()
        h.openCase()
        var evidence = Evidence.video()
        evidence["compared_against"] = "government_id"
        assertAccepted(h.submit("verify_identity", evidence))
    }

    func testVideoWithMatchNotConfirmedIsRefused() throws {
        let h = try CaseHarness()
        h.openCase()
        var evidence = Evidence.video()
        evidence["video_match"] = "no"
        let refusal = assertRefused(h.submit("verify_identity", evidence), .gate, failing: ["field.video_match"])
        XCTAssertEqual(failureMessage(refusal, check: "field.video_match"), "must be confirmed (yes) to continue")
        XCTAssertNil(h.currentState.verification)
    }

    func testVideoWithoutSayingWhatTheFaceWasComparedAgainstIsRefused() throws {
        let h = try CaseHarness()
        h.openCase()
        var evidence = Evidence.video()
        evidence["compared_against"] = nil
        assertRefused(h.submit("verify_identity", evidence), .gate, failing: ["field.compared_against"])
    }

    func testVideoComparedAgainstSomethingNotOnRecordIsRefused() throws {
        let h = try CaseHarness()
        h.openCase()
        var evidence = Evidence.video()
        evidence["compared_against"] = "linkedin_photo"
        let refusal = assertRefused(h.submit("verify_identity", evidence), .gate, failing: ["field.compared_against"])
        XCTAssertEqual(failureMessage(refusal, check: "field.compared_against"), "must be one of: hr_photo, government_id")
    }

    func testVerificationWithoutTheSupportTicketReferenceIsRefused() throws {
        let h = try CaseHarness()
        h.openCase()
        var evidence = Evidence.video()
        evidence["reference"] = nil
        assertRefused(h.submit("verify_identity", evidence), .gate, failing: ["field.reference"])
    }

    // MARK: - Call-back to a number on file before today

    func testCallbackToNumberOnFileBeforeTodayPasses() throws {
        let h = try CaseHarness()
        h.openCase()
        let evaluation = h.evaluate("verify_identity", Evidence.callback())
        XCTAssertTrue(evaluation.checklist.contains { $0.name == "callbackNumberOnFileBeforeToday" && $0.passed })
        assertAccepted(h.submit("verify_identity", Evidence.callback()))
        XCTAssertEqual(h.currentState.verification?.method, "callback")
        XCTAssertEqual(h.currentState.value("callback_number", at: "verify_identity"), "+442079460958")
    }

    func testCallbackToNumberOnFileTypedDifferentlyPasses() throws {
        let h = try CaseHarness()
        h.openCase()
        assertAccepted(h.submit("verify_identity", Evidence.callback(number: "+44 (20) 7946.0958")))
    }

    func testCallbackToNumberAddedTodayIsRefused() throws {
        let h = try CaseHarness()
        h.facts.phoneNumbers.append(PhoneNumberOnFile(number: "+44 7700 900123", addedAt: Date("2026-05-17T09:40:00Z")))
        h.openCase()
        let refusal = assertRefused(h.submit("verify_identity", Evidence.callback(number: "+44 7700 900123")), .gate,
                                    failing: ["callbackNumberOnFileBeforeToday"])
        XCTAssertEqual(failureMessage(refusal, check: "callbackNumberOnFileBeforeToday"),
                       "+447700900123 was added to the account today (2026-05-17): it could be the attacker's; call a number on file before today and for at least 24 h")
    }

    /// Berlin is UTC+2 in May: 00:30 local today is 22:30 UTC yesterday. A gate that used UTC
    /// days would call that number "before today" and let the attacker's number through.
    func testCallbackToNumberAddedAt0030TodayLocalTimeIsRefused() throws {
        let h = try CaseHarness(timeZone: .berlin)
        h.facts.phoneNumbers = [PhoneNumberOnFile(number: Subject.numberOnFile, addedAt: Date("2026-05-17T00:30:00+02:00"))]
        h.openCase()
        assertRefused(h.submit("verify_identity", Evidence.callback()), .gate, failing: ["callbackNumberOnFileBeforeToday"])
    }

    /// The day rule alone, with a runbook whose minimum age is an hour.
    func testCallbackToNumberAddedAt2359YesterdayLocalTimePassesTheDayRule() throws {
        let h = try CaseHarness(timeZone: .berlin)
        h.runbook.settings.callbackMinimumAgeHours = 1
        h.facts.phoneNumbers = [PhoneNumberOnFile(number: Subject.numberOnFile, addedAt: Date("2026-05-16T23:59:00+02:00"))]
        h.openCase()
        assertAccepted(h.submit("verify_identity", Evidence.callback()))
    }

    /// New York is UTC-4 in May: 23:59 local yesterday is 03:59 UTC today. "Before today" is
    /// the operator's today, so the number counts as on file before today.
    func testCallbackToNumberAdded2359YesterdayInNewYorkPassesThoughItIsTodayInUTC() throws {
        let addedAt = Date("2026-05-16T23:59:00-04:00")
        let newYork = try CaseHarness(timeZone: .newYork)
        newYork.runbook.settings.callbackMinimumAgeHours = 1
        newYork.facts.phoneNumbers = [PhoneNumberOnFile(number: Subject.numberOnFile, addedAt: addedAt)]
        newYork.openCase()
        assertAccepted(newYork.submit("verify_identity", Evidence.callback()))

        let utc = try CaseHarness(timeZone: .utc)
        utc.runbook.settings.callbackMinimumAgeHours = 1
        utc.facts.phoneNumbers = [PhoneNumberOnFile(number: Subject.numberOnFile, addedAt: addedAt)]
        utc.openCase()
        assertRefused(utc.submit("verify_identity", Evidence.callback()), .gate, failing: ["callbackNumberOnFileBeforeToday"])
    }

    func testCallbackToNumberNotOnFileIsRefused() throws {
        let h = try CaseHarness()
        h.openCase()
        let refusal = assertRefused(h.submit("verify_identity", Evidence.callback(number: "+1 202 555 0147")), .gate,
                                    failing: ["callbackNumberOnFileBeforeToday"])
        XCTAssertEqual(failureMessage(refusal, check: "callbackNumberOnFileBeforeToday"),
                       "+12025550147 is not on the account: call back only a number that was on file before today and for at least 24 h")
    }

    func testCallbackToTheNumberTheCallerJustGaveIsRefusedEvenIfOnFile() throws {
        let h = try CaseHarness()
        h.openCase()
        let evidence = Evidence.callback(number: Subject.numberOnFile, callerNumber: Subject.numberOnFileRetyped)
        let evaluation = h.evaluate("verify_identity", evidence)
        XCTAssertTrue(evaluation.checklist.contains { $0.name == "callbackNumberOnFileBeforeToday" && $0.passed },
                      "the number is on file; it is refused only for being the caller's")
        assertRefused(h.submit("verify_identity", evidence), .gate, failing: ["callbackNumberNotCallerSupplied"])
    }

    func testCallbackToANumberOtherThanTheOneTheCallerGavePasses() throws {
        let h = try CaseHarness()
        h.openCase()
        assertAccepted(h.submit("verify_identity", Evidence.callback(number: Subject.numberOnFile, callerNumber: "+44 7700 900123")))
    }

    func testCallbackWithoutTheUserConfirmingOnThatNumberIsRefused() throws {
        let h = try CaseHarness()
        h.openCase()
        var evidence = Evidence.callback()
        evidence["callback_confirmed"] = "no"
        assertRefused(h.submit("verify_identity", evidence), .gate, failing: ["field.callback_confirmed"])
    }

    func testCallbackWithoutTheNumberCalledIsRefused() throws {
        let h = try CaseHarness()
        h.openCase()
        var evidence = Evidence.callback()
        evidence["callback_number"] = nil
        assertRefused(h.submit("verify_identity", evidence), .gate,
                      failing: ["field.callback_number"])
    }

    // MARK: - Manager / HR ticket

    func testManagerTicketOpenedBySomeoneElsePasses() throws {
        let h = try CaseHarness()
        h.openCase()
        let decision = assertAccepted(h.submit("verify_identity", Evidence.ticket()))
        XCTAssertEqual(decision.events.first?.payload["term"], .string("manager/HR ticket"))
        XCTAssertEqual(h.currentState.value("ticket_opened_by", at: "verify_identity"), Evidence.managerEmail)
        XCTAssertEqual(h.currentState.value("vouching_ticket", at: "verify_identity"), "HR-5521")
    }

    func testTicketOpenedByTheSubjectIsRefused() throws {
        let h = try CaseHarness()
        h.openCase()
        let refusal = assertRefused(h.submit("verify_identity", Evidence.ticket(openedBy: "Sam.Rivera@Example.com")), .gate,
                                    failing: ["ticketNotOpenedBySubject"])
        XCTAssertEqual(failureMessage(refusal, check: "ticketNotOpenedBySubject"),
                       "The ticket was opened by sam.rivera@example.com, the user themself: a manager or HR must vouch")
    }

    func testTicketOpenedByTheOperatorIsRefused() throws {
        let h = try CaseHarness(actor: Operators.alice)
        h.openCase()
        let refusal = assertRefused(h.submit("verify_identity", Evidence.ticket(openedBy: "alice@example.com")), .gate,
                                    failing: ["ticketNotOpenedBySubject"])
        XCTAssertEqual(failureMessage(refusal, check: "ticketNotOpenedBySubject"), "The ticket was opened by you: a manager or HR must vouch")
    }

    func testTicketOpenedBySomeoneWhoseNameMerelyStartsLikeTheOperatorsPasses() throws {
        let h = try CaseHarness(actor: Operators.alice)
        h.openCase()
        assertAccepted(h.submit("verify_identity", Evidence.ticket(openedBy: "alice.nguyen@example.com")))
    }

    func testTicketWithoutItsOpenerIsRefused() throws {
        let h = try CaseHarness()
        h.openCase()
        var evidence = Evidence.ticket()
        evidence["ticket_opened_by"] = nil
        assertRefused(h.submit("verify_identity", evidence), .gate, failing: ["field.ticket_opened_by"])
    }

    func testTicketWithoutTheVouchingTicketReferenceIsRefused() throws {
        let h = try CaseHarness()
        h.openCase()
        var evidence = Evidence.ticket()
        evidence["vouching_ticket"] = "the one from Maria"
        assertRefused(h.submit("verify_identity", evidence), .gate, failing: ["field.vouching_ticket"])
    }

    // MARK: - Federated sign-in

    func testFederatedSignInWithALinkOnFileLeadsToSelfServiceWithoutReset() throws {
        let h = try CaseHarness()
        h.facts.federatedLinks = [FederatedLink(provider: "google", linkedAt: Date("2025-06-01T00:00:00Z"))]
        h.openCase()
        let decision = assertAccepted(h.submit("verify_identity", Evidence.federated()))
        XCTAssertEqual(decision.events.first?.payload["next"], .string("federated_self_service"))
        XCTAssertEqual(h.currentState.currentStep, "federated_self_service")
        XCTAssertNil(h.step("federated_self_service").action, "federated self-service performs no admin action")
    }

    func testFederatedSignInWithoutALinkOnFileIsRefused() throws {
        let h = try CaseHarness()
        h.openCase()
        let refusal = assertRefused(h.submit("verify_identity", Evidence.federated()), .gate, failing: ["federatedLinkOnFile"])
        XCTAssertEqual(failureMessage(refusal, check: "federatedLinkOnFile"), "No federated identity (Google / SAML) is linked to this account")
    }

    func testFederatedSignInNotSeenIsRefused() throws {
        let h = try CaseHarness()
        h.facts.federatedLinks = [FederatedLink(provider: "saml:okta", linkedAt: Date("2025-06-01T00:00:00Z"))]
        h.openCase()
        var evidence = Evidence.federated()
        evidence["federated_signin_seen"] = "no"
        assertRefused(h.submit("verify_identity", evidence), .gate, failing: ["field.federated_signin_seen"])
    }

    // MARK: - Unacceptable methods

    func testEmailMatchIsRefusedWithTheProcedureReasonAndRecorded() throws {
        try assertUnacceptable("email_match", reasonFragment: "phishing-trivial")
    }

    func testKnowledgeQuestionsAreRefusedWithTheProcedureReasonAndRecorded() throws {
        try assertUnacceptable("knowledge", reasonFragment: "widely known; attackers find them")
    }

    func testRecoveryEmailCodeIsRefusedWithTheProcedureReasonAndRecorded() throws {
        try assertUnacceptable("recovery_email_code", reasonFragment: "the attacker reads the code")
    }

    func testChatMessageIsRefusedWithTheProcedureReasonAndRecorded() throws {
        try assertUnacceptable("chat_message", reasonFragment: "verify out-of-band")
    }

    func testRefusedAttemptsAreCountedThenAnAcceptableMethodPasses() throws {
        let h = try CaseHarness()
        h.openCase()
        assertRefused(h.submit("verify_identity", Evidence.unacceptable("knowledge")), .gate)
        assertRefused(h.submit("verify_identity", Evidence.unacceptable("email_match")), .gate)
        XCTAssertEqual(h.currentState.rejectedVerificationAttempts, 2)
        assertAccepted(h.submit("verify_identity", Evidence.video()))
        XCTAssertEqual(h.eventTypes, ["case.opened", "verification.rejected", "gate.refused", "verification.rejected", "gate.refused",
                                      "verification.recorded"])
        h.assertReplayMatchesIncrementalState()
    }

    func testAnAcceptableMethodRefusedForItsEvidenceIsNotRecordedAsARejectedMethod() throws {
        let h = try CaseHarness()
        h.openCase()
        let decision = h.submit("verify_identity", Evidence.callback(number: "+1 202 555 0147"))
        assertRefused(decision, .gate, failing: ["callbackNumberOnFileBeforeToday"])
        XCTAssertEqual(decision.events.map(\.type), ["gate.refused"], "recorded as a refused attempt, not as a rejected method")
        XCTAssertEqual(h.currentState.rejectedVerificationAttempts, 0)
    }

    /// An unacceptable method is refused by `verificationMethodAcceptable` alone, with the
    /// runbook's refusal text, and the refusal carries a `verification.rejected` event.
    private func assertUnacceptable(_ method: String, reasonFragment: String,
                                    file: StaticString = #filePath, line: UInt = #line) throws {
        let h = try CaseHarness()
        h.openCase()
        let option = try XCTUnwrap(h.step("verify_identity").field("method")?.option(method), file: file, line: line)
        XCTAssertFalse(option.acceptable, file: file, line: line)
        let procedureReason = try XCTUnwrap(option.refusal, file: file, line: line)
        XCTAssertTrue(procedureReason.contains(reasonFragment), procedureReason, file: file, line: line)

        let decision = h.submit("verify_identity", Evidence.unacceptable(method))
        let refusal = assertRefused(decision, .gate, failing: ["verificationMethodAcceptable"],
                                    messageContains: [procedureReason], file: file, line: line)
        XCTAssertEqual(failureMessage(refusal, check: "verificationMethodAcceptable"), "Not acceptable: \(procedureReason)",
                       file: file, line: line)

        XCTAssertEqual(decision.events.map(\.type), ["verification.rejected", "gate.refused"], file: file, line: line)
        let recorded = try XCTUnwrap(decision.events.first, file: file, line: line)
        XCTAssertEqual(recorded.payload["method"], .string(method), file: file, line: line)
        XCTAssertEqual(recorded.payload["check"], .string("verificationMethodAcceptable"), file: file, line: line)
        XCTAssertEqual(recorded.actor, Operators.alice.login, file: file, line: line)
        XCTAssertEqual(recorded.reason, "Not acceptable: \(procedureReason)", file: file, line: line)

        XCTAssertEqual(h.currentState.rejectedVerificationAttempts, 1, file: file, line: line)
        XCTAssertNil(h.currentState.verification, file: file, line: line)
        XCTAssertEqual(h.currentState.currentStep, "verify_identity", file: file, line: line)
        XCTAssertEqual(h.currentState.status, .open, file: file, line: line)
    }
}

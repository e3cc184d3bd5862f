import XCTest
import Engine

/// Procedure step 5, "Follow up": a message composed from the case that says what was done
/// at the user's request, their new factor, to save backup codes, that it is in the audit
/// log and how to dispute it; the platform sends it to every notification address on file, and
/// the case closes when it was sent.
final class FollowUpTests: XCTestCase {
    /// Reset, enrolled: the case stands at the follow-up.
    private func enrolledCase() throws -> CaseHarness {
        let h = try CaseHarness()
        h.walkToRecoveryAction()
        h.performAction("force_reset")
        h.observeNewFactor()
        return h
    }

    func testPrefilledFollowUpSaysWhatWasDoneTheNewFactorBackupCodesAuditAndHowToDispute() throws {
        let h = try enrolledCase()
        let message = try XCTUnwrap(h.prefill("follow_up")["message"])
        for expected in ["Hello Sam Rivera",
                         "At your request on 2026-05-17",
                         "verified your identity by video call",
                         "we removed your MFA factors",
                         "You have since enrolled a new factor: YubiKey 5C (webauthn)",
                         "save a fresh set of backup codes",
                         "recorded in our audit log (case CASE-1)",
                         "If you did not ask for it, reply to this message or call the service desk",
                         "alice, Support"] {
            XCTAssertTrue(message.contains(expected), "missing \"\(expected)\" in:\n\(message)")
        }
        XCTAssertFalse(message.contains("{{"))
    }

    func testTheNoticeIsSentThroughThePlatformAndOnlyItsCompletionClosesTheCase() throws {
        let h = try enrolledCase()
        let requested = assertAccepted(h.submit("follow_up", h.prefill("follow_up")))
        XCTAssertEqual(requested.events.map(\.type), ["user.notified.requested"])
        XCTAssertEqual(requested.effects, [.performAction(.sendNotification, idempotencyKey: h.currentState.pendingAction!.idempotencyKey,
                                                          subject: Subject.email)])
        XCTAssertEqual(h.currentState.status, .actionPending, "not closed until the platform says it was sent")
        let sent = assertAccepted(h.completePendingAction(details: ["recipients": .array([.string(Subject.email), .string(Subject.personalAddress)])]))
        XCTAssertEqual(sent.events.map(\.type), ["user.notified", "case.closed"])
        XCTAssertEqual(sent.events.last?.payload["outcome"], .string("resolved"))
        XCTAssertEqual(h.currentState.status, .closed)
        XCTAssertEqual(h.currentState.outcome, "resolved")
        XCTAssertEqual(h.currentState.currentStep, "closed_recovered")
    }

    func testANoticeThePlatformDidNotSendLeavesTheCaseOpenAtTheFollowUp() throws {
        let h = try enrolledCase()
        assertAccepted(h.submit("follow_up", h.prefill("follow_up")))
        let key = try XCTUnwrap(h.currentState.pendingAction?.idempotencyKey)
        assertAccepted(h.decide(.failAction(idempotencyKey: key, error: "The mail relay refused the message")))
        XCTAssertEqual(h.currentState.status, .open)
        XCTAssertEqual(h.currentState.currentStep, "follow_up")
        XCTAssertNil(h.currentState.outcome)
        // The honest path: sent on the second try, and only then closed.
        h.sendFollowUp()
        XCTAssertEqual(h.currentState.outcome, "resolved")
    }

    func testWithNoNotificationAddressOnFileTheNoticeIsRefused() throws {
        let h = try enrolledCase()
        h.facts.notificationAddresses = []
        let refusal = assertRefused(h.submit("follow_up", h.prefill("follow_up")), .gate, failing: ["notificationAddressesOnFile"])
        XCTAssertEqual(failureMessage(refusal, check: "notificationAddressesOnFile"),
                       "The platform has no notification address for this user: the notice would reach nobody; escalate")
    }

    func testFollowUpWithAnUnfilledPlaceholderIsRefused() throws {
        let h = try enrolledCase()
        let message = "Hello {{subject.name}}, we removed your MFA factors. This is in our audit log."
        let refusal = assertRefused(h.submit("follow_up", ["message": message, "sent": "yes"]), .gate, failing: ["followUpComplete"])
        XCTAssertEqual(failureMessage(refusal, check: "followUpComplete"), "The message still has unfilled {{placeholders}}")
    }

    /// The same placeholder with a combining mark after its braces (`{{\u{301}…`): one
    /// character to a character-by-character search, still an unfilled placeholder here.
    func testFollowUpWithAPlaceholderHiddenBehindACombiningMarkIsRefused() throws {
        let h = try enrolledCase()
        let message = "Hello {{\u{301}subject.name}}, we removed your MFA factors. This is in our audit log."
        XCTAssertFalse(message.contains("{{"), "a search by characters misses it")
        let refusal = assertRefused(h.submit("follow_up", ["message": message, "sent": "yes"]), .gate, failing: ["followUpComplete"])
        XCTAssertEqual(failureMessage(refusal, check: "followUpComplete"), "The message still has unfilled {{placeholders}}")
    }

    func testFollowUpThatDoesNotMentionTheAuditLogIsRefused() throws {
        let h = try enrolledCase()
        let refusal = assertRefused(h.submit("follow_up", ["message": "Hi Sam, all sorted, have a good day!", "sent": "yes"]), .gate,
                                    failing: ["followUpComplete"])
        XCTAssertEqual(failureMessage(refusal, check: "followUpComplete"), "Say that this action is in the audit log")
    }

    func testANoticeEditedToHideWhatWasDoneWhenOrWhichCaseIsRefused() throws {
        let h = try enrolledCase()
        let draft = try XCTUnwrap(h.prefill("follow_up")["message"])
        for (edit, expected) in [("we removed your MFA factors", "Say what was done: removed your MFA factors"),
                                 ("2026-05-17", "Say when: the date of the request (2026-05-17)"),
                                 ("CASE-1", "Name the case (CASE-1), so that the user can dispute it")] {
            let refusal = assertRefused(h.submit("follow_up", ["message": draft.replacingOccurrences(of: edit, with: "something")]), .gate,
                                        failing: ["followUpComplete"], edit)
            XCTAssertEqual(failureMessage(refusal, check: "followUpComplete"), expected)
        }
        // The honest path: the draft as composed, or reworded around what it must say.
        assertAccepted(h.submit("follow_up", ["message": draft.replacingOccurrences(of: "Please save", with: "Do save")]))
    }

    func testFollowUpWithoutAMessageIsRefused() throws {
        let h = try enrolledCase()
        assertRefused(h.submit("follow_up", ["sent": "yes"]), .gate, failing: ["field.message", "followUpComplete"])
    }

    func testNothingMovesAClosedCase() throws {
        let h = try enrolledCase()
        h.sendFollowUp()
        assertRefused(h.submit("closed_recovered", [:]), .invalid, messageContains: ["closed"])
        assertRefused(h.decide(.raiseSignal(signal: "gut_says_no", reason: "Something about this closed case")), .invalid)
        assertRefused(h.decide(.refuse(signal: "gut_says_no", reason: "Something about this closed case")), .invalid)
        assertRefused(h.decide(.restartVerification(reason: "Want to redo it")), .invalid)
    }
}

import XCTest
import Engine

/// Procedure step 5, "Follow up": a message composed from the case that says what was done
/// at the user's request, their new factor, to save backup codes, that it is in the audit
/// log and how to dispute it; the operator confirms it sent and the case closes.
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

    func testFollowUpConfirmedSentClosesTheCaseAsResolved() throws {
        let h = try enrolledCase()
        var values = h.prefill("follow_up")
        values["sent"] = "yes"
        let decision = assertAccepted(h.submit("follow_up", values))
        XCTAssertEqual(decision.events.map(\.type), ["followup.sent", "case.closed"])
        XCTAssertEqual(decision.events.last?.payload["outcome"], .string("resolved"))
        XCTAssertEqual(h.currentState.status, .closed)
        XCTAssertEqual(h.currentState.outcome, "resolved")
        XCTAssertEqual(h.currentState.currentStep, "closed_recovered")
    }

    func testFollowUpNotConfirmedSentIsRefused() throws {
        let h = try enrolledCase()
        var values = h.prefill("follow_up")
        values["sent"] = "no"
        assertRefused(h.submit("follow_up", values), .gate, failing: ["field.sent"])
        values["sent"] = nil
        assertRefused(h.submit("follow_up", values), .gate, failing: ["field.sent"])
        XCTAssertEqual(h.currentState.status, .open)
    }

    func testFollowUpWithAnUnfilledPlaceholderIsRefused() throws {
        let h = try enrolledCase()
        let message = "Hello {{subject.name}}, we removed your MFA factors. This is in our audit log."
        let refusal = assertRefused(h.submit("follow_up", ["message": message, "sent": "yes"]), .gate, failing: ["followUpComplete"])
        XCTAssertEqual(failureMessage(refusal, check: "followUpComplete"), "The message still has unfilled {{placeholders}}")
    }

    func testFollowUpThatDoesNotMentionTheAuditLogIsRefused() throws {
        let h = try enrolledCase()
        let refusal = assertRefused(h.submit("follow_up", ["message": "Hi Sam, all sorted, have a good day!", "sent": "yes"]), .gate,
                                    failing: ["followUpComplete"])
        XCTAssertEqual(failureMessage(refusal, check: "followUpComplete"), "Say that this action is in the audit log")
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

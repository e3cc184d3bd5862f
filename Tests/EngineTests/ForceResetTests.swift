import XCTest
import Runbook
import Engine

/// Procedure step 3, "Force MFA reset": behind a typed confirmation and a reason that names
/// the verification; requested, then completed by the platform exactly once.
final class ForceResetTests: XCTestCase {
    // MARK: - Confirmation: the subject's email, typed

    func testConfirmationEqualToTheSubjectsEmailInAnyCasePasses() throws {
        let h = try CaseHarness()
        h.walkToRecoveryAction()
        assertAccepted(h.submit("force_reset", h.actionValues("force_reset", ["confirm_email": "Sam.Rivera@EXAMPLE.com"])))
    }

    func testConfirmationWithAnotherEmailIsRefused() throws {
        let h = try CaseHarness()
        h.walkToRecoveryAction()
        let refusal = assertRefused(h.submit("force_reset", h.actionValues("force_reset", ["confirm_email": "sam.rivers@example.com"])),
                                    .gate, failing: ["confirmationMatchesSubject"])
        XCTAssertEqual(failureMessage(refusal, check: "confirmationMatchesSubject"),
                       "sam.rivers@example.com is not the user's email: type sam.rivera@example.com exactly")
    }

    func testConfirmationLeftEmptyIsRefused() throws {
        let h = try CaseHarness()
        h.walkToRecoveryAction()
        var values = h.actionValues("force_reset")
        values["confirm_email"] = nil
        assertRefused(h.submit("force_reset", values), .gate, failing: ["field.confirm_email"])
    }

    // MARK: - Reason: method, date and reference

    func testPrefilledReasonNamesMethodDateAndReferenceAndPasses() throws {
        let h = try CaseHarness()
        h.walkToRecoveryAction()
        let values = h.actionValues("force_reset")
        XCTAssertEqual(values["reason"], "Lost device; identity verified via video call 2026-05-17, see SUP-1234")
        let evaluation = h.evaluate("force_reset", values)
        XCTAssertEqual(evaluation.checklist.first { $0.name == "reasonNamesVerification" }?.passed, true)
        assertAccepted(h.submit("force_reset", values))
    }

    func testPrefilledReasonForACallbackNamesTheCallbackAndPasses() throws {
        let h = try CaseHarness()
        h.walkToRecoveryAction(evidence: Evidence.callback(reference: "#88123"))
        let values = h.actionValues("force_reset")
        XCTAssertEqual(values["reason"], "Lost device; identity verified via call-back 2026-05-17, see #88123")
        assertAccepted(h.submit("force_reset", values))
    }

    func testBareLostPhoneReasonIsRefused() throws {
        let h = try CaseHarness()
        h.walkToRecoveryAction()
        let refusal = assertRefused(h.submit("force_reset", h.actionValues("force_reset", ["reason": "lost phone"])), .gate,
                                    failing: ["reasonNamesVerification"])
        XCTAssertEqual(failureMessage(refusal, check: "reasonNamesVerification"),
                       "The reason must name the method (video call), the date (2026-05-17), the reference (SUP-1234), at least 15 characters in a sentence a reviewer can check")
    }

    func testReasonWithoutTheReferenceIsRefused() throws {
        let h = try CaseHarness()
        h.walkToRecoveryAction()
        let reason = "Lost device; identity verified via video call 2026-05-17"
        let refusal = assertRefused(h.submit("force_reset", h.actionValues("force_reset", ["reason": reason])), .gate,
                                    failing: ["reasonNamesVerification"])
        XCTAssertEqual(failureMessage(refusal, check: "reasonNamesVerification"), "The reason must name the reference (SUP-1234)")
    }

    func testReasonNamingAnotherDayIsRefused() throws {
        let h = try CaseHarness()
        h.walkToRecoveryAction()
        let reason = "Lost device; identity verified via video call 2026-05-16, see SUP-1234"
        let refusal = assertRefused(h.submit("force_reset", h.actionValues("force_reset", ["reason": reason])), .gate,
                                    failing: ["reasonNamesVerification"])
        XCTAssertEqual(failureMessage(refusal, check: "reasonNamesVerification"), "The reason must name the date (2026-05-17)")
    }

    func testReasonInTheOperatorsOwnWordsNamingAllThreePasses() throws {
        let h = try CaseHarness()
        h.walkToRecoveryAction()
        let reason = "Phone stolen on the train. VIDEO CALL with Sam 2026-05-17 against HR photo; ticket sup-1234."
        assertAccepted(h.submit("force_reset", h.actionValues("force_reset", ["reason": reason])))
    }

    // MARK: - Requested, completed once

    func testAcceptedResetIsRequestedWithAnIdempotencyKeyAndAPlatformAction() throws {
        let h = try CaseHarness()
        h.walkToRecoveryAction()
        let decision = assertAccepted(h.submit("force_reset", h.actionValues("force_reset")))
        XCTAssertEqual(decision.events.map(\.type), ["mfa.factor_admin_reset.requested"])
        let key = try XCTUnwrap(decision.events.first?.payload["idempotencyKey"]?.stringValue)
        XCTAssertEqual(decision.effects, [.performAction(.resetFactors, idempotencyKey: key, subject: Subject.email)])
        XCTAssertEqual(h.currentState.status, .actionPending)
        XCTAssertEqual(h.currentState.pendingAction?.idempotencyKey, key)
        XCTAssertTrue(h.currentState.completedActions.isEmpty, "requested is not done")
    }

    func testCompletedResetRecordsFactorAdminResetWithActorAndReason() throws {
        let h = try CaseHarness()
        h.walkToRecoveryAction()
        let requested = assertAccepted(h.submit("force_reset", h.actionValues("force_reset")))
        let key = try XCTUnwrap(requested.events.first?.payload["idempotencyKey"]?.stringValue)
        let done = assertAccepted(h.decide(.completeAction(idempotencyKey: key, details: ["factorsRemoved": .number(1)])))
        XCTAssertEqual(done.events.map(\.type), ["mfa.factor_admin_reset"])
        let event = try XCTUnwrap(done.events.first)
        XCTAssertEqual(event.actor, "alice")
        XCTAssertEqual(event.subject, Subject.email)
        XCTAssertEqual(event.reason, "Lost device; identity verified via video call 2026-05-17, see SUP-1234")
        XCTAssertEqual(event.payload["idempotencyKey"], .string(key))
        XCTAssertEqual(event.payload["action"], .string("resetFactors"))
        XCTAssertEqual(h.currentState.completedActions.map(\.event), ["mfa.factor_admin_reset"])
        XCTAssertNil(h.currentState.pendingAction)
        XCTAssertEqual(h.currentState.status, .awaitingEnrolment)
        XCTAssertEqual(h.currentState.currentStep, "await_enrolment")
    }

    func testASecondCompletionWithTheSameKeyIsRefusedAsStale() throws {
        let h = try CaseHarness()
        h.walkToRecoveryAction()
        let requested = assertAccepted(h.submit("force_reset", h.actionValues("force_reset")))
        let key = try XCTUnwrap(requested.events.first?.payload["idempotencyKey"]?.stringValue)
        assertAccepted(h.decide(.completeAction(idempotencyKey: key, details: [:])))
        assertRefused(h.decide(.completeAction(idempotencyKey: key, details: [:])), .stale)
        XCTAssertEqual(h.eventTypes.filter { $0 == "mfa.factor_admin_reset" }.count, 1, "never two resets")
        XCTAssertEqual(h.currentState.completedActions.count, 1)
    }

    func testACompletionWithAnotherKeyIsRefusedAsStale() throws {
        let h = try CaseHarness()
        h.walkToRecoveryAction()
        assertAccepted(h.submit("force_reset", h.actionValues("force_reset")))
        assertRefused(h.decide(.completeAction(idempotencyKey: "CASE-1:force_reset:1", details: [:])), .stale)
        XCTAssertEqual(h.currentState.status, .actionPending)
    }

    func testSubmittingTheResetAgainWhileItIsPendingIsRefused() throws {
        let h = try CaseHarness()
        h.walkToRecoveryAction()
        assertAccepted(h.submit("force_reset", h.actionValues("force_reset")))
        assertRefused(h.submit("force_reset", h.actionValues("force_reset")), .stale, messageContains: ["pending"])
        XCTAssertEqual(h.eventTypes.filter { $0 == "mfa.factor_admin_reset.requested" }.count, 1)
    }

    func testFailedActionReturnsToTheResetStep() throws {
        let h = try CaseHarness()
        h.walkToRecoveryAction()
        let first = assertAccepted(h.submit("force_reset", h.actionValues("force_reset")))
        let firstKey = try XCTUnwrap(first.events.first?.payload["idempotencyKey"]?.stringValue)
        let failed = assertAccepted(h.decide(.failAction(idempotencyKey: firstKey, error: "platform returned 503")))
        XCTAssertEqual(failed.events.map(\.type), ["mfa.factor_admin_reset.failed"])
        XCTAssertEqual(failed.events.first?.reason, "platform returned 503")
        XCTAssertEqual(h.currentState.status, .open)
        XCTAssertEqual(h.currentState.currentStep, "force_reset")
        XCTAssertNil(h.currentState.pendingAction)
        assertRefused(h.decide(.completeAction(idempotencyKey: firstKey, details: [:])), .stale,
                      "a late success report for the failed attempt")

        let retry = assertAccepted(h.submit("force_reset", h.actionValues("force_reset")))
        let retryKey = try XCTUnwrap(retry.events.first?.payload["idempotencyKey"]?.stringValue)
        XCTAssertNotEqual(retryKey, firstKey)
        assertAccepted(h.completePendingAction())
        XCTAssertEqual(h.eventTypes.filter { $0 == "mfa.factor_admin_reset" }.count, 1)
        h.assertReplayMatchesIncrementalState()
    }

    func testFailingAnActionThatIsNotPendingIsRefusedAsStale() throws {
        let h = try CaseHarness()
        h.walkToRecoveryAction()
        assertRefused(h.decide(.failAction(idempotencyKey: "CASE-1:force_reset:5", error: "timeout")), .stale)
    }

    func testResetOfAnAccountSuspendedSinceVerificationIsRefused() throws {
        let h = try CaseHarness()
        h.walkToRecoveryAction()
        h.facts.user.suspended = true
        assertRefused(h.submit("force_reset", h.actionValues("force_reset")), .gate, failing: ["subjectNotSuspended"])
    }
}

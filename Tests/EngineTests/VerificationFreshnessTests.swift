import XCTest
import Engine

/// "A verification is valid for 15 minutes; a force reset needs a fresh one." The limit is
/// the runbook's `verificationValidityMinutes`; the clock is the one handed to the engine.
final class VerificationFreshnessTests: XCTestCase {
    func testRunbookSaysAVerificationIsValidForFifteenMinutes() throws {
        let h = try CaseHarness()
        XCTAssertEqual(h.runbook.settings.verificationValidityMinutes, 15)
    }

    func testForceResetFifteenMinutesAfterVerificationPasses() throws {
        let h = try CaseHarness()
        h.walkToRecoveryAction()
        h.advance(minutes: 15)
        assertAccepted(h.submit("force_reset", h.actionValues("force_reset")))
        XCTAssertEqual(h.currentState.status, .actionPending)
    }

    func testForceResetSixteenMinutesAfterVerificationIsRefused() throws {
        let h = try CaseHarness()
        h.walkToRecoveryAction()
        h.advance(minutes: 16)
        let refusal = assertRefused(h.submit("force_reset", h.actionValues("force_reset")), .gate, failing: ["verificationFresh"])
        XCTAssertEqual(failureMessage(refusal, check: "verificationFresh"),
                       "Verified by video call 16 min ago; it is valid for 15 min: verify again (restart-verification)")
        XCTAssertNil(h.currentState.pendingAction)
        XCTAssertFalse(h.eventTypes.contains { $0.hasPrefix("mfa.factor_admin_reset") })
    }

    func testForceResetOneSecondPastFifteenMinutesIsRefused() throws {
        let h = try CaseHarness()
        h.walkToRecoveryAction()
        h.advance(minutes: 15, seconds: 1)
        assertRefused(h.submit("force_reset", h.actionValues("force_reset")), .gate, failing: ["verificationFresh"])
    }

    func testRestartVerificationThenVerifyingAgainLetsTheResetPass() throws {
        let h = try CaseHarness()
        h.walkToRecoveryAction()
        h.advance(minutes: 16)
        assertRefused(h.submit("force_reset", h.actionValues("force_reset")), .gate, failing: ["verificationFresh"])

        let restart = assertAccepted(h.decide(.restartVerification(reason: "Verification expired while the user looked for their badge")))
        XCTAssertEqual(restart.events.map(\.type), ["verification.restarted"])
        XCTAssertEqual(h.currentState.currentStep, "verify_identity")
        XCTAssertNil(h.currentState.verification)
        XCTAssertEqual(h.prefill("verify_identity")["method"], "video", "the earlier evidence is offered again")

        h.verify(Evidence.video(reference: "SUP-1240"))
        XCTAssertEqual(h.currentState.currentStep, "force_reset", "verified again, the case returns to the step it left")
        let values = h.actionValues("force_reset")
        XCTAssertEqual(values["reason"], "Lost device; identity verified via video call 2026-05-17, see SUP-1240",
                       "the reason is composed from the new verification")
        assertAccepted(h.submit("force_reset", values))
        h.assertReplayMatchesIncrementalState()
    }

    func testRestartVerificationWithoutAReasonIsRefused() throws {
        let h = try CaseHarness()
        h.walkToRecoveryAction()
        assertRefused(h.decide(.restartVerification(reason: "  ")), .invalid, messageContains: ["Give a reason"])
        XCTAssertEqual(h.currentState.currentStep, "force_reset")
    }

    func testCheckingBackupCodesWithAnExpiredVerificationIsRefused() throws {
        let h = try CaseHarness()
        h.openCase()
        h.verify()
        h.advance(minutes: 20)
        assertRefused(h.submit("check_backup_codes", [:]), .gate, failing: ["verificationFresh"])
    }

    func testChoosingRecoveryWithAnExpiredVerificationIsRefused() throws {
        let h = try CaseHarness()
        h.openCase()
        h.verify()
        h.checkBackupCodes()
        h.advance(minutes: 20)
        assertRefused(h.submit("choose_recovery", ["situation": "device"]), .gate, failing: ["verificationFresh"])
    }
}

import Engine
import Terminal
import Wizard
import XCTest

/// The main path on the demo tenant, screen by screen at 80×24: a new case from the queue for
/// ben (no backup codes left, a number on file for years), verified by call-back, codes checked,
/// the force reset behind its confirmation, the wait for enrolment, the follow-up, closed.
final class CallbackPathScreenTests: XCTestCase {
    func testCallbackResetAwaitFollowUpScreens() throws {
        let h = try WizardHarness()
        let w = h.wizard(as: WizardHarness.agent)
        Golden.assertScreen(w.text, "queue-empty")

        // n, the caller's email, Enter: a new case at the first step.
        w.press(.character("n"))
        Golden.assertScreen(w.text, "modal-new-case")
        w.type("ben@demo.example")
        w.press(.enter)
        XCTAssertEqual(w.model.route, .caseScreen)
        Golden.assertScreen(w.text, "step-verify-empty")

        // → picks the first method (video), → again call-back: its evidence fields appear.
        w.press(.right, .right)
        XCTAssertEqual(w.model.caseScreen?.inputs["method"]?.text, "callback")
        Golden.assertScreen(w.text, "step-verify-callback")

        // The caller gave no number; the one called back is on file; confirmed; ticket.
        w.press(.tab, .tab)
        w.type("+1555010011")
        w.press(.tab, .character("y"), .tab)
        w.type("SD-4711")
        XCTAssertEqual(w.model.caseScreen?.evaluation?.failures.map(\.name), [])
        Golden.assertScreen(w.text, "step-verify-ready")

        w.press(.control("s"))
        XCTAssertEqual(w.model.caseScreen?.state.currentStep, "check_backup_codes")
        XCTAssertTrue(w.text.contains("Recorded: verified the caller"), w.text)
        Golden.assertScreen(w.text, "step-check-backup-codes")

        w.press(.control("s"))
        XCTAssertEqual(w.model.caseScreen?.state.currentStep, "choose_recovery")
        w.press(.right)
        Golden.assertScreen(w.text, "step-choose-recovery")

        w.press(.control("s"))
        XCTAssertEqual(w.model.caseScreen?.state.currentStep, "force_reset")
        Golden.assertScreen(w.text, "step-force-reset")

        // Continue on a dangerous step opens its confirmation: the email typed, the reason drafted.
        w.press(.control("s"))
        guard case .confirmStep? = w.model.modal?.kind else { return XCTFail("no confirmation dialog:\n\(w.text)") }
        Golden.assertScreen(w.text, "modal-confirm-reset")
        w.type("ben@demo.exampl")
        w.press(.enter)
        XCTAssertNotNil(w.model.modal?.error, "a wrong email keeps the dialog open with the reason why")
        XCTAssertFalse(try h.eventTypes("HR-00000001").contains("mfa.factor_admin_reset"))
        Golden.assertScreen(w.text, "modal-confirm-reset-wrong-email")
        w.type("e")
        w.press(.enter)
        XCTAssertNil(w.model.modal)
        XCTAssertEqual(w.model.caseScreen?.state.status, .awaitingEnrolment)
        Golden.assertScreen(w.text, "step-await-enrolment")

        // ^W before the user enrolled: not yet, said in the flash; the ✗ line says why.
        w.press(.function(10))
        XCTAssertNil(w.model.modal, "news, not a dialog to dismiss")
        XCTAssertTrue(w.model.flash?.hasPrefix("Still waiting") ?? false, w.model.flash ?? "no flash")
        XCTAssertEqual(w.model.caseScreen?.state.status, .awaitingEnrolment)
        Golden.assertScreen(w.text, "step-await-enrolment-not-yet")

        try h.userEnrols("ben@demo.example")
        w.press(.function(10))
        XCTAssertEqual(w.model.caseScreen?.state.currentStep, "follow_up")
        Golden.assertScreen(w.text, "step-follow-up")

        // The notice is pre-filled and ready: sent through the platform, and the case closes.
        w.press(.control("s"))
        XCTAssertEqual(w.model.caseScreen?.state.status, .closed)
        Golden.assertScreen(w.text, "case-closed")

        XCTAssertEqual(try h.eventTypes("HR-00000001"), [
            "case.opened", "verification.recorded", "backup_codes.checked", "recovery.chosen",
            "mfa.factor_admin_reset.requested", "mfa.factor_admin_reset", "mfa.factor_enrolled", "user.notified.requested", "user.notified", "case.closed",
        ])

        w.press(.escape, .character("5"))
        Golden.assertScreen(w.text, "queue-recently-closed")
    }
}

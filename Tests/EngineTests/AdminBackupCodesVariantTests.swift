import XCTest
import Engine

/// Variant "lost device and authenticator app": the admin generates backup codes, delivered
/// over the same secure channel used for verification, which must be live video or call-back.
final class AdminBackupCodesVariantTests: XCTestCase {
    func testCodesForAVideoVerifiedUserDeliveredOverTheVideoCallPass() throws {
        let h = try CaseHarness()
        h.walkToRecoveryAction(evidence: Evidence.video(), situation: "device_and_app")
        XCTAssertEqual(h.currentState.currentStep, "generate_backup_codes")
        let requested = assertAccepted(h.submit("generate_backup_codes", h.actionValues("generate_backup_codes", ["delivery_channel": "video"])))
        XCTAssertEqual(requested.events.map(\.type), ["mfa.backup_codes_generated_by_admin.requested"])
        let key = try XCTUnwrap(requested.events.first?.payload["idempotencyKey"]?.stringValue)
        XCTAssertEqual(requested.effects, [.performAction(.generateBackupCodes, idempotencyKey: key, subject: Subject.email)])

        let done = assertAccepted(h.completePendingAction())
        XCTAssertEqual(done.events.map(\.type), ["mfa.backup_codes_generated_by_admin"])
        XCTAssertEqual(done.events.first?.reason, "Lost device; identity verified via video call 2026-05-17, see SUP-1234")
        XCTAssertEqual(h.currentState.status, .awaitingEnrolment)
        XCTAssertFalse(h.eventTypes.contains("mfa.factor_admin_reset"), "codes instead of a reset")
    }

    func testCodesForACallbackVerifiedUserDeliveredOverTheCallbackPass() throws {
        let h = try CaseHarness()
        h.walkToRecoveryAction(evidence: Evidence.callback(), situation: "device_and_app")
        let values = h.actionValues("generate_backup_codes", ["delivery_channel": "callback"])
        XCTAssertEqual(values["reason"], "Lost device; identity verified via call-back 2026-05-17, see SUP-1234")
        assertAccepted(h.submit("generate_backup_codes", values))
    }

    func testCodesForATicketVerifiedUserAreRefused() throws {
        let h = try CaseHarness()
        h.walkToRecoveryAction(evidence: Evidence.ticket(), situation: "device_and_app")
        let refusal = assertRefused(h.submit("generate_backup_codes", h.actionValues("generate_backup_codes", ["delivery_channel": "video"])),
                                    .gate, failing: ["deliveryOverVerificationChannel"])
        XCTAssertEqual(failureMessage(refusal, check: "deliveryOverVerificationChannel"),
                       "Verified by manager/HR ticket: codes can only be read to the user over a live video call or a call-back; verify that way first")
    }

    func testCodesDeliveredOverAnotherChannelThanTheVerificationAreRefused() throws {
        let h = try CaseHarness()
        h.walkToRecoveryAction(evidence: Evidence.video(), situation: "device_and_app")
        let refusal = assertRefused(h.submit("generate_backup_codes", h.actionValues("generate_backup_codes", ["delivery_channel": "callback"])),
                                    .gate, failing: ["deliveryOverVerificationChannel"])
        XCTAssertEqual(failureMessage(refusal, check: "deliveryOverVerificationChannel"),
                       "Deliver over the channel used to verify (video call), not another")
    }

    func testCodesWithoutADeliveryChannelAreRefused() throws {
        let h = try CaseHarness()
        h.walkToRecoveryAction(evidence: Evidence.video(), situation: "device_and_app")
        assertRefused(h.submit("generate_backup_codes", h.actionValues("generate_backup_codes")), .gate,
                      failing: ["field.delivery_channel", "deliveryOverVerificationChannel"])
    }

    func testCodesAfterTheVerificationExpiredAreRefused() throws {
        let h = try CaseHarness()
        h.walkToRecoveryAction(evidence: Evidence.video(), situation: "device_and_app")
        h.advance(minutes: 16)
        assertRefused(h.submit("generate_backup_codes", h.actionValues("generate_backup_codes", ["delivery_channel": "video"])), .gate,
                      failing: ["verificationFresh"])
    }

    func testCodesWithAWrongConfirmationOrBareReasonAreRefused() throws {
        let h = try CaseHarness()
        h.walkToRecoveryAction(evidence: Evidence.video(), situation: "device_and_app")
        assertRefused(h.submit("generate_backup_codes",
                               h.actionValues("generate_backup_codes", ["delivery_channel": "video", "confirm_email": "someone@example.com",
                                                                        "reason": "lost phone"])),
                      .gate, failing: ["confirmationMatchesSubject", "reasonNamesVerification"])
    }
}

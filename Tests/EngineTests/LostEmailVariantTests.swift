import XCTest
import Engine

/// Variant "the user has lost access to their email too": force reset MFA, then an
/// admin-set temporary password shared over the secure channel (`user.password_set_by_admin`).
final class LostEmailVariantTests: XCTestCase {
    func testLostEmailGoesFromTheResetToATemporaryPassword() throws {
        let h = try CaseHarness()
        h.walkToRecoveryAction(situation: "email_too")
        h.performAction("force_reset")
        XCTAssertEqual(h.currentState.currentStep, "set_temporary_password")
        XCTAssertEqual(h.currentState.status, .open, "no waiting for enrolment before the password is set")
    }

    func testLostDeviceOnlyGoesFromTheResetStraightToTheWait() throws {
        let h = try CaseHarness()
        h.walkToRecoveryAction(situation: "device")
        h.performAction("force_reset")
        XCTAssertEqual(h.currentState.currentStep, "await_enrolment")
    }

    func testTemporaryPasswordIsRecordedAsPasswordSetByAdmin() throws {
        let h = try CaseHarness()
        h.walkToRecoveryAction(situation: "email_too")
        h.performAction("force_reset")
        let requested = assertAccepted(h.submit("set_temporary_password", h.actionValues("set_temporary_password")))
        XCTAssertEqual(requested.events.map(\.type), ["user.password_set_by_admin.requested"])
        XCTAssertEqual(requested.effects.count, 1)
        guard case .performAction(let name, _, let subject)? = requested.effects.first else {
            return XCTFail("expected a platform action, got \(requested.effects)")
        }
        XCTAssertEqual(name, .setTemporaryPassword)
        XCTAssertEqual(subject, Subject.email)

        let done = assertAccepted(h.completePendingAction())
        XCTAssertEqual(done.events.map(\.type), ["user.password_set_by_admin"])
        XCTAssertEqual(done.events.first?.actor, "alice")
        XCTAssertEqual(done.events.first?.reason, "Lost device; identity verified via video call 2026-05-17, see SUP-1234")
        XCTAssertEqual(h.currentState.status, .awaitingEnrolment)
        XCTAssertEqual(h.currentState.lastActionCompletedAt, h.now)
    }

    func testTemporaryPasswordWithAnotherEmailTypedIsRefused() throws {
        let h = try CaseHarness()
        h.walkToRecoveryAction(situation: "email_too")
        h.performAction("force_reset")
        assertRefused(h.submit("set_temporary_password", h.actionValues("set_temporary_password", ["confirm_email": "sam@example.com"])),
                      .gate, failing: ["confirmationMatchesSubject"])
    }

    func testTemporaryPasswordWithABareReasonIsRefused() throws {
        let h = try CaseHarness()
        h.walkToRecoveryAction(situation: "email_too")
        h.performAction("force_reset")
        assertRefused(h.submit("set_temporary_password", h.actionValues("set_temporary_password", ["reason": "lost email"])),
                      .gate, failing: ["reasonNamesVerification"])
    }

    func testTemporaryPasswordAfterTheVerificationExpiredIsRefused() throws {
        let h = try CaseHarness()
        h.walkToRecoveryAction(situation: "email_too")
        h.performAction("force_reset")
        h.advance(minutes: 16)
        assertRefused(h.submit("set_temporary_password", h.actionValues("set_temporary_password")), .gate, failing: ["verificationFresh"])
    }

    func testEnrolmentMustFollowTheTemporaryPasswordNotJustTheReset() throws {
        let h = try CaseHarness()
        h.walkToRecoveryAction(situation: "email_too")
        h.performAction("force_reset")
        h.advance(minutes: 1)
        h.facts.factors.append(EnrolledFactor(kind: "totp", label: "Pixel 9", enrolledAt: h.now))
        h.advance(minutes: 1)
        h.performAction("set_temporary_password")
        h.advance(minutes: 5)
        assertRefused(h.decide(.observeEnrolment), .gate, failing: ["enrolledAfterReset"])
    }
}

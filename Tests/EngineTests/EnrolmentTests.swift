import XCTest
import Engine

/// Procedure step 4, "Wait for the user to sign in + enrol": the case pauses until a factor
/// enrolled after the reset is seen, and is overdue past the runbook's deadline (24 h).
final class EnrolmentTests: XCTestCase {
    /// Reset done at `CaseHarness.startTime`; the case waits for enrolment.
    private func resetCase() throws -> CaseHarness {
        let h = try CaseHarness()
        h.walkToRecoveryAction()
        h.performAction("force_reset")
        return h
    }

    func testAfterTheResetTheCaseAwaitsEnrolmentWithA24HourDeadline() throws {
        let h = try resetCase()
        XCTAssertEqual(h.currentState.status, .awaitingEnrolment)
        XCTAssertEqual(h.currentState.currentStep, "await_enrolment")
        XCTAssertEqual(h.runbook.settings.enrolmentDeadlineHours, 24)
        XCTAssertEqual(h.currentState.enrolmentDeadline, Date("2026-05-18T10:00:00Z"))
    }

    func testNotOverdueBefore24Hours() throws {
        let h = try resetCase()
        XCTAssertFalse(h.currentState.isOverdue(at: h.now))
        XCTAssertFalse(h.currentState.isOverdue(at: Date("2026-05-18T09:59:59Z")))
        XCTAssertFalse(h.currentState.isOverdue(at: Date("2026-05-18T10:00:00Z")), "at the deadline, not yet past it")
    }

    func testOverdueAfter24Hours() throws {
        let h = try resetCase()
        XCTAssertTrue(h.currentState.isOverdue(at: Date("2026-05-18T10:00:01Z")))
        XCTAssertTrue(h.currentState.isOverdue(at: Date("2026-05-20T10:00:00Z")))
    }

    func testAnEnrolledCaseIsNeverOverdue() throws {
        let h = try resetCase()
        h.observeNewFactor()
        XCTAssertNil(h.currentState.enrolmentDeadline)
        XCTAssertFalse(h.currentState.isOverdue(at: Date("2026-05-20T10:00:00Z")))
    }

    func testObservingEnrolmentWhenTheOnlyFactorPredatesTheResetIsRefused() throws {
        let h = try resetCase()
        XCTAssertEqual(h.facts.factors, [Subject.lostFactor])
        h.advance(hours: 2)
        let refusal = assertRefused(h.decide(.observeEnrolment), .gate, failing: ["enrolledAfterReset"])
        XCTAssertEqual(failureMessage(refusal, check: "enrolledAfterReset"), "No factor enrolled since the reset at 2026-05-17")
        XCTAssertEqual(h.currentState.status, .awaitingEnrolment)
    }

    func testAFactorEnrolledBetweenVerificationAndResetDoesNotCount() throws {
        let h = try CaseHarness()
        h.walkToRecoveryAction()
        h.facts.factors.append(EnrolledFactor(kind: "totp", label: "Unknown device", enrolledAt: h.now))
        h.advance(minutes: 2)
        h.performAction("force_reset")
        h.advance(minutes: 10)
        assertRefused(h.decide(.observeEnrolment), .gate, failing: ["enrolledAfterReset"])
    }

    func testObservingAFactorEnrolledAfterTheResetIsAccepted() throws {
        let h = try resetCase()
        h.advance(minutes: 40)
        h.facts.factors.append(EnrolledFactor(kind: "totp", label: "Pixel 9", enrolledAt: Date("2026-05-17T10:35:00Z"),
                                              enrolledFrom: Subject.familiarAddress))
        let decision = assertAccepted(h.decide(.observeEnrolment))
        XCTAssertEqual(decision.events.map(\.type), ["mfa.factor_enrolled"])
        let factor = try XCTUnwrap(decision.events.first?.payload["factor"])
        XCTAssertEqual(factor["kind"], .string("totp"))
        XCTAssertEqual(factor["label"], .string("Pixel 9"))
        XCTAssertEqual(h.currentState.enrolledFactor,
                       EnrolledFactor(kind: "totp", label: "Pixel 9", enrolledAt: Date("2026-05-17T10:35:00Z"), enrolledFrom: Subject.familiarAddress))
        XCTAssertEqual(h.currentState.status, .open)
        XCTAssertEqual(h.currentState.currentStep, "follow_up")
    }

    func testObservingEnrolmentWhenTheCaseIsNotWaitingIsRefused() throws {
        let h = try CaseHarness()
        h.walkToRecoveryAction()
        assertRefused(h.decide(.observeEnrolment), .invalid, messageContains: ["not waiting for an enrolment"])
    }

    func testTheWaitCannotBeSubmittedByHand() throws {
        let h = try resetCase()
        assertRefused(h.submit("await_enrolment", [:]), .invalid, messageContains: ["waits for the user to enrol"])
    }
}

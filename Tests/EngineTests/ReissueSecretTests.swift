import XCTest
@testable import Engine

/// Issue 13: one-time secrets lost before they reached the user (Ctrl-C, a crash, a closed
/// terminal) are issued again by an audited `reissue`: the same action under a new idempotency
/// key, behind the same gates as the first issue, with a fresh approval on a privileged account.
final class ReissueSecretTests: XCTestCase {
    /// Codes generated for the user over the video call; the case waits for the enrolment.
    func codesIssued(facts: PlatformFacts = Subject.facts(), approve: Bool = false) throws -> CaseHarness {
        let h = try CaseHarness(facts: facts)
        h.walkToRecoveryAction(evidence: Evidence.video(), situation: "device_and_app")
        if approve {
            assertAccepted(h.decide(.requestApproval(reason: "Tenant admin verified by video; needs a second senior")))
            assertAccepted(h.decide(.approve(reason: "Checked the video evidence and the ticket"), as: Operators.bob))
        }
        h.performAction("generate_backup_codes", ["delivery_channel": "video"])
        XCTAssertEqual(h.currentState.status, .awaitingEnrolment)
        return h
    }

    /// A reason that passes the action's own reason gate: it names the verification.
    func reissueReason(_ h: CaseHarness) -> String {
        (h.prefill("generate_backup_codes")["reason"] ?? "") + "; the codes were lost when the terminal closed"
    }

    func testLostCodesAreIssuedAgainUnderANewKeyAndTheCaseWaitsAgain() throws {
        let h = try codesIssued()
        let firstKey = try XCTUnwrap(h.events.first { $0.type == "mfa.backup_codes_generated_by_admin" }?.payload["idempotencyKey"]?.stringValue)
        h.advance(minutes: 2)
        XCTAssertTrue(CaseEngine.isAvailable(.reissueSecret, state: h.currentState, context: h.context()))
        let decision = assertAccepted(h.decide(.reissueSecret(reason: reissueReason(h))))
        XCTAssertEqual(decision.events.map(\.type), ["mfa.backup_codes_generated_by_admin.requested"])
        guard case .actionRequested(let request)? = decision.events.first?.body else { return XCTFail("not a request") }
        XCTAssertTrue(request.reissue)
        XCTAssertNotEqual(request.idempotencyKey, firstKey)
        XCTAssertTrue(request.idempotencyKey.hasPrefix("CASE-1:generate_backup_codes:"))
        XCTAssertEqual(request.move.next, "await_enrolment")
        XCTAssertEqual(decision.effects, [.performAction(.generateBackupCodes, idempotencyKey: request.idempotencyKey, subject: Subject.email)])
        XCTAssertEqual(decision.events.first?.reason, reissueReason(h))
        XCTAssertEqual(h.currentState.status, .actionPending)

        let done = assertAccepted(h.completePendingAction())
        XCTAssertEqual(done.events.map(\.type), ["mfa.backup_codes_generated_by_admin"])
        XCTAssertEqual(h.currentState.status, .awaitingEnrolment)
        XCTAssertEqual(h.currentState.currentStep, "await_enrolment")
        XCTAssertEqual(h.currentState.completedActions.count, 2)
        // Encoded with its marker and read back the same.
        for event in decision.events + done.events {
            XCTAssertEqual(event.payload["reissue"], .bool(true))
            XCTAssertEqual(EventCodec.decode(type: event.type, payload: event.payload), event.body)
        }
        // The user still enrols and the case goes on as usual.
        h.advance(minutes: 5)
        assertAccepted(h.enrolNewFactor())
        XCTAssertEqual(h.currentState.currentStep, "follow_up")
    }

    func testAFailedReissueLeavesTheCaseWaiting() throws {
        let h = try codesIssued()
        h.advance(minutes: 1)
        assertAccepted(h.decide(.reissueSecret(reason: reissueReason(h))))
        assertAccepted(h.decide(.failAction(idempotencyKey: h.currentState.pendingAction?.idempotencyKey ?? "", error: "platform down")))
        XCTAssertEqual(h.currentState.status, .awaitingEnrolment)
        XCTAssertTrue(CaseEngine.isAvailable(.reissueSecret, state: h.currentState, context: h.context()))
    }

    func testAReissueAfterTheVerificationExpiredIsRefusedNamingRestartVerificationWhichLeadsBackToTheWait() throws {
        let h = try codesIssued()
        h.advance(minutes: 20)
        let refusal = assertRefused(h.decide(.reissueSecret(reason: reissueReason(h))), .gate, messageContains: ["restart-verification"])
        XCTAssertTrue(refusal?.failedChecks.contains { $0.name == "verificationFresh" } ?? false)
        XCTAssertNil(h.currentState.pendingAction, "nothing requested")
        XCTAssertEqual(h.eventTypes.last, "gate.refused", "the refused attempt is on the record")
        XCTAssertTrue(CaseEngine.isAvailable(.restartVerification, state: h.currentState, context: h.context()))

        assertAccepted(h.decide(.restartVerification(reason: "The codes were lost and the verification expired")))
        XCTAssertEqual(h.currentState.currentStep, "verify_identity")
        h.verify()
        XCTAssertEqual(h.currentState.currentStep, "await_enrolment", "back to the wait, not down the path again")
        XCTAssertEqual(h.currentState.status, .awaitingEnrolment)
        assertAccepted(h.decide(.reissueSecret(reason: reissueReason(h))))
    }

    func testWhileTheVerificationIsFreshRestartIsNotOfferedDuringTheWait() throws {
        let h = try codesIssued()
        XCTAssertFalse(CaseEngine.isAvailable(.restartVerification, state: h.currentState, context: h.context()))
    }

    func testOnAPrivilegedAccountTheFirstApprovalIsNotReusedAndAFreshOneLetsTheReissueThrough() throws {
        let h = try codesIssued(facts: Subject.facts(privileged: true), approve: true)
        h.advance(minutes: 1)
        let refusal = assertRefused(h.decide(.reissueSecret(reason: reissueReason(h))), .gate, messageContains: ["used by the first issue", "request-approval"])
        XCTAssertTrue(refusal?.failedChecks.contains { $0.name == "privilegedResetApproved" } ?? false)
        XCTAssertTrue(CaseEngine.isAvailable(.requestApproval, state: h.currentState, context: h.context()))
        assertAccepted(h.decide(.requestApproval(reason: "The codes were lost before the user read them")))
        XCTAssertEqual(h.currentState.status, .awaitingApproval)
        // The performer of the reissue cannot approve it, nor can the requester.
        assertRefused(h.decide(.approve(reason: "Approving my own request here"), as: Actor(login: "alice", role: .senior)), .notPermitted)
        assertAccepted(h.decide(.approve(reason: "Checked the call and the lost codes"), as: Operators.bob))
        XCTAssertEqual(h.currentState.status, .awaitingEnrolment, "the approval returns the case to its wait")
        assertAccepted(h.decide(.reissueSecret(reason: reissueReason(h))))
        assertAccepted(h.completePendingAction())
        // One approval, one issue: a second reissue needs another.
        h.advance(minutes: 1)
        assertRefused(h.decide(.reissueSecret(reason: reissueReason(h))), .gate, messageContains: ["used by the first issue"])
    }

    func testAnApprovalDeniedForTheReissueRefusesIt() throws {
        let h = try codesIssued(facts: Subject.facts(privileged: true), approve: true)
        assertAccepted(h.decide(.requestApproval(reason: "The codes were lost before the user read them")))
        assertAccepted(h.decide(.denyApproval(reason: "Call the user back first"), as: Operators.bob))
        XCTAssertEqual(h.currentState.status, .awaitingEnrolment)
        assertRefused(h.decide(.reissueSecret(reason: reissueReason(h))), .gate, failing: ["privilegedResetApproved"])
    }

    func testAPlaceholderReasonIsRefusedAndNothingRecorded() throws {
        let h = try codesIssued()
        let before = h.events.count
        assertRefused(h.decide(.reissueSecret(reason: "n/a")), .invalid)
        assertRefused(h.decide(.reissueSecret(reason: "")), .invalid)
        XCTAssertEqual(h.events.count, before)
    }

    func testAReasonThatDoesNotNameTheVerificationIsRefusedByTheActionsOwnGate() throws {
        let h = try codesIssued()
        assertRefused(h.decide(.reissueSecret(reason: "The codes were lost when the terminal closed")), .gate, failing: ["reasonNamesVerification"])
    }

    func testASignalRaisedSinceRefusesTheReissue() throws {
        let h = try codesIssued()
        h.facts.user.suspended = true
        assertRefused(h.decide(.reissueSecret(reason: reissueReason(h))), .gate, failing: ["subjectNotSuspended"])
    }

    func testNoReissueOnceTheCaseMovedPastItsWaitOrClosed() throws {
        let h = try codesIssued()
        h.advance(minutes: 3)
        assertAccepted(h.enrolNewFactor())
        assertRefused(h.decide(.reissueSecret(reason: reissueReason(h))), .invalid, messageContains: ["Cannot reissue"])
        h.sendFollowUp()
        XCTAssertEqual(h.currentState.status, .closed)
        assertRefused(h.decide(.reissueSecret(reason: reissueReason(h))), .invalid, messageContains: ["closed"])
        XCTAssertFalse(CaseEngine.isAvailable(.reissueSecret, state: h.currentState, context: h.context()))
    }

    func testNoReissueAfterAForceResetWhichHandsOutNoSecret() throws {
        let h = try CaseHarness()
        h.walkToRecoveryAction()
        h.performAction("force_reset")
        XCTAssertEqual(h.currentState.status, .awaitingEnrolment)
        XCTAssertFalse(CaseEngine.isAvailable(.reissueSecret, state: h.currentState, context: h.context()))
        assertRefused(h.decide(.reissueSecret(reason: "The reset was lost somehow, reissue it")), .invalid, messageContains: ["no one-time secret"])
    }

    func testAnAuditorOrATraineeCannotReissue() throws {
        let h = try codesIssued()
        assertRefused(h.decide(.reissueSecret(reason: reissueReason(h)), as: Operators.audrey), .notPermitted)
        assertRefused(h.decide(.reissueSecret(reason: reissueReason(h)), as: Operators.tom), .notPermitted)
    }

    func testAReissueMarkerOtherThanTrueDoesNotDecode() throws {
        let h = try codesIssued()
        h.advance(minutes: 1)
        let decision = assertAccepted(h.decide(.reissueSecret(reason: reissueReason(h))))
        let event = try XCTUnwrap(decision.events.first)
        var payload = event.payload
        payload["reissue"] = .bool(false)
        XCTAssertNotEqual(EventCodec.decode(type: event.type, payload: payload), event.body)
    }
}

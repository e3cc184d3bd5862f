import XCTest
import Engine

/// Holes found by walking the procedure the wrong way round: re-verification after an admin
/// action, who an action is attributed to, approvals outliving their evidence, and the steps
/// a raised signal or a suspension must stop.
final class ProcedureHardeningTests: XCTestCase {
    func testReverifyingAfterTheResetReturnsToTheStepWithoutASecondReset() throws {
        let h = try CaseHarness()
        h.walkToRecoveryAction(situation: "email_too")
        h.performAction("force_reset")
        h.advance(minutes: 20)
        assertRefused(h.submit("set_temporary_password", h.actionValues("set_temporary_password")), .gate, failing: ["verificationFresh"])
        assertAccepted(h.decide(.restartVerification(reason: "Verification expired before the password was set")))
        h.verify(Evidence.video(reference: "SUP-1250"))
        XCTAssertEqual(h.currentState.currentStep, "set_temporary_password")
        h.performAction("set_temporary_password")
        XCTAssertEqual(h.eventTypes.filter { $0 == "mfa.factor_admin_reset" }.count, 1, "one reset, never two")
        h.assertReplayMatchesIncrementalState()
    }

    func testRestartingTwiceStillReturnsToTheOriginalStep() throws {
        let h = try CaseHarness()
        h.walkToRecoveryAction()
        assertAccepted(h.decide(.restartVerification(reason: "Wrong ticket reference recorded")))
        assertAccepted(h.decide(.restartVerification(reason: "Restarted again to fix the evidence")))
        h.verify(Evidence.video(reference: "SUP-1251"))
        XCTAssertEqual(h.currentState.currentStep, "force_reset")
    }

    func testACompletionRecordedBySomeoneElseIsStillAttributedToTheOperatorWhoDecidedIt() throws {
        let h = try CaseHarness()
        h.walkToRecoveryAction()
        assertAccepted(h.submit("force_reset", h.actionValues("force_reset")))
        let done = assertAccepted(h.completePendingAction(as: Operators.bob))
        XCTAssertEqual(done.events.first?.type, "mfa.factor_admin_reset")
        XCTAssertEqual(done.events.first?.actor, "alice", "the auditor asks who reset the account")
        XCTAssertEqual(done.events.first?.payload["recordedBy"], .string("bob"))
    }

    func testAnApprovalDoesNotSurviveRestartingVerification() throws {
        let h = try CaseHarness(facts: Subject.facts(privileged: true), actor: Operators.carol)
        h.walkToRecoveryAction()
        assertAccepted(h.decide(.requestApproval(reason: "Tenant admin lost their phone")))
        assertAccepted(h.decide(.approve(reason: "Checked the video evidence and ticket"), as: Operators.bob))
        assertAccepted(h.decide(.restartVerification(reason: "Verify again by call-back instead")))
        XCTAssertNil(h.currentState.approval)
        h.verify(Evidence.video(reference: "SUP-1252"))
        assertRefused(h.submit("force_reset", h.actionValues("force_reset")), .gate, failing: ["privilegedResetApproved"])
    }

    func testALinkedIncidentCaseMustNameItsIncident() throws {
        let h = try CaseHarness()
        assertRefused(h.open(linkedFromIncident: true), .invalid)
    }

    func testAdminCodesForAnAccountSuspendedSinceVerificationAreRefused() throws {
        let h = try CaseHarness()
        h.walkToRecoveryAction(situation: "device_and_app")
        h.facts = Subject.facts(suspended: true)
        assertRefused(h.submit("generate_backup_codes", h.actionValues("generate_backup_codes", ["delivery_channel": "video"])),
                      .gate, failing: ["subjectNotSuspended"])
    }

    func testASignalRaisedDuringSelfServiceStopsIt() throws {
        let h = try CaseHarness(facts: Subject.facts(backupCodesRemaining: 4))
        h.openCase()
        h.verify()
        h.checkBackupCodes()
        assertAccepted(h.decide(.raiseSignal(signal: "pressure", reason: "Caller demands it now, threatens to escalate")))
        assertRefused(h.submit("backup_code_self_service", ["walked_through": "yes"]), .invalid, messageContains: ["escalated"])
    }

    func testASignalRaisedDuringFederatedSelfServiceStopsIt() throws {
        var facts = Subject.facts()
        facts.federatedLinks = [FederatedLink(provider: "google", linkedAt: Date("2024-01-10T00:00:00Z"))]
        let h = try CaseHarness(facts: facts)
        h.openCase()
        h.verify(Evidence.federated())
        assertAccepted(h.decide(.raiseSignal(signal: "gut_says_no", reason: "The voice does not match the earlier call")))
        assertRefused(h.submit("federated_self_service", ["walked_through": "yes"]), .invalid, messageContains: ["escalated"])
    }
}

import XCTest
import Engine

/// Every path from opening a case to a terminal step, walked through the engine one command
/// at a time. Each asserts the exact audit trail (event types in order), the outcome, and
/// that replaying the log from scratch gives the state the operator was working on.
final class EndToEndPathTests: XCTestCase {
    func testVideoThenBackupCodesLeftThenSelfServiceClosesWithoutAReset() throws {
        let h = try CaseHarness(facts: Subject.facts(backupCodesRemaining: 4))
        h.openCase()
        h.verify(Evidence.video())
        h.checkBackupCodes()
        assertAccepted(h.submit("backup_code_self_service", ["walked_through": "yes"]))

        XCTAssertEqual(h.eventTypes, ["case.opened", "verification.recorded", "backup_codes.checked",
                                      "recovery.self_service_guided", "case.closed"])
        XCTAssertEqual(h.currentState.outcome, "resolved_self_service")
        XCTAssertEqual(h.currentState.currentStep, "closed_self_service")
        XCTAssertTrue(h.currentState.completedActions.isEmpty)
        h.assertReplayMatchesIncrementalState()
    }

    func testFederatedSignInThenSelfServiceClosesWithoutAReset() throws {
        let h = try CaseHarness()
        h.facts.federatedLinks = [FederatedLink(provider: "google", linkedAt: Date("2025-06-01T00:00:00Z"))]
        h.openCase()
        h.verify(Evidence.federated())
        assertAccepted(h.submit("federated_self_service", ["walked_through": "yes"]))

        XCTAssertEqual(h.eventTypes, ["case.opened", "verification.recorded", "recovery.self_service_guided", "case.closed"])
        XCTAssertEqual(h.currentState.outcome, "resolved_self_service")
        XCTAssertTrue(h.currentState.completedActions.isEmpty)
        h.assertReplayMatchesIncrementalState()
    }

    func testCallbackThenNoCodesThenDeviceThenResetEnrolFollowUpAndClose() throws {
        let h = try CaseHarness()
        h.walkToRecoveryAction(evidence: Evidence.callback(callerNumber: "+44 7700 900123"), situation: "device")
        h.advance(minutes: 3)
        h.performAction("force_reset")
        XCTAssertEqual(h.currentState.status, .awaitingEnrolment)
        h.observeNewFactor(after: 25)
        h.sendFollowUp()

        XCTAssertEqual(h.eventTypes, ["case.opened", "verification.recorded", "backup_codes.checked", "recovery.chosen",
                                      "mfa.factor_admin_reset.requested", "mfa.factor_admin_reset",
                                      "mfa.factor_enrolled", "user.notified.requested", "user.notified", "case.closed"])
        XCTAssertEqual(h.currentState.status, .closed)
        XCTAssertEqual(h.currentState.outcome, "resolved")
        XCTAssertEqual(h.events.first { $0.type == "mfa.factor_admin_reset" }?.reason,
                       "Lost device; identity verified via call-back 2026-05-17, see SUP-1234")
        h.assertReplayMatchesIncrementalState()
    }

    func testDeviceAndAppLostThenAdminGeneratedCodesEnrolFollowUpAndClose() throws {
        let h = try CaseHarness()
        h.walkToRecoveryAction(evidence: Evidence.video(), situation: "device_and_app")
        h.performAction("generate_backup_codes", ["delivery_channel": "video"])
        h.observeNewFactor(after: 15)
        let message = h.prefill("follow_up")["message"] ?? ""
        XCTAssertTrue(message.contains("we generated one-time backup codes for you"), message)
        h.sendFollowUp()

        XCTAssertEqual(h.eventTypes, ["case.opened", "verification.recorded", "backup_codes.checked", "recovery.chosen",
                                      "mfa.backup_codes_generated_by_admin.requested", "mfa.backup_codes_generated_by_admin",
                                      "mfa.factor_enrolled", "user.notified.requested", "user.notified", "case.closed"])
        XCTAssertEqual(h.currentState.outcome, "resolved")
        h.assertReplayMatchesIncrementalState()
    }

    func testEmailLostTooThenResetTemporaryPasswordEnrolFollowUpAndClose() throws {
        let h = try CaseHarness()
        h.walkToRecoveryAction(evidence: Evidence.video(), situation: "email_too")
        h.performAction("force_reset")
        h.performAction("set_temporary_password")
        h.observeNewFactor(after: 30)
        let message = h.prefill("follow_up")["message"] ?? ""
        XCTAssertTrue(message.contains("we removed your MFA factors and set a temporary password"), message)
        h.sendFollowUp()

        XCTAssertEqual(h.eventTypes, ["case.opened", "verification.recorded", "backup_codes.checked", "recovery.chosen",
                                      "mfa.factor_admin_reset.requested", "mfa.factor_admin_reset",
                                      "user.password_set_by_admin.requested", "user.password_set_by_admin",
                                      "mfa.factor_enrolled", "user.notified.requested", "user.notified", "case.closed"])
        XCTAssertEqual(h.currentState.outcome, "resolved")
        h.assertReplayMatchesIncrementalState()
    }

    func testRefusalThenEscalationThenSeniorUpholdsAndTheCaseClosesRefused() throws {
        let h = try CaseHarness()
        h.openCase()
        assertRefused(h.submit("verify_identity", Evidence.unacceptable("knowledge")), .gate)
        assertAccepted(h.decide(.refuse(signal: "cannot_verify", reason: "Only knowledge answers offered; no video, no number on file")))
        XCTAssertEqual(h.currentState.status, .escalated)
        h.advance(hours: 2)
        assertAccepted(h.decide(.review(.uphold, reason: "Refusal stands: no out-of-band verification was possible"), as: Operators.bob))

        XCTAssertEqual(h.eventTypes, ["case.opened", "verification.rejected", "gate.refused", "note.added", "case.escalated",
                                      "refusal.upheld", "case.closed"])
        XCTAssertEqual(h.currentState.status, .closed)
        XCTAssertEqual(h.currentState.outcome, "refused")
        XCTAssertTrue(h.currentState.completedActions.isEmpty)
        h.assertReplayMatchesIncrementalState()
    }

    func testRefusalThenSeniorReopensThenTheCaseContinuesToClosed() throws {
        let h = try CaseHarness()
        h.facts.signIns += [Subject.failedSignIn(at: Date("2026-05-16T22:00:00Z"), from: "203.0.113.50"),
                            Subject.failedSignIn(at: Date("2026-05-16T22:05:00Z"), from: "203.0.113.50"),
                            Subject.failedSignIn(at: Date("2026-05-16T22:10:00Z"), from: "203.0.113.61")]
        h.openCase()
        assertRefused(h.submit("verify_identity", Evidence.video()), .gate, failing: ["noUnusualSignInActivity"])
        assertAccepted(h.decide(.refuse(signal: "unusual_activity", reason: "Three failed sign-ins overnight from unknown addresses")))
        h.advance(minutes: 45)
        assertAccepted(h.decide(.review(.reopen, reason: "Failures were Sam's own from a conference hotel; confirmed with manager"),
                                as: Operators.bob))
        h.verify(Evidence.video(reference: "SUP-1250"))
        h.checkBackupCodes()
        h.chooseRecovery("device")
        h.performAction("force_reset")
        h.observeNewFactor()
        h.sendFollowUp()

        XCTAssertEqual(h.eventTypes, ["case.opened", "gate.refused", "note.added", "case.escalated", "case.reopened",
                                      "verification.recorded", "backup_codes.checked", "recovery.chosen",
                                      "mfa.factor_admin_reset.requested", "mfa.factor_admin_reset",
                                      "mfa.factor_enrolled", "user.notified.requested", "user.notified", "case.closed"])
        XCTAssertEqual(h.currentState.outcome, "resolved")
        XCTAssertEqual(h.currentState.notes.map(\.kind), [.refusal])
        h.assertReplayMatchesIncrementalState()
    }

    func testIncidentPathClosesAsIncidentAndTheLinkedCaseCarriesTheRealResetToClosed() throws {
        // The reset went to an attacker who enrolled their own factor.
        let h = try CaseHarness()
        h.walkToRecoveryAction(evidence: Evidence.ticket(), situation: "device")
        h.performAction("force_reset")
        h.observeNewFactor()
        h.sendFollowUp()
        h.advance(hours: 20)
        // The real user calls: start the incident path.
        // The case is closed: declaring an incident on it is a senior admin's call.
        assertAccepted(h.decide(.declareIncident(reason: "Real Sam called from the office: they never asked for a reset"), as: Operators.bob))
        h.performAction("incident_suspend", ["reason": "Reset went to an attacker; cutting them off"])
        assertAccepted(h.submit("incident_notify", ["channel": "in_person", "notified": "yes"]))
        assertAccepted(h.submit("incident_record", ["what_happened": "MFA reset granted to an impostor on a forged manager ticket",
                                                    "how_discovered": "The real user called the desk the next morning",
                                                    "security_ticket": "SEC-77"]))
        h.newCaseID = "CASE-2"
        // Relinking leads to lifting the suspension: a senior admin's step.
        let relink = assertAccepted(h.submit("incident_relink", ["handover": "yes"], as: Operators.bob))

        XCTAssertEqual(h.eventTypes, ["case.opened", "verification.recorded", "backup_codes.checked", "recovery.chosen",
                                      "mfa.factor_admin_reset.requested", "mfa.factor_admin_reset",
                                      "mfa.factor_enrolled", "user.notified.requested", "user.notified", "case.closed",
                                      "incident.declared", "user.suspended.requested", "user.suspended",
                                      "incident.user_notified", "incident.recorded", "case.linked", "case.closed"])
        XCTAssertEqual(h.currentState.outcome, "incident")
        XCTAssertEqual(h.currentState.currentStep, "closed_incident")
        h.assertReplayMatchesIncrementalState()

        // The edge carries out the effect: a new case for the same user, linked to this one.
        guard case .openLinkedCase(let linkedID, let subject, let linkedFrom)? = relink.effects.first else {
            return XCTFail("expected an openLinkedCase effect, got \(relink.effects)")
        }
        var suspended = h.facts
        suspended.user.suspended = true
        let suspension = h.currentState.completedActions.last { $0.action == .suspendUser }
        let suspensionKey = h.events.compactMap { event -> String? in
            if case .actionCompleted(let c) = event.body, c.request.action == .suspendUser { return c.request.idempotencyKey }
            return nil
        }.last
        XCTAssertNotNil(suspension)
        suspended.user.suspendedBy = suspensionKey
        let linked = try CaseHarness(facts: suspended, now: h.now)
        assertAccepted(linked.open(caseID: linkedID, subject: subject, linkedFrom: linkedFrom, linkedFromIncident: true,
                                   incidentWorkers: Array(Set(h.events.map(\.actor))).sorted(), incidentSuspension: suspensionKey))
        linked.verify(Evidence.video(reference: "SEC-77"))
        linked.checkBackupCodes()
        linked.chooseRecovery("device")
        // Its admin actions take a senior who did not work the incident (alice and bob did).
        assertAccepted(linked.decide(.requestApproval(reason: "Linked case of the incident: real user verified on video")))
        assertAccepted(linked.decide(.approve(reason: "Checked the video verification against HR"), as: Operators.carol))
        linked.performAction("force_reset")
        linked.performAction("set_temporary_password")
        linked.observeNewFactor()
        linked.sendFollowUp()

        XCTAssertEqual(linked.eventTypes, ["case.opened", "verification.recorded", "backup_codes.checked", "recovery.chosen",
                                           "approval.requested", "approval.granted", "mfa.factor_admin_reset.requested", "mfa.factor_admin_reset",
                                           "user.password_set_by_admin.requested", "user.password_set_by_admin",
                                           "mfa.factor_enrolled", "user.notified.requested", "user.notified", "case.closed"])
        XCTAssertEqual(linked.currentState.caseID, "CASE-2")
        XCTAssertEqual(linked.currentState.linkedFrom, "CASE-1")
        XCTAssertTrue(linked.currentState.linkedFromIncident)
        XCTAssertEqual(linked.currentState.outcome, "resolved")
        linked.assertReplayMatchesIncrementalState()
    }

    func testReplayOfALogThatDoesNotStartWithCaseOpenedIsRejected() throws {
        let h = try CaseHarness()
        h.walkToRecoveryAction()
        XCTAssertNil(CaseState.replay(Array(h.events.dropFirst()), runbook: h.runbook))
        XCTAssertNil(CaseState.replay([], runbook: h.runbook))
    }
}

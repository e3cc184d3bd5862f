import XCTest
import Engine

/// "Resetting a privileged account (tenant admin) needs a second person's approval
/// (a senior admin other than the operator)."
final class PrivilegedApprovalTests: XCTestCase {
    private let approvalReason = "Tenant admin lost their phone, verified by video"

    func testOrdinaryAccountNeedsNoApproval() throws {
        let h = try CaseHarness()
        h.walkToRecoveryAction()
        let evaluation = h.evaluate("force_reset", h.actionValues("force_reset"))
        XCTAssertFalse(evaluation.checklist.contains { $0.name == "privilegedResetApproved" }, "not applicable")
        assertRefused(h.decide(.requestApproval(reason: approvalReason)), .invalid, messageContains: ["not a privileged account"])
    }

    func testPrivilegedResetWithoutApprovalIsRefused() throws {
        let h = try CaseHarness(facts: Subject.facts(privileged: true))
        h.walkToRecoveryAction()
        let refusal = assertRefused(h.submit("force_reset", h.actionValues("force_reset")), .gate, failing: ["privilegedResetApproved"])
        XCTAssertEqual(failureMessage(refusal, check: "privilegedResetApproved"),
                       "Privileged account (tenant admin): a senior admin other than you must approve; request approval")
    }

    func testRequestingApprovalPutsTheCaseInAwaitingApproval() throws {
        let h = try CaseHarness(facts: Subject.facts(privileged: true))
        h.walkToRecoveryAction()
        let decision = assertAccepted(h.decide(.requestApproval(reason: approvalReason)))
        XCTAssertEqual(decision.events.map(\.type), ["approval.requested"])
        XCTAssertEqual(h.currentState.status, .awaitingApproval)
        XCTAssertEqual(h.currentState.approval?.state, .requested)
        assertRefused(h.submit("force_reset", h.actionValues("force_reset")), .invalid, messageContains: ["approval"])
    }

    func testApprovalByTheOperatorThemselfIsRefusedEvenIfSenior() throws {
        let h = try CaseHarness(facts: Subject.facts(privileged: true), actor: Operators.carol)
        h.walkToRecoveryAction()
        assertAccepted(h.decide(.requestApproval(reason: approvalReason)))
        assertRefused(h.decide(.approve(reason: "I verified them myself, approving")), .notPermitted,
                      messageContains: ["cannot approve their own case"])
        XCTAssertEqual(h.currentState.approval?.state, .requested)
    }

    func testApprovalByAnAgentIsRefused() throws {
        let h = try CaseHarness(facts: Subject.facts(privileged: true))
        h.walkToRecoveryAction()
        assertAccepted(h.decide(.requestApproval(reason: approvalReason)))
        assertRefused(h.decide(.approve(reason: "Looks fine from here"), as: Operators.aaron), .notPermitted,
                      messageContains: ["Only a senior admin"])
    }

    func testApprovalByAnotherSeniorLetsTheResetPass() throws {
        let h = try CaseHarness(facts: Subject.facts(privileged: true), actor: Operators.carol)
        h.walkToRecoveryAction()
        assertAccepted(h.decide(.requestApproval(reason: approvalReason)))
        let approved = assertAccepted(h.decide(.approve(reason: "Checked the video evidence and ticket"), as: Operators.bob))
        XCTAssertEqual(approved.events.map(\.type), ["approval.granted"])
        XCTAssertEqual(h.currentState.status, .open)
        let evaluation = h.evaluate("force_reset", h.actionValues("force_reset"))
        XCTAssertEqual(evaluation.checklist.first { $0.name == "privilegedResetApproved" }?.message, "Approved by bob after the verification of 2026-05-17")
        assertAccepted(h.submit("force_reset", h.actionValues("force_reset")))
    }

    func testTheApproverCannotThenPerformTheResetThemself() throws {
        let h = try CaseHarness(facts: Subject.facts(privileged: true))
        h.walkToRecoveryAction()
        assertAccepted(h.decide(.requestApproval(reason: approvalReason)))
        assertAccepted(h.decide(.approve(reason: "Checked the video evidence and ticket"), as: Operators.bob))
        let refusal = assertRefused(h.submit("force_reset", h.actionValues("force_reset"), as: Operators.bob), .gate,
                                    failing: ["privilegedResetApproved"])
        XCTAssertEqual(failureMessage(refusal, check: "privilegedResetApproved"),
                       "bob approved this and is the operator performing the action: a senior admin who did not work the case must approve")
    }

    func testDeniedApprovalKeepsTheResetRefused() throws {
        let h = try CaseHarness(facts: Subject.facts(privileged: true))
        h.walkToRecoveryAction()
        assertAccepted(h.decide(.requestApproval(reason: approvalReason)))
        let denied = assertAccepted(h.decide(.denyApproval(reason: "Video was too dark to compare"), as: Operators.bob))
        XCTAssertEqual(denied.events.map(\.type), ["approval.denied"])
        XCTAssertEqual(h.currentState.status, .open)
        let refusal = assertRefused(h.submit("force_reset", h.actionValues("force_reset")), .gate, failing: ["privilegedResetApproved"])
        XCTAssertEqual(failureMessage(refusal, check: "privilegedResetApproved"), "Approval denied by bob: Video was too dark to compare")
    }

    func testAdminGeneratedCodesForAPrivilegedAccountNeedApprovalToo() throws {
        let h = try CaseHarness(facts: Subject.facts(privileged: true))
        h.walkToRecoveryAction(situation: "device_and_app")
        assertRefused(h.submit("generate_backup_codes", h.actionValues("generate_backup_codes", ["delivery_channel": "video"])), .gate,
                      failing: ["privilegedResetApproved"])
        assertAccepted(h.decide(.requestApproval(reason: approvalReason)))
        assertAccepted(h.decide(.approve(reason: "Checked the video evidence and ticket"), as: Operators.bob))
        assertAccepted(h.submit("generate_backup_codes", h.actionValues("generate_backup_codes", ["delivery_channel": "video"])))
    }

    func testRequestingApprovalAwayFromAnActionStepIsRefused() throws {
        let h = try CaseHarness(facts: Subject.facts(privileged: true))
        h.openCase()
        h.verify()
        assertRefused(h.decide(.requestApproval(reason: approvalReason)), .invalid, messageContains: ["request it at the reset step"])
    }
}

import XCTest
import Engine

/// Procedure step 2, "Check for backup codes": with codes left the user owns the recovery
/// and nothing is reset; with none left the case continues to an admin action.
final class BackupCodeTests: XCTestCase {
    func testBackupCodesRemainingLeadToSelfServiceAndNoReset() throws {
        let h = try CaseHarness(facts: Subject.facts(backupCodesRemaining: 3))
        h.openCase()
        h.verify()
        let decision = assertAccepted(h.submit("check_backup_codes", [:]))
        XCTAssertEqual(decision.events.map(\.type), ["backup_codes.checked"])
        XCTAssertEqual(h.currentState.currentStep, "backup_code_self_service")

        let guided = assertAccepted(h.submit("backup_code_self_service", ["walked_through": "yes"]))
        XCTAssertEqual(guided.events.map(\.type), ["recovery.self_service_guided", "case.closed"])
        XCTAssertTrue(guided.effects.isEmpty, "no platform action")
        XCTAssertEqual(h.currentState.status, .closed)
        XCTAssertEqual(h.currentState.outcome, "resolved_self_service")
        XCTAssertTrue(h.currentState.completedActions.isEmpty)
        XCTAssertFalse(h.eventTypes.contains { $0.contains("reset") || $0.contains("by_admin") })
    }

    func testNoBackupCodesRemainingLeadToChoosingARecovery() throws {
        let h = try CaseHarness(facts: Subject.facts(backupCodesRemaining: 0))
        h.openCase()
        h.verify()
        let decision = assertAccepted(h.submit("check_backup_codes", [:]))
        XCTAssertEqual(decision.events.first?.payload["next"], .string("choose_recovery"))
        XCTAssertEqual(h.currentState.currentStep, "choose_recovery")
    }

    func testOneBackupCodeLeftIsEnoughForSelfService() throws {
        let h = try CaseHarness(facts: Subject.facts(backupCodesRemaining: 1))
        h.openCase()
        h.verify()
        h.checkBackupCodes()
        XCTAssertEqual(h.currentState.currentStep, "backup_code_self_service")
    }

    func testSelfServiceWalkthroughNotConfirmedIsRefused() throws {
        let h = try CaseHarness(facts: Subject.facts(backupCodesRemaining: 3))
        h.openCase()
        h.verify()
        h.checkBackupCodes()
        assertRefused(h.submit("backup_code_self_service", ["walked_through": "no"]), .gate, failing: ["field.walked_through"])
        XCTAssertEqual(h.currentState.status, .open)
    }
}

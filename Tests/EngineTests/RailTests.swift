import Foundation
import XCTest
@testable import Engine

/// The rail shows the path taken, then the current step, then only the steps still possible
/// from it, in order: never a branch not taken, never the current step ahead of its path.
final class RailTests: XCTestCase {
    func ids(_ h: CaseHarness) -> [String] { h.currentState.railSteps(in: h.runbook).map(\.id) }

    func testAtTheStartEveryStepStillPossibleIsAhead() throws {
        let h = try CaseHarness()
        h.openCase()
        XCTAssertEqual(ids(h).first, "verify_identity")
        XCTAssertFalse(ids(h).contains { h.runbook.step($0)?.terminal == true }, "ends are not steps to walk")
    }

    func testATakenBranchDropsTheStepsOfTheOthers() throws {
        let h = try CaseHarness()
        h.walkToRecoveryAction()
        let rail = ids(h)
        let current = h.currentState.currentStep
        let index = try XCTUnwrap(rail.firstIndex(of: current))
        XCTAssertEqual(Array(rail.prefix(index)), Array(h.currentState.completedSteps.prefix(index)), "the path taken comes first, in order")
        let ahead = h.runbook.stepsReachable(from: current)
        for id in rail.dropFirst(index + 1) { XCTAssertTrue(ahead.contains(id), "\(id) is listed but cannot be reached from \(current)") }
        XCTAssertFalse(rail.contains("backup_code_self_service"), "a branch not taken is not listed: \(rail)")
    }

    func testAfterVerificationRestartsTheCurrentStepFollowsThePathTaken() throws {
        let h = try CaseHarness()
        h.walkToRecoveryAction()
        assertAccepted(h.decide(.restartVerification(reason: "Wrong ticket reference recorded on the verification")))
        let rail = ids(h)
        XCTAssertEqual(h.currentState.currentStep, "verify_identity")
        let current = try XCTUnwrap(rail.firstIndex(of: "verify_identity"))
        XCTAssertGreaterThan(current, 0, "the current step is drawn after the path that led back to it: \(rail)")
        XCTAssertEqual(Set(rail).count, rail.count, "no step twice")
    }
}

import Foundation
import XCTest
@testable import Engine

/// A case held by an operator who is gone (a crash, a hang-up, home time) can be taken over by a
/// senior admin, with a reason, recorded; nobody else can take it, and there is nothing to take
/// from nobody.
final class TakeOverTests: XCTestCase {
    let reason = "Alice's terminal crashed mid-call; finishing with the caller"

    func testASeniorTakesOverAHeldCaseWithAReasonRecorded() throws {
        let h = try CaseHarness()
        h.openCase()
        h.heldBy = "alice"
        XCTAssertTrue(CaseEngine.isAvailable(.takeOver, state: h.currentState, context: h.context(as: Operators.bob)))
        let decision = assertAccepted(h.decide(.takeOver(reason: reason), as: Operators.bob))
        XCTAssertEqual(decision.events.map(\.type), ["case.taken_over"])
        XCTAssertEqual(decision.events[0].actor, "bob")
        XCTAssertEqual(decision.events[0].reason, reason)
        XCTAssertEqual(decision.events[0].payload["from"], .string("alice"))
        XCTAssertEqual(h.currentState.status, .open, "nothing else about the case changes")
        h.assertReplayMatchesIncrementalState()
    }

    func testAnAgentCannotTakeOverAColleaguesCase() throws {
        let h = try CaseHarness()
        h.openCase()
        h.heldBy = "carol"
        let agent = Actor(login: "dan", role: .agent)
        XCTAssertFalse(CaseEngine.isAvailable(.takeOver, state: h.currentState, context: h.context(as: agent)))
        assertRefused(h.decide(.takeOver(reason: reason), as: agent), .notPermitted)
        XCTAssertEqual(h.eventTypes, ["case.opened"])
    }

    func testNothingToTakeOverWhenNobodyElseHoldsTheCase() throws {
        let h = try CaseHarness()
        h.openCase()
        XCTAssertFalse(CaseEngine.isAvailable(.takeOver, state: h.currentState, context: h.context(as: Operators.bob)))
        assertRefused(h.decide(.takeOver(reason: reason), as: Operators.bob), .invalid, messageContains: ["Nobody else holds"])
    }

    func testATakeOverNeedsAReasonAReviewerCanUse() throws {
        let h = try CaseHarness()
        h.openCase()
        h.heldBy = "alice"
        assertRefused(h.decide(.takeOver(reason: "mine"), as: Operators.bob), .invalid, messageContains: ["too short"])
    }

    func testAClosedCaseIsNotTakenOver() throws {
        let h = try CaseHarness()
        h.openCase()
        assertAccepted(h.decide(.refuse(signal: "gut_says_no", reason: "Caller hesitated over their own manager's name")))
        assertAccepted(h.decide(.review(.uphold, reason: "Refusal stands: no out-of-band verification was possible"), as: Operators.bob))
        h.heldBy = "alice"
        assertRefused(h.decide(.takeOver(reason: reason), as: Operators.carol), .invalid, messageContains: ["closed"])
    }
}

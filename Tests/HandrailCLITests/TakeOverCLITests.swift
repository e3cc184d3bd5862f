import Foundation
import XCTest

/// `handrail case take-over ID --reason TEXT`: a senior admin takes a held case from an operator
/// who is gone, recorded with the reason; an agent cannot; the previous holder is then the one
/// refused as "held".
final class TakeOverCLITests: XCTestCase {
    private var handrail: HandrailProcess!

    override func setUpWithError() throws {
        handrail = try HandrailProcess(login: "alice")
        // alice, the first operator, is the senior admin.
        for agent in ["aaron", "bea"] {
            XCTAssertEqual(try handrail.run(["operator", "add", agent, "--role", "agent"]).status, 0)
        }
    }

    override func tearDown() {
        handrail = nil
    }

    func testASeniorTakesOverAHeldCaseAndTheFormerHolderIsThenRefused() throws {
        let c = try ManualCase.open(handrail, subject: "sam@example.com", as: "aaron")
        // The attack: another agent takes the case from a colleague.
        let agent = try handrail.run(["case", "take-over", c.id, "--reason", "Aaron is slow, I will finish this one"], as: "bea")
        XCTAssertEqual(agent.status, 4, "\(agent)")
        XCTAssertFalse(try c.eventTypes().contains("case.taken_over"))
        // Without a reason, nothing is taken.
        let bare = try handrail.run(["case", "take-over", c.id])
        XCTAssertEqual(bare.status, 2, "\(bare)")
        XCTAssertTrue(bare.err.contains("--reason"), "\(bare)")

        // The honest path: the senior, with a reason.
        let taken = try handrail.run(["case", "take-over", c.id, "--reason", "Aaron's terminal crashed mid-call; finishing with the caller"])
        XCTAssertEqual(taken.status, 0, "\(taken)")
        XCTAssertEqual(try c.eventTypes().last, "case.taken_over")
        let audit = try handrail.run(["audit", "--case", c.id, "--event", "case.taken_over", "--format", "json"])
        XCTAssertTrue(audit.out.contains("\"from\":\"aaron\""), audit.out)
        XCTAssertTrue(audit.out.contains("Aaron's terminal crashed mid-call"), audit.out)

        // The former holder is now the one told the case is held.
        let late = try c.act(["pause", "--reason", "Back from the crash, pausing to call back"], as: "aaron", expect: 5)
        XCTAssertTrue(late.err.contains("alice"), "\(late)")
    }

    func testNothingToTakeOverFromNobody() throws {
        let c = try ManualCase.open(handrail, subject: "sam@example.com", as: "aaron")
        try c.release(as: "aaron")
        let run = try handrail.run(["case", "take-over", c.id, "--reason", "Picking up the case from the queue"])
        XCTAssertEqual(run.status, 2, "\(run)")
        XCTAssertTrue(run.err.contains("Nobody else holds"), "\(run)")
    }
}

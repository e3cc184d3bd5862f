import Engine
import Foundation
import Store
import XCTest

/// Time in the log only moves forward: `faketime -f -400d handrail …` wrote a reset dated a year
/// ago that `audit --since` never showed. An append dated before the log's last event, beyond the
/// clock-skew allowance, is refused with nothing written; within it (two terminals' clocks), it goes in.
final class ForwardTimeTests: StoreTestCase {
    func testAnAppendDatedBeforeTheLastEventIsRefusedAndWritesNothing() throws {
        let store = try makeStore()
        try append(store, [event("HR-1", type: "case.opened", at: t0)], after: 0)
        let backdated = t0.addingTimeInterval(-400 * 86_400)
        XCTAssertThrowsError(try append(store, [event("HR-2", type: "case.opened", at: backdated)], after: 0)) { error in
            XCTAssertEqual(error as? StoreError, .timeWentBackwards(last: self.t0, attempted: backdated))
        }
        XCTAssertThrowsError(try store.appendDeskEvent(event("~roster", at: backdated)))
        XCTAssertEqual(try store.eventCount(), 1)
        // Within the allowance: another terminal's clock a minute behind.
        try append(store, [event("HR-3", type: "case.opened", at: t0.addingTimeInterval(-60))], after: 0)
        XCTAssertEqual(try store.eventCount(), 2)
        XCTAssertTrue(try store.timeRegressions().isEmpty)
    }

    /// The attack: a clock set back a little less than the allowance before each command. Against
    /// the last event alone, every step went in and the log walked back as far as wanted; against
    /// the latest time in the log, the second step is refused.
    func testAWalkBackInStepsWithinTheAllowanceIsRefusedAtTheSecondStep() throws {
        let store = try makeStore()
        try append(store, [event("HR-1", type: "case.opened", at: t0)], after: 0)
        try append(store, [event("HR-2", type: "case.opened", at: t0.addingTimeInterval(-100))], after: 0)
        let second = t0.addingTimeInterval(-200)
        XCTAssertThrowsError(try append(store, [event("HR-3", type: "case.opened", at: second)], after: 0)) { error in
            XCTAssertEqual(error as? StoreError, .timeWentBackwards(last: self.t0, attempted: second))
        }
        XCTAssertEqual(try store.eventCount(), 2)
        // The honest path: a later time goes in.
        try append(store, [event("HR-4", type: "case.opened", at: t0.addingTimeInterval(1))], after: 0)
        XCTAssertTrue(try store.timeRegressions().isEmpty)
    }
}

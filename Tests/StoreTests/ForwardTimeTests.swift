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
}

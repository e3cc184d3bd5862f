import Engine
import Foundation
import Store
import XCTest

/// `appendBulk`: many cases in one transaction, chained exactly as one-by-one appends are, and
/// all or nothing.
final class BulkAppendChainsLikeAppendAndIsAllOrNothingTests: StoreTestCase {
    private func batch(_ ids: [String], eventsEach: Int = 3, projected: Bool = true) -> [CaseAppend] {
        ids.map { id in
            let events = (0..<eventsEach).map { i in event(id, at: t0.addingTimeInterval(Double(i)), reason: i == 1 ? "why \(id)" : nil,
                                                           payload: ["n": .number(Double(i))]) }
            return CaseAppend(caseID: id, events: events,
                              projection: projected ? projection(id, lastCaseSeq: eventsEach, at: events.last!.time) : nil)
        }
    }

    func testBulkAppendedLogHashesAsOneByOneAppendsAndVerifies() throws {
        let bulk = try makeStore(path("bulk.db"))
        XCTAssertEqual(try bulk.appendBulk(batch(["HR-1", "HR-2"])), 6)
        XCTAssertEqual(try bulk.appendBulk(batch(["HR-3"])), 3)
        let single = try makeStore(path("single.db"))
        for c in batch(["HR-1", "HR-2", "HR-3"]) {
            try single.append(c.events, caseID: c.caseID, expectedLastCaseSeq: 0, projection: c.projection!)
        }
        XCTAssertEqual(try bulk.chainHead().seq, 9)
        XCTAssertEqual(try bulk.chainHead().hash, try single.chainHead().hash, "the same events chain to the same head")
        XCTAssertNil(try ChainVerifier(store: bulk).verify().problem)
        XCTAssertEqual(try bulk.caseRecord("HR-2")?.projection.lastCaseSeq, 3)
        XCTAssertEqual(try bulk.events(caseID: "HR-3").map(\.caseSeq), [1, 2, 3])
    }

    func testWithoutProjectionsOnlyTheLogHoldsTheCases() throws {
        let store = try makeStore()
        try store.appendBulk(batch(["HR-1", "HR-2"], projected: false))
        XCTAssertEqual(try store.eventCount(), 6)
        XCTAssertNil(try store.caseRecord("HR-1"))
        XCTAssertNil(try ChainVerifier(store: store).verify().problem)
    }

    func testACaseThatMovedOnLeavesTheWholeBatchUnwritten() throws {
        let store = try makeStore()
        try store.appendBulk(batch(["HR-1"]))
        let head = try store.chainHead()
        let error = storeError { try store.appendBulk(batch(["HR-2", "HR-1", "HR-3"])) }
        XCTAssertEqual(error, .caseChanged(caseID: "HR-1", expected: 0, actual: 3))
        XCTAssertEqual(try store.eventCount(), 3, "nothing of the failed batch is kept")
        XCTAssertEqual(try store.chainHead().hash, head.hash)
        XCTAssertNil(try store.caseRecord("HR-2"))
    }
}

import Engine
import Foundation
import Runbook
import SQLiteCore
@testable import Store
import XCTest

/// The verifier names an event dated more than the clock-skew allowance before the event just
/// before it, in the same pass as the hashes (appends refuse such a time, so the clock was set
/// back or the row written around Handrail): found whether the pair falls inside a range or
/// across the boundary of two ranges verified in parallel; an event dated a little earlier, as
/// two terminals' clocks differ, is not.
final class TimeRegressionVerifyTests: StoreTestCase {
    /// Eleven events a minute apart, the sixth dated `offset` seconds after the fifth instead:
    /// written with raw SQL and its true hash, as someone with the file could, the rest appended
    /// after it. Split into two, four or eight ranges, the sixth event starts a range.
    func logWithSixthEventAt(offset: TimeInterval) throws -> HandrailStore {
        let store = try makeStore()
        try append(store, (0..<5).map { event("HR-T", at: t0.addingTimeInterval(Double($0) * 60)) }, after: 0)
        let head = try store.chainHead()
        let time = EventTime.format(t0.addingTimeInterval(4 * 60 + offset))
        let hash = EventHashing().hash(previous: head.hash, seq: 6, caseSeq: 1, time: time, actor: "alice", caseID: "HR-X",
                                       subject: "ada@example.com", type: "note.added", reason: nil, payload: "{}")
        let raw = try RawConnection(databasePath)
        try raw.run("""
        INSERT INTO events (seq, time, actor, case_id, case_seq, subject, type, reason, payload, prev_hash, hash)
        VALUES (6, ?1, 'alice', 'HR-X', 1, 'ada@example.com', 'note.added', NULL, '{}', ?2, ?3)
        """, [.text(time), .blob(head.hash), .blob(hash)])
        try append(store, (5..<10).map { event("HR-T", at: t0.addingTimeInterval(Double($0) * 60)) }, after: 5)
        return store
    }

    func reports(_ store: HandrailStore) throws -> [ChainVerifier.Report] {
        var split = ChainVerifier(store: store)
        split.parallelThreshold = 1
        return [try ChainVerifier(store: store).verify(), try split.verify()]
    }

    func testAnEventDatedWellBeforeTheOneBeforeItIsNamedWhereverTheRangesFall() throws {
        let store = try logWithSixthEventAt(offset: -600)
        for report in try reports(store) {
            XCTAssertNil(report.problem, "the chain itself is intact")
            XCTAssertEqual(report.eventsChecked, 11)
            XCTAssertEqual(report.timeRegression?.seq, 6)
            XCTAssertEqual(report.timeRegression?.time, EventTime.format(t0.addingTimeInterval(4 * 60 - 600)))
            XCTAssertEqual(report.timeRegression?.previousTime, EventTime.format(t0.addingTimeInterval(4 * 60)))
        }
        XCTAssertEqual(try store.timeRegressions().map(\.seq), [6], "the store's own scan agrees")
    }

    func testClocksThatDifferByLessThanTheAllowanceAreNotARegression() throws {
        for report in try reports(try logWithSixthEventAt(offset: -(HandrailStore.clockSkewAllowance - 1))) {
            XCTAssertNil(report.problem)
            XCTAssertNil(report.timeRegression)
        }
        XCTAssertTrue(try makeStore().timeRegressions().isEmpty, "the store's own scan agrees")
    }
}

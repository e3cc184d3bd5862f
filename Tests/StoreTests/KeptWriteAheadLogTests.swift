import Engine
import Foundation
import SQLiteCore
@testable import Store
import XCTest

/// The write-ahead log outlives each connection (a command-line process pays its commit, not a
/// checkpoint at exit), stays short (a connection that closes it past its limit checkpoints and
/// truncates it), and loses nothing either way.
final class KeptWriteAheadLogTests: StoreTestCase {
    private var walSize: Int {
        ((try? FileManager.default.attributesOfItem(atPath: databasePath + "-wal"))?[.size] as? NSNumber)?.intValue ?? -1
    }

    /// Honest path: one connection per decision, as the command line opens them. After each, the
    /// log is still there (not checkpointed at close) and everything committed reads back.
    func testTheLogIsKeptWhenTheLastConnectionClosesAndEveryCommitReadsBack() throws {
        for n in 0..<3 {
            let store = try makeStore()
            try append(store, [event("HR-KEPT0001", at: t0.addingTimeInterval(Double(n)), reason: "note \(n)")], after: n)
        }
        XCTAssertGreaterThan(walSize, 0, "the log is kept when the last connection closes")
        let reader = try HandrailStore(path: databasePath, create: false, readOnly: true, now: Date.init)
        XCTAssertEqual(try reader.events(caseID: "HR-KEPT0001").map(\.event.reason), ["note 0", "note 1", "note 2"])
    }

    /// The attack on the disk: many short-lived connections, each alone with the file (so each
    /// rebuilds the log's index from the log). The log never grows past its limit by more than
    /// one decision, and no commit is lost to the truncations.
    func testManyShortLivedConnectionsKeepTheLogShortAndLoseNothing() throws {
        let decisions = 120
        var largest = 0
        for n in 0..<decisions {
            let store = try makeStore()
            try append(store, [event("HR-KEPT0002", at: t0.addingTimeInterval(Double(n)), reason: String(repeating: "x", count: 2_000) + "\(n)")],
                       after: n)
            largest = max(largest, walSize)
        }
        XCTAssertLessThanOrEqual(largest, Database.writeAheadLogLimitBytes + 256 * 1024,
                                 "the kept log is checkpointed and truncated once it passes its limit")
        let reader = try HandrailStore(path: databasePath, create: false, readOnly: true, now: Date.init)
        let events = try reader.events(caseID: "HR-KEPT0002")
        XCTAssertEqual(events.count, decisions)
        XCTAssertEqual(events.last?.event.reason?.hasSuffix("\(decisions - 1)"), true)
    }
}

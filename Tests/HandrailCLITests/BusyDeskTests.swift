import Foundation
import HandrailTestSupport
import SQLiteCore
import XCTest

/// A busy desk: many operators' processes at once, and other connections holding the database.
/// SQLite's "database is locked" must never reach an operator: writers queue on the write lock
/// (BEGIN IMMEDIATE and the busy timeout), and commands that only read never ask for it.
final class BusyDeskTests: XCTestCase {
    static let subject = "ada@example.com"

    /// Twenty-four operators add a note each to their own case while eight read (the queue, a
    /// case, the audit log, its verification), all released at the same moment, three times over:
    /// every command exits 0, none mentions a busy or locked database, every note lands once.
    func testTwentyFourWritersAndEightReadersAtOnceAllSucceed() throws {
        let h = try ReliabilityHarness()
        let writers = (1...24).map { "agent\($0)" }
        try h.enrol(writers)
        var cases: [String: String] = [:]
        // One person per writer: a person has one open case at a time.
        for login in writers { cases[login] = try h.openCase("\(login)-caller@example.com", as: login) }
        let anyCase = cases[writers[0]]!
        let reads: [[String]] = [["case", "list"], ["case", "show", anyCase], ["audit"], ["audit", "verify"]]

        let rounds = 3
        for round in 1...rounds {
            let notes = writers.map { login in
                (arguments: ["case", "note", cases[login]!, "Round \(round): \(login) called the user back"], login: login)
            }
            let readers = (0..<8).map { (arguments: reads[$0 % reads.count], login: "lead") }
            ReliabilityHarness.assertAllSucceeded(try h.race(notes + readers))
        }
        let events = try h.gaplessLog()
        for login in writers {
            XCTAssertEqual(events.filter { $0.caseID == cases[login] }.map(\.type), ["case.opened"] + Array(repeating: "note.added", count: rounds), login)
        }
    }

    /// Another connection holds the write lock (as Litestream does for a moment, or a long
    /// writer): the commands that only read go on and exit 0, because they never ask for it;
    /// a decision started meanwhile waits its turn and lands, it does not fail with "locked".
    func testReadsNeverWaitForTheWriteLockAndAWriterWaitsItsTurn() throws {
        let h = try ReliabilityHarness()
        try h.enrol(["agent1"])
        let id = try h.openCase(Self.subject, as: "agent1")
        let holder = try Database(path: h.database, mode: .readWrite)
        try holder.execute("BEGIN IMMEDIATE")
        var held = true
        defer { if held { try? holder.execute("ROLLBACK") } }

        for read in [["case", "list"], ["case", "show", id], ["audit"], ["audit", "verify"], ["operator", "list"]] {
            let result = try h.run(read, as: "lead")
            XCTAssertEqual(result.status, 0, "a read while another connection holds the write lock: \(result)")
            XCTAssertFalse(result.mentionsBusyDatabase, "\(result)")
        }
        // The writer starts while the lock is held; the lock is let go a moment later (well within
        // the busy timeout). Whether it arrives before or after, it must land.
        let writer = try h.start(["case", "note", id, "A note made while the database was busy"], as: "agent1")
        usleep(300_000) // the writer meets the held lock
        try holder.execute("COMMIT")
        held = false
        let result = try writer.finish()
        XCTAssertEqual(result.status, 0, "\(result)")
        XCTAssertFalse(result.mentionsBusyDatabase, "\(result)")
        XCTAssertEqual(try h.gaplessLog().filter { $0.caseID == id }.map(\.type), ["case.opened", "note.added"])
    }
}

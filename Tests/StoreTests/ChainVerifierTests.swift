import CSQLite
import Engine
import Foundation
import HandrailCLI
import Runbook
import SQLiteCore
@testable import Store
import XCTest

/// `audit verify` on a 200-event log, tampered with the way someone with the file and the
/// `sqlite3` shell would: a separate connection, the append-only triggers dropped, raw SQL.
/// Every edit, deletion, reordering, insertion and truncation is found and named by its first
/// bad sequence number; a replaced head whose chain_head was rewritten too is caught by
/// comparing with a head recorded elsewhere (`--expect-head`).
final class ChainVerifierFindsTamperingTests: StoreTestCase {
    private let eventCount: Int64 = 200

    override func setUpWithError() throws {
        try super.setUpWithError()
        try writeLog()
    }

    /// 200 events over 20 cases, interleaved, with reasons and payloads, in 40 appends.
    private func writeLog() throws {
        let store = try makeStore()
        var counts: [String: Int] = [:]
        var seq = 0
        for round in 0..<40 {
            let caseID = "HR-\(round % 20)"
            let subject = "user\(round % 20)@example.com"
            let events = (0..<5).map { i -> CaseEvent in
                seq += 1
                return event(caseID, type: i == 0 ? "case.opened" : "note.added", subject: subject, actor: ["alice", "bob"][seq % 2],
                             at: t0.addingTimeInterval(Double(seq)), reason: seq % 3 == 0 ? nil : "reason for event \(seq)",
                             payload: ["n": .number(Double(seq)), "step": .string("verify_identity")])
            }
            try append(store, events, after: counts[caseID, default: 0])
            counts[caseID, default: 0] += 5
        }
        XCTAssertEqual(try store.eventCount(), eventCount)
    }

    /// Verifies on a fresh connection, as `handrail audit verify` would, both on one connection
    /// and split into ranges checked in parallel; both must name the same first bad sequence.
    private func verify(file: StaticString = #filePath, line: UInt = #line) throws -> ChainVerifier.Report {
        let sequential = try ChainVerifier(store: makeStore()).verify()
        var split = ChainVerifier(store: try makeStore())
        split.parallelThreshold = 1
        let parallel = try split.verify()
        XCTAssertEqual(parallel.problem?.seq, sequential.problem?.seq, "parallel and sequential verification disagree", file: file, line: line)
        XCTAssertEqual(parallel.headHash, sequential.headHash, file: file, line: line)
        if sequential.problem == nil {
            XCTAssertEqual(parallel.eventsChecked, sequential.eventsChecked, file: file, line: line)
            XCTAssertEqual(parallel.bytesHashed, sequential.bytesHashed, file: file, line: line)
        }
        return sequential
    }

    /// Edits the file from a separate connection with raw SQL, triggers dropped first.
    private func tamper(_ sql: String, _ values: [SQLValue] = []) throws {
        let raw = try RawConnection(databasePath)
        try raw.execute("""
        DROP TRIGGER IF EXISTS events_are_append_only_update;
        DROP TRIGGER IF EXISTS events_are_append_only_delete;
        """)
        if values.isEmpty { try raw.execute(sql) } else { try raw.run(sql, values) }
    }

    private struct Row {
        var seq: Int64, caseSeq: Int64, time: String, actor: String, caseID: String, subject: String, type: String
        var reason: String?, payload: String, prevHash: [UInt8], hash: [UInt8]
    }

    private func row(_ seq: Int64) throws -> Row {
        let db = try Database(path: databasePath, mode: .readOnly)
        let s = try db.prepare("""
        SELECT seq, case_seq, time, actor, case_id, subject, type, reason, payload, prev_hash, hash FROM events WHERE seq = ?1
        """)
        try s.bind([.integer(seq)])
        guard try s.step() else { throw MissingRow(seq: seq) }
        return Row(seq: s.int64(0), caseSeq: s.int64(1), time: s.string(2), actor: s.string(3), caseID: s.string(4),
                   subject: s.string(5), type: s.string(6), reason: s.optionalString(7), payload: s.string(8),
                   prevHash: s.bytes(9), hash: s.bytes(10))
    }

    private struct MissingRow: Error { var seq: Int64 }

    private func recomputedHash(_ r: Row) -> [UInt8] {
        let hashing = EventHashing()
        return hashing.hash(previous: r.prevHash, seq: r.seq, caseSeq: r.caseSeq, time: r.time, actor: r.actor, caseID: r.caseID,
                            subject: r.subject, type: r.type, reason: r.reason, payload: r.payload)
    }

    // MARK: Intact

    func testIntactLogHasNoProblemAndReportsItsHead() throws {
        let report = try verify()
        XCTAssertNil(report.problem)
        XCTAssertEqual(report.eventsChecked, eventCount)
        XCTAssertEqual(report.headSeq, eventCount)
        XCTAssertEqual(report.headHash, try row(eventCount).hash)
        XCTAssertGreaterThan(report.bytesHashed, 0)
    }

    func testEmptyLogIsIntact() throws {
        let path = self.path("empty.db")
        let report = try ChainVerifier(store: HandrailStore(path: path, now: Date.init)).verify()
        XCTAssertNil(report.problem)
        XCTAssertEqual(report.eventsChecked, 0)
        XCTAssertEqual(report.headSeq, 0)
        XCTAssertEqual(report.headHash, EventHashing.genesis)
    }

    /// Progress is reported about every `progressInterval` events: once for each multiple of
    /// the interval, never before it is reached and never skipping one. (The verifier counts
    /// in batches, so a report may come somewhat after the mark; the CLI's interval is 100,000.)
    func testProgressIsReportedAtTheGivenInterval() throws {
        let path = self.path("long.db")
        let total: Int64 = 20_000
        do {
            let store = try HandrailStore(path: path, now: Date.init)
            var written = 0
            while written < Int(total) {
                let caseID = "HR-L\(written / 500)"
                let events = (0..<500).map { _ in event(caseID, at: t0) }
                try store.append(events, caseID: caseID, expectedLastCaseSeq: 0, projection: projection(caseID, lastCaseSeq: 500))
                written += 500
            }
        }
        for interval: Int64 in [5_000, 7_000, 20_000] {
            let calls = ProgressCalls()
            let report = try ChainVerifier(store: HandrailStore(path: path, now: Date.init)).verify(progressInterval: interval) { calls.add($0) }
            XCTAssertNil(report.problem)
            let values = calls.values
            XCTAssertEqual(values, values.sorted(), "interval \(interval)")
            XCTAssertEqual(values.count, Int(total / interval), "one report per multiple of \(interval): \(values)")
            for (k, value) in values.enumerated() {
                let mark = Int64(k + 1) * interval
                XCTAssertTrue((mark..<(mark + interval)).contains(value), "report \(k + 1) at \(value), mark \(mark)")
            }
        }
        let none = ProgressCalls()
        _ = try ChainVerifier(store: makeStore()).verify(progressInterval: 1_000) { none.add($0) }
        XCTAssertEqual(none.values, [], "a 200-event log never reaches an interval of 1,000")
    }

    // MARK: Tampering found by the file alone

    func testEditedReasonIsNamed() throws {
        try tamper("UPDATE events SET reason = 'Identity verified in person' WHERE seq = 77")
        let problem = try XCTUnwrap(try verify().problem)
        XCTAssertEqual(problem.seq, 77)
        XCTAssertTrue(problem.reason.contains("edited"), problem.reason)
        XCTAssertTrue(problem.description.hasPrefix("first bad sequence 77"))
    }

    func testEditsToAnyColumnAreNamed() throws {
        let edits: [(Int64, String)] = [(3, "actor = 'mallory'"), (10, "time = '2026-05-17T09:00:00.000Z'"),
                                        (20, "subject = 'eve@example.com'"), (30, "type = 'case.closed'"),
                                        (40, "payload = '{\"n\":40,\"step\":\"approve\"}'"), (50, "case_id = 'HR-X'"),
                                        (60, "case_seq = 99"), (70, "reason = NULL"), (80, "reason = ''")]
        try tamper("SELECT 1")
        let pristine = try Data(contentsOf: URL(fileURLWithPath: databasePath))
        for (seq, assignment) in edits {
            try pristine.write(to: URL(fileURLWithPath: databasePath))
            try tamper("UPDATE events SET \(assignment) WHERE seq = \(seq)")
            XCTAssertEqual(try verify().problem?.seq, seq, assignment)
        }
    }

    func testDeletedMiddleRowIsNamed() throws {
        try tamper("DELETE FROM events WHERE seq = 100")
        let problem = try XCTUnwrap(try verify().problem)
        XCTAssertEqual(problem.seq, 100)
        XCTAssertTrue(problem.reason.contains("missing"), problem.reason)
    }

    func testDeletedFirstRowIsNamed() throws {
        try tamper("DELETE FROM events WHERE seq = 1")
        XCTAssertEqual(try verify().problem?.seq, 1)
    }

    func testTwoRowsSwappedAreNamed() throws {
        // Rows 50 and 51 exchange places: each keeps its contents and hashes, only the order changes.
        try tamper("""
        UPDATE events SET seq = -50 WHERE seq = 50;
        UPDATE events SET seq = 50 WHERE seq = 51;
        UPDATE events SET seq = 51 WHERE seq = -50;
        """)
        let problem = try XCTUnwrap(try verify().problem)
        XCTAssertEqual(problem.seq, 50)
    }

    func testTwoRowsContentsSwappedWithSeqsKeptAreNamed() throws {
        // The other reordering: the rows keep their seq, their contents (and hashes) are exchanged.
        let a = try row(120), b = try row(121)
        let assign = "time = ?2, actor = ?3, case_id = ?4, case_seq = ?5, subject = ?6, type = ?7, reason = ?8, payload = ?9, prev_hash = ?10, hash = ?11"
        func values(_ seq: Int64, _ r: Row) -> [SQLValue] {
            [.integer(seq), .text(r.time), .text(r.actor), .text(r.caseID), .integer(r.caseSeq), .text(r.subject), .text(r.type),
             r.reason.map(SQLValue.text) ?? .null, .text(r.payload), .blob(r.prevHash), .blob(r.hash)]
        }
        // Park row 120's (case, case_seq) first so the UNIQUE constraint allows the exchange.
        try tamper("UPDATE events SET case_seq = -1 WHERE seq = 120")
        try tamper("UPDATE events SET \(assign) WHERE seq = ?1", values(121, a))
        try tamper("UPDATE events SET \(assign) WHERE seq = ?1", values(120, b))
        XCTAssertEqual(try row(120).hash, b.hash)
        XCTAssertEqual(try verify().problem?.seq, 120)
    }

    func testTruncatedTailIsDetectedThroughTheChainHead() throws {
        try tamper("DELETE FROM events WHERE seq > 195")
        let problem = try XCTUnwrap(try verify().problem)
        XCTAssertEqual(problem.seq, 196)
        XCTAssertTrue(problem.reason.contains("truncated"), problem.reason)
    }

    func testReplacedHeadWithRecomputedHashIsDetectedThroughTheChainHead() throws {
        // The last event rewritten with a correctly recomputed hash: the chain itself is
        // consistent, only the recorded head still names the original.
        var last = try row(eventCount)
        last.reason = "Identity verified in person"
        let forged = recomputedHash(last)
        try tamper("UPDATE events SET reason = ?1, hash = ?2 WHERE seq = ?3", [.text(last.reason!), .blob(forged), .integer(eventCount)])
        let problem = try XCTUnwrap(try verify().problem)
        XCTAssertEqual(problem.seq, eventCount)
        XCTAssertTrue(problem.reason.contains("head"), problem.reason)
    }

    func testRowInsertedInTheMiddleIsNamed() throws {
        // A naive forger copies an event into a gap made by shifting the rest up (and drops the
        // trigger that would move the recorded head): its stored hash does not match its new place.
        try tamper("""
        DROP TRIGGER events_advance_chain_head;
        UPDATE events SET seq = -seq WHERE seq >= 100;
        UPDATE events SET seq = -seq + 1 WHERE seq < 0;
        INSERT INTO events (seq, time, actor, case_id, case_seq, subject, type, reason, payload, prev_hash, hash)
            SELECT 100, time, actor, 'HR-FORGED', 1, subject, 'mfa.factor_admin_reset', 'approved', payload, prev_hash, hash
            FROM events WHERE seq = 99;
        """)
        XCTAssertEqual(try verify().problem?.seq, 100)
    }

    func testRowInsertedInTheMiddleWithARecomputedHashIsNamedAtTheNextRow() throws {
        // A careful forger gives the inserted row a correct link and hash; the row after it then
        // no longer links (its prev_hash is the hash of the original 99, its own hash covers seq 100).
        let before = try row(99)
        var forged = Row(seq: 100, caseSeq: 1, time: before.time, actor: "mallory", caseID: "HR-FORGED", subject: before.subject,
                         type: "mfa.factor_admin_reset", reason: "approved", payload: "{}", prevHash: before.hash, hash: [])
        forged.hash = recomputedHash(forged)
        try tamper("""
        DROP TRIGGER events_advance_chain_head;
        UPDATE events SET seq = -seq WHERE seq >= 100;
        UPDATE events SET seq = -seq + 1 WHERE seq < 0;
        """)
        try tamper("""
        INSERT INTO events (seq, time, actor, case_id, case_seq, subject, type, reason, payload, prev_hash, hash)
        VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
        """, [.integer(100), .text(forged.time), .text(forged.actor), .text(forged.caseID), .integer(1), .text(forged.subject),
              .text(forged.type), .text(forged.reason!), .text(forged.payload), .blob(forged.prevHash), .blob(forged.hash)])
        let problem = try XCTUnwrap(try verify().problem)
        XCTAssertEqual(problem.seq, 101, "the first row that does not follow from the one before it")
    }

    func testRowAppendedOutsideHandrailIsDetectedThroughTheChainHead() throws {
        // Appended after the end with a correct link and hash, but the head was not advanced.
        let last = try row(eventCount)
        var forged = Row(seq: eventCount + 1, caseSeq: 1, time: last.time, actor: "mallory", caseID: "HR-FORGED", subject: last.subject,
                         type: "note.added", reason: nil, payload: "{}", prevHash: last.hash, hash: [])
        forged.hash = recomputedHash(forged)
        try tamper("DROP TRIGGER events_advance_chain_head")
        try tamper("""
        INSERT INTO events (seq, time, actor, case_id, case_seq, subject, type, reason, payload, prev_hash, hash)
        VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, NULL, ?8, ?9, ?10)
        """, [.integer(forged.seq), .text(forged.time), .text(forged.actor), .text(forged.caseID), .integer(1), .text(forged.subject),
              .text(forged.type), .text(forged.payload), .blob(forged.prevHash), .blob(forged.hash)])
        let problem = try XCTUnwrap(try verify().problem)
        XCTAssertEqual(problem.seq, eventCount + 1)
        XCTAssertTrue(problem.reason.contains("outside Handrail"), problem.reason)
    }

    // MARK: Head replaced together with chain_head

    /// The last row rewritten with a recomputed hash *and* chain_head rewritten to match: the
    /// file is self-consistent, so the file alone cannot tell. A head recorded elsewhere can.
    func testReplacedHeadWithRewrittenChainHeadIsCaughtOnlyByExpectHead() throws {
        let originalHead = try verify().headHash.hexString
        var last = try row(eventCount)
        last.reason = "Identity verified in person"
        let forged = recomputedHash(last)
        try tamper("UPDATE events SET reason = ?1, hash = ?2 WHERE seq = ?3", [.text(last.reason!), .blob(forged), .integer(eventCount)])
        try tamper("DROP TRIGGER chain_head_moves_forward")
        try tamper("UPDATE chain_head SET hash = ?1 WHERE id = 1", [.blob(forged)])

        let report = try verify()
        XCTAssertNil(report.problem, "not detectable from the file alone")
        XCTAssertEqual(report.headHash, forged)

        // Through the command line, in-process, as an auditor would run it.
        let plain = runHandrail(["audit", "verify"])
        XCTAssertEqual(plain.status, 0, plain.err)
        XCTAssertTrue(plain.out.contains("chain intact"), plain.out)

        let caught = runHandrail(["audit", "verify", "--expect-head", originalHead])
        XCTAssertEqual(caught.status, 3, "refused: \(caught.out) \(caught.err)")
        XCTAssertTrue(caught.err.contains("FAILED"), caught.err)
        XCTAssertTrue(caught.err.contains("not the expected \(originalHead)"), caught.err)

        let json = runHandrail(["audit", "verify", "--json", "--expect-head", originalHead.uppercased()])
        XCTAssertEqual(json.status, 3)
        XCTAssertTrue(json.out.contains(#""ok":false"#), json.out)
        XCTAssertFalse(json.out.contains("firstBadSeq"), "the file itself has no bad sequence: \(json.out)")

        let matching = runHandrail(["audit", "verify", "--expect-head", forged.hexString.uppercased()])
        XCTAssertEqual(matching.status, 0, matching.err)
    }

    func testCommandLineVerifyNamesTheFirstBadSequence() throws {
        try tamper("UPDATE events SET reason = 'edited' WHERE seq = 13")
        let result = runHandrail(["audit", "verify", "--json"])
        XCTAssertEqual(result.status, 3)
        XCTAssertTrue(result.out.contains(#""firstBadSeq":13"#), result.out)
        let text = runHandrail(["audit", "verify"])
        XCTAssertTrue(text.err.contains("first bad sequence 13"), text.err)
    }

    private func runHandrail(_ arguments: [String]) -> (status: Int32, out: String, err: String) {
        // Reading the log needs a role; `audit` opens read-only and enrols nobody.
        XCTAssertNoThrow(try HandrailStore(path: databasePath, now: Date.init).setOperator("auditor1", role: .auditor, by: "alice", at: Date(timeIntervalSince1970: 0)))
        let out = TextSink(), err = TextSink()
        let status = HandrailCommandLine.run(arguments + ["--db", databasePath, "--runbooks", directory.path], environment: ["HANDRAIL_LOGIN": "auditor1"],
                                             output: CommandOutput(out: { out.append($0) }, err: { err.append($0) }))
        return (status, out.text, err.text)
    }
}

/// Progress values reported from whichever thread verifies.
final class ProgressCalls: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [Int64] = []
    func add(_ value: Int64) { lock.withLock { items.append(value) } }
    var values: [Int64] { lock.withLock { items } }
}

/// Collects what a command writes.
final class TextSink: @unchecked Sendable {
    private let lock = NSLock()
    private var buffer = ""
    func append(_ text: String) { lock.withLock { buffer += text } }
    var text: String { lock.withLock { buffer } }
}

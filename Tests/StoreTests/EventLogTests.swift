import CSQLite
import Engine
import Foundation
import Hashing
import Runbook
import SQLiteCore
@testable import Store
import XCTest

/// The event log: gapless numbering, a hash chain that links and recomputes, optimistic
/// appends that refuse a stale writer, triggers that make it append-only, and the case
/// projection committed in the same transaction as the events.
final class EventLogIsGaplessChainedAndAppendOnlyTests: StoreTestCase {
    func testAppendAssignsGaplessSeqAcrossCasesAndCaseSeqWithinEach() throws {
        let store = try makeStore()
        let a1 = try append(store, [event("HR-A"), event("HR-A")], after: 0)
        let b1 = try append(store, [event("HR-B", subject: "bob@example.com")], after: 0)
        let a2 = try append(store, [event("HR-A", at: t0.addingTimeInterval(1))], after: 2)
        let b2 = try append(store, [event("HR-B", subject: "bob@example.com"), event("HR-B", subject: "bob@example.com")], after: 1)

        XCTAssertEqual((a1 + b1 + a2 + b2).map(\.seq), [1, 2, 3, 4, 5, 6])
        XCTAssertEqual(a1.map(\.caseSeq), [1, 2])
        XCTAssertEqual(b1.map(\.caseSeq), [1])
        XCTAssertEqual(a2.map(\.caseSeq), [3])
        XCTAssertEqual(b2.map(\.caseSeq), [2, 3])

        XCTAssertEqual(try store.events(caseID: "HR-A").map(\.seq), [1, 2, 4])
        XCTAssertEqual(try store.events(caseID: "HR-A").map(\.caseSeq), [1, 2, 3])
        XCTAssertEqual(try store.events(caseID: "HR-B").map(\.caseSeq), [1, 2, 3])
        XCTAssertEqual(try store.eventCount(), 6)
        XCTAssertEqual(try store.caseRecord("HR-A")?.projection.lastCaseSeq, 3)
        XCTAssertEqual(try store.caseRecord("HR-B")?.projection.lastCaseSeq, 3)
        XCTAssertEqual(try store.events(caseID: "HR-NONE"), [])
    }

    func testStoredEventsReadBackAsWritten() throws {
        let store = try makeStore()
        let written = event("HR-A", type: "verification.recorded", subject: "ada@example.com", actor: "alice",
                            at: EventTime.truncated(t0.addingTimeInterval(0.123)), reason: "Verified by \"video\" call,\nsee SUP-1",
                            payload: ["step": .string("verify"), "values": .object(["method": .string("video")]), "n": .number(2)])
        let stored = try append(store, [written], after: 0)
        let read = try store.events(caseID: "HR-A")
        XCTAssertEqual(read, stored)
        XCTAssertEqual(read[0].event, written)
        XCTAssertEqual(read[0].payloadText, #"{"n":2,"step":"verify","values":{"method":"video"}}"#, "payload is canonical JSON")
        XCTAssertEqual(read[0].timeText, "2026-05-17T10:00:00.123Z")
    }

    func testEachPrevHashIsThePreviousEventsHashFromGenesis() throws {
        let store = try makeStore()
        var stored: [StoredEvent] = []
        for i in 0..<10 {
            let caseID = "HR-\(i % 3)"
            let after = stored.filter { $0.event.caseID == caseID }.count
            stored += try append(store, [event(caseID, at: t0.addingTimeInterval(Double(i)))], after: after)
        }
        XCTAssertEqual(stored[0].previousHash, EventHashing.genesis)
        for (previous, next) in zip(stored, stored.dropFirst()) {
            XCTAssertEqual(next.previousHash, previous.hash, "seq \(next.seq) links to \(previous.seq)")
        }
        XCTAssertEqual(Set(stored.map(\.hash)).count, stored.count, "every hash is distinct")
        let head = try store.chainHead()
        XCTAssertEqual(head.seq, 10)
        XCTAssertEqual(head.hash, stored.last?.hash)
    }

    func testStoredHashRecomputesFromStoredColumns() throws {
        let store = try makeStore()
        try append(store, [event("HR-A", reason: "first"), event("HR-A", type: "case.closed", reason: nil,
                                                                   payload: ["outcome": .string("done")])], after: 0)
        let statement = try store.db.prepare("""
        SELECT seq, case_seq, time, actor, case_id, subject, type, reason, payload, prev_hash, hash FROM events ORDER BY seq
        """)
        let hashing = EventHashing()
        var previous = EventHashing.genesis
        var rows = 0
        while try statement.step() {
            let recomputed = hashing.hash(previous: previous, seq: statement.int64(0), caseSeq: statement.int64(1),
                                          time: statement.string(2), actor: statement.string(3), caseID: statement.string(4),
                                          subject: statement.string(5), type: statement.string(6),
                                          reason: statement.optionalString(7), payload: statement.string(8))
            XCTAssertEqual(statement.bytes(9), previous)
            XCTAssertEqual(statement.bytes(10), recomputed)
            XCTAssertEqual(recomputed.count, 32)
            previous = recomputed
            rows += 1
        }
        XCTAssertEqual(rows, 2)
    }

    func testCanonicalBytesAreTheDocumentedJSONObject() {
        // hash = SHA-256(previous ‖ {"actor":…,"case":…,"caseSeq":N,"payload":…,"reason":…,"seq":N,"subject":…,"time":…,"type":…})
        let hashing = EventHashing()
        let previous = [UInt8](repeating: 7, count: 32)
        let canonical = #"{"actor":"al\"ice","case":"HR-1","caseSeq":2,"payload":{"a":1},"reason":null,"seq":5,"subject":"a\u000ab","time":"2026-05-17T10:00:00.000Z","type":"note.added"}"#
        let expected = SHA256.hash(previous + Array(canonical.utf8))
        XCTAssertEqual(hashing.hash(previous: previous, seq: 5, caseSeq: 2, time: "2026-05-17T10:00:00.000Z", actor: "al\"ice",
                                    caseID: "HR-1", subject: "a\nb", type: "note.added", reason: nil, payload: #"{"a":1}"#),
                       expected)
        // A null reason and an empty reason hash differently.
        XCTAssertNotEqual(hashing.hash(previous: previous, seq: 5, caseSeq: 2, time: "t", actor: "a", caseID: "c", subject: "s",
                                       type: "t", reason: nil, payload: "{}"),
                          hashing.hash(previous: previous, seq: 5, caseSeq: 2, time: "t", actor: "a", caseID: "c", subject: "s",
                                       type: "t", reason: "", payload: "{}"))
    }

    // MARK: Optimistic appends

    func testAppendWithStaleExpectedCaseSeqThrowsCaseChangedAndWritesNothing() throws {
        let store = try makeStore()
        try append(store, [event("HR-A"), event("HR-A")], after: 0)
        let headBefore = try store.chainHead()
        let recordBefore = try store.caseRecord("HR-A")

        for stale in [0, 1, 3] {
            let error = storeError { try self.append(store, [self.event("HR-A", reason: "force reset")], after: stale) }
            XCTAssertEqual(error, .caseChanged(caseID: "HR-A", expected: stale, actual: 2))
        }
        XCTAssertEqual(storeError { try self.append(store, [self.event("HR-NEW")], after: 1) },
                       .caseChanged(caseID: "HR-NEW", expected: 1, actual: 0))

        XCTAssertEqual(try store.eventCount(), 2)
        XCTAssertEqual(try store.chainHead().seq, headBefore.seq)
        XCTAssertEqual(try store.chainHead().hash, headBefore.hash)
        XCTAssertEqual(try store.caseRecord("HR-A"), recordBefore)
        XCTAssertNil(try store.caseRecord("HR-NEW"))
        XCTAssertFalse(store.db.isInTransaction)
        // And the right expectation still works afterwards.
        XCTAssertEqual(try append(store, [event("HR-A")], after: 2).map(\.seq), [3])
    }

    func testTwoTerminalsActingOnTheSameHistoryOnlyOneSucceeds() throws {
        let first = try makeStore()
        let second = try makeStore()
        try append(first, [event("HR-A")], after: 0)
        let seenByBoth = try first.events(caseID: "HR-A").count
        XCTAssertEqual(try second.events(caseID: "HR-A").count, seenByBoth)
        try append(first, [event("HR-A", type: "mfa.factor_admin_reset", actor: "alice")], after: seenByBoth)
        XCTAssertEqual(storeError { try self.append(second, [self.event("HR-A", type: "mfa.factor_admin_reset", actor: "bob")],
                                                   after: seenByBoth) },
                       .caseChanged(caseID: "HR-A", expected: 1, actual: 2))
        XCTAssertEqual(try second.events(caseID: "HR-A").map(\.event.actor), ["alice", "alice"])
    }

    // MARK: Append-only triggers

    func testEventsCannotBeUpdatedOrDeleted() throws {
        let store = try makeStore()
        try append(store, [event("HR-A", reason: "original")], after: 0)

        let update = sqliteError { try store.db.execute("UPDATE events SET reason = 'edited' WHERE seq = 1") }
        XCTAssertEqual(update?.code, SQLITE_CONSTRAINT)
        XCTAssertEqual(update?.extendedCode, ExtendedCode.constraintTrigger)
        XCTAssertEqual(update?.message, "the event log is append-only: events cannot be changed")

        let delete = sqliteError { try store.db.execute("DELETE FROM events WHERE seq = 1") }
        XCTAssertEqual(delete?.code, SQLITE_CONSTRAINT)
        XCTAssertEqual(delete?.extendedCode, ExtendedCode.constraintTrigger)
        XCTAssertEqual(delete?.message, "the event log is append-only: events cannot be deleted")

        // Through a prepared statement too, and from a connection outside Handrail.
        let prepared = sqliteError { try store.db.prepare("DELETE FROM events").run() }
        XCTAssertEqual(prepared?.extendedCode, ExtendedCode.constraintTrigger)
        let raw = try RawConnection(databasePath)
        XCTAssertThrowsError(try raw.execute("UPDATE events SET hash = zeroblob(32)")) {
            XCTAssertEqual(($0 as? SQLiteError)?.extendedCode, ExtendedCode.constraintTrigger)
        }

        XCTAssertEqual(try store.events(caseID: "HR-A").map(\.event.reason), ["original"])
        XCTAssertNil(try ChainVerifier(store: store).verify().problem)
    }

    func testChainHeadCannotBeMovedBackRewrittenOrDeleted() throws {
        let store = try makeStore()
        try append(store, [event("HR-A"), event("HR-A")], after: 0)
        let head = try store.chainHead()

        for sql in ["UPDATE chain_head SET seq = 1", "UPDATE chain_head SET hash = zeroblob(32)",
                    "UPDATE chain_head SET seq = 3", "UPDATE chain_head SET seq = 2, hash = zeroblob(32)"] {
            let error = sqliteError { try store.db.execute(sql) }
            XCTAssertEqual(error?.code, SQLITE_CONSTRAINT, sql)
            XCTAssertEqual(error?.extendedCode, ExtendedCode.constraintTrigger, sql)
            XCTAssertEqual(error?.message, "the chain head only follows appended events", sql)
        }
        let delete = sqliteError { try store.db.execute("DELETE FROM chain_head") }
        XCTAssertEqual(delete?.extendedCode, ExtendedCode.constraintTrigger)
        XCTAssertEqual(delete?.message, "the chain head cannot be deleted")
        let second = sqliteError { try store.db.execute("INSERT INTO chain_head (id, seq, hash) VALUES (2, 0, zeroblob(32))") }
        XCTAssertEqual(second?.code, SQLITE_CONSTRAINT, "there is one head row only")

        XCTAssertEqual(try store.chainHead().seq, head.seq)
        XCTAssertEqual(try store.chainHead().hash, head.hash)
    }

    // MARK: Projection in the same transaction

    func testProjectionIsWrittenWithTheEvents() throws {
        let store = try makeStore()
        let at = t0.addingTimeInterval(90)
        try store.append([event("HR-A", at: at)], caseID: "HR-A", expectedLastCaseSeq: 0,
                         projection: projection("HR-A", lastCaseSeq: 1, at: at, status: .awaitingApproval, step: "approve"))
        let record = try XCTUnwrap(try store.caseRecord("HR-A"))
        XCTAssertEqual(record.projection.status, .awaitingApproval)
        XCTAssertEqual(record.projection.step, "approve")
        XCTAssertEqual(record.projection.lastCaseSeq, 1)
        XCTAssertEqual(record.projection.updatedAt, at)
        XCTAssertEqual(record.projection.openedAt, t0)
        XCTAssertNil(record.holder)
        XCTAssertEqual(try store.cases(statuses: ["awaiting_approval"]).map(\.projection.id), ["HR-A"])
        XCTAssertEqual(try store.cases(statuses: ["open"]), [])
    }

    func testFailedProjectionWriteLeavesNeitherEventsNorProjection() throws {
        let store = try makeStore()
        try append(store, [event("HR-A")], after: 0)
        let headBefore = try store.chainHead()
        let recordBefore = try store.caseRecord("HR-A")
        // Make the projection write fail after the events were inserted in the same transaction.
        try store.db.execute("""
        CREATE TEMP TRIGGER projection_fails BEFORE UPDATE ON cases BEGIN SELECT RAISE(ABORT, 'injected projection failure'); END;
        CREATE TEMP TRIGGER projection_insert_fails BEFORE INSERT ON cases BEGIN SELECT RAISE(ABORT, 'injected projection failure'); END;
        """)
        let existing = storeError { try self.append(store, [self.event("HR-A"), self.event("HR-A")], after: 1) }
        let fresh = storeError { try self.append(store, [self.event("HR-B")], after: 0) }
        for error in [existing, fresh] {
            guard case .sqlite(let sqlite)? = error else { return XCTFail("expected an SQLite failure, got \(String(describing: error))") }
            XCTAssertEqual(sqlite.message, "injected projection failure")
        }
        XCTAssertEqual(try store.eventCount(), 1, "the events inserted before the projection failed were rolled back")
        XCTAssertEqual(try store.chainHead().seq, headBefore.seq)
        XCTAssertEqual(try store.chainHead().hash, headBefore.hash)
        XCTAssertEqual(try store.caseRecord("HR-A"), recordBefore)
        XCTAssertNil(try store.caseRecord("HR-B"))

        try store.db.execute("DROP TRIGGER temp.projection_fails; DROP TRIGGER temp.projection_insert_fails")
        XCTAssertEqual(try append(store, [event("HR-A")], after: 1).map(\.seq), [2], "the next append takes the next seq")
        XCTAssertNil(try ChainVerifier(store: store).verify().problem)
    }

    func testFailureOnALaterEventOfABatchRollsBackTheEarlierOnes() throws {
        let store = try makeStore()
        try store.db.execute("""
        CREATE TEMP TRIGGER third_event_fails BEFORE INSERT ON events WHEN NEW.case_seq = 3
        BEGIN SELECT RAISE(ABORT, 'injected event failure'); END;
        """)
        XCTAssertNotNil(storeError { try self.append(store, [self.event("HR-A"), self.event("HR-A"), self.event("HR-A")], after: 0) })
        XCTAssertEqual(try store.eventCount(), 0)
        XCTAssertNil(try store.caseRecord("HR-A"))
        XCTAssertEqual(try store.chainHead().seq, 0)
    }

    // MARK: modifyCase

    func testModifyCaseDecidesOnTheHistoryAndAppends() throws {
        let store = try makeStore()
        let (stored, seen) = try store.modifyCase("HR-A") { history in
            ([self.event("HR-A", type: "case.opened")], self.projection("HR-A", lastCaseSeq: history.count + 1), history.count)
        }
        XCTAssertEqual(seen, 0)
        XCTAssertEqual(stored.map(\.caseSeq), [1])
        let (more, seenNext) = try store.modifyCase("HR-A") { history in
            ([self.event("HR-A"), self.event("HR-A")], self.projection("HR-A", lastCaseSeq: history.count + 2), history.map(\.event.type))
        }
        XCTAssertEqual(seenNext, ["case.opened"])
        XCTAssertEqual(more.map(\.caseSeq), [2, 3])
    }

    func testModifyCaseThatDecidesNothingOrThrowsWritesNothing() throws {
        struct Refused: Error {}
        let store = try makeStore()
        try append(store, [event("HR-A")], after: 0)
        let nothing = try store.modifyCase("HR-A") { _ in ([CaseEvent](), self.projection("HR-A", lastCaseSeq: 1), "refused") }
        XCTAssertEqual(nothing.stored, [])
        XCTAssertEqual(nothing.result, "refused")
        let noProjection = try store.modifyCase("HR-A") { _ in ([self.event("HR-A")], nil as CaseProjection?, 0) }
        XCTAssertEqual(noProjection.stored, [])
        XCTAssertThrowsError(try store.modifyCase("HR-A") { _ -> ([CaseEvent], CaseProjection?, Int) in throw Refused() }) {
            XCTAssertTrue($0 is Refused)
        }
        XCTAssertEqual(try store.eventCount(), 1)
        XCTAssertFalse(store.db.isInTransaction)
    }

    /// Many connections (as many terminals) run read-decide-append on one case at once. Each
    /// decision must see the history the previous one left: no caseChanged, no lost update,
    /// case_seq 1…n with each event recording the count it saw.
    func testModifyCaseSerialisesConcurrentReadDecideAppend() throws {
        let path = databasePath
        do {
            let store = try makeStore()
            try append(store, [event("HR-A", type: "case.opened")], after: 0)
        }
        let workers = 4, rounds = 8
        let failures = FailureList()
        let base = t0
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            do {
                let store = try HandrailStore(path: path, create: false, now: Date.init)
                for _ in 0..<rounds {
                    _ = try store.modifyCase("HR-A") { history in
                        // Widen the window between reading and appending.
                        usleep(2_000)
                        let event = CaseEvent(type: "note.added", caseID: "HR-A", subject: "ada@example.com", actor: "worker\(worker)",
                                              time: base, payload: ["saw": .number(Double(history.count))])
                        var state = CaseState(caseID: "HR-A", runbookID: "mfa-recovery", runbookVersion: 1, subject: "ada@example.com",
                                              openedBy: "alice", openedAt: base, linkedFrom: nil, linkedFromIncident: false,
                                              startStep: "verify_identity")
                        state.eventCount = history.count + 1
                        return ([event], CaseProjection(state: state), ())
                    }
                }
            } catch {
                failures.add("worker \(worker): \(error)")
            }
        }
        XCTAssertEqual(failures.all, [])
        let store = try makeStore()
        let history = try store.events(caseID: "HR-A")
        XCTAssertEqual(history.count, 1 + workers * rounds)
        XCTAssertEqual(history.map(\.caseSeq), Array(1...(1 + workers * rounds)))
        for stored in history.dropFirst() {
            XCTAssertEqual(stored.event.payload["saw"]?.numberValue, Double(stored.caseSeq - 1),
                           "event \(stored.caseSeq) was decided on the full history before it")
        }
        XCTAssertEqual(try store.caseRecord("HR-A")?.projection.lastCaseSeq, 1 + workers * rounds)
        XCTAssertNil(try ChainVerifier(store: store).verify().problem)
    }
}

/// Errors collected from concurrent workers.
final class FailureList: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [String] = []
    func add(_ item: String) { lock.withLock { items.append(item) } }
    var all: [String] { lock.withLock { items } }
}

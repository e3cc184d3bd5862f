import Casework
import Engine
import Foundation
import Platform
import Runbook
import Store
import XCTest

/// The replay of every case against its `cases` row (what `audit verify --projections` and a
/// restore's proof run): an honest log has no mismatch, and each way of making a row lie —
/// a status, a count, a row removed, a row invented — is named by case, wherever the case falls
/// among the others. The events the one-pass reader hands the replay are exactly the events the
/// case's own history reads (the payload decoded once, not parsed twice).
final class ProjectionAuditTests: XCTestCase {
    var harness: CaseworkHarness!

    override func setUpWithError() throws {
        harness = try CaseworkHarness()
    }

    /// Cases with notes, a verification submitted and one closed: payloads with nested objects,
    /// arrays, quotes and backslashes, as the desk records them.
    @discardableResult
    func openCases(_ count: Int) throws -> [String] {
        let desk = try harness.desk()
        var ids: [String] = []
        for n in 0..<count {
            let id = try desk.open(subject: "user\(n)@example.com", runbookID: harness.runbook.id, actor: CaseworkHarness.agent).caseID
            _ = try desk.perform(.addNote("Called back \"as agreed\"; the caller said C:\\Users and left"), on: id, actor: CaseworkHarness.agent)
            _ = try desk.recordFacts(CaseworkHarness.ordinaryFacts, on: id, actor: CaseworkHarness.agent)
            if n % 2 == 0 {
                _ = try desk.perform(.submit(step: "verify_identity", values: CaseworkHarness.callback), on: id, actor: CaseworkHarness.agent)
            }
            ids.append(id)
        }
        return ids
    }

    func testAnHonestLogReplaysToEveryRow() throws {
        let ids = try openCases(6)
        let result = try harness.desk().reader.auditProjections()
        XCTAssertEqual(result.mismatches, [])
        XCTAssertEqual(result.casesChecked, ids.count)
    }

    func testTheOnePassReaderHandsTheReplayExactlyEachCasesHistory() throws {
        let ids = try openCases(5)
        var seen: [String] = []
        try harness.store.forEachCaseEvents { caseID, record, events in
            seen.append(caseID)
            XCTAssertEqual(record?.projection.id, caseID)
            XCTAssertEqual(events, try harness.store.events(caseID: caseID).map(\.event), "case \(caseID)")
        }
        XCTAssertEqual(seen, ids.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) })
    }

    func testAStatusChangedBehindHandrailsBackIsNamedAmongManyCases() throws {
        let ids = try openCases(7).sorted()
        let victim = ids[3]
        var row = try XCTUnwrap(harness.store.caseRecord(victim)).projection
        row.status = .closed
        row.outcome = "resolved"
        // An empty append writes only the row: the events stay as they were.
        try harness.store.append([], caseID: victim, expectedLastCaseSeq: row.lastCaseSeq, projection: row)

        let result = try harness.desk().reader.auditProjections()
        XCTAssertEqual(result.casesChecked, ids.count)
        XCTAssertEqual(result.mismatches.map(\.caseID), [victim])
        XCTAssertTrue(result.mismatches[0].reason.contains("status is closed, the events say "), result.mismatches[0].reason)
    }

    /// Hiding a case from the overdue list by moving its times: compared to the millisecond.
    func testTimesMovedInTheRowAreNamed() throws {
        let ids = try openCases(3)
        var row = try XCTUnwrap(harness.store.caseRecord(ids[2])).projection
        let updated = row.updatedAt
        row.updatedAt = updated.addingTimeInterval(0.001)
        try harness.store.append([], caseID: ids[2], expectedLastCaseSeq: row.lastCaseSeq, projection: row)
        let result = try harness.desk().reader.auditProjections()
        XCTAssertEqual(result.mismatches.map(\.caseID), [ids[2]])
        XCTAssertTrue(result.mismatches[0].reason.contains("updated at is \(EventTime.format(row.updatedAt)), the events say \(EventTime.format(updated))"),
                      result.mismatches[0].reason)
    }

    func testAnEventCountThatDisagreesIsNamed() throws {
        let ids = try openCases(3)
        var row = try XCTUnwrap(harness.store.caseRecord(ids[1])).projection
        let events = row.lastCaseSeq
        row.lastCaseSeq += 1
        try harness.store.append([], caseID: ids[1], expectedLastCaseSeq: events, projection: row)
        let result = try harness.desk().reader.auditProjections()
        XCTAssertEqual(result.mismatches.map(\.caseID), [ids[1]])
        XCTAssertTrue(result.mismatches[0].reason.contains("event count is \(events + 1), the events say \(events)"), result.mismatches[0].reason)
    }

    func testARowWithoutEventsAndEventsWithoutARowAreBothNamed() throws {
        let ids = try openCases(2)
        // A row invented for a case that never happened, sorted between the real ones.
        var ghost = try XCTUnwrap(harness.store.caseRecord(ids[0])).projection
        ghost.id = "HR-0000GHOST"
        try harness.store.append([], caseID: ghost.id, expectedLastCaseSeq: 0, projection: ghost)
        // Events for a case whose row is missing (appended without one, as an archive holds it).
        let orphan = CaseEvent(.opened(CaseOpening(runbookID: harness.runbook.id, runbookVersion: harness.runbook.version,
                                                   startStep: harness.runbook.start)),
                               caseID: "HR-ZZZORPHAN", subject: "orphan@example.com", actor: "alice", time: harness.tick())
        try harness.store.appendBulk([CaseAppend(caseID: orphan.caseID, events: [orphan], projection: nil)])

        let result = try harness.desk().reader.auditProjections()
        XCTAssertEqual(result.casesChecked, ids.count + 2)
        let reasons = Dictionary(uniqueKeysWithValues: result.mismatches.map { ($0.caseID, $0.reason) })
        XCTAssertEqual(Set(reasons.keys), ["HR-0000GHOST", "HR-ZZZORPHAN"])
        XCTAssertTrue(reasons["HR-0000GHOST"]!.contains("no events"))
        XCTAssertTrue(reasons["HR-ZZZORPHAN"]!.contains("1 events but no row in cases"))
    }

    func testACaseWhoseRunbookIsGoneIsNamedEachTimeNotRememberedAsAnother() throws {
        let ids = try openCases(3)
        let store = try HandrailStore(path: harness.store.path, now: Date.init)
        let desk = CaseDesk(CaseworkContext(store: store, platform: ManualConsole(), runbooks: { _ in nil },
                                            timeZone: TimeZone(identifier: "UTC")!, clock: { Date(timeIntervalSince1970: 1_779_012_000) }))
        let result = try desk.reader.auditProjections()
        XCTAssertEqual(result.mismatches.map(\.caseID), ids.sorted())
        XCTAssertTrue(result.mismatches.allSatisfy { (m: ProjectionMismatch) in m.reason.contains("cannot be replayed") })
    }
}

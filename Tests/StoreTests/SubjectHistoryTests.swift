import Engine
import Foundation
import Runbook
import Store
import XCTest

/// What the log holds about one person, as a new case reads it, and the mark its commit checks:
/// an opening decided on a history that another commit for the same person has since changed is
/// refused, never appended beside it.
final class SubjectHistoryTests: StoreTestCase {
    private let flagged = [EventCodec.Name.refusalUpheld, EventCodec.Name.caseEscalated, EventCodec.Name.incidentDeclared]

    func testAnOpeningDecidedOnAStaleHistoryIsRefusedAndOneOnTheCurrentHistoryCommits() throws {
        let store = try makeStore()
        let (before, mark) = try store.subjectHistory("ada@example.com", since: t0.addingTimeInterval(-86_400), now: t0, flaggedTypes: flagged)
        XCTAssertEqual(before, SubjectHistory())
        // Meanwhile another terminal opens a case for the same person.
        try append(store, [event("CASE-1", type: "case.opened", payload: ["runbook": .string("mfa-recovery"), "runbookVersion": .number(1),
                                                                           "startStep": .string("verify_identity"), "linkedFromIncident": .bool(false)])],
                   after: 0)
        let opening = event("CASE-2", type: "case.opened", payload: ["runbook": .string("mfa-recovery"), "runbookVersion": .number(1),
                                                                     "startStep": .string("verify_identity"), "linkedFromIncident": .bool(false)])
        XCTAssertThrowsError(try store.append([opening], caseID: "CASE-2", expectedLastCaseSeq: 0, projection: projection("CASE-2", lastCaseSeq: 1),
                                              subjectMark: mark)) { error in
            XCTAssertEqual(error as? StoreError, .subjectChanged(subject: "ada@example.com"))
        }
        XCTAssertNil(try store.caseRecord("CASE-2"), "nothing of the stale opening was written")
        // Read again, the open case is there, and a commit on the current mark for another person goes through.
        let (now, _) = try store.subjectHistory("ada@example.com", since: t0.addingTimeInterval(-86_400), now: t0, flaggedTypes: flagged)
        XCTAssertEqual(now.openCases.map(\.id), ["CASE-1"])
        let (_, other) = try store.subjectHistory("bo@example.com", since: t0, now: t0, flaggedTypes: flagged)
        try store.append([event("CASE-3", type: "note.added", subject: "bo@example.com")], caseID: "CASE-3", expectedLastCaseSeq: 0,
                         projection: projection("CASE-3", subject: "bo@example.com", lastCaseSeq: 1), subjectMark: other)
    }

    func testRefusedEscalatedAndIncidentCasesInsideTheWindowAreFoundAndOlderOnesAreNot() throws {
        let store = try makeStore()
        let day: TimeInterval = 86_400
        try append(store, [event("OLD", type: "note.added", at: t0.addingTimeInterval(-40 * day))], after: 0)
        try append(store, [event("OLD", type: "refusal.upheld", actor: "bob", at: t0.addingTimeInterval(-40 * day),
                                 payload: ["step": .string("verify_identity")])], after: 1)
        try append(store, [event("NEW", type: "note.added", at: t0.addingTimeInterval(-2 * day))], after: 0)
        try append(store, [event("NEW", type: "case.escalated", actor: "aaron", at: t0.addingTimeInterval(-2 * day),
                                 payload: ["signal": .string("pressure"), "step": .string("verify_identity")])], after: 1)
        let (history, _) = try store.subjectHistory("ada@example.com", since: t0.addingTimeInterval(-30 * day), now: t0, flaggedTypes: flagged)
        XCTAssertEqual(history.priorCases.map(\.id), ["NEW"])
        XCTAssertEqual(history.priorCases.first?.found, ["case.escalated"])
        XCTAssertEqual(history.priorCases.first?.by, ["aaron"])
    }
}

import Casework
import Engine
import Foundation
import Platform
import Store
import XCTest

/// The platform is asked for its facts before any write transaction, and a decision is committed
/// only if the case did not change meanwhile. A slow identity platform therefore stalls nobody
/// else, and an operator whose case moved on under them is decided again on what it now says.
final class OptimisticCommitTests: XCTestCase {
    func testAnotherOperatorCanCommitWhileThePlatformIsBeingAskedAndTheDecisionIsRetakenOnTheNewHistory() throws {
        let h = try CaseworkHarness()
        let platform = InterruptingPlatform()
        let desk = try h.desk(platform: platform)
        let other = try h.desk()
        let id = try desk.open(subject: "sam@example.com", runbookID: h.runbook.id, actor: CaseworkHarness.agent).caseID
        XCTAssertNil(try desk.recordFacts(CaseworkHarness.ordinaryFacts, on: id, actor: CaseworkHarness.agent).refusal)
        try desk.release(id, actor: CaseworkHarness.agent)

        var interrupted = false
        platform.onFacts = {
            guard !interrupted else { return }
            interrupted = true
            // Were the facts read under the write lock, this commit would wait for it and fail busy.
            let note = try other.perform(.addNote("The caller's manager phoned to confirm"), on: id, actor: CaseworkHarness.senior)
            XCTAssertNil(note.refusal)
            try other.release(id, actor: CaseworkHarness.senior)
        }
        let outcome = try desk.perform(.submit(step: "verify_identity", values: CaseworkHarness.callback), on: id, actor: CaseworkHarness.agent)
        XCTAssertNil(outcome.refusal, outcome.refusal?.message ?? "")
        XCTAssertTrue(interrupted)
        XCTAssertGreaterThanOrEqual(platform.factReads, 2, "the decision was taken again on the new history")
        let types = try desk.reader.events(id).map(\.type)
        XCTAssertEqual(types, ["case.opened", "facts.recorded", "note.added", "verification.recorded"])
    }

    func testACaseThatKeepsChangingIsReportedAsChangedUnderTheOperator() throws {
        let h = try CaseworkHarness()
        let platform = InterruptingPlatform()
        let desk = try h.desk(platform: platform)
        let other = try h.desk()
        let id = try desk.open(subject: "sam@example.com", runbookID: h.runbook.id, actor: CaseworkHarness.agent).caseID
        _ = try desk.recordFacts(CaseworkHarness.ordinaryFacts, on: id, actor: CaseworkHarness.agent)
        try desk.release(id, actor: CaseworkHarness.agent)
        platform.onFacts = {
            _ = try other.perform(.addNote("Another note from a busy colleague"), on: id, actor: CaseworkHarness.senior)
            try other.release(id, actor: CaseworkHarness.senior)
        }
        XCTAssertThrowsError(try desk.perform(.submit(step: "verify_identity", values: CaseworkHarness.callback), on: id,
                                              actor: CaseworkHarness.agent)) { error in
            guard case StoreError.caseChanged = error else { return XCTFail("\(error)") }
        }
        XCTAssertFalse(try desk.reader.events(id).contains { $0.type == "verification.recorded" })
    }

    /// A refusal takes no hold (it records its `gate.refused`): the case stays free for whoever can act.
    func testARefusalThatRecordsNothingDoesNotHoldTheCase() throws {
        let h = try CaseworkHarness()
        let desk = try h.desk()
        let id = try desk.open(subject: "sam@example.com", runbookID: h.runbook.id, actor: CaseworkHarness.agent).caseID
        _ = try desk.recordFacts(CaseworkHarness.ordinaryFacts, on: id, actor: CaseworkHarness.agent)
        try desk.release(id, actor: CaseworkHarness.agent)
        let refused = try desk.perform(.submit(step: "verify_identity", values: ["method": "callback"]), on: id, actor: CaseworkHarness.agent)
        XCTAssertEqual(refused.refusal?.kind, .gate)
        XCTAssertNil(try h.store.caseRecord(id)?.holder)
        // The honest path: an accepted decision holds the case for its operator.
        XCTAssertNil(try desk.perform(.submit(step: "verify_identity", values: CaseworkHarness.callback), on: id,
                                      actor: CaseworkHarness.agent).refusal)
        XCTAssertEqual(try h.store.caseRecord(id)?.holder, "alice")
    }
}

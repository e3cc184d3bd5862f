import Casework
import Engine
import Foundation
import Platform
import Store
import XCTest

/// What a command may say comes next without reading the case again: the commit's own view of
/// it, only when nothing ran after that commit (no platform action) and nothing was refused.
final class CommittedSnapshotTests: XCTestCase {
    func testANoteCarriesTheCaseAsItsCommitLeftIt() throws {
        let harness = try CaseworkHarness()
        let desk = try harness.desk()
        let actor = CaseworkHarness.agent
        let id = try desk.open(subject: "sam@example.com", runbookID: harness.runbook.id, actor: actor).caseID
        let outcome = try desk.perform(.addNote("The caller rang from the office line"), on: id, actor: actor)
        let committed = try XCTUnwrap(outcome.committedSnapshot)
        let reread = try desk.snapshot(id, actor: actor)
        XCTAssertEqual(committed.lastCaseSeq, reread.lastCaseSeq, "the note is in it")
        XCTAssertEqual(committed.state.currentStep, reread.state.currentStep)
        XCTAssertEqual(committed.state.status, reread.state.status)
    }

    func testARefusalOrAnActionCarriedOutAfterTheCommitIsReadAgain() throws {
        let harness = try CaseworkHarness()
        let desk = try harness.desk()
        let actor = CaseworkHarness.agent
        let subject = "sam@example.com"
        let id = try desk.open(subject: subject, runbookID: harness.runbook.id, actor: actor).caseID
        let refused = try desk.perform(.submit(step: "force_reset", values: [:]), on: id, actor: actor)
        XCTAssertNotNil(refused.refusal)
        XCTAssertNil(refused.committedSnapshot, "a refusal says nothing of what comes next")

        _ = try desk.recordFacts(CaseworkHarness.ordinaryFacts, on: id, actor: actor)
        for (step, values) in [("verify_identity", CaseworkHarness.callback), ("check_backup_codes", [:]), ("choose_recovery", ["situation": "device"])] {
            XCTAssertNil(try desk.perform(.submit(step: step, values: values), on: id, actor: actor).refusal, step)
        }
        let snapshot = try desk.snapshot(id, actor: actor)
        var values = CaseEngine.prefill(step: harness.runbook.step("force_reset")!, state: snapshot.state, context: snapshot.context)
        values["confirm_email"] = subject
        let requested = try desk.perform(.submit(step: "force_reset", values: values), on: id, actor: actor)
        XCTAssertNil(requested.refusal, requested.refusal?.message ?? "")
        XCTAssertFalse(requested.effects.isEmpty, "the reset is a platform action carried out after the commit")
        XCTAssertNil(requested.committedSnapshot, "the case moved on after the commit: read it again")
    }
}

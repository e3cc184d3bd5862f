import Casework
import Engine
import Foundation
import Platform
import Runbook
import Store
import XCTest

/// The application layer anchors after the commit and before it answers: at once when an admin
/// action completed (or an approval or incident was recorded), a heartbeat's chance after any
/// other commit, and whatever the anchor reports comes back to the operator.
final class AnchorAfterCommitTests: XCTestCase {
    /// Records each call and the log's head at that moment (so: after the commit, or not).
    final class RecordingAnchor: Anchor {
        let store: HandrailStore
        var calls: [(kind: String, head: Int64)] = []
        var warnings: [String] = []
        init(store: HandrailStore) { self.store = store }
        func anchorNow() -> AnchorReceipt {
            calls.append(("now", (try? store.chainHead().seq) ?? -1))
            return AnchorReceipt(epoch: UInt64(calls.count), warnings: warnings)
        }
        func heartbeat() -> AnchorReceipt {
            calls.append(("heartbeat", (try? store.chainHead().seq) ?? -1))
            return AnchorReceipt()
        }
    }

    func testAnAdminActionIsAnchoredAfterItsCommitAndBeforeTheAnswerOtherCommitsOnlyOfferAHeartbeat() throws {
        let harness = try CaseworkHarness()
        let store = try HandrailStore(path: harness.store.path, now: Date.init)
        let anchor = RecordingAnchor(store: store)
        let runbook = harness.runbook
        var context = CaseworkContext(store: store, platform: ManualConsole(), runbooks: { $0 == runbook.id ? runbook : nil },
                                      timeZone: TimeZone(identifier: "UTC")!, clock: { harness.tick() })
        context.anchor = anchor
        let desk = CaseDesk(context)
        let actor = CaseworkHarness.agent
        let subject = "sam@example.com"

        let id = try desk.open(subject: subject, runbookID: runbook.id, actor: actor).caseID
        _ = try desk.recordFacts(CaseworkHarness.ordinaryFacts, on: id, actor: actor)
        for (step, values) in [("verify_identity", CaseworkHarness.callback), ("check_backup_codes", [:]), ("choose_recovery", ["situation": "device"])] {
            let outcome = try desk.perform(.submit(step: step, values: values), on: id, actor: actor)
            XCTAssertNil(outcome.refusal, "\(step): \(outcome.refusal?.message ?? "")")
        }
        let snapshot = try desk.snapshot(id, actor: actor)
        var values = CaseEngine.prefill(step: runbook.step("force_reset")!, state: snapshot.state, context: snapshot.context)
        values["confirm_email"] = subject
        let requested = try desk.perform(.submit(step: "force_reset", values: values), on: id, actor: actor)
        XCTAssertNil(requested.refusal, requested.refusal?.message ?? "")
        XCTAssertEqual(anchor.calls.map(\.kind), Array(repeating: "heartbeat", count: 6), "no admin action done yet")

        anchor.warnings = ["anchor: WARNING: checkpoint not delivered to syslog"]
        let done = try desk.attest(id, actor: actor, attestation: "Force MFA reset confirmed in the modal")
        let completion = try XCTUnwrap(done.stored.first { if case .actionCompleted = $0.event.body { return true } else { return false } })
        XCTAssertEqual(anchor.calls.last?.kind, "now")
        XCTAssertGreaterThanOrEqual(anchor.calls.last?.head ?? 0, completion.seq, "anchored after the commit")
        XCTAssertEqual(done.anchorWarnings, anchor.warnings, "the anchor's problems reach the operator")
    }
}

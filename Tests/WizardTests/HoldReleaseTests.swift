import Casework
import Engine
import Foundation
import Terminal
@testable import Wizard
import XCTest

/// The case is never held from the senior by an agent who has handed it over or gone: a hang-up
/// or termination releases it, escalating and requesting approval release it, and an agent
/// looking at a case waiting for a senior takes no hold.
final class HoldReleaseTests: XCTestCase {
    func testHangUpAndTerminationReleaseTheCase() throws {
        for signal in [SIGHUP, SIGTERM] {
            let h = try WizardHarness()
            let w = h.wizard(as: WizardHarness.agent, start: [.loadQueue, .newCase(subject: "ben@demo.example")])
            XCTAssertEqual(try h.store.caseRecord("HR-00000001")?.holder, "alice")
            w.terminal.terminationSignal = signal
            w.runtime.run()
            XCTAssertEqual(w.runtime.terminatedBy, signal)
            XCTAssertNil(try h.store.caseRecord("HR-00000001")?.holder, "signal \(signal): the hold is let go")
        }
    }

    func testEscalatingReleasesTheCaseAndTheSeniorCanUpholdAtOnce() throws {
        let h = try WizardHarness()
        let w = h.wizard(as: WizardHarness.agent, start: [.loadQueue, .newCase(subject: "hana@demo.example")])
        let id = try XCTUnwrap(w.model.caseScreen?.state.caseID)
        w.press(.function(8))
        w.type("Four failed sign-ins from addresses never seen for her")
        w.press(.enter)
        XCTAssertEqual(try h.state(id).status, .escalated, w.text)
        XCTAssertNil(try h.store.caseRecord(id)?.holder, "escalating lets the case go")
        // The agent still looking at it takes no hold back.
        w.press(.escape)
        w.press(.enter)
        XCTAssertNil(try h.store.caseRecord(id)?.holder, "looking at an escalated case takes no hold")
        // The senior upholds at once, with no 15-minute wait.
        try h.perform(.review(.uphold, reason: "Agreed: the sign-ins are hostile"), on: id, as: WizardHarness.senior)
        XCTAssertEqual(try h.state(id).status, .closed)
    }

    func testRequestingApprovalReleasesTheCase() throws {
        let h = try WizardHarness()
        let id = try h.open("dev.admin@demo.example", as: WizardHarness.senior)
        try h.pass(id, "verify_identity", WizardHarness.video, as: WizardHarness.senior)
        try h.pass(id, "check_backup_codes", as: WizardHarness.senior)
        try h.pass(id, "choose_recovery", ["situation": "device"], as: WizardHarness.senior)
        XCTAssertEqual(try h.store.caseRecord(id)?.holder, "sam")
        try h.perform(.requestApproval(reason: "Tenant admin lost his phone; verified on video"), on: id, as: WizardHarness.senior)
        XCTAssertEqual(try h.state(id).status, .awaitingApproval)
        XCTAssertNil(try h.store.caseRecord(id)?.holder)
    }

    /// A senior opening a case a colleague holds is told who holds it and that ?y takes it over;
    /// the take-over asks for a reason, records it, and the senior then holds the case. An agent
    /// is offered no take-over.
    func testASeniorTakesOverAHeldCaseWithAReason() throws {
        let h = try WizardHarness()
        let id = try h.open("ben@demo.example")
        XCTAssertEqual(try h.store.caseRecord(id)?.holder, "alice")

        let agent = h.wizard(as: Actor(login: "aaron", role: .agent), start: [.openCase(id)])
        XCTAssertTrue(agent.text.contains("Held by alice"), agent.text)
        XCTAssertFalse(agent.text.contains("takes it over"), agent.text)
        agent.press(.function(1))
        guard case .actions(let offered)? = agent.model.modal?.kind else { return XCTFail("no menu:\n\(agent.text)") }
        XCTAssertFalse(offered.contains { $0.action == .command(.takeOver) }, "an agent is offered no take-over")

        let senior = h.wizard(as: WizardHarness.senior, start: [.openCase(id)])
        XCTAssertTrue(senior.text.contains("?y takes it over"), senior.text)
        Golden.assertScreen(senior.text, "held-by-colleague-senior")
        senior.press(.function(1), .character("y"))
        guard case .reason(.takeOver)? = senior.model.modal?.kind else { return XCTFail("no take-over dialog:\n\(senior.text)") }
        senior.type("mine")
        senior.press(.enter)
        // Refused (too short): the dialog comes back with what was typed.
        XCTAssertEqual(senior.model.modal?.input.text, "mine")
        XCTAssertNotNil(senior.model.modal?.error)
        XCTAssertEqual(try h.store.caseRecord(id)?.holder, "alice")
        senior.press(.control("u"))
        senior.type("Alice's terminal crashed mid-call; finishing with the caller")
        Golden.assertScreen(senior.text, "modal-take-over")
        senior.press(.enter)
        XCTAssertEqual(try h.eventTypes(id).last, "case.taken_over")
        XCTAssertEqual(try h.store.caseRecord(id)?.holder, "sam")
        XCTAssertTrue(senior.model.caseScreen?.editable ?? false)
    }
}

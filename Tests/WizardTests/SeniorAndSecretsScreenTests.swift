import Engine
import Foundation
import Terminal
import Wizard
import XCTest

/// The dialogs that matter most: a temporary password shown once (its layout, never the secret
/// in a golden file), the senior's review of an escalated case, and a privileged reset approved
/// by a second senior.
final class SeniorAndSecretsScreenTests: XCTestCase {
    func testTemporaryPasswordIsShownOnceAndNeedsEnter() throws {
        let h = try WizardHarness()
        let id = try h.caseAtForceReset("eli@demo.example", number: "+1555010014", situation: "email_too")
        let w = h.wizard(as: WizardHarness.agent)
        w.press(.enter)
        XCTAssertEqual(w.model.caseScreen?.state.currentStep, "force_reset")
        w.press(.control("s"))
        w.type("eli@demo.example")
        w.press(.enter)
        XCTAssertEqual(w.model.caseScreen?.state.currentStep, "set_temporary_password")
        Golden.assertScreen(w.text, "step-set-temporary-password")
        w.press(.control("s"))
        w.type("eli@demo.example")
        w.press(.enter)

        guard case .secrets(let secrets)? = w.model.modal?.kind, let password = secrets.first else {
            return XCTFail("no shown-once dialog:\n\(w.text)")
        }
        XCTAssertEqual(secrets.count, 1)
        XCTAssertTrue(w.text.contains(password), "the password is on screen for the operator to read out")
        Golden.assertScreen(w.maskedText, "modal-secrets-temporary-password")
        XCTAssertFalse(w.maskedText.contains(password))

        // Only Enter dismisses it: a stray key or Esc cannot lose a password not yet read out.
        w.press(.escape, .character("q"), .control("s"))
        XCTAssertNotNil(w.model.modal)
        w.press(.enter)
        XCTAssertNil(w.model.modal)
        XCTAssertFalse(w.text.contains(password), "shown once")
        XCTAssertEqual(w.model.caseScreen?.state.status, .awaitingEnrolment)

        // Stored nowhere: not in any event of the log.
        for stored in try h.store.events(caseID: id) {
            XCTAssertFalse("\(stored.event.payload) \(stored.event.reason ?? "")".contains(password), stored.event.type)
        }
    }

    func testSeniorUpholdsAnEscalatedRefusal() throws {
        let h = try WizardHarness()
        let id = try h.open("hana@demo.example")
        try h.perform(.refuse(signal: "unusual_activity", reason: "Four failed sign-ins from addresses never seen for her"), on: id)
        try h.service().release(id, actor: WizardHarness.agent)
        h.clock.advance(600)

        // The agent who refused cannot review her own refusal.
        let agent = h.wizard(as: WizardHarness.agent, start: [.openCase(id)])
        XCTAssertFalse(agent.text.contains("?u"), agent.text)
        agent.press(.function(1))
        guard case .actions(let items)? = agent.model.modal?.kind else { return XCTFail("no actions menu:\n\(agent.text)") }
        XCTAssertFalse(items.contains { $0.action == .command(.uphold) }, "the menu offers her no uphold")
        agent.press(.character("u"))
        XCTAssertEqual(try h.eventTypes(id).suffix(1), ["case.escalated"], "a letter not in the menu does nothing")
        agent.press(.escape, .escape)

        let senior = h.wizard(as: WizardHarness.senior)
        senior.press(.character("3"))
        XCTAssertEqual(senior.model.queue.visibleRows.map(\.id), [id])
        senior.press(.enter)
        XCTAssertEqual(senior.model.caseScreen?.state.status, .escalated)
        Golden.assertScreen(senior.text, "senior-review")
        XCTAssertTrue(senior.text.contains("Verification: none on record"), senior.text)
        senior.press(.function(1), .character("u"))
        senior.type("Agreed: the sign-ins are hostile; the user comes in person")
        Golden.assertScreen(senior.text, "modal-uphold")
        senior.press(.enter)
        XCTAssertEqual(senior.model.caseScreen?.state.status, .closed)
        XCTAssertEqual(try h.eventTypes(id).suffix(2), ["refusal.upheld", "case.closed"])
    }

    func testSeniorReopensAnEscalatedRefusal() throws {
        let h = try WizardHarness()
        let id = try h.open("ben@demo.example")
        try h.perform(.refuse(signal: "gut_says_no", reason: "Caller hesitated over his own manager's name"), on: id)
        try h.service().release(id, actor: WizardHarness.agent)
        let senior = h.wizard(as: WizardHarness.senior, start: [.openCase(id)])
        senior.press(.control("o"))
        senior.type("Manager confirmed by phone: it was him; carry on")
        senior.press(.enter)
        XCTAssertEqual(senior.model.caseScreen?.state.status, .open)
        XCTAssertEqual(senior.model.caseScreen?.state.currentStep, "verify_identity")
        XCTAssertTrue(senior.model.caseScreen?.editable ?? false)
        Golden.assertScreen(senior.text, "senior-reopened")
    }

    /// dev.admin is a tenant admin: sam's reset waits for a second senior; sam cannot approve his
    /// own request, tess can, and then the reset goes through.
    func testPrivilegedResetNeedsASecondSenior() throws {
        let h = try WizardHarness()
        let id = try h.open("dev.admin@demo.example", as: WizardHarness.senior)
        try h.pass(id, "verify_identity", WizardHarness.video, as: WizardHarness.senior)
        try h.pass(id, "check_backup_codes", as: WizardHarness.senior)
        try h.pass(id, "choose_recovery", ["situation": "device"], as: WizardHarness.senior)

        let sam = h.wizard(as: WizardHarness.senior, start: [.openCase(id)])
        XCTAssertTrue(sam.text.contains("✗ "), "the approval gate fails:\n\(sam.text)")
        Golden.assertScreen(sam.text, "privileged-reset-needs-approval")
        sam.press(.function(9))
        guard case .reason(.requestApproval)? = sam.model.modal?.kind else { return XCTFail("no request dialog:\n\(sam.text)") }
        sam.type("Tenant admin lost his phone; verified on video against HR photo")
        sam.press(.enter)
        XCTAssertEqual(sam.model.caseScreen?.state.status, .awaitingApproval)
        sam.press(.function(9))
        XCTAssertNil(sam.model.modal, "the requester cannot approve")
        XCTAssertTrue(sam.model.flashIsError)
        sam.press(.escape)

        let tess = h.wizard(as: WizardHarness.otherSenior, start: [.openCase(id)])
        Golden.assertScreen(tess.text, "privileged-approval-pending")
        // The approver sees what the approval rests on: the verification, its evidence, the ticket, who and when.
        for shown in ["Verified by Live video call", "sam, 2026-05-18", "ticket", "Compared the face on video against: HR photo"] {
            XCTAssertTrue(tess.text.contains(shown), "\(shown) missing from the approval screen:\n\(tess.text)")
        }
        tess.press(.function(9))
        guard case .reason(.approve)? = tess.model.modal?.kind else { return XCTFail("no approve dialog:\n\(tess.text)") }
        tess.type("Saw the video recording; it is him")
        tess.press(.enter)
        XCTAssertEqual(tess.model.caseScreen?.state.status, .open)
        XCTAssertEqual(tess.model.caseScreen?.state.approval?.state, .granted)
        tess.press(.escape)

        sam.press(.enter)
        XCTAssertEqual(sam.model.route, .caseScreen)
        XCTAssertEqual(sam.model.caseScreen?.state.currentStep, "force_reset")
        XCTAssertTrue(sam.text.contains("Gates pass"), sam.text)
        sam.press(.control("s"))
        sam.type("dev.admin@demo.example")
        sam.press(.enter)
        XCTAssertEqual(sam.model.caseScreen?.state.status, .awaitingEnrolment, sam.text)
        XCTAssertTrue(try h.eventTypes(id).contains("mfa.factor_admin_reset"))
    }

    /// Every history line can be opened whole: the actions menu's l lists the case's events, and
    /// Enter shows the selected one with its reason unwrapped and the values typed, labelled.
    func testEveryHistoryLineCanBeShownWhole() throws {
        let h = try WizardHarness()
        let id = try h.open("hana@demo.example")
        let reason = "Four failed sign-ins from addresses never seen for her, two of them abroad, one at 3 a.m. her time"
        try h.perform(.refuse(signal: "unusual_activity", reason: reason), on: id)
        try h.service().release(id, actor: WizardHarness.agent)
        let senior = h.wizard(as: WizardHarness.senior, start: [.openCase(id)])
        XCTAssertTrue(senior.text.contains("alice refused: Four failed sign-ins f…"), "the history line is cut on the case screen:\n\(senior.text)")
        senior.press(.function(1), .character("l"))
        guard case .history(let entries)? = senior.model.modal?.kind else { return XCTFail("no history list:\n\(senior.text)") }
        XCTAssertEqual(entries.count, try h.eventTypes(id).count)
        XCTAssertEqual(senior.model.modal?.selected, entries.count - 1, "the newest is selected")
        Golden.assertScreen(senior.text, "modal-history")
        senior.press(.up)
        senior.press(.enter)
        guard case .message(_, let lines)? = senior.model.modal?.kind else { return XCTFail("no event shown whole:\n\(senior.text)") }
        XCTAssertTrue(lines.contains("Reason: " + reason), "\(lines)")
        XCTAssertTrue(senior.text.contains("one at 3 a.m. her time"), senior.text)
        Golden.assertScreen(senior.text, "modal-history-event")
        senior.press(.escape)
        guard case .history? = senior.model.modal?.kind else { return XCTFail("Esc does not go back to the list:\n\(senior.text)") }
        senior.press(.escape)
        XCTAssertNil(senior.model.modal)
    }
}

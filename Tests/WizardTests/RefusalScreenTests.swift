import Engine
import Terminal
import Wizard
import XCTest

/// Continue refused, visibly: the flash says what is missing and the ✗ lines say why; an
/// unacceptable method is put to the Engine so the attempt is on record; the refuse dialog.
final class RefusalScreenTests: XCTestCase {
    /// gus's only number was added today: calling it back proves nothing.
    func testCallbackToANumberAddedTodayIsRefusedWithTheMissingGate() throws {
        let h = try WizardHarness()
        let w = h.wizard(as: WizardHarness.agent, start: [.loadQueue, .newCase(subject: "gus@demo.example")])
        w.press(.right, .right, .tab, .tab)
        w.type("+15550199")
        w.press(.tab, .character("y"), .tab)
        w.type("SD-5150")
        w.press(.control("s"))

        XCTAssertEqual(w.model.caseScreen?.state.currentStep, "verify_identity", "not one step further")
        XCTAssertTrue(w.model.flashIsError)
        let flash = try XCTUnwrap(w.model.flash)
        XCTAssertTrue(flash.hasPrefix("Cannot continue: Call-back number on file before today"), flash)
        XCTAssertTrue(w.text.contains("✗ Call-back number on file before today: +15550199"), w.text)
        let failure = w.model.caseScreen?.evaluation?.failures.map(\.name)
        XCTAssertEqual(failure, ["callbackNumberOnFileBeforeToday"])
        XCTAssertTrue(w.text.contains(" +15550199 TODAY"), "the fact shows on the left:\n\(w.text)")
        XCTAssertEqual(w.model.caseScreen?.inputs["reference"]?.text, "SD-5150", "what was typed stays")
        XCTAssertFalse(try h.eventTypes("HR-00000001").contains("verification.recorded"))
        Golden.assertScreen(w.text, "refused-continue")
    }

    /// An unacceptable method: the Engine records `verification.rejected` and says why; the form stays.
    func testUnacceptableMethodIsRefusedAndTheAttemptRecorded() throws {
        let h = try WizardHarness()
        let w = h.wizard(as: WizardHarness.agent, start: [.loadQueue, .newCase(subject: "ben@demo.example")])
        w.press(.right, .right, .right, .right, .right)
        XCTAssertEqual(w.model.caseScreen?.inputs["method"]?.text, "email_match")
        XCTAssertTrue(w.text.contains("◀ NOT ACCEPTABLE: "), w.text)
        XCTAssertTrue(w.text.contains("  NOT ACCEPTABLE: They told me their email"), "the whole option under the form:\n\(w.text)")
        Golden.assertScreen(w.text, "step-verify-not-acceptable")
        w.press(.control("s"))
        guard case .message(let title, let lines)? = w.model.modal?.kind else { return XCTFail("no refusal shown:\n\(w.text)") }
        XCTAssertEqual(title, "Refused")
        XCTAssertTrue(lines.joined().contains("phishing-trivial"), "\(lines)")
        XCTAssertEqual(try h.eventTypes("HR-00000001"), ["case.opened", "verification.rejected", "gate.refused"])
        Golden.assertScreen(w.text, "refused-unacceptable-method")
        w.press(.enter)
        XCTAssertEqual(w.model.caseScreen?.inputs["method"]?.text, "email_match", "the form is kept after a recorded refusal")
    }

    func testRefuseDialogEscalatesWithTheChosenSignal() throws {
        let h = try WizardHarness()
        let w = h.wizard(as: WizardHarness.agent, start: [.loadQueue, .newCase(subject: "hana@demo.example")])
        XCTAssertTrue(w.text.contains("UNUSUAL"), w.text)
        w.press(.function(8))
        Golden.assertScreen(w.text, "modal-refuse")
        // The failing gate's signal is chosen, and the reason is filled from it.
        XCTAssertEqual(w.model.signals[w.model.modal!.signalIndex].id, "unusual_activity")
        XCTAssertTrue(w.model.modal!.input.text.hasPrefix("No unusual sign-in activity:"), w.model.modal!.input.text)
        // ↑ leaves the reason for the list; the signal changes only by a choice made there.
        w.press(.up)
        XCTAssertEqual(w.model.signals[w.model.modal!.signalIndex].id, "unusual_activity", "moving the focus picks nothing")
        w.press(.tab)
        w.press(.control("u"))
        w.type("too short")
        w.press(.enter)
        XCTAssertNotNil(w.model.modal?.error, "a reason the Engine refuses comes back in its dialog:\n\(w.text)")
        XCTAssertEqual(w.model.modal?.input.text, "too short", "still typed")
        Golden.assertScreen(w.text, "modal-refuse-reason-too-short")
        w.press(.control("u"))
        w.type("Four failed sign-ins from addresses never seen for her")
        w.press(.enter)
        XCTAssertNil(w.model.modal)
        XCTAssertEqual(w.model.caseScreen?.state.status, .escalated)
        XCTAssertEqual(w.model.caseScreen?.state.escalation?.signal, "unusual_activity")
        Golden.assertScreen(w.text, "refused-escalated")
    }

    /// Esc cancels a dialog and records nothing; the secrets dialog alone needs Enter.
    func testEscCancelsDialogs() throws {
        let h = try WizardHarness()
        let w = h.wizard(as: WizardHarness.agent, start: [.loadQueue, .newCase(subject: "ben@demo.example")])
        for key: Key in [.control("r"), .control("n"), .control("p")] {
            w.press(key)
            XCTAssertNotNil(w.model.modal)
            w.type("something")
            w.press(.escape)
            XCTAssertNil(w.model.modal)
        }
        XCTAssertEqual(try h.eventTypes("HR-00000001"), ["case.opened"])
    }
}

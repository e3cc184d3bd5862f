import Casework
import Engine
import Foundation
import Terminal
@testable import Wizard
import XCTest

/// Leaving never silently loses what cannot be had again: a form with typed input asks first
/// (Esc or Ctrl-C), one-time secrets on screen ask before Ctrl-C quits, and Esc on the queue
/// never quits.
final class LeavingScreenTests: XCTestCase {
    func testEscWithTypedInputAsksAndEscStays() throws {
        let h = try WizardHarness()
        let w = h.wizard(as: WizardHarness.agent, start: [.loadQueue, .newCase(subject: "ben@demo.example")])
        w.press(.right, .right, .tab, .tab)
        w.type("+1555010011")
        w.press(.escape)
        guard case .confirmLeave(_, _, .queue)? = w.model.modal?.kind else { return XCTFail("no question:\n\(w.text)") }
        Golden.assertScreen(w.text, "modal-leave-typed-input")
        w.press(.escape)
        XCTAssertEqual(w.model.route, .caseScreen)
        XCTAssertEqual(w.model.caseScreen?.inputs["callback_number"]?.text, "+1555010011", "still typed")
        w.press(.escape, .enter)
        XCTAssertEqual(w.model.route, .queue)
        XCTAssertNil(try h.store.caseRecord("HR-00000001")?.holder, "the case is let go")
        // An untouched form leaves at once.
        w.press(.character("1"), .enter)
        XCTAssertEqual(w.model.route, .caseScreen)
        w.press(.escape)
        XCTAssertEqual(w.model.route, .queue)
    }

    func testControlCOverSecretsAsksAndEscGoesBackToThem() throws {
        let h = try WizardHarness()
        let w = h.wizard(as: WizardHarness.agent, start: [.loadQueue])
        // Secrets on screen, as a finished reset shows them (not generated: a golden file holds no secret).
        w.runtime.setModalForTest(Modal(kind: .secrets(["XXXX-XXXX-XXXX"])))
        w.press(.control("c"))
        guard case .confirmLeave(_, _, .quit)? = w.model.modal?.kind else { return XCTFail("no question:\n\(w.text)") }
        XCTAssertFalse(w.model.quitting)
        Golden.assertScreen(w.text, "modal-quit-over-secrets")
        w.press(.escape)
        guard case .secrets? = w.model.modal?.kind else { return XCTFail("the secrets are gone:\n\(w.text)") }
        w.press(.control("c"), .control("c"))
        XCTAssertTrue(w.model.quitting, "a second Ctrl-C quits")
    }

    func testEscOnTheQueueNeverQuits() throws {
        let h = try WizardHarness()
        let w = h.wizard(as: WizardHarness.agent)
        w.press(.escape)
        XCTAssertFalse(w.model.quitting)
        XCTAssertEqual(w.model.route, .queue)
        w.press(.character("q"))
        XCTAssertTrue(w.model.quitting)
    }
}

import Casework
import Engine
import Foundation
import Terminal
import Wizard
import XCTest

/// What setting up says on a first run is shown in the wizard: a dialog over the queue; on a
/// case opened for a caller on the line, the line at the foot of the screen, so nothing stands
/// between the operator and the call. (Through the real binary: TmuxShiftFlowTests.)
final class FirstRunScreenTests: XCTestCase {
    static let notices = ["alice is the first operator of /home/alice/.local/share/handrail/demo.db and is now its senior admin.",
                          "created the demo tenant /home/alice/.local/share/handrail/directory.db (12 demo users; handrail directory list)"]

    func testFirstRunMessagesAreADialogOverTheQueue() throws {
        let h = try WizardHarness()
        let w = h.wizard(as: WizardHarness.agent)
        w.runtime.announce(title: "First run", lines: Self.notices)
        guard case .message("First run", let lines)? = w.model.modal?.kind else { return XCTFail("no dialog:\n\(w.text)") }
        XCTAssertEqual(lines, Self.notices)
        Golden.assertScreen(w.text, "first-run")
        w.press(.enter)
        XCTAssertNil(w.model.modal)
    }

    func testOnACaseForACallerTheyAreTheFootLine() throws {
        let h = try WizardHarness()
        let w = h.wizard(as: WizardHarness.agent, start: [.loadQueue, .newCase(subject: "ben@demo.example")])
        w.runtime.announce(title: "First run", lines: Self.notices)
        XCTAssertNil(w.model.modal, "nothing stands between the operator and the call")
        XCTAssertTrue(w.model.flash?.hasPrefix("First run: alice is the first operator") == true, w.text)
    }
}

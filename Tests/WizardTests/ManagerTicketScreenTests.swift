import Engine
import Terminal
import Wizard
import XCTest

/// A vouching ticket opened by someone other than the manager the directory names: a warning
/// line ("!") in the live checklist, from the same evaluation the Engine decides on.
final class ManagerTicketScreenTests: XCTestCase {
    func testATicketFromSomeoneOtherThanTheManagerOnRecordIsAWarningLine() throws {
        let h = try WizardHarness()
        let w = h.wizard(as: WizardHarness.agent, start: [.loadQueue, .newCase(subject: "ben@demo.example")])
        w.press(.right, .right, .right, .tab)
        XCTAssertEqual(w.model.caseScreen?.inputs["method"]?.text, "ticket")
        w.type("HR-55")
        w.press(.tab)
        w.type("tom.other@demo.example")
        let line = try XCTUnwrap(w.model.caseScreen?.evaluation?.checklist.first { $0.name == "ticketFromSubjectsManager" }, w.text)
        XCTAssertTrue(line.warning, "\(line)")
        XCTAssertTrue(w.text.contains("! Ticket opened by the user's manager: Ticket"), w.text)
        XCTAssertTrue(w.text.contains("rosa.manager@demo.example"), w.text)
    }
}

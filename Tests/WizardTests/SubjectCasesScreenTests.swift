import Casework
import Engine
import Foundation
import Terminal
import Wizard
import XCTest

/// Before a new case is opened, the caller's cases so far are shown first: the open and
/// escalated ones (a colleague may be working the same request), then the recent closed ones.
/// A read only: looking records nothing and holds nothing.
final class SubjectCasesScreenTests: XCTestCase {
    func testTheCallersCasesAreShownBeforeANewOneIsOpened() throws {
        let h = try WizardHarness()
        let open = try h.open("ben@demo.example")
        let refused = try h.open("hana@demo.example")
        try h.perform(.refuse(signal: "unusual_activity", reason: "Four failed sign-ins from addresses never seen for her"), on: refused)
        let w = h.wizard(as: Actor(login: "aaron", role: .agent))
        let before = try h.store.eventCount()

        w.press(.character("n"))
        w.type("ben@demo.example")
        w.press(.enter)
        guard case .subjectCases(_, let rows)? = w.model.modal?.kind else { return XCTFail("no list of the caller's cases:\n\(w.text)") }
        XCTAssertEqual(rows.map(\.id), [open])
        XCTAssertEqual(w.model.modal?.selected, 1, "the open case is selected, not a new one")
        XCTAssertTrue(w.text.contains("held by alice"), w.text)
        Golden.assertScreen(w.text, "modal-subject-cases")
        XCTAssertEqual(try h.store.eventCount(), before, "looking records nothing")

        // Enter on it opens that case (read-only here: alice holds it).
        w.press(.enter)
        XCTAssertEqual(w.model.caseScreen?.state.caseID, open)
        XCTAssertEqual(try h.store.eventCount(), before)
        w.press(.escape)

        // An escalated case is listed too. A new case beside it is the engine's to refuse (a person
        // has one case that is not closed at a time): the refusal names the case, nothing is opened.
        w.press(.character("n"))
        w.type("hana@demo.example")
        w.press(.enter)
        guard case .subjectCases(_, let hanas)? = w.model.modal?.kind else { return XCTFail("no list:\n\(w.text)") }
        XCTAssertEqual(hanas.map(\.status), [.escalated])
        let eventsBefore = try h.store.eventCount()
        w.press(.up, .enter)
        XCTAssertNil(w.model.caseScreen, w.text)
        XCTAssertTrue(w.text.contains("already has an open case"), w.text)
        XCTAssertEqual(try h.store.eventCount(), eventsBefore, "a refused opening records nothing")
    }

    func testACallerWithNoCasesGoesStraightIntoTheNewCase() throws {
        let h = try WizardHarness()
        let w = h.wizard(as: WizardHarness.agent)
        w.press(.character("n"))
        w.type("ben@demo.example")
        w.press(.enter)
        XCTAssertNil(w.model.modal)
        XCTAssertEqual(w.model.caseScreen?.state.subject, "ben@demo.example")
    }
}

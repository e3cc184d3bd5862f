import Engine
import Terminal
import Wizard
import XCTest

/// A caller refused by one agent who rings again: the wizard's checklist shows the prior refusal
/// (the same evaluation the Engine enforces), a second case while one is open is refused with the
/// open one named, and a senior clears the prior refusal from the actions menu.
final class CallerShoppingScreenTests: XCTestCase {
    func testThePriorRefusalStopsTheNewCaseOnScreenUntilASeniorClearsIt() throws {
        let h = try WizardHarness()
        let first = try h.open("ben@demo.example")
        // While the first case is open, a second agent cannot open another for ben.
        let other = h.wizard(as: Actor(login: "aaron", role: .agent), start: [.loadQueue, .newCase(subject: "ben@demo.example")])
        let flash = try XCTUnwrap(other.model.flash, other.text)
        XCTAssertTrue(flash.contains("already has an open case, \(first)"), flash)
        // Refused and upheld; the caller rings again.
        try h.perform(.refuse(signal: "pressure", reason: "Caller insisted it was urgent and named the CEO"), on: first)
        try h.perform(.review(.uphold, reason: "The refusal stands: classic pressure"), on: first, as: WizardHarness.senior)
        let w = h.wizard(as: WizardHarness.agent, start: [.loadQueue, .newCase(subject: "ben@demo.example")])
        XCTAssertTrue(w.text.contains("✗ No refusal signal raised: Refused, escalated or"), w.text)
        XCTAssertTrue(w.text.contains("\(first) (refused: case.escalated,"), w.text)
        let second = try XCTUnwrap(w.model.caseScreen?.state.caseID)
        XCTAssertEqual(try h.eventTypes(second), ["case.opened", "case.prior_cases_found"])
        // The agent is not offered the clearing; a senior who did not open the case is.
        XCTAssertFalse(w.model.caseScreen?.presentation.offers(.clearPriorCases) ?? true)
        let senior = h.wizard(as: WizardHarness.otherSenior, start: [.loadQueue, .openCase(second)])
        XCTAssertTrue(senior.model.caseScreen?.presentation.offers(.clearPriorCases) ?? false, senior.text)
        try h.perform(.clearPriorCases(reason: "Read the earlier refusal; verify on video now"), on: second, as: WizardHarness.otherSenior)
        XCTAssertEqual(try h.state(second).priorCasesClearedBy, "tess")
    }
}

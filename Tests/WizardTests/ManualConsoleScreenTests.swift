import Casework
import Engine
import Foundation
import Platform
import Terminal
@testable import Wizard
import XCTest

/// ManualConsole in the wizard: the admin console's facts typed in a form (each with its screen
/// and an example), "I see the new factor" at the enrolment wait, and a case that re-reads itself
/// when the command line (another process) changes it, keeping what is being typed.
final class ManualConsoleScreenTests: XCTestCase {
    func manualHarness() throws -> WizardHarness {
        let h = try WizardHarness(demo: false)
        h.manual = true
        return h
    }

    func testAFactNotYetTypedIsUnknownNeverAPassOrAZero() throws {
        let h = try manualHarness()
        let id = try h.open("ada@example.org")
        let w = h.wizard(as: WizardHarness.agent, start: [.openCase(id)])
        XCTAssertEqual(w.model.caseScreen?.presentation.facts.backupCodes, .unknown)
        XCTAssertTrue(w.text.contains("Backup codes left: not"), w.text)
        XCTAssertFalse(w.text.contains("Backup codes left: 0"), w.text)
        XCTAssertFalse(w.text.contains("✓ Account not suspended"), w.text)
        XCTAssertFalse(w.text.contains("✓ No unusual sign-in activity"), w.text)
        XCTAssertTrue(w.text.contains("F2 facts"), w.text)
        Golden.assertScreen(w.text, "manual-verify-nothing-typed")
    }

    func testTheFactsFormRecordsWhatIsTypedAndTheScreenFollows() throws {
        let h = try manualHarness()
        let id = try h.open("ada@example.org")
        let w = h.wizard(as: WizardHarness.agent, start: [.openCase(id)])
        w.press(.function(2))
        guard case .facts(let prompts, _, false)? = w.model.modal?.kind else { return XCTFail("no facts form:\n\(w.text)") }
        XCTAssertEqual(Set(prompts.map(\.key)), Set(ManualConsole.factKeys.map(\.key)), "every fact can be typed")
        Golden.assertScreen(w.text, "modal-facts")
        // Each fact's console screen and example is shown for the focused one.
        let focusedKey = prompts[0].key
        XCTAssertTrue(w.text.contains(ManualConsole.factKeys.first { $0.key == focusedKey }!.consoleScreen), w.text)

        func focus(_ key: String) {
            while case .facts(let p, _, _)? = w.model.modal?.kind, p[w.model.modal!.fieldFocus].key != key { w.press(.tab) }
        }
        focus("codes")
        w.type("3")
        focus("suspended")
        w.type("no")
        focus("signins")
        w.type("none")
        focus("phone")
        w.type("+15550100@2024-03-01")
        Golden.assertScreen(w.text, "modal-facts-typed")
        w.press(.enter)
        XCTAssertNil(w.model.modal, w.text)
        XCTAssertEqual(try h.eventTypes(id).last, "facts.recorded")
        XCTAssertTrue(w.text.contains("Backup codes left: 3"), w.text)
        XCTAssertFalse(w.text.contains("Suspended? not typed yet"), w.text)
        Golden.assertScreen(w.text, "manual-verify-facts-typed")
    }

    func testAFactThatDoesNotParseIsRefusedAndTheFormKeepsWhatWasTyped() throws {
        let h = try manualHarness()
        let id = try h.open("ada@example.org")
        let w = h.wizard(as: WizardHarness.agent, start: [.openCase(id)])
        w.press(.function(2))
        while case .facts(let p, _, _)? = w.model.modal?.kind, p[w.model.modal!.fieldFocus].key != "codes" { w.press(.tab) }
        w.type("three")
        w.press(.enter)
        guard case .facts? = w.model.modal?.kind else { return XCTFail("the form is gone:\n\(w.text)") }
        XCTAssertNotNil(w.model.modal?.error)
        XCTAssertTrue(w.model.modal!.fields.contains { $0.text == "three" }, "still typed")
        XCTAssertEqual(try h.eventTypes(id), ["case.opened"], "nothing recorded")
        Golden.assertScreen(w.text, "modal-facts-refused")
    }

    /// Another process (the command line) types a fact while the agent is half-way through the
    /// form: the case shows it at once and the half-typed field is still there.
    func testTheCaseReReadsItselfWhenChangedElsewhereKeepingWhatIsTyped() throws {
        let h = try manualHarness()
        let id = try h.open("ada@example.org")
        let w = h.wizard(as: WizardHarness.agent, start: [.openCase(id)])
        w.press(.right) // video
        while w.model.caseScreen?.focusedField?.id != "reference" { w.press(.tab) }
        w.type("SD-47")
        let typed = w.model.caseScreen!.inputs
        // The command line, in another process: `handrail case facts ID codes=2`.
        let cli = h.service()
        XCTAssertNil(try cli.recordTypedFacts(["codes": "2"], on: id, actor: WizardHarness.agent).refusal)
        w.runtime.refreshIfChanged()
        XCTAssertEqual(w.model.caseScreen?.presentation.facts.backupCodes, .known(2))
        Golden.assertScreen(w.text, "manual-changed-elsewhere")
        XCTAssertEqual(w.model.caseScreen!.inputs, typed, "what was typed stays")
        XCTAssertTrue(w.text.contains("SD-47"), w.text)
        XCTAssertTrue(w.text.contains("changed elsewhere"), w.text)
        // Nothing changed: nothing is read again.
        let frames = w.terminal.framesDrawn
        w.runtime.refreshIfChanged()
        XCTAssertEqual(w.terminal.framesDrawn, frames)
    }

    func testISeeTheNewFactorRecordsItAndChecksTheEnrolment() throws {
        let h = try manualHarness()
        let id = try h.manualCaseAtForceReset()
        try h.pass(id, "force_reset", [:])
        let attested = try h.service().attest(id, actor: WizardHarness.agent, attestation: "Force MFA reset confirmed in the modal")
        XCTAssertNil(attested.refusal, attested.refusal?.message ?? "")
        XCTAssertEqual(try h.state(id).status, .awaitingEnrolment)
        h.clock.advance(120)
        let w = h.wizard(as: WizardHarness.agent, start: [.openCase(id)])
        XCTAssertTrue(w.text.contains("F2: I see the new factor"), w.text)
        w.press(.function(2))
        guard case .facts(let prompts, _, true)? = w.model.modal?.kind else { return XCTFail("no new-factor form:\n\(w.text)") }
        XCTAssertEqual(prompts.map(\.key), ["factor", "enrolledfrom"], "the factor and the sign-in that enrolled it")
        XCTAssertTrue(w.text.contains("e.g. totp:Pixel 9@2026-05-18T10:0"), "the example is now, after the reset:\n\(w.text)")
        Golden.assertScreen(w.text, "modal-new-factor")
        w.type("totp:Pixel 9@2026-05-18T10:01")
        w.press(.tab)
        w.type("seen:198.51.100.7")
        w.press(.enter)
        XCTAssertEqual(w.model.caseScreen?.state.currentStep, "follow_up", w.text)
        XCTAssertEqual(try h.eventTypes(id).suffix(2), ["facts.recorded", "mfa.factor_enrolled"])
    }
}

/// Choices as a visible list: Space (or a letter) opens every option, unacceptable ones marked,
/// typing filters, Enter picks.
final class ChoiceListScreenTests: XCTestCase {
    func testTheMethodsAreAListWithTheUnacceptableMarkedAndTypingFilters() throws {
        let h = try WizardHarness()
        let w = h.wizard(as: WizardHarness.agent, start: [.loadQueue, .newCase(subject: "ben@demo.example")])
        XCTAssertEqual(w.model.caseScreen?.focusedField?.id, "method")
        w.press(.character(" "))
        guard case .choose(_, _, let options)? = w.model.modal?.kind else { return XCTFail("no list:\n\(w.text)") }
        XCTAssertGreaterThan(options.count, 5)
        XCTAssertTrue(w.text.contains("NOT ACCEPTABLE: "), "unacceptable methods are marked:\n\(w.text)")
        Golden.assertScreen(w.text, "modal-choose-method")
        w.type("back")
        Golden.assertScreen(w.text, "modal-choose-method-filtered")
        w.press(.enter)
        XCTAssertNil(w.model.modal)
        XCTAssertEqual(w.model.caseScreen?.inputs["method"]?.text, "callback", w.text)
        // A letter opens the list with its filter begun.
        w.press(.character("v"))
        guard case .choose? = w.model.modal?.kind else { return XCTFail("no list:\n\(w.text)") }
        XCTAssertEqual(w.model.modal?.input.text, "v")
        w.press(.escape)
        XCTAssertEqual(w.model.caseScreen?.inputs["method"]?.text, "callback", "Esc leaves the choice as it was")
    }

    /// At 80×24 the focused field's whole option and help show, and no failing check is cut:
    /// "before today" and "Never call this number back…" are read in full.
    func testAt80x24RulesAreNeverCut() throws {
        let h = try WizardHarness()
        let w = h.wizard(as: WizardHarness.agent, start: [.loadQueue, .newCase(subject: "ben@demo.example")])
        w.press(.right, .right)
        let option = w.text.components(separatedBy: "\n").map { $0.dropFirst(29).trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
        XCTAssertTrue(option.contains("Call-back to a number on the account before today How did you verify the caller?"), w.text)
        w.press(.tab)
        XCTAssertEqual(w.model.caseScreen?.focusedField?.id, "caller_number")
        let flat = w.text.components(separatedBy: "\n").map { $0.dropFirst(29).trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
        XCTAssertTrue(flat.contains("Never call this number back unless it was on the account before today."), w.text)
        Golden.assertScreen(w.text, "step-verify-caller-number-help")
    }
}

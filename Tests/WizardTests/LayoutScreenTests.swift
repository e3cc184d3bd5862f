import Engine
import Terminal
import Wizard
import XCTest

/// What every screen must survive: help on each screen, a terminal too small (and keys typed
/// blind not acted on), resizing, ASCII-only terminals, and data carrying escape sequences.
final class LayoutScreenTests: XCTestCase {
    func testHelpListsEveryKeyOfTheScreenAndAnyKeyCloses() throws {
        let h = try WizardHarness()
        let w = h.wizard(as: WizardHarness.agent)
        w.press(.character("?"))
        XCTAssertTrue(w.model.showHelp)
        Golden.assertScreen(w.text, "help-queue")
        w.press(.character("x"))
        XCTAssertFalse(w.model.showHelp)
        XCTAssertEqual(w.model.route, .queue, "the key that closes help does nothing else")

        w.press(.character("n"))
        w.type("ben@demo.example")
        w.press(.enter, .function(1))
        Golden.assertScreen(w.text, "menu-actions")
        w.press(.character("h"))
        Golden.assertScreen(w.text, "help-case")
        for key in ["F5", "F8", "F6", "F7", "F9", "F10", "^A/^E", "^U/^K", "?e ?u ?o ?d", "?t ?v ?x", "^G", "Esc, q"] {
            XCTAssertTrue(w.text.contains(key), "help on the case screen lacks \(key):\n\(w.text)")
        }
        w.press(.escape)
        XCTAssertEqual(w.model.route, .caseScreen, "Esc closes help, not the case")

        w.press(.control("g"))
        Golden.assertScreen(w.text, "modal-guidance")
        w.press(.enter)
        w.press(.escape, .character("a"), .function(1))
        Golden.assertScreen(w.text, "help-audit")
    }

    func testTooSmallSaysSoIgnoresKeysAndComesBack() throws {
        let h = try WizardHarness()
        let w = h.wizard(as: WizardHarness.agent, start: [.loadQueue, .newCase(subject: "ben@demo.example")])
        w.press(.right, .right, .tab, .tab)
        w.type("+1555010011")
        w.press(.tab, .character("y"), .tab)
        w.type("SD-4711")
        let before = w.text

        w.resize(width: 79, height: 24)
        Golden.assertScreen(w.text, "too-small")
        // At 30 columns the message wraps, whole.
        w.resize(width: 30, height: 10)
        Golden.assertScreen(w.text, "too-small-30x10")
        XCTAssertTrue(w.text.contains("quits.)"), w.text)
        w.resize(width: 79, height: 24)
        XCTAssertTrue(w.text.contains("at least 80×24"), w.text)
        // Typed blind, these would continue the step; nothing happens.
        w.press(.control("s"), .enter, .character("x"))
        XCTAssertEqual(try h.eventTypes("HR-00000001"), ["case.opened"])
        w.resize(width: 80, height: 23)
        XCTAssertTrue(w.text.contains("This one is 80×23"), w.text)

        w.resize(width: 80, height: 24)
        XCTAssertEqual(w.text, before, "the same screen comes back, with everything typed")
        w.resize(width: 120, height: 40)
        Golden.assertScreen(w.text, "step-verify-ready-120x40")
    }

    func testASCIIFallbackDrawsOnlyASCII() throws {
        let h = try WizardHarness()
        let id = try h.caseAtForceReset()
        let w = h.wizard(as: WizardHarness.agent, unicode: false, start: [.openCase(id)])
        w.press(.control("s"))
        Golden.assertScreen(w.text, "ascii-confirm-reset")
        for row in 0..<w.screen.height {
            for column in 0..<w.screen.width {
                XCTAssertTrue(w.screen[row, column].text.isASCII, "row \(row) column \(column): \(w.screen[row, column].text)\n\(w.text)")
            }
        }
        w.press(.escape, .escape)
        Golden.assertScreen(w.text, "ascii-queue")
        XCTAssertTrue(w.text.allSatisfy(\.isASCII))
    }

    /// A display name that tries to write the clipboard (OSC 52) and clear the screen: cleaned on
    /// the way in from the directory (each control character replaced with U+FFFD), and no control
    /// character reaches a cell.
    func testHostileDisplayNameIsShownEscaped() throws {
        let h = try WizardHarness()
        try h.addUser("eve@demo.example", displayName: "Eve\u{1B}]52;c;AAAA\u{07}\u{1B}[2J")
        let w = h.wizard(as: WizardHarness.agent, width: 100, height: 30, start: [.loadQueue, .newCase(subject: "eve@demo.example")])
        w.assertNoControlCharacters()
        XCTAssertTrue(w.text.contains("(Eve\u{FFFD}]52;c;AAAA\u{FFFD}\u{FFFD}[2J)"), w.text)
        Golden.assertScreen(w.text, "hostile-display-name")

        // The follow-up drafted from the name carries it too, cleaned, all the way to the end.
        w.press(.right, .right, .tab, .tab)
        w.type("+15550142")
        w.press(.tab, .character("y"), .tab)
        w.type("SD-1")
        w.press(.control("s"), .control("s"), .right, .control("s"), .control("s"))
        w.type("eve@demo.example")
        w.press(.enter)
        try h.userEnrols("eve@demo.example")
        w.press(.function(10))
        XCTAssertEqual(w.model.caseScreen?.state.currentStep, "follow_up", w.text)
        w.assertNoControlCharacters()
        w.press(.escape)
        w.press(.character("a"))
        w.assertNoControlCharacters()
    }

    /// Every option of a choice keeps both arrows on screen at 80 columns, the focus is marked
    /// in the text itself, and Enter on a field that is not the last moves on instead of continuing.
    func testChoicesKeepTheirArrowsAndFocusIsMarked() throws {
        let h = try WizardHarness()
        let w = h.wizard(as: WizardHarness.agent, start: [.loadQueue, .newCase(subject: "ben@demo.example")])
        let method = try XCTUnwrap(h.runbook.step("verify_identity")?.field("method"))
        for option in method.options {
            w.press(.right)
            XCTAssertEqual(w.model.caseScreen?.inputs["method"]?.text, option.value)
            let line = try XCTUnwrap(w.text.components(separatedBy: "\n").first { $0.contains("▸ How did you verify") }, w.text)
            XCTAssertTrue(line.contains("◀ ") && line.hasSuffix(" ▶"), "option \(option.value): \(line)")
            XCTAssertLessThanOrEqual(line.count, 80)
        }
        w.press(.right) // back round to video
        XCTAssertEqual(w.model.caseScreen?.inputs["method"]?.text, "video")
        w.press(.enter)
        XCTAssertEqual(w.model.caseScreen?.focus, 1, "Enter on a field that is not the last goes to the next")
        XCTAssertTrue(w.text.contains("▸ Compared the face"), w.text)
        w.press(.backTab)
        XCTAssertEqual(w.model.caseScreen?.focus, 0)
        w.press(.left)
        XCTAssertEqual(w.model.caseScreen?.inputs["method"]?.text, "chat_message", "← goes round backwards")
        XCTAssertEqual(try h.eventTypes("HR-00000001"), ["case.opened"])
    }

    /// Typing in a text field takes every printable key (q, ?, y, n are letters there) and never a control character.
    func testTextFieldsTakeLettersThatAreKeysElsewhere() throws {
        let h = try WizardHarness()
        let w = h.wizard(as: WizardHarness.agent, start: [.loadQueue, .newCase(subject: "ben@demo.example")])
        w.press(.right, .right, .tab, .tab, .tab, .tab)
        XCTAssertEqual(w.model.caseScreen?.focusedField?.id, "reference")
        w.type("q?yn")
        w.press(.character("\u{1B}"), .character("\u{07}"))
        XCTAssertEqual(w.model.caseScreen?.inputs["reference"]?.text, "q?yn")
        XCTAssertEqual(w.model.route, .caseScreen)
        XCTAssertFalse(w.model.showHelp)
        w.press(.backspace, .left, .delete)
        XCTAssertEqual(w.model.caseScreen?.inputs["reference"]?.text, "q?")
    }

    /// A note typed beside a half-filled form keeps the form.
    func testANoteKeepsTheHalfTypedForm() throws {
        let h = try WizardHarness()
        let w = h.wizard(as: WizardHarness.agent, start: [.loadQueue, .newCase(subject: "ben@demo.example")])
        w.press(.right, .right, .tab, .tab)
        w.type("+1555010011")
        w.press(.control("n"))
        w.type("Caller says he is at the airport")
        w.press(.enter)
        XCTAssertEqual(try h.eventTypes("HR-00000001"), ["case.opened", "note.added"])
        XCTAssertEqual(w.model.caseScreen?.inputs["method"]?.text, "callback")
        XCTAssertEqual(w.model.caseScreen?.inputs["callback_number"]?.text, "+1555010011")
        XCTAssertEqual(w.model.caseScreen?.focusedField?.id, "callback_number")
    }

    /// Ctrl-C quits at once from anywhere, letting go of the case it held.
    func testControlCQuitsAndReleasesTheCase() throws {
        let h = try WizardHarness()
        let w = h.wizard(as: WizardHarness.agent, start: [.loadQueue, .newCase(subject: "ben@demo.example")])
        XCTAssertEqual(try h.store.caseRecord("HR-00000001")?.holder, "alice")
        w.press(.control("c"))
        XCTAssertTrue(w.model.quitting)
        let record = try h.store.caseRecord("HR-00000001")
        XCTAssertTrue(record?.holder == nil || (record?.leaseExpiresAt ?? .distantFuture) <= h.clock.now, "lease let go")
    }
}

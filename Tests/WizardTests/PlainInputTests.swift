import Engine
import Foundation
import Terminal
@testable import Wizard
import XCTest

/// Lines that cannot be taken as typed — garbage, escape sequences, a 20,000-character line,
/// broken UTF-8 — get a clear message and the prompt again; nothing typed before is lost and
/// nothing is recorded. And the plain output never carries an escape sequence or box drawing.
final class PlainInputTests: XCTestCase {
    func testLinesAreSplitOnLFCRLFAndCRAndTheLastOneWithoutNewlineIsKept() {
        var decoder = LineDecoder()
        XCTAssertEqual(decoder.feed(Array("one\ntwo\r\nthree\rfour".utf8)).map(\.text), ["one", "two", "three"])
        XCTAssertEqual(decoder.feed([]).count, 0)
        XCTAssertEqual(decoder.finish()?.text, "four")
        XCTAssertNil(decoder.finish())
    }

    func testALineOverTheLimitIsReportedWithItsLengthAndCutAtACharacter() {
        var decoder = LineDecoder(limit: 10)
        let lines = decoder.feed(Array(("aaaaaaaaaé" + String(repeating: "b", count: 19_990) + "\nok\n").utf8))
        XCTAssertEqual(lines.count, 2)
        XCTAssertEqual(lines[0].problem, .tooLong(bytes: 20_001))
        XCTAssertEqual(lines[0].text, "aaaaaaaaa", "cut before the two bytes of é, not through them")
        XCTAssertEqual(lines[1], LineDecoder.Line(text: "ok"))
    }

    func testBrokenUTF8IsShownAsReplacementAndReported() {
        var decoder = LineDecoder()
        let lines = decoder.feed([0x62, 0xC3, 0x28, 0x65, 0xFF, 0x0A, 0xEF, 0xBF, 0xBD, 0x0A])
        XCTAssertEqual(lines[0].text, "b\u{FFFD}(e\u{FFFD}")
        XCTAssertEqual(lines[0].problem, .invalidUTF8)
        XCTAssertNil(lines[1].problem, "U+FFFD typed as such is a character like any other")
    }

    func testControlCharactersAndEscapeSequencesAreReported() {
        var decoder = LineDecoder()
        let lines = decoder.feed(Array("\u{1B}[31mred\n\u{1B}]52;c;aGk=\u{07}\nta\tb\n\u{9B}31m\n".utf8))
        XCTAssertEqual(lines.map(\.problem), Array(repeating: .controlCharacters, count: 4))
    }

    /// At Ben's first prompt, after the method is chosen: every bad line is answered and the
    /// prompt asked again, the choice already made stays, and nothing is recorded.
    func testBadLinesAreAnsweredAndNothingIsLost() throws {
        let h = try WizardHarness()
        let p = PlainDriver(h, as: WizardHarness.agent)
        p.lines("n ben@demo.example", "2", "", "+1555010011")
        XCTAssertTrue(p.type("banana").contains("Problem: type y for yes or n for no."), p.text)
        XCTAssertTrue(p.bytes(Array("\u{1B}[2J\u{1B}[31my\n".utf8), shown: "ESC [2J ESC [31m y").contains("held control characters"), p.text)
        XCTAssertTrue(p.type(String(repeating: "y", count: 20_000)).contains("20000 bytes long"), p.text)
        XCTAssertTrue(p.bytes([0x79, 0xC3, 0x28, 0x0A], shown: "y C3 28 (broken UTF-8)").contains("not valid UTF-8"), p.text)
        let again = p.type("y")
        XCTAssertTrue(again.contains("Field 5 of 5: Support ticket for this call."), p.text)
        let inputs = p.session.model.caseScreen?.values ?? [:]
        XCTAssertEqual(inputs["method"], "callback")
        XCTAssertEqual(inputs["callback_number"], "+1555010011")
        XCTAssertEqual(inputs["callback_confirmed"], "yes")
        XCTAssertEqual(try h.eventTypes("HR-00000001"), ["case.opened"], "nothing recorded by a bad line")
        // A text field caps what it takes (the full screen's limit), and says so.
        let long = p.type(String(repeating: "T", count: 3000))
        XCTAssertTrue(long.contains("cut at this field's limit"), long)
        XCTAssertTrue(p.type("9").contains("Problem: no field 9; type 1 to 5."), p.text)
        p.endOfInput()
        p.assertTranscript("plain-bad-lines")
    }

    /// Data from the directory with escape sequences and bidi overrides never reaches the output
    /// raw: the platform's facts are cleaned on the way in (each control or bidi character becomes
    /// U+FFFD, visibly), and the box drawing is given its ASCII stand-in.
    func testHostileDataIsShownAsVisibleEscapes() throws {
        let h = try WizardHarness()
        try h.addUser("mallory@demo.example", displayName: "Mal\u{1B}]0;pwned\u{07}\u{202E}lory ┌──┐")
        let p = PlainDriver(h, as: WizardHarness.agent)
        p.type("n mallory@demo.example")
        XCTAssertTrue(p.text.contains("Mal\u{FFFD}]0;pwned\u{FFFD}\u{FFFD}lory +--+"), p.text)
        for raw in ["\u{1B}", "\u{07}", "\u{202E}", "┌", "─"] { XCTAssertFalse(p.text.contains(raw), "raw \(raw.debugDescription) in the output") }
        PlainDriver.assertPlain(p.text)
    }

    /// The actions of the plain mode are the full screen's actions menu, letter for letter.
    func testTheActionsAreTheFullScreensMenu() throws {
        let h = try WizardHarness()
        let id = try h.caseAtForceReset()
        let p = PlainDriver(h, as: WizardHarness.agent, start: [.openCase(id)])
        let listed = p.type("?").split(separator: "\n").compactMap { line -> Character? in
            line.count > 2 && line.dropFirst().first == " " ? line.first : nil
        }
        let screen = try XCTUnwrap(p.session.model.caseScreen)
        let menu = CaseUpdate.menu(screen).filter { $0.action != .help }.map(\.letter)
        XCTAssertEqual(Array(listed.prefix(menu.count)), menu)
        XCTAssertEqual(PlainView.lettersForKeys("Waiting for the user to enrol: F10 checks the platform now; ^G guidance", CaseUpdate.menu(screen)),
                       "Waiting for the user to enrol: F10 checks the platform now; ?g guidance", "F10 is not on this step's menu")
    }
}

extension PlainInputTests {
    /// Leaving a case with typed input asks first, as the full screen does; staying keeps all of it.
    func testLeavingWithTypedInputAsksFirstAndStayingKeepsIt() throws {
        let h = try WizardHarness()
        let p = PlainDriver(h, as: WizardHarness.agent)
        p.lines("n ada@demo.example", "1", "1", "y", "INC-1001")
        XCTAssertTrue(p.type("q").contains("Type y to leave, n to stay."), p.text)
        XCTAssertTrue(p.type("n").contains("Checklist for Verify identity out-of-band:"), p.text)
        XCTAssertEqual(p.session.model.caseScreen?.values["reference"], "INC-1001")
        p.type("q")
        XCTAssertTrue(p.type("y").contains("Queue prompt:"), p.text)
        XCTAssertEqual(try h.eventTypes("HR-00000001"), ["case.opened"])
        PlainDriver.assertPlain(p.text)
    }
}

extension PlainInputTests {
    /// A note longer than a dialog takes is cut at its limit, and the plain mode says so.
    func testADialogSaysWhenItCutsALongText() throws {
        let h = try WizardHarness()
        let p = PlainDriver(h, as: WizardHarness.agent)
        p.lines("n ada@demo.example", "?n")
        let long = String(repeating: "The caller rang twice from a new number. ", count: 62)
        XCTAssertTrue(p.type(long).contains("Pasted text cut at 2000 characters (\(long.trimmingCharacters(in: .whitespaces).count - 2000) left out)"), p.text)
        XCTAssertEqual(try h.eventTypes("HR-00000001"), ["case.opened", "note.added"])
    }
}

extension PlainInputTests {
    /// Pause and resume by the actions menu's letter (p for both, as on the full screen), from a
    /// field with `?p` and from the paused case with `p`. Resumed, the step is asked from its
    /// first field again (the form starts afresh after a pause, as on the full screen).
    func testPauseAndResumeByTheMenusLetter() throws {
        let h = try WizardHarness()
        let p = PlainDriver(h, as: WizardHarness.agent)
        p.lines("n ada@demo.example", "1")
        XCTAssertTrue(p.type("?p").contains("Dialog: Pause the case."), p.text)
        XCTAssertTrue(p.type("The caller has to find the ticket number first").contains("Paused."), p.text)
        XCTAssertEqual(try h.state("HR-00000001").status, .paused)
        XCTAssertTrue(p.type("p").contains("Field 1 of 1: How did you verify the caller?"), p.text)
        XCTAssertEqual(try h.state("HR-00000001").status, .open)
        XCTAssertEqual(try h.eventTypes("HR-00000001"), ["case.opened", "case.paused", "case.resumed"])
        PlainDriver.assertPlain(p.text)
    }
}

extension PlainInputTests {
    /// The email typed to confirm a reset must be the subject's: another is refused in the
    /// dialog, asked again from its start, and nothing is done to any account.
    func testAWrongEmailAtTheResetIsRefusedAndNothingIsDone() throws {
        let h = try WizardHarness()
        let id = try h.caseAtForceReset()
        let p = PlainDriver(h, as: WizardHarness.agent, start: [.openCase(id)])
        p.lines("", "attacker@evil.example")
        let refused = p.type("")
        XCTAssertTrue(refused.contains("Problem: Email typed to confirm: attacker@evil.example is not the user's email"), refused)
        XCTAssertTrue(refused.contains("Type the user's email to confirm (typed, not copied):"), refused)
        XCTAssertFalse(try h.eventTypes(id).contains("mfa.factor_admin_reset.requested"), "nothing was asked of the platform")
        p.lines("ben@demo.example", "")
        XCTAssertEqual(try h.state(id).status, .awaitingEnrolment)
    }
}

extension PlainInputTests {
    /// The caller already has a case: before a new one, the caller's cases are read out and
    /// answered by number, as the full screen's list; a number not listed is refused and nothing
    /// is opened; the case chosen opens; a second open case for the same person is refused.
    func testTheCallersCasesComeFirstAndAreAnsweredByNumber() throws {
        let h = try WizardHarness()
        let first = try h.open("ada@demo.example")
        let p = PlainDriver(h, as: WizardHarness.agent)
        let list = p.type("n ada@demo.example")
        XCTAssertTrue(list.contains("Dialog: ada@demo.example already has cases."), list)
        XCTAssertTrue(list.contains("  1. \(first): open, at Verify identity out-of-band"), list)
        XCTAssertTrue(list.contains("Enter opens \(first)"), list)
        XCTAssertTrue(p.type("7").contains("Problem: type 0 for a new case, or 1 for that case."), p.text)
        let refused = p.type("0")
        XCTAssertTrue(refused.contains("a second case for the same person is not opened"), refused)
        XCTAssertTrue(refused.contains("Queue prompt:"), refused)
        XCTAssertEqual(try h.eventTypes(first), ["case.opened"], "nothing recorded by a refused second case")
        p.type("n ada@demo.example")
        XCTAssertTrue(p.type("1").contains("Case \(first) for ada@demo.example"), p.text)
        p.endOfInput()
        PlainDriver.assertPlain(p.text)
        p.assertTranscript("plain-caller-cases")
    }
}

extension PlainInputTests {
    /// l (the full screen's history list) reads the case's events out, oldest first, in people's
    /// words, and the prompt comes back; nothing is recorded by reading it.
    func testTheHistoryIsReadOutAndThePromptComesBack() throws {
        let h = try WizardHarness()
        let id = try h.caseAtForceReset()
        let p = PlainDriver(h, as: WizardHarness.agent, start: [.openCase(id)])
        let before = try h.eventTypes(id)
        let history = p.type("?l")
        XCTAssertTrue(history.contains("History, every event of the case, oldest first:"), history)
        XCTAssertFalse(history.contains("case.opened"), "no raw event types: \(history)")
        XCTAssertTrue(history.contains("alice verified the caller"), history)
        XCTAssertTrue(history.contains("Checklist for Force MFA reset:"), "the prompt again: \(history)")
        XCTAssertEqual(try h.eventTypes(id), before)
        PlainDriver.assertPlain(p.text)
    }
}

extension PlainInputTests {
    /// A case held by a colleague is read, not acted on; y (the full screen's take-over) asks a
    /// reason and then the senior works it. The agent cannot take it over.
    func testASeniorTakesOverAHeldCaseLineByLine() throws {
        let h = try WizardHarness()
        let id = try h.caseAtForceReset()
        let alice = PlainDriver(h, as: WizardHarness.agent, start: [.openCase(id)])
        XCTAssertTrue(alice.text.contains("Case \(id)"), alice.text)
        let bob = PlainDriver(h, as: Actor(login: "bob", role: .agent))
        XCTAssertTrue(bob.type(id).contains("Checklist prompt: read-only, held by alice; ? lists the actions."), bob.text)
        XCTAssertTrue(bob.type("y").contains("Problem: y is not an action now."), bob.text)
        let sam = PlainDriver(h, as: WizardHarness.senior)
        XCTAssertTrue(sam.type(id).contains("Checklist prompt: read-only, held by alice; y takes it over"), sam.text)
        let asked = sam.type("y")
        XCTAssertTrue(asked.contains("Dialog:"), asked)
        sam.type("Alice is off sick; taking the case over")
        XCTAssertTrue(try h.eventTypes(id).contains("case.taken_over"), sam.text)
        PlainDriver.assertPlain(sam.text)
        sam.endOfInput()
        sam.assertTranscript("plain-take-over")
    }
}

import HandrailCLI
import XCTest

/// `SafeText.visible`: text from data is shown on a terminal, never interpreted by it.
final class SafeTextTests: XCTestCase {
    func testEscapeSequencesAreShownNotSent() {
        XCTAssertEqual(SafeText.visible("\u{1B}[2J\u{1B}]52;c;ZXZpbA==\u{07}"), #"\e[2J\e]52;c;ZXZpbA==\x07"#)
    }

    func testC0ControlsAndDelete() {
        XCTAssertEqual(SafeText.visible("a\u{0}b\u{08}c\rd\u{7F}"), #"a\x00b\x08c\x0Dd\x7F"#)
    }

    func testC1ControlsIncludingTheOneByteCSI() {
        XCTAssertEqual(SafeText.visible("\u{80}\u{9B}31m\u{9D}\u{9F}"), #"\x80\x9B31m\x9D\x9F"#)
    }

    func testBidirectionalControlsAndLineSeparators() {
        XCTAssertEqual(SafeText.visible("invoice\u{202E}fdp.exe"), #"invoice\u{202E}fdp.exe"#)
        XCTAssertEqual(SafeText.visible("\u{202A}\u{2066}\u{2069}\u{200E}\u{200F}\u{061C}"),
                       #"\u{202A}\u{2066}\u{2069}\u{200E}\u{200F}\u{061C}"#)
        XCTAssertEqual(SafeText.visible("a\u{2028}b\u{2029}c"), #"a\u{2028}b\u{2029}c"#)
    }

    /// Invisible characters (zero-width joiner, Hangul filler, soft hyphen, variation selector)
    /// are shown, so a look-alike address never prints as the real one.
    func testInvisibleCharactersAreShown() {
        XCTAssertEqual(SafeText.visible("sam\u{200D}@example.com"), #"sam\u{200D}@example.com"#)
        XCTAssertEqual(SafeText.visible("sam\u{3164}\u{00AD}\u{FE0F}"), #"sam\u{3164}\u{00AD}\u{FE0F}"#)
        XCTAssertEqual(SafeText.visible("Zoë Ångström"), "Zoë Ångström", "visible letters stay as they are")
    }

    func testNewlinesAndTabs() {
        XCTAssertEqual(SafeText.visible("one\ntwo"), #"one\x0Atwo"#, "a single-line field cannot start a fake new line")
        XCTAssertEqual(SafeText.visible("one\ntwo", multiline: true), "one\ntwo")
        XCTAssertEqual(SafeText.visible("a\tb"), "a b")
        XCTAssertEqual(SafeText.visible("a\tb", multiline: true), "a    b")
    }

    func testOrdinaryTextIsUnchanged() {
        for text in ["", "Jane O'Neil <jane@example.com>", "User detail → MFA tab", "Zoë 😀 日本語", "\\e is not an escape"] {
            XCTAssertEqual(SafeText.visible(text), text)
        }
    }
}

import Foundation
import Terminal
@testable import Wizard
import XCTest

/// Bytes to keys (Terminal's `InputDecoder`) and keys to text (`TextInput`): invalid UTF-8 never
/// blocks the keys after it, Alt and bracketed paste are recognised, and editing is linear.
final class InputDecodingTests: XCTestCase {
    func decode(_ bytes: [UInt8], flush: Bool = true) -> [Key] {
        var decoder = InputDecoder()
        var keys = bytes.flatMap { decoder.feed($0) }
        if flush { keys += decoder.flush() }
        return keys
    }

    func testInvalidUTF8BecomesReplacementCharactersAndNeverHoldsBackLaterKeys() {
        let r: Key = .character("\u{FFFD}")
        XCTAssertEqual(decode([0xE9, 0x61], flush: false), [r, .character("a")], "E9 then ASCII")
        XCTAssertEqual(decode([0xFF, 0x61], flush: false), [r, .character("a")])
        XCTAssertEqual(decode([0xC3, 0x28], flush: false), [r, .character("(")], "C3 28")
        XCTAssertEqual(decode([0x80, 0x61], flush: false), [r, .character("a")], "a lone continuation byte")
        XCTAssertEqual(decode([0xE0, 0x80, 0x80], flush: false), [r, r, r], "an overlong form")
        XCTAssertEqual(decode([0xC3, 0xA9, 0xED, 0x95, 0x9C], flush: false), [.character("é"), .character("한")])
        // An unfinished character at the end is flushed when nothing more comes: never waits.
        XCTAssertEqual(decode([0xE9]), [r])
        XCTAssertEqual(decode([0xE9, 0x1B], flush: true), [r, .escape], "Esc after a bad byte still arrives")
        XCTAssertEqual(decode([0xE9, 0x03], flush: false), [r, .control("c")], "Ctrl-C after a bad byte still arrives")
    }

    func testAltAndEscapeAndBracketedPaste() {
        XCTAssertEqual(decode([0x1B, 0x62]), [.alt("b")])
        XCTAssertEqual(decode([0x1B]), [.escape])
        XCTAssertEqual(decode([0x1B, 0x5B, 0x41]), [.up])
        let paste = Array("\u{1B}[200~héllo\nworld\u{1B}[201~".utf8)
        XCTAssertEqual(decode(paste, flush: false), [.paste("héllo\nworld")])
        // A paste with an invalid byte inside keeps the rest.
        XCTAssertEqual(decode(Array("\u{1B}[200~a".utf8) + [0xFF] + Array("b\u{1B}[201~".utf8), flush: false), [.paste("a\u{FFFD}b")])
    }

    func testReadlineKeysEdit() {
        var t = TextInput("hello big world")
        XCTAssertTrue(t.handle(.control("w")))
        XCTAssertEqual(t.text, "hello big ")
        _ = t.handle(.control("a")); _ = t.handle(.character("X"))
        XCTAssertEqual(t.text, "Xhello big ")
        _ = t.handle(.alt("f")); _ = t.handle(.control("k"))
        XCTAssertEqual(t.text, "Xhello")
        _ = t.handle(.control("e")); _ = t.handle(.alt("b")); _ = t.handle(.control("u"))
        XCTAssertEqual(t.text, "Xhello")
        XCTAssertEqual(t.cursor, 0)
        _ = t.handle(.control("e")); _ = t.handle(.control("u"))
        XCTAssertEqual(t.text, "")
        for key: Key in [.control("a"), .control("e"), .control("u"), .control("k"), .control("w"), .alt("b"), .alt("f")] {
            XCTAssertTrue(TextInput.isEditing(key), "\(key) edits in a text field")
        }
    }

    func testAPasteIsCappedWithANoteAndTakesLinearTime() {
        var t = TextInput()
        let long = String(repeating: "x", count: 20_000)
        let started = Date()
        _ = t.handle(.paste(long), limit: 2000)
        XCTAssertEqual(t.characters.count, 2000)
        XCTAssertEqual(t.dropped, 18_000)
        _ = t.handle(.paste("a\u{1B}[31mb\nc"), limit: 5000)
        XCTAssertTrue(t.text.hasSuffix("a[31mb c"), "control characters dropped, the newline a space")
        // 20,000 keys typed one by one at the end of the text: well under a second.
        var typed = TextInput()
        for _ in 0..<20_000 { _ = typed.handle(.character("y"), limit: 50_000) }
        XCTAssertEqual(typed.characters.count, 20_000)
        XCTAssertLessThan(Date().timeIntervalSince(started), 2)
    }
}

import Foundation
import Runbook
import XCTest

/// The trimming every module uses instead of Foundation's: the same characters trimmed, for
/// every scalar of the Basic Multilingual Plane (all of Unicode's white space is in it).
final class WhitespaceTrimmingTests: XCTestCase {
    func testTrimmingAgreesWithFoundationForEveryScalarOfThePlane() {
        var blanks = 0, whitespace = 0
        for value in UInt32(0)...0xFFFF {
            guard let scalar = Unicode.Scalar(value) else { continue }
            let c = String(scalar)
            for text in [c + "x" + c, c + c + "a b" + c, "x" + c, c] {
                XCTAssertEqual(text.trimmingBlanks(), text.trimmingCharacters(in: .whitespaces), "U+\(String(value, radix: 16))")
                XCTAssertEqual(text.trimmingWhitespace(), text.trimmingCharacters(in: .whitespacesAndNewlines), "U+\(String(value, radix: 16))")
            }
            if c.trimmingBlanks().isEmpty { blanks += 1 }
            if c.trimmingWhitespace().isEmpty { whitespace += 1 }
        }
        XCTAssertEqual(blanks, 19) // tab, the 17 space separators and U+200B
        XCTAssertEqual(whitespace, 26) // Unicode's White_Space property and U+200B
    }

    func testTrimmingKeepsWhatIsInsideAndWorksOnSubstrings() {
        XCTAssertEqual("  \t Ada Lovelace \r\n".trimmingWhitespace(), "Ada Lovelace")
        XCTAssertEqual("  \t Ada Lovelace \r\n".trimmingBlanks(), "Ada Lovelace \r\n")
        XCTAssertEqual("[ x ]".dropFirst().dropLast().trimmingBlanks(), "x")
        XCTAssertEqual("e\u{301} ".trimmingWhitespace(), "e\u{301}")
        XCTAssertEqual(" \u{301}".trimmingWhitespace(), " \u{301}".trimmingCharacters(in: .whitespacesAndNewlines)) // scalar by scalar, as Foundation
        XCTAssertEqual("".trimmingWhitespace(), "")
    }
}

import Foundation
import Runbook
import XCTest

/// `JSONValue.canonicalText`: one value, one spelling. The audit hash chain hashes these bytes,
/// so two spellings of one event payload would be two different hashes.
final class JSONValueCanonicalTextTests: XCTestCase {
    /// Exports escape invisible characters as `\u` (they parse back to the same value); the
    /// canonical text the chain hashes is unchanged by it.
    func testExportTextEscapesInvisibleCharactersAndParsesToTheSameValue() throws {
        let value = JSONValue.object(["name": .string("Sam\u{202E}moc\u{200D}\u{3164}"), "ok": .string("Zoë")])
        XCTAssertEqual(value.exportText, #"{"name":"Sam\u202emoc\u200d\u3164","ok":"Zoë"}"#)
        XCTAssertEqual(value.canonicalText, "{\"name\":\"Sam\u{202E}moc\u{200D}\u{3164}\",\"ok\":\"Zoë\"}")
        XCTAssertEqual(try JSON5Parser.parse(value.exportText).plain, value)
    }

    func testScalars() {
        XCTAssertEqual(JSONValue.null.canonicalText, "null")
        XCTAssertEqual(JSONValue.bool(true).canonicalText, "true")
        XCTAssertEqual(JSONValue.bool(false).canonicalText, "false")
        XCTAssertEqual(JSONValue.string("plain").canonicalText, #""plain""#)
        XCTAssertEqual(JSONValue.array([]).canonicalText, "[]")
        XCTAssertEqual(JSONValue.object([:]).canonicalText, "{}")
    }

    func testObjectKeysAreSortedByCodePointAtEveryLevel() {
        let value = JSONValue.object([
            "b": .number(1), "a": .number(2), "B": .number(3), "é": .number(4), "z": .number(5), "aa": .number(6), "": .number(7),
            "nested": .object(["y": .null, "x": .array([.object(["d": .bool(true), "c": .bool(false)])])]),
        ])
        XCTAssertEqual(value.canonicalText,
                       #"{"":7,"B":3,"a":2,"aa":6,"b":1,"nested":{"x":[{"c":false,"d":true}],"y":null},"z":5,"é":4}"#)
    }

    func testArraysKeepTheirOrderAndNoWhitespaceIsAdded() {
        XCTAssertEqual(JSONValue.array([.number(3), .string("a b"), .null, .array([.number(1)])]).canonicalText, #"[3,"a b",null,[1]]"#)
    }

    func testIntegersHaveNoFraction() {
        XCTAssertEqual(JSONValue.number(1).canonicalText, "1")
        XCTAssertEqual(JSONValue.number(1.0).canonicalText, "1")
        XCTAssertEqual(JSONValue.number(-42).canonicalText, "-42")
        XCTAssertEqual(JSONValue.number(0).canonicalText, "0")
        XCTAssertEqual(JSONValue.number(-0.0).canonicalText, "0", "negative zero is zero")
        XCTAssertEqual(JSONValue.number(123_456_789_012_345).canonicalText, "123456789012345")
    }

    func testOtherNumbers() {
        XCTAssertEqual(JSONValue.number(0.5).canonicalText, "0.5")
        XCTAssertEqual(JSONValue.number(-2.25).canonicalText, "-2.25")
        // Not representable in JSON: written as null rather than as invalid text.
        XCTAssertEqual(JSONValue.number(.infinity).canonicalText, "null")
        XCTAssertEqual(JSONValue.number(-.infinity).canonicalText, "null")
        XCTAssertEqual(JSONValue.number(.nan).canonicalText, "null")
        // Very large and very small numbers stay valid JSON and read back to the same value.
        for n in [1e15, 1e300, 1.5e-7, -3.25e21] {
            let text = JSONValue.number(n).canonicalText
            XCTAssertEqual(Double(text), n, text)
            XCTAssertNoThrow(try JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed]), text)
        }
    }

    func testControlCharactersAreEscaped() {
        XCTAssertEqual(JSONValue.string("\"\\/\n\r\t").canonicalText, #""\"\\/\n\r\t""#)
        XCTAssertEqual(JSONValue.string("\u{0}\u{08}\u{0C}\u{1B}[2J\u{1F}").canonicalText, #""\u0000\u0008\u000c\u001b[2J\u001f""#)
        // DEL, the C1 controls (0x9B is a one-byte CSI) and the JavaScript line separators.
        XCTAssertEqual(JSONValue.string("\u{7F}\u{80}\u{9B}\u{9F}\u{2028}\u{2029}").canonicalText, #""\u007f\u0080\u009b\u009f\u2028\u2029""#)
        // Everything else is written as itself, in UTF-8.
        XCTAssertEqual(JSONValue.string("é → 😀 \u{A0}").canonicalText, "\"é → 😀 \u{A0}\"")
        // Keys are escaped the same way.
        XCTAssertEqual(JSONValue.object(["a\nb": .null]).canonicalText, #"{"a\nb":null}"#)
    }

    func testTheSameValueGivesTheSameBytes() throws {
        var first: [String: JSONValue] = [:]
        for key in ["reason", "actor", "case", "step", "zeta", "alpha"] { first[key] = .string(key.uppercased()) }
        var second: [String: JSONValue] = [:]
        for key in ["alpha", "zeta", "step", "case", "actor", "reason"].reversed() { second[key] = .string(key.uppercased()) }
        XCTAssertEqual(JSONValue.object(first).canonicalText, JSONValue.object(second).canonicalText)

        // Two spellings of one value in JSON5: different order, quotes, comments, number forms.
        let a = try JSON5Parser.parse("{ b: [1, 0x10, .5], a: 'x', c: { e: null, d: true } }").plain
        let b = try JSON5Parser.parse("""
            // the same, written differently
            {
              "c": { "d": true, "e": null, },
              "a": "x",
              "b": [1.0, 16, 0.5e0],
            }
            """).plain
        XCTAssertEqual(a, b)
        XCTAssertEqual(Data(a.canonicalText.utf8), Data(b.canonicalText.utf8))
        XCTAssertEqual(a.canonicalText, #"{"a":"x","b":[1,16,0.5],"c":{"d":true,"e":null}}"#)
    }

    func testCanonicalTextIsJSONThatReadsBackToTheSameValue() throws {
        let value = JSONValue.object([
            "text": .string("Lost device; \"video call\"\n\u{1B}[31m é 😀 \u{2028}"),
            "numbers": .array([.number(0), .number(-7), .number(0.125), .number(1e300)]),
            "flags": .object(["yes": .bool(true), "no": .bool(false), "none": .null]),
        ])
        let text = value.canonicalText
        XCTAssertEqual(try JSON5Parser.parse(text).plain, value)
        XCTAssertNoThrow(try JSONSerialization.jsonObject(with: Data(text.utf8)))
        XCTAssertEqual(try JSON5Parser.parse(text).plain.canonicalText, text, "canonical text is a fixed point")
    }
}

import Foundation
import Runbook
import XCTest

/// The payload reader and exporter that skip the JSON5 parser must say exactly what it says:
/// every canonical text decodes to `JSON5Parser.parse(text).plain` and exports as
/// `exportText` of that value, invisible characters escaped; anything outside the canonical form
/// is declined, so the general path decides it.
final class CanonicalJSONTests: XCTestCase {
    /// Values as payloads hold them, with the characters that need care.
    static let values: [JSONValue] = [
        .object([:]),
        .object(["step": .string("verify_identity"), "values": .object(["reference": .string("SUP-1"), "method": .string("callback")]),
                 "envelope": .object(["mode": .string("unlocked"), "role": .string("agent")]), "n": .number(-42), "big": .number(999_999_999_999_999),
                 "zero": .number(0), "flags": .array([.bool(true), .bool(false), .null, .array([])])]),
        .object(["quote": .string("say \"hi\" \\ there"), "lines": .string("a\nb\r\tc"), "control": .string("bell\u{07}del\u{7F}c1\u{85}"),
                 "separators": .string("x\u{2028}y\u{2029}z")]),
        .object(["bidi": .string("Sam\u{202E}moc\u{200D}\u{3164}"), "ok": .string("Zoë 日本 🙂"), "tag": .string("flag\u{E0001}\u{E0067}"),
                 "soft": .string("soft\u{AD}hyphen\u{FEFF}"), "é": .string("key order by code point"), "B": .number(1), "": .string("")]),
        .array([.string("top-level array"), .number(1)]),
        .string("just a string\u{202E}"),
    ]

    func testEveryCanonicalTextDecodesAsTheJSON5ParserReadsIt() throws {
        for value in Self.values {
            let text = value.canonicalText
            let decoded = Array(text.utf8).withUnsafeBytes { CanonicalJSON.decode($0) }
            XCTAssertEqual(decoded, try JSON5Parser.parse(text).plain, text)
            XCTAssertEqual(decoded, value, text)
        }
    }

    func testEveryCanonicalTextExportsAsExportTextWritesIt() throws {
        for value in Self.values {
            var out: [UInt8] = []
            XCTAssertTrue(Array(value.canonicalText.utf8).withUnsafeBytes { CanonicalJSON.appendExport($0, to: &out) }, value.canonicalText)
            XCTAssertEqual(String(decoding: out, as: UTF8.self), value.exportText)
        }
    }

    /// The attack: text that would display as something it is not. Raw in the stored payload,
    /// escaped in every export.
    func testInvisibleAndBidiCharactersAreEscapedInTheExport() throws {
        var out: [UInt8] = []
        let stored = JSONValue.object(["name": .string("Sam\u{202E}moc\u{200D}\u{3164}\u{E0001}")]).canonicalText
        XCTAssertTrue(Array(stored.utf8).withUnsafeBytes { CanonicalJSON.appendExport($0, to: &out) })
        let exported = String(decoding: out, as: UTF8.self)
        XCTAssertEqual(exported, #"{"name":"Sam\u202emoc\u200d\u3164\udb40\udc01"}"#)
        XCTAssertFalse(exported.unicodeScalars.contains { $0.value > 0x7E }, "nothing invisible is left raw")
        XCTAssertEqual(try JSON5Parser.parse(exported).plain, try JSON5Parser.parse(stored).plain)
    }

    /// A character beyond the Basic Multilingual Plane is escaped as its surrogate pair (it was
    /// written with five hex digits' worth of padding arithmetic before, which cannot be a `\u`).
    func testInvisibleCharactersBeyondTheBMPExportAsSurrogatePairs() throws {
        XCTAssertEqual(JSONValue.string("a\u{E0001}b").exportText, #""a\udb40\udc01b""#)
        XCTAssertEqual(try JSON5Parser.parse(JSONValue.string("a\u{E0001}b").exportText).plain, .string("a\u{E0001}b"))
        XCTAssertEqual(JSONValue.string("a\u{E0001}b").canonicalText, "\"a\u{E0001}b\"", "the hashed spelling is unchanged")
    }

    func testRawTextColumnsExportAsExportTextWritesTheString() throws {
        for text in ["plain", "quote \" backslash \\", "a\nb\r\tc\u{01}\u{7F}\u{85}", "x\u{2028}y", "Sam\u{202E}moc\u{200D}\u{3164}", "Zoë 🙂\u{E0001}", ""] {
            var out: [UInt8] = []
            XCTAssertTrue(Array(text.utf8).withUnsafeBytes { CanonicalJSON.appendExportString($0, to: &out) })
            XCTAssertEqual(String(decoding: out, as: UTF8.self), JSONValue.string(text).exportText, text)
        }
        var out: [UInt8] = []
        XCTAssertFalse([0x61, 0xFF, 0x62].withUnsafeBytes { CanonicalJSON.appendExportString($0, to: &out) }, "not UTF-8: left to String")
    }

    /// Text outside the canonical form is declined by both; the general reader still reads it.
    func testNonCanonicalTextIsDeclinedForTheGeneralPath() throws {
        let declined = [
            #"{"b":1,"a":2}"#, #"{"a":1,"a":2}"#, #"{ "a":1}"#, #"{"a":1.5}"#, #"{"a":1e3}"#, #"{"a":-0}"#, #"{"a":01}"#,
            #"{"a":1234567890123456}"#, #"{"a":"\u0041"}"#, #"{"a":"\/"}"#, "{\"a\":\"tab\there\"}", #"{"a":"\u00E9"}"#,
            #"{a:1}"#, #"{"a":1,}"#, #"{"a":1}x"#, #"{"a":'x'}"#, #"{"a":"\ud83d\ude00"}"#, "", "{",
        ]
        for text in declined {
            var out: [UInt8] = []
            XCTAssertFalse(Array(text.utf8).withUnsafeBytes { CanonicalJSON.appendExport($0, to: &out) }, text)
        }
        // The decoder is a reader, not a judge of order: it declines only what it cannot read exactly.
        for text in [#"{ "a":1}"#, #"{"a":1.5}"#, #"{"a":-0}"#, "{\"a\":\"tab\there\"}", #"{a:1}"#, #"{"a":"\ud83d\ude00"}"#, "", "{"] {
            XCTAssertNil(Array(text.utf8).withUnsafeBytes { CanonicalJSON.decode($0) }, text)
        }
        for text in [#"{"b":1,"a":2}"#, #"{"a":1,"a":2}"#, #"{"a":"\u0041\/"}"#] {
            XCTAssertEqual(Array(text.utf8).withUnsafeBytes { CanonicalJSON.decode($0) }, try JSON5Parser.parse(text).plain, text)
        }
        XCTAssertNil([0x22, 0xC0, 0xAF, 0x22].withUnsafeBytes { CanonicalJSON.decode($0) }, "an overlong form is not UTF-8")
    }

    /// The golden log's payloads: every kind of event, as stored.
    func testEveryPayloadOfTheGoldenLogDecodesAndExportsAsTheGeneralPathDoes() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("EngineTests/Fixtures/event-log-v1.jsonl")
        let lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n")
        XCTAssertGreaterThan(lines.count, 10)
        for line in lines {
            guard let payload = try JSON5Parser.parse(String(line)).plain["payload"] else { continue }
            let text = payload.canonicalText
            XCTAssertEqual(Array(text.utf8).withUnsafeBytes { CanonicalJSON.decode($0) }, payload, text)
            var out: [UInt8] = []
            XCTAssertTrue(Array(text.utf8).withUnsafeBytes { CanonicalJSON.appendExport($0, to: &out) }, text)
            XCTAssertEqual(String(decoding: out, as: UTF8.self), payload.exportText)
        }
    }
}

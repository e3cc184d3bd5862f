import Foundation
import Runbook
import XCTest

/// The JSON5 reader: the language (https://spec.json5.org/), the line:column it keeps for every
/// value, the syntax errors it reports, and agreement with Foundation's JSON5 reader on the
/// shipped runbook.
final class JSON5ParserTests: XCTestCase {

    // MARK: - Language

    func testCommentsAreIgnoredWherever_whitespaceIsAllowed() {
        let text = """
        // a line comment before the document
        /* a block comment
           over two lines */
        { /* inline */ a: 1, // trailing comment
          b /* between name and colon */ : /* before the value */ 2 /* after it */ ,
          c: "// not a comment", d: '/* nor this */',
        } // after the document
        """
        XCTAssertEqual(value(text), .object(["a": .number(1), "b": .number(2),
                                              "c": .string("// not a comment"), "d": .string("/* nor this */")]))
    }

    func testTrailingCommasInObjectsAndArrays() {
        XCTAssertEqual(value("{ a: [1, 2,], b: {},  c: [], }"),
                       .object(["a": .array([.number(1), .number(2)]), "b": .object([:]), "c": .array([])]))
    }

    func testUnquotedKeysAreECMAScriptIdentifiers() {
        XCTAssertEqual(value("{ $id: 1, _under: 2, café: 3, a1: 4, null: 5, true: 6 }"),
                       .object(["$id": .number(1), "_under": .number(2), "café": .number(3), "a1": .number(4),
                                "null": .number(5), "true": .number(6)]))
    }

    /// An identifier read as a run of ASCII bytes, then scalar by scalar from its first other
    /// letter: one that starts or goes on beyond ASCII reads whole, and columns after it count scalars.
    func testIdentifiersThatLeaveASCIIReadWholeWithTheirColumns() throws {
        let root = try JSON5Parser.parse("{ ñame: 1, caféX2: 2, ab\u{0301}c: 3, z: 4 }")
        XCTAssertEqual(root.members?.map(\.key), ["ñame", "caféX2", "ab\u{0301}c", "z"])
        XCTAssertEqual(root.members?.map(\.keyLocation), [at(1, 3), at(1, 12), at(1, 23), at(1, 32)])
        XCTAssertEqual(root["z"]?.location, at(1, 35))
        XCTAssertThrowsError(try JSON5Parser.parse("{ a: naïve }")) { error in
            XCTAssertEqual((error as? JSON5SyntaxError)?.description, "1:6: unexpected word 'naïve'; strings need quotes")
        }
    }

    func testSingleAndDoubleQuotedStrings() {
        XCTAssertEqual(value(#"['it\'s "quoted"', "it's \"quoted\"", '', ""]"#),
                       .array([.string(#"it's "quoted""#), .string(#"it's "quoted""#), .string(""), .string("")]))
        XCTAssertEqual(value("{ 'single key': 1, \"double key\": 2 }"),
                       .object(["single key": .number(1), "double key": .number(2)]))
    }

    func testSingleCharacterEscapes() {
        XCTAssertEqual(value(#""\b\f\n\r\t\v\0\\\/\'\"""#), .string("\u{08}\u{0C}\n\r\t\u{0B}\u{0}\\/'\""))
        // Any other escaped character stands for itself.
        XCTAssertEqual(value(#""\q\é\ ""#), .string("qé "))
    }

    func testHexAndUnicodeEscapes() {
        XCTAssertEqual(value(#""\x41\x7e\xE9""#), .string("A~é"))
        XCTAssertEqual(value(#""\u0041\u00e9\u20AC""#), .string("Aé€"))
        // Outside the Basic Multilingual Plane: a UTF-16 surrogate pair, as in JavaScript.
        XCTAssertEqual(value(#""\uD83D\uDE00 \ud83d\ude00""#), .string("😀 😀"))
    }

    func testLineContinuationsDropTheEscapedLineBreak() {
        // The spec's own example: a backslash before a line terminator continues the string
        // and the line terminator is not part of it.
        XCTAssertEqual(value("'Lorem ipsum dolor sit amet, \\\nconsectetur adipiscing elit.'"),
                       .string("Lorem ipsum dolor sit amet, consectetur adipiscing elit."))
        XCTAssertEqual(value("\"a\\\r\nb\""), .string("ab"))
        XCTAssertEqual(value("\"a\\\rb\""), .string("ab"))
        XCTAssertEqual(value("\"a\\\u{2028}b\\\u{2029}c\""), .string("abc"))
        // An escaped \n is a line break; a continuation right after it keeps just that one.
        XCTAssertEqual(value("\"a\\n\\\nb\""), .string("a\nb"))
    }

    func testUnescapedLineAndParagraphSeparatorsAreAllowedInStrings() {
        XCTAssertEqual(value("\"a\u{2028}b\u{2029}c\""), .string("a\u{2028}b\u{2029}c"))
    }

    func testHexadecimalNumbers() {
        XCTAssertEqual(value("[0x1F, 0XfF, 0xdecaf, -0x10, +0x10, 0x0]"),
                       .array([31, 255, 0xdecaf, -16, 16, 0].map { .number($0) }))
    }

    func testLeadingAndTrailingDecimalPointsAndExponents() {
        XCTAssertEqual(value("[.5, 5., -.5, +5., 0.25, 1e3, 1E-2, 2.5e+2, .5e1, 5.e1]"),
                       .array([0.5, 5, -0.5, 5, 0.25, 1000, 0.01, 250, 5, 50].map { .number($0) }))
    }

    func testSignsInfinityAndNaN() {
        guard case .array(let items)? = value("[+1, -1, +0, Infinity, +Infinity, -Infinity, NaN, +NaN, -NaN]") else {
            return XCTFail("expected an array")
        }
        XCTAssertEqual(Array(items.prefix(6)), [1, -1, 0, .infinity, .infinity, -.infinity].map { .number($0) })
        for item in items.dropFirst(6) {
            guard case .number(let n) = item else { return XCTFail("expected a number, got \(item)") }
            XCTAssertTrue(n.isNaN)
        }
    }

    func testLiteralsAndWhitespace() {
        XCTAssertEqual(value("\u{FEFF}[true,\tfalse,\u{0B}null,\u{0C}\u{A0}1\u{2003},\u{2028}2]"),
                       .array([.bool(true), .bool(false), .null, .number(1), .number(2)]))
    }

    func testDuplicateMembersAreKeptInSourceOrderForTheChecker() throws {
        let node = try JSON5Parser.parse("{ a: 1, b: 2, a: 3 }")
        XCTAssertEqual(node.members?.map(\.key), ["a", "b", "a"])
        XCTAssertEqual(node["a"]?.plain, .number(1), "the subscript reads the first")
        XCTAssertEqual(node.plain, .object(["a": .number(3), "b": .number(2)]), "the plain value keeps the last, as JSON readers do")
    }

    // MARK: - Locations

    func testLocationsOfNestedValuesAndKeys() throws {
        let text = """
        {
          a: 1,
          "b": [true, { c: null }],
          d: { e: 'x' },
        }
        """
        let root = try JSON5Parser.parse(text)
        XCTAssertEqual(root.location, at(1, 1))
        XCTAssertEqual(root.members?.map(\.keyLocation), [at(2, 3), at(3, 3), at(4, 3)])
        XCTAssertEqual(root["a"]?.location, at(2, 6))
        XCTAssertEqual(root["b"]?.location, at(3, 8))
        XCTAssertEqual(root["b"]?.elements?.map(\.location), [at(3, 9), at(3, 15)])
        XCTAssertEqual(root["b"]?.elements?[1].members?.first?.keyLocation, at(3, 17))
        XCTAssertEqual(root["b"]?.elements?[1]["c"]?.location, at(3, 20))
        XCTAssertEqual(root["d"]?["e"]?.location, at(4, 11))
    }

    func testNodeAtPathAndNearestLocation() throws {
        let root = try JSON5Parser.parse("{\n  steps: [\n    { id: 'x' },\n    { id: 'y', to: 'z' },\n  ],\n}")
        let second = JSONPath.root.appending("steps").appending(1)
        XCTAssertEqual(root.node(at: second.appending("to"))?.plain, .string("z"))
        XCTAssertEqual(root.node(at: second.appending("to"))?.location, at(4, 20))
        XCTAssertNil(root.node(at: second.appending("title")))
        XCTAssertNil(root.node(at: JSONPath.root.appending("steps").appending(7)))
        // A missing value is located at the deepest thing that does exist on its way.
        XCTAssertEqual(root.nearestLocation(to: second.appending("title")), at(4, 5))
        XCTAssertEqual(root.nearestLocation(to: JSONPath.root.appending("steps").appending(7)), at(2, 10))
        XCTAssertEqual(root.nearestLocation(to: JSONPath.root.appending("nothing")), at(1, 1))
        XCTAssertEqual(second.appending("to").description, "$.steps[1].to")
        XCTAssertEqual(JSONPath.root.appending("a b").appending("q\"x").description, #"$["a b"]["q\"x"]"#)
    }

    func testLocationsAfterAMultiLineString() throws {
        let text = "{ s: \"one\\\ntwo\\\nthree\", t: 2,\n  u: 3 }"
        let root = try JSON5Parser.parse(text)
        XCTAssertEqual(root["s"]?.plain, .string("onetwothree"))
        XCTAssertEqual(root["s"]?.location, at(1, 6))
        XCTAssertEqual(root.members?[1].keyLocation, at(3, 9))
        XCTAssertEqual(root["t"]?.location, at(3, 12))
        XCTAssertEqual(root["u"]?.location, at(4, 6))
    }

    func testLocationsAfterMultiLineComments() throws {
        let text = "/* one\n   two\n */ { x: /* a\n\n */ 1,\n  // line\n  y: 2 }"
        let root = try JSON5Parser.parse(text)
        XCTAssertEqual(root.location, at(3, 5))
        XCTAssertEqual(root["x"]?.location, at(5, 5))
        XCTAssertEqual(root.members?[1].keyLocation, at(7, 3))
        XCTAssertEqual(root["y"]?.location, at(7, 6))
    }

    func testCRLFAndLoneCRCountAsOneLineBreak() throws {
        let crlf = try JSON5Parser.parse("{\r\n  a: 1,\r\n  b: 2,\r\n}")
        XCTAssertEqual(crlf["a"]?.location, at(2, 6))
        XCTAssertEqual(crlf["b"]?.location, at(3, 6))
        let cr = try JSON5Parser.parse("{\r  a: 1,\r  b: 2 }")
        XCTAssertEqual(cr["b"]?.location, at(3, 6))
        let mixed = try JSON5Parser.parse("[\n1,\r\n2,\r3,\u{2028}4]")
        XCTAssertEqual(mixed.elements?.map(\.location), [at(2, 1), at(3, 1), at(4, 1), at(5, 1)])
    }

    func testColumnsCountUnicodeScalarsAndTabsAsOne() throws {
        let root = try JSON5Parser.parse("{ \"é😀\": 1,\tx: 2 }")
        XCTAssertEqual(root.members?.map(\.keyLocation), [at(1, 3), at(1, 12)])
        XCTAssertEqual(root["x"]?.location, at(1, 15))
    }

    func testAByteOrderMarkDoesNotShiftColumns() throws {
        XCTAssertEqual(try JSON5Parser.parse("\u{FEFF}{ a: 1 }")["a"]?.location, at(1, 6))
    }

    // MARK: - Syntax errors

    func testUnterminatedString() {
        assertSyntaxError(#"{ a: "abc"#, at: 1, 6, "unterminated string")
        assertSyntaxError("{ a: 'abc\\", at: 1, 11, "unterminated escape sequence")
        assertSyntaxError("{\n  a: \"abc\n}", at: 2, 10, "line break inside a string; end the line with '\\' to continue it")
        assertSyntaxError("{ a: 'abc\r\n' }", at: 1, 10, "line break inside a string; end the line with '\\' to continue it")
    }

    func testUnclosedObjectPointsAtItsOpeningBrace() {
        assertSyntaxError("{\n  a: 1,\n", at: 1, 1, "unclosed object: no '}' for the '{' here")
        assertSyntaxError("[\n  { a: { b: 1 }\n", at: 2, 3, "unclosed object: no '}' for the '{' here")
        assertSyntaxError("{ a: 1\n", at: 1, 1, "unclosed object: no '}' for the '{' here")
        assertSyntaxError("[1,\n 2", at: 1, 1, "unclosed array: no ']' for the '[' here")
    }

    func testMissingColon() {
        assertSyntaxError("{ a 1 }", at: 1, 5, #"expected ':' after the name "a", found '1'"#)
        assertSyntaxError("{\n  'b c'\n}", at: 3, 1, #"expected ':' after the name "b c", found '}'"#)
        assertSyntaxError("{ a", at: 1, 4, #"unexpected end of input after the name "a""#)
    }

    func testMissingSeparators() {
        assertSyntaxError("{ a: 1\n  b: 2 }", at: 2, 3, "expected ',' or '}' after a member, found 'b'")
        assertSyntaxError("[1 2]", at: 1, 4, "expected ',' or ']' after an element, found '2'")
        assertSyntaxError("{ a: 1,, }", at: 1, 8, "unexpected ',', expected a member name or '}'")
        assertSyntaxError("[1,,2]", at: 1, 4, "unexpected ',', expected a value")
        assertSyntaxError("{ a: }", at: 1, 6, "unexpected '}', expected a value")
        assertSyntaxError("{ 1: 2 }", at: 1, 3, "unexpected '1', expected a member name or '}'")
    }

    func testBareWordsNeedQuotes() {
        assertSyntaxError("{ a: yes }", at: 1, 6, "unexpected word 'yes'; strings need quotes")
        assertSyntaxError("[\n  True]", at: 2, 3, "unexpected word 'True'; strings need quotes")
        assertSyntaxError("[-infinity]", at: 1, 2, "unexpected word 'infinity' after a sign")
        assertSyntaxError("[undefined]", at: 1, 2, "unexpected word 'undefined'; strings need quotes")
    }

    func testTrailingGarbage() {
        assertSyntaxError("{} x", at: 1, 4, "unexpected 'x' after the end of the document")
        assertSyntaxError("{ a: 1 }\n}", at: 2, 1, "unexpected '}' after the end of the document")
        assertSyntaxError("1 2", at: 1, 3, "unexpected '2' after the end of the document")
        assertSyntaxError("{} /", at: 1, 4, "unexpected '/'")
        assertSyntaxError("{} / x", at: 1, 4, "unexpected '/'; comments start with // or /*")
    }

    func testEmptyDocument() {
        assertSyntaxError("", at: 1, 1, "the document is empty")
        assertSyntaxError("  \n\t", at: 2, 2, "the document is empty")
        assertSyntaxError("// only a comment\n/* and another */\n", at: 3, 1, "the document is empty")
        assertSyntaxError("\u{FEFF}", at: 1, 1, "the document is empty")
    }

    func testUnclosedCommentPointsAtItsStart() {
        assertSyntaxError("{ /* never closed", at: 1, 3, "unclosed comment: no '*/' for the '/*' here")
        assertSyntaxError("{\n  a: 1, /* x\n  b: 2 }\n", at: 2, 9, "unclosed comment: no '*/' for the '/*' here")
        assertSyntaxError("/* */ /* * /", at: 1, 7, "unclosed comment: no '*/' for the '/*' here")
    }

    func testExcessiveNestingIsRefused() throws {
        let depth = JSON5Parser.maximumDepth
        XCTAssertEqual(depth, 256)
        XCTAssertNoThrow(try JSON5Parser.parse(String(repeating: "[", count: depth) + String(repeating: "]", count: depth)))
        assertSyntaxError(String(repeating: "[", count: depth + 1), at: 1, depth + 1, "nesting deeper than 256 levels")
        assertSyntaxError(String(repeating: "{a:", count: depth) + "[1]", at: 1, 3 * depth + 1, "nesting deeper than 256 levels")
        // Far deeper input must fail the same way, not overflow the stack.
        assertSyntaxError(String(repeating: "[", count: 100_000), at: 1, depth + 1, "nesting deeper than 256 levels")
    }

    func testMalformedNumbers() {
        assertSyntaxError("[01]", at: 1, 2, "numbers cannot have leading zeros")
        assertSyntaxError("[-]", at: 1, 2, "a number needs at least one digit")
        assertSyntaxError("[.]", at: 1, 2, "a number needs at least one digit")
        assertSyntaxError("[1e]", at: 1, 4, "expected digits in the exponent")
        assertSyntaxError("[0x]", at: 1, 4, "expected hexadecimal digits after 0x")
        assertSyntaxError("[12px]", at: 1, 4, "unexpected 'p' right after a number")
    }

    func testMalformedEscapes() {
        assertSyntaxError(#"["\x4"]"#, at: 1, 6, "expected 2 hexadecimal digits")
        assertSyntaxError(#"["\u12G4"]"#, at: 1, 7, "expected 4 hexadecimal digits")
        assertSyntaxError(#"["\01"]"#, at: 1, 4, "octal escapes are not allowed")
        assertSyntaxError(#"["\7"]"#, at: 1, 4, "digits cannot be escaped")
        assertSyntaxError(#"["\uD83D"]"#, at: 1, 4, "lone high surrogate \\ud83d")
        assertSyntaxError(#"["\uD83Dx"]"#, at: 1, 4, "lone high surrogate \\ud83d")
        assertSyntaxError(#"["\uD83D\u0041"]"#, at: 1, 4, "high surrogate not followed by a low surrogate")
        assertSyntaxError(#"["\uDE00"]"#, at: 1, 4, "lone low surrogate \\ude00")
    }

    func testControlCharactersAreNamedNotPrinted() {
        assertSyntaxError("{ a: 1 \u{1B}[31m }", at: 1, 8, "expected ',' or '}' after a member, found control character U+001B")
        assertSyntaxError("[\u{7F}]", at: 1, 2, "unexpected control character U+007F, expected a value")
    }

    func testSyntaxErrorDescriptionIsLineColonColumn() {
        XCTAssertEqual(JSON5SyntaxError("boom", at: at(3, 14)).description, "3:14: boom")
        XCTAssertEqual(at(3, 14).description, "3:14")
        XCTAssertLessThan(at(2, 80), at(3, 1))
        XCTAssertLessThan(at(3, 1), at(3, 2))
    }

    // MARK: - Agreement with Foundation

    /// Foundation's JSON5 reader (`JSONDecoder.allowsJSON5`) and ours must read the shipped
    /// runbook to the same value tree: the runbook is data, and a second reader is the best
    /// evidence that ours reads it as the JSON5 language says.
    func testShippedRunbookReadsTheSameAsWithFoundation() throws {
        let url = Self.runbooksDirectory.appendingPathComponent("mfa-recovery.json5")
        let text = try String(contentsOf: url, encoding: .utf8)
        let ours = try JSON5Parser.parse(text).plain

        // Foundation keeps the line terminator of a line continuation ("a\<LF>b" reads as "a\nb"),
        // where the JSON5 spec drops it ("ab"), as this parser does. The runbook relies on
        // continuations to wrap long texts, so Foundation is given the text with them joined.
        // That this changes nothing for our parser shows the joining only touched continuations.
        let continuation = try NSRegularExpression(pattern: #"\\\r?\n"#)
        let whole = NSRange(text.startIndex..., in: text)
        XCTAssertGreaterThan(continuation.numberOfMatches(in: text, range: whole), 0)
        let joined = continuation.stringByReplacingMatches(in: text, range: whole, withTemplate: "")
        XCTAssertEqual(try JSON5Parser.parse(joined).plain, ours)

        let decoder = JSONDecoder()
        decoder.allowsJSON5 = true
        let foundation = try decoder.decode(FoundationJSON.self, from: Data(joined.utf8))
        XCTAssertEqual(FoundationJSON(ours), foundation)
        guard case .object(let members) = foundation, case .array(let steps)? = members["steps"] else {
            return XCTFail("the runbook should be an object with steps")
        }
        XCTAssertGreaterThan(steps.count, 10)
    }

    func testJSON5FeaturesReadTheSameAsWithFoundation() throws {
        let text = """
        // comment
        { unquoted: 'single', "double": "\\x41\\u00e9\\uD83D\\uDE00\\t\\"",
          hex: 0x1F, negativeHex: -0xA, lead: .5, trail: 5., plus: +3, exp: 2.5e-3, inf: +Infinity, ninf: -Infinity,
          nested: [ { a: [true, false, null], /* block */ }, [], {}, ],
          big: 12345678901234567890, negZero: -0, quote: 'it\\'s',
        }
        """
        let ours = try JSON5Parser.parse(text).plain
        let decoder = JSONDecoder()
        decoder.allowsJSON5 = true
        XCTAssertEqual(FoundationJSON(ours), try decoder.decode(FoundationJSON.self, from: Data(text.utf8)))
    }

    // MARK: - Helpers

    static var runbooksDirectory: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Runbooks")
    }

    private func at(_ line: Int, _ column: Int) -> SourceLocation {
        SourceLocation(line: line, column: column)
    }

    private func value(_ text: String, file: StaticString = #filePath, line: UInt = #line) -> JSONValue? {
        do {
            return try JSON5Parser.parse(text).plain
        } catch {
            XCTFail("\(text.debugDescription) did not parse: \(error)", file: file, line: line)
            return nil
        }
    }

    private func assertSyntaxError(_ text: String, at line: Int, _ column: Int, _ message: String,
                                   file: StaticString = #filePath, testLine: UInt = #line) {
        do {
            let node = try JSON5Parser.parse(text)
            XCTFail("\(text.debugDescription) parsed as \(node.plain), expected \(line):\(column): \(message)", file: file, line: testLine)
        } catch {
            XCTAssertEqual(error, JSON5SyntaxError(message, at: SourceLocation(line: line, column: column)),
                           "for \(text.prefix(60).debugDescription)", file: file, line: testLine)
        }
    }
}

/// A JSON value as Foundation's decoder reads it, to compare with `JSONValue`.
enum FoundationJSON: Decodable, Equatable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([FoundationJSON])
    case object([String: FoundationJSON])

    init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let b = try? container.decode(Bool.self) {
            self = .bool(b)
        } else if let n = try? container.decode(Double.self) {
            self = .number(n)
        } else if let s = try? container.decode(String.self) {
            self = .string(s)
        } else if let a = try? container.decode([FoundationJSON].self) {
            self = .array(a)
        } else {
            self = .object(try container.decode([String: FoundationJSON].self))
        }
    }

    init(_ value: JSONValue) {
        switch value {
        case .null: self = .null
        case .bool(let b): self = .bool(b)
        case .number(let n): self = .number(n)
        case .string(let s): self = .string(s)
        case .array(let items): self = .array(items.map(FoundationJSON.init))
        case .object(let members): self = .object(members.mapValues(FoundationJSON.init))
        }
    }
}

/// A JSON5 reader (https://spec.json5.org/) that keeps the line and column of every value.
///
/// Foundation's `JSONDecoder.allowsJSON5` reads the same language but forgets where each
/// value stood, and the runbook checker's whole job is to point at the line that is wrong.
/// A test cross-checks this reader against Foundation on the shipped runbooks.
public struct JSON5Parser {
    private let scalars: [Unicode.Scalar]
    /// The same text in UTF-8, for copying a string's characters at once: `byteIndex` is where
    /// `scalars[index]` starts in it.
    private let utf8: [UInt8]
    private var index = 0
    private var byteIndex = 0
    private var line = 1
    private var column = 1
    private var depth = 0

    /// Nesting deeper than this is refused rather than risking the stack on hostile input.
    public static let maximumDepth = 256

    public init(_ text: String) {
        var scalars: [Unicode.Scalar] = []
        scalars.reserveCapacity(text.utf8.count)
        // One pass: appending the view whole counts its scalars first, a second pass.
        for scalar in text.unicodeScalars { scalars.append(scalar) }
        self.scalars = scalars
        self.utf8 = Array(text.utf8)
    }

    public static func parse(_ text: String) throws(JSON5SyntaxError) -> JSONNode {
        var parser = JSON5Parser(text)
        return try parser.parseDocument()
    }

    public mutating func parseDocument() throws(JSON5SyntaxError) -> JSONNode {
        if peek == "\u{FEFF}" { advance(); column = 1 } // editors do not show a byte order mark as a column
        try skipInsignificant()
        guard !atEnd else { throw error("the document is empty") }
        let value = try parseValue()
        try skipInsignificant()
        if !atEnd { throw error("unexpected \(describe(peek!)) after the end of the document") }
        return value
    }

    // MARK: - Values

    private mutating func parseValue() throws(JSON5SyntaxError) -> JSONNode {
        guard let c = peek else { throw error("unexpected end of input, expected a value") }
        let start = here
        switch c {
        case "{": return try parseObject()
        case "[": return try parseArray()
        case "\"", "'": return JSONNode(.string(try parseString()), at: start)
        case "-", "+", ".", "0"..."9": return JSONNode(.number(try parseNumber()), at: start)
        default:
            if Self.isIdentifierStart(c) {
                let word = try parseIdentifier()
                switch word {
                case "null": return JSONNode(.null, at: start)
                case "true": return JSONNode(.bool(true), at: start)
                case "false": return JSONNode(.bool(false), at: start)
                case "Infinity": return JSONNode(.number(.infinity), at: start)
                case "NaN": return JSONNode(.number(.nan), at: start)
                default:
                    throw JSON5SyntaxError("unexpected word '\(word)'; strings need quotes", at: start)
                }
            }
            throw error("unexpected \(describe(c)), expected a value")
        }
    }

    private mutating func parseObject() throws(JSON5SyntaxError) -> JSONNode {
        let start = here
        try enter()
        advance() // {
        var members: [JSONNode.Member] = []
        while true {
            try skipInsignificant()
            guard let c = peek else { throw JSON5SyntaxError("unclosed object: no '}' for the '{' here", at: start) }
            if c == "}" { advance(); break }
            let keyLocation = here
            let key: String
            if c == "\"" || c == "'" {
                key = try parseString()
            } else if Self.isIdentifierStart(c) {
                key = try parseIdentifier()
            } else {
                throw error("unexpected \(describe(c)), expected a member name or '}'")
            }
            try skipInsignificant()
            guard peek == ":" else {
                throw error(peek.map { "expected ':' after the name \"\(key)\", found \(describe($0))" }
                            ?? "unexpected end of input after the name \"\(key)\"")
            }
            advance()
            try skipInsignificant()
            let value = try parseValue()
            members.append(.init(key: key, keyLocation: keyLocation, value: value))
            try skipInsignificant()
            guard let next = peek else { throw JSON5SyntaxError("unclosed object: no '}' for the '{' here", at: start) }
            if next == "," { advance(); continue }
            if next == "}" { advance(); break }
            throw error("expected ',' or '}' after a member, found \(describe(next))")
        }
        depth -= 1
        return JSONNode(.object(members), at: start)
    }

    private mutating func parseArray() throws(JSON5SyntaxError) -> JSONNode {
        let start = here
        try enter()
        advance() // [
        var items: [JSONNode] = []
        while true {
            try skipInsignificant()
            guard let c = peek else { throw JSON5SyntaxError("unclosed array: no ']' for the '[' here", at: start) }
            if c == "]" { advance(); break }
            items.append(try parseValue())
            try skipInsignificant()
            guard let next = peek else { throw JSON5SyntaxError("unclosed array: no ']' for the '[' here", at: start) }
            if next == "," { advance(); continue }
            if next == "]" { advance(); break }
            throw error("expected ',' or ']' after an element, found \(describe(next))")
        }
        depth -= 1
        return JSONNode(.array(items), at: start)
    }

    private mutating func enter() throws(JSON5SyntaxError) {
        depth += 1
        if depth > Self.maximumDepth { throw error("nesting deeper than \(Self.maximumDepth) levels") }
    }

    // MARK: - Strings

    private mutating func parseString() throws(JSON5SyntaxError) -> String {
        let start = here
        let quote = peek!
        advance()
        var out = ""
        while true {
            // The run of plain characters up to the next quote, escape or line break, copied at
            // once: none of them is a line break, so the column moves by the run's length.
            let run = index, runBytes = byteIndex
            while index < scalars.count, !Self.endsPlainRun(scalars[index], quote: quote) {
                byteIndex += UTF8.width(scalars[index])
                index += 1
            }
            if index > run {
                out.append(contentsOf: String(decoding: utf8[runBytes..<byteIndex], as: UTF8.self))
                column += index - run
            }
            guard let c = peek else { throw JSON5SyntaxError("unterminated string", at: start) }
            if c == quote { advance(); break }
            if c == "\n" || c == "\r" {
                throw error("line break inside a string; end the line with '\\' to continue it")
            }
            // A backslash; U+2028 and U+2029 are allowed in strings (JSON5 §5.1) and move the line.
            if c == "\\" {
                advance()
                try parseEscape(into: &out.unicodeScalars)
                continue
            }
            out.unicodeScalars.append(c)
            advance()
        }
        return out
    }

    /// What stops a run of plain string characters: the closing quote, an escape, or anything
    /// `advance` counts as a line break.
    private static func endsPlainRun(_ c: Unicode.Scalar, quote: Unicode.Scalar) -> Bool {
        c == quote || c == "\\" || c == "\n" || c == "\r" || c == "\u{2028}" || c == "\u{2029}"
    }

    private mutating func parseEscape(into out: inout String.UnicodeScalarView) throws(JSON5SyntaxError) {
        guard let c = peek else { throw error("unterminated escape sequence") }
        let escapeLocation = here
        switch c {
        case "b": out.append("\u{08}"); advance()
        case "f": out.append("\u{0C}"); advance()
        case "n": out.append("\n"); advance()
        case "r": out.append("\r"); advance()
        case "t": out.append("\t"); advance()
        case "v": out.append("\u{0B}"); advance()
        case "0":
            advance()
            if let d = peek, ("0"..."9").contains(d) {
                throw JSON5SyntaxError("octal escapes are not allowed", at: escapeLocation)
            }
            out.append("\u{0}")
        case "1"..."9":
            throw JSON5SyntaxError("digits cannot be escaped", at: escapeLocation)
        case "x":
            advance()
            out.append(Unicode.Scalar(UInt8(try readHex(count: 2))))
        case "u":
            advance()
            let unit = try readHex(count: 4)
            if (0xD800...0xDBFF).contains(unit) {
                // A surrogate pair spelled as two \u escapes.
                guard peek == "\\", scalars.count > index + 1, scalars[index + 1] == "u" else {
                    throw JSON5SyntaxError("lone high surrogate \\u\(String(unit, radix: 16))", at: escapeLocation)
                }
                advance(); advance()
                let low = try readHex(count: 4)
                guard (0xDC00...0xDFFF).contains(low) else {
                    throw JSON5SyntaxError("high surrogate not followed by a low surrogate", at: escapeLocation)
                }
                let combined = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00)
                out.append(Unicode.Scalar(combined)!)
            } else if let scalar = Unicode.Scalar(unit) {
                out.append(scalar)
            } else {
                throw JSON5SyntaxError("lone low surrogate \\u\(String(unit, radix: 16))", at: escapeLocation)
            }
        case "\r":
            advance()
            if peek == "\n" { advance() }
        case "\n", "\u{2028}", "\u{2029}":
            advance() // line continuation: the escaped line break is dropped
        default:
            out.append(c)
            advance()
        }
    }

    private mutating func readHex(count: Int) throws(JSON5SyntaxError) -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<count {
            guard let c = peek, let digit = Self.hexValue(c) else {
                throw error("expected \(count) hexadecimal digits")
            }
            value = value * 16 + digit
            advance()
        }
        return value
    }

    private static func hexValue(_ c: Unicode.Scalar) -> UInt32? {
        switch c {
        case "0"..."9": return c.value - 48
        case "a"..."f": return c.value - 87
        case "A"..."F": return c.value - 55
        default: return nil
        }
    }

    // MARK: - Numbers

    private mutating func parseNumber() throws(JSON5SyntaxError) -> Double {
        let start = here
        var negative = false
        if peek == "+" || peek == "-" {
            negative = peek == "-"
            advance()
        }
        if let c = peek, Self.isIdentifierStart(c) {
            let word = try parseIdentifier()
            switch word {
            case "Infinity": return negative ? -.infinity : .infinity
            case "NaN": return .nan
            default: throw JSON5SyntaxError("unexpected word '\(word)' after a sign", at: start)
            }
        }
        if peek == "0", index + 1 < scalars.count, scalars[index + 1] == "x" || scalars[index + 1] == "X" {
            advance(); advance()
            var value: Double = 0
            var digits = 0
            while let c = peek, let d = Self.hexValue(c) {
                value = value * 16 + Double(d)
                digits += 1
                advance()
            }
            if digits == 0 { throw error("expected hexadecimal digits after 0x") }
            if !value.isFinite { throw JSON5SyntaxError("the number is too large: a number holds at most about 1.8e308", at: start) }
            return negative ? -value : value
        }
        var text = ""
        var integerDigits = 0
        var fractionDigits = 0
        if peek == "0" {
            text.append("0"); advance(); integerDigits = 1
            if let c = peek, ("0"..."9").contains(c) {
                throw JSON5SyntaxError("numbers cannot have leading zeros", at: start)
            }
        } else {
            while let c = peek, ("0"..."9").contains(c) { text.unicodeScalars.append(c); advance(); integerDigits += 1 }
        }
        if peek == "." {
            text.append("."); advance()
            while let c = peek, ("0"..."9").contains(c) { text.unicodeScalars.append(c); advance(); fractionDigits += 1 }
        }
        if integerDigits == 0 && fractionDigits == 0 { throw JSON5SyntaxError("a number needs at least one digit", at: start) }
        if peek == "e" || peek == "E" {
            text.append("e"); advance()
            if peek == "+" || peek == "-" { text.unicodeScalars.append(peek!); advance() }
            var exponentDigits = 0
            while let c = peek, ("0"..."9").contains(c) { text.unicodeScalars.append(c); advance(); exponentDigits += 1 }
            if exponentDigits == 0 { throw error("expected digits in the exponent") }
        }
        if text.hasPrefix(".") { text = "0" + text }
        if text.hasSuffix(".") { text += "0" }
        guard let value = Double(text) else { throw JSON5SyntaxError("malformed number", at: start) }
        // Double("1e99999") is infinity: a value no one wrote. Refused here, where the text still
        // says what was written, rather than read later as "Infinity".
        if !value.isFinite {
            throw JSON5SyntaxError("the number \(negative ? "-" : "")\(text) is too large: a number holds at most about 1.8e308", at: start)
        }
        if let c = peek, Self.isIdentifierPart(c) {
            throw error("unexpected \(describe(c)) right after a number")
        }
        return negative ? -value : value
    }

    // MARK: - Identifiers

    // ASCII is decided without Unicode's property tables, which are a lookup each: a runbook
    // is almost all ASCII, and this is every character of every name.
    private static func isIdentifierStart(_ c: Unicode.Scalar) -> Bool {
        if c.isASCII { return isASCIILetter(c) || c == "$" || c == "_" }
        return c.properties.isXIDStart
    }

    private static func isIdentifierPart(_ c: Unicode.Scalar) -> Bool {
        if c.isASCII { return isASCIILetter(c) || ("0"..."9").contains(c) || c == "$" || c == "_" }
        return c.properties.isXIDStart || c.properties.isXIDContinue || c == "\u{200C}" || c == "\u{200D}"
    }

    private static func isASCIILetter(_ c: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(c) || ("A"..."Z").contains(c)
    }

    private mutating func parseIdentifier() throws(JSON5SyntaxError) -> String {
        // An ASCII identifier (every key of a runbook) is one run of bytes, copied at once; an
        // identifier with other letters is built scalar by scalar.
        let startByte = byteIndex, startIndex = index
        while let c = peek, c.isASCII, index == startIndex ? Self.isIdentifierStart(c) : Self.isIdentifierPart(c) {
            index += 1
            byteIndex += 1
            column += 1
        }
        var out = String(decoding: utf8[startByte..<byteIndex], as: UTF8.self).unicodeScalars
        while let c = peek, out.isEmpty ? Self.isIdentifierStart(c) : Self.isIdentifierPart(c) {
            out.append(c)
            advance()
        }
        return String(out)
    }

    // MARK: - Whitespace and comments

    private mutating func skipInsignificant() throws(JSON5SyntaxError) {
        while let c = peek {
            if Self.isWhitespace(c) {
                advance()
            } else if c == "/" {
                let start = here
                guard index + 1 < scalars.count else { throw error("unexpected '/'") }
                let next = scalars[index + 1]
                if next == "/" {
                    while let d = peek, !Self.isLineTerminator(d) { advance() }
                } else if next == "*" {
                    advance(); advance()
                    var closed = false
                    while let d = peek {
                        if d == "*", index + 1 < scalars.count, scalars[index + 1] == "/" {
                            advance(); advance(); closed = true; break
                        }
                        advance()
                    }
                    if !closed { throw JSON5SyntaxError("unclosed comment: no '*/' for the '/*' here", at: start) }
                } else {
                    throw error("unexpected '/'; comments start with // or /*")
                }
            } else {
                return
            }
        }
    }

    private static func isWhitespace(_ c: Unicode.Scalar) -> Bool {
        switch c {
        case "\t", "\u{0B}", "\u{0C}", " ", "\u{A0}", "\u{FEFF}", "\n", "\r", "\u{2028}", "\u{2029}": return true
        default: return !c.isASCII && c.properties.generalCategory == .spaceSeparator
        }
    }

    private static func isLineTerminator(_ c: Unicode.Scalar) -> Bool {
        c == "\n" || c == "\r" || c == "\u{2028}" || c == "\u{2029}"
    }

    // MARK: - Cursor

    private var atEnd: Bool { index >= scalars.count }
    private var peek: Unicode.Scalar? { index < scalars.count ? scalars[index] : nil }
    private var here: SourceLocation { SourceLocation(line: line, column: column) }

    private mutating func advance() {
        let c = scalars[index]
        index += 1
        byteIndex += UTF8.width(c)
        if c == "\n" || c == "\u{2028}" || c == "\u{2029}" || (c == "\r" && peek != "\n") {
            line += 1
            column = 1
        } else {
            column += 1
        }
    }

    private func error(_ message: String) -> JSON5SyntaxError {
        JSON5SyntaxError(message, at: here)
    }

    private func describe(_ c: Unicode.Scalar) -> String {
        if c.value < 0x20 || c.value == 0x7F {
            let hex = String(c.value, radix: 16, uppercase: true)
            return "control character U+" + String(repeating: "0", count: 4 - hex.count) + hex // U+ notation has 4 digits at least
        }
        return "'\(c)'"
    }
}

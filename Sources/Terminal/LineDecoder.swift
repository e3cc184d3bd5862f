/// Turns the bytes of a line-by-line session (the plain mode's stdin, in the terminal's cooked
/// mode: the terminal's own line editor and the screen reader handle the typing) into whole lines,
/// each judged before anything is done with it. Pure and incremental, so every rule is tested on bytes:
///
/// - A line ends at LF (CR LF and a lone CR too: a pasted line from another system).
/// - Bytes beyond `limit` are not kept; the line is reported as too long, with its length.
/// - UTF-8 is decoded with U+FFFD for every ill-formed part (The Unicode Standard, §3.9,
///   "U+FFFD Substitution of Maximal Subparts", as `String(decoding:as:)` does it), and the line
///   says that it held some: a name or a reason with U+FFFD in it is not what was meant.
/// - A line holding control characters (an escape sequence, a stray Ctrl key) says so: the line
///   editor of a terminal in cooked mode never puts them in a line an operator typed.
public struct LineDecoder: Sendable {
    /// What was wrong with a line, if anything.
    public enum Problem: Sendable, Equatable {
        /// Longer than the limit: `bytes` long in all (only the first `limit` were kept).
        case tooLong(bytes: Int)
        case invalidUTF8
        case controlCharacters
    }

    /// One line, as decoded: its text (made of the kept bytes), and its problem.
    public struct Line: Sendable, Equatable {
        public var text: String
        public var problem: Problem?

        public init(text: String, problem: Problem? = nil) {
            self.text = text
            self.problem = problem
        }
    }

    /// The most bytes a line keeps: every field's limit (the longest takes 4000 characters) fits.
    public let limit: Int
    private var bytes: [UInt8] = []
    private var total = 0
    private var afterCR = false

    public init(limit: Int = 16_384) {
        self.limit = limit
    }

    /// Feeds bytes; returns the lines they complete.
    public mutating func feed(_ input: some Sequence<UInt8>) -> [Line] {
        var lines: [Line] = []
        for byte in input {
            if afterCR {
                afterCR = false
                if byte == 0x0A { continue }
            }
            if byte == 0x0A || byte == 0x0D {
                afterCR = byte == 0x0D
                lines.append(take())
                continue
            }
            total += 1
            if bytes.count < limit { bytes.append(byte) }
        }
        return lines
    }

    /// The end of input: the unfinished last line, if any bytes of it came.
    public mutating func finish() -> Line? {
        total == 0 ? nil : take()
    }

    private mutating func take() -> Line {
        defer { bytes = []; total = 0 }
        return Self.judge(bytes, total: total, limit: limit)
    }

    static func judge(_ bytes: [UInt8], total: Int, limit: Int) -> Line {
        var kept = bytes
        if total > limit {
            // Cut at a character's start, so the kept part is not reported as broken UTF-8.
            while let last = kept.last, last & 0xC0 == 0x80 { kept.removeLast() }
            if let last = kept.last, last >= 0xC0 { kept.removeLast() }
        }
        let text = String(decoding: kept, as: UTF8.self)
        if total > limit { return Line(text: text, problem: .tooLong(bytes: total)) }
        if text.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F || (0x80...0x9F).contains($0.value) }) {
            return Line(text: text, problem: .controlCharacters)
        }
        // Well-formed UTF-8 never decodes to U+FFFD unless U+FFFD itself (EF BF BD) was sent.
        let replacements = text.unicodeScalars.filter { $0 == "\u{FFFD}" }.count
        let sent = Self.count(of: [0xEF, 0xBF, 0xBD], in: kept)
        if replacements > sent { return Line(text: text, problem: .invalidUTF8) }
        return Line(text: text)
    }

    private static func count(of needle: [UInt8], in haystack: [UInt8]) -> Int {
        guard haystack.count >= needle.count else { return 0 }
        var n = 0
        var i = 0
        while i <= haystack.count - needle.count {
            if haystack[i] == needle[0], haystack[i + 1] == needle[1], haystack[i + 2] == needle[2] { n += 1; i += 3 } else { i += 1 }
        }
        return n
    }
}

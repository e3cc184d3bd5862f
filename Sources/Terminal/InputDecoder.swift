/// Turns the bytes a terminal sends (as ncurses' `getch` hands them over, one byte or one
/// decoded key code at a time) into keys. Pure and incremental, so every rule is tested on bytes:
///
/// - UTF-8 is decoded here, not by the C library: a byte that cannot start or continue a
///   character (E9 before ASCII, FF, `C3 28`, a lone continuation byte) becomes U+FFFD at once
///   and never holds back the keys after it. (The Unicode Standard, §3.9 "U+FFFD Substitution of
///   Maximal Subparts": each maximal ill-formed subpart is replaced by one U+FFFD.)
/// - ESC followed at once by a character is Alt plus that character (how xterm-compatible
///   terminals send Meta by default, `metaSendsEscape`); ESC alone is Escape.
/// - Bracketed paste (xterm "Bracketed Paste Mode", `CSI ? 2004 h`: pasted text arrives between
///   `ESC [ 200 ~` and `ESC [ 201 ~`) is one `.paste` key, however long.
public struct InputDecoder: Sendable {
    /// Bytes of a UTF-8 sequence begun but not finished.
    private var pending: [UInt8] = []
    private var expected = 0
    /// After an ESC: the bytes of an escape sequence read so far (nil when not in one).
    private var escape: [UInt8]?
    /// Inside a bracketed paste: the text so far, and the raw tail that may be the end marker.
    private var pasting: [UInt8]?
    /// Pasted bytes kept at most (the rest is dropped: no field takes more; callers cap further).
    public static let pasteLimit = 1 << 20

    public init() {}

    /// Whether bytes are held waiting for more (an incomplete character, escape or paste).
    public var isWaiting: Bool { !pending.isEmpty || escape != nil || pasting != nil }
    /// Whether a bracketed paste has begun and not ended.
    public var isPasting: Bool { pasting != nil }

    private static let pasteEnd: [UInt8] = [0x1B, 0x5B, 0x32, 0x30, 0x31, 0x7E] // ESC [ 2 0 1 ~

    /// Feeds one byte (0…255); returns the keys it completes.
    public mutating func feed(_ byte: UInt8) -> [Key] {
        if pasting != nil {
            pasting!.append(byte)
            if pasting!.count >= Self.pasteEnd.count, Array(pasting!.suffix(Self.pasteEnd.count)) == Self.pasteEnd {
                let body = Array(pasting!.dropLast(Self.pasteEnd.count))
                pasting = nil
                return [.paste(Self.decodeText(body))]
            }
            if pasting!.count > Self.pasteLimit + Self.pasteEnd.count {
                // Keep only the tail that may still hold the end marker.
                pasting!.removeSubrange(Self.pasteLimit..<(pasting!.count - Self.pasteEnd.count))
            }
            return []
        }
        if var sequence = escape {
            sequence.append(byte)
            if sequence.count == 1 {
                if byte == 0x5B { escape = sequence; return [] } // ESC [ : a CSI sequence
                escape = nil
                if byte == 0x1B { return [.escape] + feedEscapeStart() }
                // ESC then a character: Alt.
                var keys: [Key] = []
                for key in feedPlain(byte) {
                    if case .character(let c) = key { keys.append(.alt(c)) } else { keys.append(key) }
                }
                return keys
            }
            // CSI: parameters and intermediates, then a final byte 0x40…0x7E.
            if (0x40...0x7E).contains(byte) {
                escape = nil
                let body = String(decoding: sequence.dropFirst().dropLast(), as: UTF8.self)
                if byte == 0x7E && body == "200" { pasting = []; return [] }
                return Self.csiKey(body: body, final: byte).map { [$0] } ?? []
            }
            if sequence.count > 16 || !(0x20...0x3F).contains(byte) { escape = nil; return [] }
            escape = sequence
            return []
        }
        return feedPlain(byte)
    }

    /// The escape delay passed with an ESC pending: it was Escape. Also flushes an unfinished
    /// character (U+FFFD): nothing waits for ever.
    public mutating func flush() -> [Key] {
        var keys: [Key] = []
        if let body = pasting {
            pasting = nil
            keys.append(.paste(Self.decodeText(body)))
        }
        if escape != nil {
            keys.append(.escape)
            escape = nil
        }
        if !pending.isEmpty {
            keys.append(.character("\u{FFFD}"))
            pending = []
            expected = 0
        }
        return keys
    }

    private mutating func feedEscapeStart() -> [Key] {
        escape = []
        return []
    }

    private mutating func feedPlain(_ byte: UInt8) -> [Key] {
        var keys: [Key] = []
        if !pending.isEmpty {
            if byte & 0xC0 == 0x80 && Self.validContinuation(pending, byte) {
                pending.append(byte)
                if pending.count == expected {
                    keys.append(Self.character(String(decoding: pending, as: UTF8.self)))
                    pending = []
                    expected = 0
                }
                return keys
            }
            // The sequence broke off: one U+FFFD for it, and this byte starts afresh.
            keys.append(.character("\u{FFFD}"))
            pending = []
            expected = 0
        }
        switch byte {
        case 0x1B:
            escape = []
        case 0x00..<0x80:
            keys.append(Self.control(byte))
        case 0xC2...0xDF: pending = [byte]; expected = 2
        case 0xE0...0xEF: pending = [byte]; expected = 3
        case 0xF0...0xF4: pending = [byte]; expected = 4
        default:
            keys.append(.character("\u{FFFD}")) // C0, C1, F5…FF, or a lone continuation byte
        }
        return keys
    }

    /// The second byte's narrower ranges (Unicode Table 3-7): no overlongs, surrogates or > U+10FFFF.
    private static func validContinuation(_ pending: [UInt8], _ byte: UInt8) -> Bool {
        guard pending.count == 1 else { return true }
        switch pending[0] {
        case 0xE0: return (0xA0...0xBF).contains(byte)
        case 0xED: return (0x80...0x9F).contains(byte)
        case 0xF0: return (0x90...0xBF).contains(byte)
        case 0xF4: return (0x80...0x8F).contains(byte)
        default: return true
        }
    }

    static func control(_ byte: UInt8) -> Key {
        switch byte {
        case 9: return .tab
        case 10, 13: return .enter
        case 8, 127: return .backspace
        case 1...26: return .control(Character(Unicode.Scalar(byte + 96)))
        default: return .character(Character(Unicode.Scalar(byte)))
        }
    }

    private static func character(_ text: String) -> Key {
        .character(text.first ?? "\u{FFFD}")
    }

    /// Text from bytes, ill-formed parts as U+FFFD (`String(decoding:)` substitutes them).
    public static func decodeText(_ bytes: [UInt8]) -> String {
        String(decoding: bytes.prefix(pasteLimit), as: UTF8.self)
    }

    /// The CSI sequences ncurses did not turn into key codes itself.
    private static func csiKey(body: String, final: UInt8) -> Key? {
        switch (body, final) {
        case ("", 0x41): return .up
        case ("", 0x42): return .down
        case ("", 0x43): return .right
        case ("", 0x44): return .left
        case ("", 0x48): return .home
        case ("", 0x46): return .end
        case ("", 0x5A): return .backTab
        case ("3", 0x7E): return .delete
        case ("5", 0x7E): return .pageUp
        case ("6", 0x7E): return .pageDown
        default: return nil
        }
    }
}

/// Reading stored payloads at the speed of a scan. Payloads are stored as `canonicalText`
/// (compact, keys in code-point order, integers without a fraction, only the canonical escapes),
/// so a reader that accepts exactly that form needs no JSON5 machinery: no scalar array, no
/// source locations. Anything outside the form is declined (nil or false) and the caller falls
/// back to `JSON5Parser`, so what is decided for any stored text is what the general reader says.
public enum CanonicalJSON {
    /// Nesting deeper than this is declined, as `JSON5Parser.maximumDepth` refuses it.
    static let maximumDepth = 256

    /// The value of canonical JSON text, equal to `JSON5Parser.parse(text).plain` for it; nil for
    /// text outside the canonical form (whitespace, fractions, exponents, raw control characters,
    /// escaped surrogates, invalid UTF-8…), which the caller reads with `JSON5Parser` instead.
    public static func decode(_ bytes: UnsafeRawBufferPointer) -> JSONValue? {
        var reader = Reader(bytes: bytes)
        guard let value = reader.value(depth: 0), reader.index == bytes.count else { return nil }
        return value
    }

    /// Appends canonical JSON text `bytes` to `out` as `JSONValue.exportText` writes its value:
    /// the same bytes, with every character that is invisible on a screen written as a `\u`
    /// escape. False (and `out` partly written) when the text is not in the canonical form, so
    /// the caller must parse and re-encode it instead.
    public static func appendExport(_ bytes: UnsafeRawBufferPointer, to out: inout [UInt8]) -> Bool {
        var copier = ExportCopier(bytes: bytes)
        return copier.value(depth: 0, into: &out) && copier.index == bytes.count
    }

    /// Appends raw text (a column as stored, not JSON) to `out` as a JSON string literal the way
    /// `JSONValue.exportText` writes a string. False when `bytes` is not valid UTF-8 (the caller
    /// decodes it as a String, with replacement characters, instead).
    public static func appendExportString(_ bytes: UnsafeRawBufferPointer, to out: inout [UInt8]) -> Bool {
        out.append(0x22)
        var i = 0, run = 0
        let n = bytes.count
        while i < n {
            let byte = bytes[i]
            if byte >= 0x20 && byte < 0x7F && byte != 0x22 && byte != 0x5C {
                i += 1
                continue
            }
            if byte < 0x80 {
                out.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[run..<i]))
                switch byte {
                case 0x22: out.append(0x5C); out.append(0x22)
                case 0x5C: out.append(0x5C); out.append(0x5C)
                case 0x0A: out.append(0x5C); out.append(UInt8(ascii: "n"))
                case 0x0D: out.append(0x5C); out.append(UInt8(ascii: "r"))
                case 0x09: out.append(0x5C); out.append(UInt8(ascii: "t"))
                default: appendEscape(UInt32(byte), to: &out)
                }
                i += 1
                run = i
                continue
            }
            guard let (scalar, length) = UTF8Scalar.decode(bytes, at: i) else { return false }
            if JSONValue.mustEscape(scalar, escapingInvisible: true) {
                out.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[run..<i]))
                appendEscape(scalar.value, to: &out)
                i += length
                run = i
            } else {
                i += length
            }
        }
        out.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[run..<n]))
        out.append(0x22)
        return true
    }

    /// `\uXXXX` in lower-case hex; a scalar beyond the Basic Multilingual Plane as its UTF-16
    /// surrogate pair (RFC 8259 §7).
    static func appendEscape(_ value: UInt32, to out: inout [UInt8]) {
        if value > 0xFFFF {
            let v = value - 0x10000
            appendEscape(0xD800 + (v >> 10), to: &out)
            appendEscape(0xDC00 + (v & 0x3FF), to: &out)
            return
        }
        out.append(0x5C)
        out.append(UInt8(ascii: "u"))
        for shift in stride(from: 12, through: 0, by: -4) { out.append(hexDigits[Int((value >> UInt32(shift)) & 0xF)]) }
    }

    static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    // MARK: - Decoding

    private struct Reader {
        let bytes: UnsafeRawBufferPointer
        var index = 0

        init(bytes: UnsafeRawBufferPointer) {
            self.bytes = bytes
        }

        mutating func value(depth: Int) -> JSONValue? {
            guard index < bytes.count, depth < CanonicalJSON.maximumDepth else { return nil }
            switch bytes[index] {
            case 0x7B: // {
                index += 1
                var members: [String: JSONValue] = [:]
                if peek(0x7D) { index += 1; return .object(members) }
                while true {
                    guard peek(0x22), let key = string(), peek(0x3A) else { return nil }
                    index += 1
                    guard let v = value(depth: depth + 1) else { return nil }
                    members[key] = v
                    if peek(0x2C) { index += 1; continue }
                    guard peek(0x7D) else { return nil }
                    index += 1
                    return .object(members)
                }
            case 0x5B: // [
                index += 1
                var items: [JSONValue] = []
                if peek(0x5D) { index += 1; return .array(items) }
                while true {
                    guard let v = value(depth: depth + 1) else { return nil }
                    items.append(v)
                    if peek(0x2C) { index += 1; continue }
                    guard peek(0x5D) else { return nil }
                    index += 1
                    return .array(items)
                }
            case 0x22: return string().map(JSONValue.string)
            case 0x74: return literal("true") ? .bool(true) : nil
            case 0x66: return literal("false") ? .bool(false) : nil
            case 0x6E: return literal("null") ? .null : nil
            default:
                guard let (start, end) = CanonicalJSON.integer(bytes, at: index) else { return nil }
                var n: Int64 = 0
                for i in (bytes[start] == 0x2D ? start + 1 : start)..<end { n = n * 10 + Int64(bytes[i] - 48) }
                index = end
                return .number(Double(bytes[start] == 0x2D ? -n : n))
            }
        }

        func peek(_ byte: UInt8) -> Bool { index < bytes.count && bytes[index] == byte }

        mutating func literal(_ word: StaticString) -> Bool {
            let w = UnsafeRawBufferPointer(start: word.utf8Start, count: word.utf8CodeUnitCount)
            guard index + w.count <= bytes.count, UnsafeRawBufferPointer(rebasing: bytes[index..<(index + w.count)]).elementsEqual(w) else { return false }
            index += w.count
            return true
        }

        /// A string at `index` (on its opening quote); nil for a raw control character, invalid
        /// UTF-8, an escaped surrogate or an escape JSON does not have.
        mutating func string() -> String? {
            index += 1
            let start = index
            // Most strings have no escapes and are ASCII: one pass to find the end, one copy.
            while index < bytes.count {
                let byte = bytes[index]
                if byte == 0x22 {
                    let text = UnsafeRawBufferPointer(rebasing: bytes[start..<index])
                    index += 1
                    guard UTF8Scalar.isValid(text) else { return nil }
                    return String(decoding: text, as: UTF8.self)
                }
                if byte == 0x5C || byte < 0x20 { break }
                index += 1
            }
            var scalars = String.UnicodeScalarView()
            guard let prefix = String(validating: UnsafeRawBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self) else { return nil }
            scalars.append(contentsOf: prefix.unicodeScalars)
            while index < bytes.count {
                let byte = bytes[index]
                switch byte {
                case 0x22:
                    index += 1
                    return String(scalars)
                case 0x5C:
                    guard index + 1 < bytes.count else { return nil }
                    let escaped = bytes[index + 1]
                    index += 2
                    switch escaped {
                    case 0x22: scalars.append("\"")
                    case 0x5C: scalars.append("\\")
                    case 0x2F: scalars.append("/")
                    case UInt8(ascii: "b"): scalars.append("\u{08}")
                    case UInt8(ascii: "f"): scalars.append("\u{0C}")
                    case UInt8(ascii: "n"): scalars.append("\n")
                    case UInt8(ascii: "r"): scalars.append("\r")
                    case UInt8(ascii: "t"): scalars.append("\t")
                    case UInt8(ascii: "u"):
                        guard let v = CanonicalJSON.hex4(bytes, at: index), let scalar = Unicode.Scalar(v) else { return nil }
                        scalars.append(scalar)
                        index += 4
                    default: return nil
                    }
                case 0..<0x20: return nil
                default:
                    guard let (scalar, length) = UTF8Scalar.decode(bytes, at: index) else { return nil }
                    scalars.append(scalar)
                    index += length
                }
            }
            return nil
        }
    }

    /// The extent of a canonical integer at `i`: `-`? then `0` or a non-zero digit and at most 14
    /// more (exact in a Double, as `JSONValue.format` writes them); never `-0`.
    static func integer(_ bytes: UnsafeRawBufferPointer, at i: Int) -> (Int, Int)? {
        var j = i
        if j < bytes.count && bytes[j] == 0x2D { j += 1 }
        let first = j
        while j < bytes.count && bytes[j] >= 0x30 && bytes[j] <= 0x39 { j += 1 }
        let digits = j - first
        guard digits > 0, digits <= 15, !(digits > 1 && bytes[first] == 0x30), !(first > i && digits == 1 && bytes[first] == 0x30) else { return nil }
        // A fraction or exponent follows: not an integer as canonical text writes it.
        if j < bytes.count && (bytes[j] == 0x2E || bytes[j] == 0x65 || bytes[j] == 0x45) { return nil }
        return (i, j)
    }

    /// Four hex digits at `i` as a value (either case).
    static func hex4(_ bytes: UnsafeRawBufferPointer, at i: Int) -> UInt32? {
        guard i + 4 <= bytes.count else { return nil }
        var v: UInt32 = 0
        for k in i..<(i + 4) {
            let b = bytes[k]
            switch b {
            case 0x30...0x39: v = v << 4 | UInt32(b - 0x30)
            case 0x61...0x66: v = v << 4 | UInt32(b - 0x61 + 10)
            case 0x41...0x46: v = v << 4 | UInt32(b - 0x41 + 10)
            default: return nil
            }
        }
        return v
    }

    // MARK: - Copying for export

    private struct ExportCopier {
        let bytes: UnsafeRawBufferPointer
        var index = 0

        init(bytes: UnsafeRawBufferPointer) {
            self.bytes = bytes
        }

        mutating func value(depth: Int, into out: inout [UInt8]) -> Bool {
            guard index < bytes.count, depth < CanonicalJSON.maximumDepth else { return false }
            switch bytes[index] {
            case 0x7B:
                out.append(0x7B)
                index += 1
                if peek(0x7D) { index += 1; out.append(0x7D); return true }
                var previousKey: Range<Int>?
                while true {
                    // Keys as canonical text orders them: strictly ascending, compared as UTF-8
                    // bytes (the same order as code points); an escaped key is left to the parser.
                    guard peek(0x22) else { return false }
                    let keyStart = index + 1
                    guard string(into: &out, plainOnly: true) else { return false }
                    let key = keyStart..<(index - 1)
                    if let previousKey, !UnsafeRawBufferPointer(rebasing: bytes[previousKey])
                        .lexicographicallyPrecedes(UnsafeRawBufferPointer(rebasing: bytes[key])) { return false }
                    previousKey = key
                    guard peek(0x3A) else { return false }
                    out.append(0x3A)
                    index += 1
                    guard value(depth: depth + 1, into: &out) else { return false }
                    if peek(0x2C) { index += 1; out.append(0x2C); continue }
                    guard peek(0x7D) else { return false }
                    index += 1
                    out.append(0x7D)
                    return true
                }
            case 0x5B:
                out.append(0x5B)
                index += 1
                if peek(0x5D) { index += 1; out.append(0x5D); return true }
                while true {
                    guard value(depth: depth + 1, into: &out) else { return false }
                    if peek(0x2C) { index += 1; out.append(0x2C); continue }
                    guard peek(0x5D) else { return false }
                    index += 1
                    out.append(0x5D)
                    return true
                }
            case 0x22: return string(into: &out, plainOnly: false)
            case 0x74: return literal("true", into: &out)
            case 0x66: return literal("false", into: &out)
            case 0x6E: return literal("null", into: &out)
            default:
                guard let (start, end) = CanonicalJSON.integer(bytes, at: index) else { return false }
                out.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[start..<end]))
                index = end
                return true
            }
        }

        func peek(_ byte: UInt8) -> Bool { index < bytes.count && bytes[index] == byte }

        mutating func literal(_ word: StaticString, into out: inout [UInt8]) -> Bool {
            let w = UnsafeRawBufferPointer(start: word.utf8Start, count: word.utf8CodeUnitCount)
            guard index + w.count <= bytes.count, UnsafeRawBufferPointer(rebasing: bytes[index..<(index + w.count)]).elementsEqual(w) else { return false }
            out.append(contentsOf: w)
            index += w.count
            return true
        }

        /// Copies a canonical string literal, escaping invisible characters. Canonical text escapes
        /// `"`, `\`, and with `\n`, `\r`, `\t` or `\u00xx` the control characters, DEL, C1 and
        /// U+2028/U+2029; raw, any of those (or another escape) means the text is not canonical.
        mutating func string(into out: inout [UInt8], plainOnly: Bool) -> Bool {
            out.append(0x22)
            index += 1
            var run = index
            while index < bytes.count {
                let byte = bytes[index]
                if byte >= 0x20 && byte < 0x7F && byte != 0x22 && byte != 0x5C {
                    index += 1
                    continue
                }
                switch byte {
                case 0x22:
                    out.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[run...index]))
                    index += 1
                    return true
                case 0x5C:
                    guard !plainOnly, index + 1 < bytes.count else { return false }
                    switch bytes[index + 1] {
                    case 0x22, 0x5C, UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                        index += 2
                    case UInt8(ascii: "u"):
                        // Only the escapes canonical text writes, spelt as it spells them.
                        guard let v = CanonicalJSON.hex4(bytes, at: index + 2),
                              !bytes[(index + 2)..<(index + 6)].contains(where: { $0 >= 0x41 && $0 <= 0x46 }),
                              v != 0x0A, v != 0x0D, v != 0x09,
                              let scalar = Unicode.Scalar(v), JSONValue.mustEscape(scalar, escapingInvisible: false) else { return false }
                        index += 6
                    default: return false
                    }
                case 0..<0x80: return false // a raw control character or DEL
                default:
                    guard let (scalar, length) = UTF8Scalar.decode(bytes, at: index),
                          !JSONValue.mustEscape(scalar, escapingInvisible: false) else { return false }
                    if JSONValue.mustEscape(scalar, escapingInvisible: true) {
                        out.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[run..<index]))
                        CanonicalJSON.appendEscape(scalar.value, to: &out)
                        index += length
                        run = index
                    } else {
                        index += length
                    }
                }
            }
            return false
        }
    }
}

/// Strict UTF-8 (RFC 3629): no overlong forms, no surrogates, nothing beyond U+10FFFF.
public enum UTF8Scalar {
    /// The scalar starting at `i` and its length in bytes; nil when the bytes there are not UTF-8.
    public static func decode(_ bytes: UnsafeRawBufferPointer, at i: Int) -> (Unicode.Scalar, Int)? {
        let b0 = UInt32(bytes[i])
        func continuation(_ k: Int) -> UInt32? {
            guard i + k < bytes.count, bytes[i + k] & 0xC0 == 0x80 else { return nil }
            return UInt32(bytes[i + k] & 0x3F)
        }
        let value: UInt32, length: Int
        switch b0 {
        case 0..<0x80: return (Unicode.Scalar(UInt8(b0)), 1)
        case 0xC2...0xDF:
            guard let c1 = continuation(1) else { return nil }
            value = (b0 & 0x1F) << 6 | c1; length = 2
        case 0xE0...0xEF:
            guard let c1 = continuation(1), let c2 = continuation(2) else { return nil }
            value = (b0 & 0x0F) << 12 | c1 << 6 | c2; length = 3
            guard value >= 0x800 else { return nil }
        case 0xF0...0xF4:
            guard let c1 = continuation(1), let c2 = continuation(2), let c3 = continuation(3) else { return nil }
            value = (b0 & 0x07) << 18 | c1 << 12 | c2 << 6 | c3; length = 4
            guard value >= 0x10000 else { return nil }
        default: return nil
        }
        guard let scalar = Unicode.Scalar(value) else { return nil }
        return (scalar, length)
    }

    static func isValid(_ bytes: UnsafeRawBufferPointer) -> Bool {
        var i = 0
        while i < bytes.count {
            if bytes[i] < 0x80 { i += 1; continue }
            guard let (_, length) = decode(bytes, at: i) else { return false }
            i += length
        }
        return true
    }
}

/// A plain JSON value: what event payloads are made of and what runbook
/// documents decode to once their source locations are no longer needed.
///
/// Objects keep their members sorted by key when encoded (see `canonicalText`),
/// which makes the encoding canonical: the same value always gives the same bytes,
/// a property the audit hash chain relies on.
public enum JSONValue: Sendable, Hashable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    public subscript(key: String) -> JSONValue? {
        if case .object(let members) = self { return members[key] }
        return nil
    }

    public var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    public var numberValue: Double? {
        if case .number(let n) = self { return n }
        return nil
    }

    public var boolValue: Bool? {
        if case .bool(let b) = self { return b }
        return nil
    }

    public var arrayValue: [JSONValue]? {
        if case .array(let a) = self { return a }
        return nil
    }

    public var objectValue: [String: JSONValue]? {
        if case .object(let o) = self { return o }
        return nil
    }

    /// Compact JSON with object keys in ascending code-point order and integers
    /// written without a fraction: one value, one spelling.
    public var canonicalText: String {
        var out = ""
        write(into: &out)
        return out
    }

    /// The canonical text with every invisible character (format characters such as U+202E,
    /// default-ignorable code points, Hangul fillers) written as a `\u` escape: what exports and
    /// `--json` print, so data never displays as something it is not. Parses to the same value.
    /// Hashes are taken over `canonicalText`, never this.
    public var exportText: String {
        var out = ""
        write(into: &out, escapingInvisible: true)
        return out
    }

    private func write(into out: inout String, escapingInvisible: Bool = false) {
        switch self {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .number(let n): out += JSONValue.format(n)
        case .string(let s): JSONValue.writeString(s, into: &out, escapingInvisible: escapingInvisible)
        case .array(let items):
            out += "["
            for (i, item) in items.enumerated() {
                if i > 0 { out += "," }
                item.write(into: &out, escapingInvisible: escapingInvisible)
            }
            out += "]"
        case .object(let members):
            out += "{"
            for (i, key) in members.keys.sorted(by: { $0.unicodeScalars.lexicographicallyPrecedes($1.unicodeScalars) }).enumerated() {
                if i > 0 { out += "," }
                JSONValue.writeString(key, into: &out, escapingInvisible: escapingInvisible)
                out += ":"
                members[key]!.write(into: &out, escapingInvisible: escapingInvisible)
            }
            out += "}"
        }
    }

    /// A number the canonical way: integers without a fraction.
    public static func format(_ n: Double) -> String {
        if n.isNaN || n.isInfinite { return "null" }
        if n == n.rounded(), abs(n) < 1e15 { return String(Int64(n)) }
        return String(n)
    }

    /// `s` as a JSON string literal, escaped the canonical way.
    public static func quoted(_ s: String) -> String {
        var out = ""
        writeString(s, into: &out)
        return out
    }

    /// Whether a string writes `scalar` as a `\u` escape: control characters, DEL, C1 and the
    /// JavaScript line separators always; with `escapingInvisible`, also what a screen does not
    /// show (format characters such as U+202E, default-ignorable code points, Hangul fillers).
    /// (`"` and `\\` have short escapes of their own.)
    static func mustEscape(_ scalar: Unicode.Scalar, escapingInvisible: Bool) -> Bool {
        let v = scalar.value
        if v < 0x20 || v == 0x7F || (0x80...0x9F).contains(v) || v == 0x2028 || v == 0x2029 { return true }
        guard escapingInvisible, v >= 0xA0 else { return false }
        return scalar.properties.generalCategory == .format || scalar.properties.isDefaultIgnorableCodePoint
            || v == 0x115F || v == 0x1160 || v == 0x3164 || v == 0xFFA0
    }

    static func writeString(_ s: String, into out: inout String, escapingInvisible: Bool = false) {
        out += "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where mustEscape(scalar, escapingInvisible: escapingInvisible):
                var escape: [UInt8] = []
                CanonicalJSON.appendEscape(scalar.value, to: &escape)
                out += String(decoding: escape, as: UTF8.self)
            default: out.unicodeScalars.append(scalar)
            }
        }
        out += "\""
    }
}

/// `{{name}}` placeholder templates: the reason and follow-up texts of a runbook.
/// Deliberately tiny (no logic, no loops): runbooks are written by support leads, and what
/// a template says must be obvious from reading it.
public enum TemplateText {
    /// The placeholder names in `text`, in order of appearance.
    public static func placeholders(in text: String) -> [String] {
        var names: [String] = []
        walk(text, literal: { _ in }, placeholder: { names.append($0) })
        return names
    }

    /// `text` with each placeholder replaced by its value; unknown names are left visible
    /// as `{{name}}` so a gap in a composed message is seen, not silently blank.
    public static func render(_ text: String, values: [String: String]) -> String {
        var out = ""
        walk(text, literal: { out += $0 }, placeholder: { out += values[$0] ?? "{{\($0)}}" })
        return out
    }

    /// Walks `text` once: each run of it outside placeholders, in order with each placeholder's
    /// name (blanks trimmed). An unclosed `{{` is text.
    private static func walk(_ text: String, literal: (Substring) -> Void, placeholder: (String) -> Void) {
        var rest = Substring(text)
        while let open = pair(UInt8(ascii: "{"), in: rest), let close = pair(UInt8(ascii: "}"), in: rest[open.upperBound...]) {
            literal(rest[..<open.lowerBound])
            placeholder(rest[open.upperBound..<close.lowerBound].trimmingBlanks())
            rest = rest[close.upperBound...]
        }
        literal(rest)
    }

    /// Whether `text` has a `{{` anywhere: a message with a placeholder left unfilled. Found the
    /// way `placeholders(in:)` finds one (on the bytes, whatever combining mark follows).
    public static func hasPlaceholderOpening(_ text: String) -> Bool {
        pair(UInt8(ascii: "{"), in: text[...]) != nil
    }

    /// Where `{{` or `}}` (the byte twice) first occurs in `text`, found on its UTF-8 bytes:
    /// Foundation's `range(of:)` compares as NSString does, through CoreFoundation, which was
    /// most of the time a runbook's check spent on its templates.
    private static func pair(_ byte: UInt8, in text: Substring) -> Range<String.Index>? {
        let bytes = text.utf8
        var i = bytes.startIndex
        while i != bytes.endIndex {
            let next = bytes.index(after: i)
            if bytes[i] == byte, next != bytes.endIndex, bytes[next] == byte { return i..<bytes.index(after: next) }
            i = next
        }
        return nil
    }
}

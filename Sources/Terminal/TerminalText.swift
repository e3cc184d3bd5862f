/// Text made safe and measured for the terminal. Data (names, reasons, notes) may hold escape
/// sequences; they are shown as visible escapes, never sent to the terminal as controls.
public enum TerminalText {
    /// `text` on one line with every control character, DEL, C1 control and bidirectional
    /// override replaced by a visible escape (`\e`, `\x07`, `\u{202E}`).
    public static func safe(_ text: String) -> String {
        // Printable ASCII, the common case, needs nothing done.
        if text.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) { return text }
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0x1B: out += "\\e"
            case 0x0A: out += "⏎"
            case 0x09: out += " "
            case 0..<0x20, 0x7F, 0x80...0x9F: out += "\\x" + hex(scalar.value, 2)
            case 0x202A...0x202E, 0x2066...0x2069, 0x200E, 0x200F, 0x061C, 0x2028, 0x2029:
                out += "\\u{" + hex(scalar.value, 4) + "}"
            // Invisible characters (format, default-ignorable, Hangul fillers) are shown, not hidden.
            case _ where scalar.properties.generalCategory == .format || scalar.properties.isDefaultIgnorableCodePoint
                || [0x115F, 0x1160, 0x3164, 0xFFA0].contains(scalar.value):
                out += "\\u{" + hex(scalar.value, 4) + "}"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    private static func hex(_ v: UInt32, _ width: Int) -> String {
        let s = String(v, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, width - s.count)) + s
    }

    /// A one-column ASCII stand-in for `ch`, for terminals whose locale is not UTF-8: line-drawing
    /// and symbols by shape (→ ">", ✓ "v", … "~"), accented letters without their accents, else "?".
    /// One column for one column, so a screen laid out for Unicode keeps its shape.
    public static func ascii(_ ch: Character) -> Character {
        if ch.isASCII { return ch }
        switch ch {
        case "→", "▶", "▸", "›", "»": return ">"
        case "←", "◀", "◂", "‹", "«": return "<"
        case "↑": return "^"
        case "↓": return "v"
        case "✓", "✔": return "v"
        case "✗", "✘", "×": return "x"
        case "—", "–", "─", "━", "‐", "−": return "-"
        case "│", "┃", "⏎": return "|"
        case "┌", "┐", "└", "┘", "├", "┤", "┬", "┴", "┼": return "+"
        case "·": return "-"
        case "•", "∙": return "*"
        case "…": return "~"
        case "█", "▓": return "#"
        case "░", "▒": return "."
        case "“", "”", "„": return "\""
        case "‘", "’", "‚": return "'"
        case "\u{00A0}": return " "
        default:
            let base = String(ch).decomposedStringWithCanonicalMapping.unicodeScalars.first
            if let base, base.isASCII, base.value >= 0x20 { return Character(base) }
            return "?"
        }
    }

    /// Columns a character takes: 2 for East Asian wide and emoji, 0 for combining marks, else 1.
    public static func width(of ch: Character) -> Int {
        guard let first = ch.unicodeScalars.first else { return 0 }
        let v = first.value
        // Latin, punctuation, box drawing and the like: one column, without asking Unicode's
        // tables (which is most of the time a frame takes).
        if v < 0x300 { return 1 }
        if first.properties.generalCategory == .nonspacingMark || first.properties.generalCategory == .enclosingMark { return 0 }
        if (0x1100...0x115F).contains(v) || (0x2E80...0xA4CF).contains(v) || (0xAC00...0xD7A3).contains(v)
            || (0xF900...0xFAFF).contains(v) || (0xFE30...0xFE4F).contains(v) || (0xFF00...0xFF60).contains(v)
            || (0xFFE0...0xFFE6).contains(v) || (0x1F300...0x1FAFF).contains(v) || (0x20000...0x3FFFD).contains(v) {
            return 2
        }
        return 1
    }

    public static func width(of text: String) -> Int {
        var ascii = true
        for byte in text.utf8 where byte >= 0x80 { ascii = false; break }
        if ascii { return text.utf8.count }
        return text.reduce(0) { $0 + width(of: $1) }
    }

    /// `text` cut to `columns`, with "…" when cut.
    public static func truncate(_ text: String, to columns: Int) -> String {
        guard columns > 0 else { return "" }
        if width(of: text) <= columns { return text }
        var out = ""
        var used = 0
        for ch in text {
            let w = width(of: ch)
            if used + w > columns - 1 { break }
            out.append(ch)
            used += w
        }
        return out + "…"
    }

    /// Word-wrapped lines of at most `columns`; long words are broken.
    public static func wrap(_ text: String, to columns: Int) -> [String] {
        guard columns > 0 else { return [] }
        var lines: [String] = []
        for paragraph in text.split(separator: "\n", omittingEmptySubsequences: false) {
            var line = ""
            var lineWidth = 0
            for word in paragraph.split(separator: " ") {
                var word = String(word)
                var wordWidth = width(of: word)
                while wordWidth > columns {
                    if !line.isEmpty { lines.append(line); line = ""; lineWidth = 0 }
                    let head = String(word.prefix(columns))
                    lines.append(head)
                    word = String(word.dropFirst(columns))
                    wordWidth = width(of: word)
                }
                if line.isEmpty {
                    line = word
                    lineWidth = wordWidth
                } else if lineWidth + 1 + wordWidth <= columns {
                    line += " " + word
                    lineWidth += 1 + wordWidth
                } else {
                    lines.append(line)
                    line = word
                    lineWidth = wordWidth
                }
            }
            lines.append(line)
        }
        return lines
    }
}

import Engine
/// Makes text that came from data safe to print on a terminal: control characters and
/// escape sequences are shown, never interpreted. A display name of "\u{1B}]52;c;…" must
/// appear as harmless text, not rewrite the operator's clipboard or screen.
public enum SafeText {
    /// `text` with every C0/C1 control, DEL and bidirectional override replaced by a visible
    /// escape (`\e`, `\x07`, `\u{202E}`). Newlines are kept when `multiline` is true.
    public static func visible(_ text: String, multiline: Bool = false) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\n" where multiline: out.append("\n")
            case "\t": out.append(multiline ? "    " : " ")
            case "\u{1B}": out += "\\e"
            case _ where scalar.value < 0x20 || scalar.value == 0x7F:
                out += "\\x" + hex(scalar.value, width: 2)
            case _ where (0x80...0x9F).contains(scalar.value):
                out += "\\x" + hex(scalar.value, width: 2)
            case _ where isBidiControl(scalar) || scalar == "\u{2028}" || scalar == "\u{2029}" || isInvisible(scalar):
                out += "\\u{" + hex(scalar.value, width: 4) + "}"
            default:
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// Format characters and default-ignorable code points (zero-width joiners and spaces,
    /// variation selectors, Hangul fillers): they make data display as something it is not. The
    /// fields' own definition, so what is refused on the way in is what is shown on the way out.
    static func isInvisible(_ scalar: Unicode.Scalar) -> Bool {
        FieldValidator.isInvisible(scalar)
    }

    static func isBidiControl(_ scalar: Unicode.Scalar) -> Bool {
        (0x202A...0x202E).contains(scalar.value) || (0x2066...0x2069).contains(scalar.value)
            || scalar.value == 0x200E || scalar.value == 0x200F || scalar.value == 0x061C
    }

    private static func hex(_ value: UInt32, width: Int) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}

/// Trimming without Foundation's `trimmingCharacters(in:)`, which goes through `NSString` and
/// builds a `CharacterSet` on every call — a measurable part of a command's start-up when it
/// runs over every field and every line of a runbook. Both trim whole Unicode scalars from each
/// end, as Foundation does, and decide ASCII without a property lookup. Like Foundation's sets,
/// both include U+200B ZERO WIDTH SPACE (a space separator in older Unicode, kept by
/// CoreFoundation): an invisible character at the end of a typed value is dropped with the blanks.
extension Substring {
    /// Without the blanks at either end: spaces (Unicode category Zs, and U+200B) and tabs — the
    /// characters of Foundation's `CharacterSet.whitespaces`.
    public func trimmingBlanks() -> String {
        trimming { $0 == "\t" || ($0.isASCII ? $0 == " " : $0.properties.generalCategory == .spaceSeparator || $0 == "\u{200B}") }
    }

    /// Without the white space at either end, line breaks included: Unicode's White_Space
    /// property and U+200B, the characters of Foundation's `CharacterSet.whitespacesAndNewlines`.
    public func trimmingWhitespace() -> String {
        trimming { $0.isASCII ? ($0 == " " || ("\t"..."\r").contains($0)) : $0.properties.isWhitespace || $0 == "\u{200B}" }
    }

    /// The bytes between the first and last scalar kept, copied once (the slice shares the
    /// string's storage until then).
    private func trimming(_ isTrimmed: (Unicode.Scalar) -> Bool) -> String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !isTrimmed($0) }) else { return "" }
        let last = scalars.lastIndex(where: { !isTrimmed($0) })!
        return String(Substring(scalars[first...last]))
    }
}

extension String {
    /// Without the spaces and tabs at either end (see `Substring.trimmingBlanks`).
    public func trimmingBlanks() -> String { self[...].trimmingBlanks() }

    /// Without the white space at either end, line breaks included (see `Substring.trimmingWhitespace`).
    public func trimmingWhitespace() -> String { self[...].trimmingWhitespace() }
}

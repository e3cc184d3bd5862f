import Terminal

/// Symbols and styles, with ASCII stand-ins when the locale cannot show Unicode. Every symbol
/// is distinct in shape, never only in colour.
struct Theme {
    let unicode: Bool

    var done: String { unicode ? "✓" : "v" }
    var current: String { unicode ? "▶" : ">" }
    var ahead: String { unicode ? "·" : "." }
    var refused: String { unicode ? "✗" : "x" }
    var pass: String { unicode ? "✓" : "+" }
    var fail: String { unicode ? "✗" : "x" }
    /// A passing line the operator must read.
    var warn: String { "!" }
    var bullet: String { unicode ? "•" : "*" }
    var separator: String { unicode ? "│" : "|" }
    var arrows: String { unicode ? "↑↓" : "up/down" }
    var left: String { unicode ? "◀" : "<" }
    var right: String { unicode ? "▶" : ">" }
    /// Marks the field (or filter) that has the focus, beside the reverse video: visible in a
    /// screen capture, to a screen reader and on a terminal that cannot show reverse.
    var focusMark: String { unicode ? "▸" : ">" }
    /// A gate the confirmation dialog takes care of: neither passed nor failed yet.
    var deferred: String { unicode ? "○" : "o" }

    static let header = Style(reverse: true)
    static let title = Style(bold: true)
    static let passStyle = Style(color: .green)
    static let failStyle = Style(bold: true, color: .red)
    static let warning = Style(bold: true, color: .yellow)
    static let focus = Style(reverse: true)
    static let hint = Style(dim: true)
}

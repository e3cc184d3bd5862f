/// A key press, or a terminal event that arrives like one (a resize).
public enum Key: Sendable, Equatable, Hashable {
    case character(Character)
    case enter, escape, tab, backTab, backspace, delete
    case up, down, left, right, home, end, pageUp, pageDown
    /// Ctrl plus a letter ("a"…"z").
    case control(Character)
    case function(Int)
    /// Alt (Meta) plus a character, sent by terminals as ESC then the character ("b", "f").
    case alt(Character)
    /// Text pasted (bracketed paste) or arriving faster than anyone types: taken in one pass.
    case paste(String)
    case resize
}

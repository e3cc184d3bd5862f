/// A key press, or a terminal event that arrives like one (a resize).
public enum Key: Sendable, Equatable, Hashable {
    case character(Character)
    case enter, escape, tab, backTab, backspace, delete
    case up, down, left, right, home, end, pageUp, pageDown
    /// Ctrl plus a letter ("a"…"z").
    case control(Character)
    case function(Int)
    case resize
}

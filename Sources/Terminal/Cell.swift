/// One character cell of the screen: a grapheme and how it is drawn.
public struct Cell: Sendable, Equatable {
    public var text: Character
    public var style: Style

    public init(_ text: Character = " ", _ style: Style = .plain) {
        self.text = text
        self.style = style
    }

    public static let blank = Cell()
}

/// How a cell is drawn. Meaning is never carried by colour alone: every coloured mark also has
/// a symbol or word (✓/✗, "OVERDUE"), so NO_COLOR and monochrome terminals lose nothing.
public struct Style: Sendable, Equatable, Hashable {
    public var bold = false
    public var reverse = false
    public var underline = false
    public var dim = false
    public var color: Color = .default

    public init(bold: Bool = false, reverse: Bool = false, underline: Bool = false, dim: Bool = false, color: Color = .default) {
        self.bold = bold
        self.reverse = reverse
        self.underline = underline
        self.dim = dim
        self.color = color
    }

    public static let plain = Style()
    public static let bold = Style(bold: true)
    public static let reverse = Style(reverse: true)
    public static let dim = Style(dim: true)

    public enum Color: Int, Sendable, Equatable, Hashable, CaseIterable {
        case `default` = 0, red, green, yellow, blue, magenta, cyan
    }
}

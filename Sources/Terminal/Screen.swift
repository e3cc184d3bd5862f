/// A frame: a grid of cells the view draws into and a terminal shows. Drawing clips at the
/// edges, so a view never needs to know whether text fits.
public struct Screen: Sendable, Equatable {
    public let width: Int
    public let height: Int
    public private(set) var cells: [Cell]
    /// Where the terminal cursor should rest (the field being edited), if anywhere.
    public var cursor: (row: Int, column: Int)?

    public init(width: Int, height: Int) {
        self.width = max(0, width)
        self.height = max(0, height)
        cells = Array(repeating: .blank, count: self.width * self.height)
    }

    public static func == (lhs: Screen, rhs: Screen) -> Bool {
        lhs.width == rhs.width && lhs.height == rhs.height && lhs.cells == rhs.cells
            && lhs.cursor?.row == rhs.cursor?.row && lhs.cursor?.column == rhs.cursor?.column
    }

    public subscript(row: Int, column: Int) -> Cell {
        get { cells[row * width + column] }
        set { cells[row * width + column] = newValue }
    }

    /// Writes `text` at (row, column), clipped to `limit` columns (default: to the right edge).
    /// Returns the column after the last cell written. Text must already be safe (`TerminalText.safe`).
    @discardableResult
    public mutating func put(_ text: String, row: Int, column: Int, style: Style = .plain, limit: Int? = nil) -> Int {
        guard row >= 0, row < height else { return column }
        let end = min(width, column + (limit ?? width))
        var x = column
        for ch in text {
            let w = TerminalText.width(of: ch)
            if x + w > end { break }
            if x >= 0 {
                self[row, x] = Cell(ch, style)
                if w == 2, x + 1 < width { self[row, x + 1] = Cell("\u{0}", style) } // continuation of a wide character
            }
            x += w
        }
        return x
    }

    /// Fills a rectangle with one cell.
    public mutating func fill(row: Int, column: Int, height h: Int, width w: Int, with cell: Cell = .blank) {
        for r in max(0, row)..<min(height, row + h) {
            for c in max(0, column)..<min(width, column + w) { self[r, c] = cell }
        }
    }

    /// A box outline, in line-drawing characters or ASCII.
    public mutating func box(row: Int, column: Int, height h: Int, width w: Int, style: Style = .plain, ascii: Bool = false) {
        guard h >= 2, w >= 2 else { return }
        let (tl, tr, bl, br, hz, vt): (Character, Character, Character, Character, Character, Character) =
            ascii ? ("+", "+", "+", "+", "-", "|") : ("┌", "┐", "└", "┘", "─", "│")
        for c in column..<(column + w) {
            put(String(hz), row: row, column: c, style: style)
            put(String(hz), row: row + h - 1, column: c, style: style)
        }
        for r in row..<(row + h) {
            put(String(vt), row: r, column: column, style: style)
            put(String(vt), row: r, column: column + w - 1, style: style)
        }
        put(String(tl), row: row, column: column, style: style)
        put(String(tr), row: row, column: column + w - 1, style: style)
        put(String(bl), row: row + h - 1, column: column, style: style)
        put(String(br), row: row + h - 1, column: column + w - 1, style: style)
    }

    /// The same screen in ASCII only (`TerminalText.ascii`), cell for cell: a wide character's two
    /// cells become two stand-ins, so nothing after it moves.
    public func asciiOnly() -> Screen {
        var copy = self
        for i in copy.cells.indices where !copy.cells[i].text.isASCII || copy.cells[i].text == "\u{0}" {
            copy.cells[i].text = copy.cells[i].text == "\u{0}" ? "?" : TerminalText.ascii(copy.cells[i].text)
        }
        return copy
    }

    /// The screen as plain text, one line per row, trailing spaces trimmed: what golden tests compare.
    public var text: String {
        (0..<height).map { r in
            var line = ""
            for c in 0..<width where self[r, c].text != "\u{0}" { line.append(self[r, c].text) }
            while line.hasSuffix(" ") { line.removeLast() }
            return line
        }.joined(separator: "\n")
    }
}

/// An in-memory terminal: a cell grid and a queue of keys. Tests feed keys and assert the
/// screen as text; benchmarks use it to time update + view without a tty.
public final class VirtualTerminal: TerminalDevice {
    public private(set) var size: (width: Int, height: Int)
    public let colors: Bool
    public let unicode: Bool
    public private(set) var screen: Screen
    public private(set) var framesDrawn = 0
    private var keys: [Key] = []
    /// Set by a test to act out a hang-up or termination.
    public var terminationSignal: Int32?

    public init(width: Int = 80, height: Int = 24, colors: Bool = true, unicode: Bool = true) {
        size = (width, height)
        self.colors = colors
        self.unicode = unicode
        screen = Screen(width: width, height: height)
    }

    public func draw(_ screen: Screen) {
        self.screen = screen
        framesDrawn += 1
    }

    public func readKey(timeoutMilliseconds: Int) -> Key? {
        keys.isEmpty ? nil : keys.removeFirst()
    }

    public func send(_ key: Key) { keys.append(key) }

    public func type(_ text: String) {
        for ch in text { keys.append(.character(ch)) }
    }

    public func resize(width: Int, height: Int) {
        size = (width, height)
        keys.append(.resize)
    }

    public var text: String { screen.text }
}

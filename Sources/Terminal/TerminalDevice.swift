/// What the wizard draws on and reads from: ncurses in the product, a virtual grid in tests.
public protocol TerminalDevice: AnyObject {
    /// Columns and rows now.
    var size: (width: Int, height: Int) { get }
    /// Whether colours may be used (false under NO_COLOR or on a monochrome terminal).
    var colors: Bool { get }
    /// Whether line-drawing and symbol characters can be shown (false when the locale is not UTF-8).
    var unicode: Bool { get }
    /// Shows `screen`, changing only what differs from the last frame.
    func draw(_ screen: Screen)
    /// The next key, waiting at most `timeoutMilliseconds` (nil: none arrived). Negative waits for ever.
    func readKey(timeoutMilliseconds: Int) -> Key?
    /// A signal asking the program to end (SIGHUP: the connection dropped; SIGTERM), once received.
    var terminationSignal: Int32? { get }
}

extension TerminalDevice {
    public var terminationSignal: Int32? { nil }
}

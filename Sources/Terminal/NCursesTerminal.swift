import CNCursesW
import Foundation

/// The product's terminal: ncursesw. Only this file talks to ncurses.
///
/// - The locale is set from the environment before `initscr`, as ncurses(3X) requires for wide
///   characters; when it is not UTF-8, screens fall back to ASCII.
/// - `raw` mode delivers Ctrl-C as a key, so quitting always goes through `close()`.
/// - SIGHUP (the ssh connection dropped) and SIGTERM restore the terminal from a signal handler
///   that only uses async-signal-safe calls (tcsetattr, write) and exits; every decision was
///   already committed when it was made.
public final class NCursesTerminal: TerminalDevice {
    public let colors: Bool
    public let unicode: Bool
    private var last: Screen?
    private var open = false

    /// nil when stdin/stdout are not a terminal or TERM cannot drive a full-screen program.
    public init?(environment: [String: String] = ProcessInfo.processInfo.environment) {
        guard isatty(STDIN_FILENO) == 1, isatty(STDOUT_FILENO) == 1 else { return nil }
        let term = environment["TERM"] ?? ""
        guard !term.isEmpty, term != "dumb" else { return nil }
        setlocale(LC_ALL, "")
        let codeset = String(cString: nl_langinfo(nl_item(CODESET)))
        unicode = codeset.uppercased().replacingOccurrences(of: "-", with: "") == "UTF8"
        TerminalRestore.save()
        // newterm, not initscr: it returns nil for an unusable TERM instead of exiting (curs_initscr(3X)).
        guard let output = fdopen(STDOUT_FILENO, "w"), let input = fdopen(STDIN_FILENO, "r"),
              newterm(nil, output, input) != nil else { return nil }
        open = true
        raw()
        noecho()
        nonl()
        keypad(handrail_stdscr(), true)
        // ESC alone means "back"; wait only briefly for the rest of an escape sequence (curs_variables(3X)).
        set_escdelay(25)
        let wantColor = environment["NO_COLOR"].map { $0.isEmpty } ?? true
        if wantColor && has_colors() {
            start_color()
            use_default_colors()
            for color in Style.Color.allCases where color != .default {
                let curses: Int16 = switch color {
                case .red: Int16(COLOR_RED)
                case .green: Int16(COLOR_GREEN)
                case .yellow: Int16(COLOR_YELLOW)
                case .blue: Int16(COLOR_BLUE)
                case .magenta: Int16(COLOR_MAGENTA)
                case .cyan: Int16(COLOR_CYAN)
                case .default: -1
                }
                init_pair(Int16(color.rawValue), curses, -1)
            }
            colors = true
        } else {
            colors = false
        }
        TerminalRestore.install()
        // Ask for bracketed paste (xterm ctlseqs: CSI ? 2004 h); terminals without it ignore it.
        Self.writeRaw("\u{1B}[?2004h")
    }

    private static func writeRaw(_ text: String) {
        let bytes = Array(text.utf8)
        bytes.withUnsafeBufferPointer { _ = write(STDOUT_FILENO, $0.baseAddress, $0.count) }
    }

    deinit {
        close()
    }

    /// Leaves full-screen mode and restores the terminal as it was.
    public func close() {
        guard open else { return }
        open = false
        curs_set(1)
        endwin()
        Self.writeRaw("\u{1B}[?2004l")
    }

    /// SIGHUP or SIGTERM arrived (see `TerminalRestore.pendingSignal`).
    public var terminationSignal: Int32? {
        TerminalRestore.pendingSignal == 0 ? nil : TerminalRestore.pendingSignal
    }

    public var size: (width: Int, height: Int) {
        var rows: Int32 = 0, cols: Int32 = 0
        handrail_getmaxyx(handrail_stdscr(), &rows, &cols)
        return (Int(cols), Int(rows))
    }

    public func draw(_ screen: Screen) {
        let full = last == nil || last!.width != screen.width || last!.height != screen.height
        if full { erase() }
        for row in 0..<screen.height {
            for column in 0..<screen.width {
                let cell = screen[row, column]
                if cell.text == "\u{0}" { continue } // the right half of a wide character
                if !full, let previous = last, previous[row, column] == cell { continue }
                var attributes = handrail_a_normal()
                if cell.style.bold { attributes |= handrail_a_bold() }
                if cell.style.reverse { attributes |= handrail_a_reverse() }
                if cell.style.underline { attributes |= handrail_a_underline() }
                if cell.style.dim { attributes |= handrail_a_dim() }
                let pair: Int16 = colors ? Int16(cell.style.color.rawValue) : 0
                let scalar = (unicode ? cell.text : TerminalText.ascii(cell.text)).unicodeScalars.first ?? " "
                let shown: UInt32 = scalar.value
                _ = handrail_mvadd_wch(Int32(row), Int32(column), wchar_t(shown), attributes, pair)
            }
        }
        if let cursor = screen.cursor {
            curs_set(1)
            move(Int32(cursor.row), Int32(cursor.column))
        } else {
            curs_set(0)
        }
        refresh()
        last = screen
    }

    /// Keys decoded but not yet handed out.
    private var queued: [Key] = []
    private var decoder = InputDecoder()

    /// Bytes are read one at a time (`wgetch`, with keypad translation for the keys terminfo
    /// names) and decoded by `InputDecoder`, not by `get_wch`: an invalid UTF-8 byte becomes
    /// U+FFFD instead of holding back every key after it. Printable characters that have already
    /// arrived together (a paste in a terminal without bracketed paste) come back as one `.paste`.
    public func readKey(timeoutMilliseconds: Int) -> Key? {
        if queued.isEmpty { fill(timeoutMilliseconds: timeoutMilliseconds) }
        return queued.isEmpty ? nil : queued.removeFirst()
    }

    private func fill(timeoutMilliseconds: Int) {
        var keys: [Key] = []
        var wait = timeoutMilliseconds
        var idle = 0
        while true {
            timeout(Int32(wait))
            let ch = getch()
            if ch == ERR && TerminalRestore.pendingSignal != 0 { break }
            if ch == ERR {
                // Nothing more within the wait: an unfinished sequence is what it is (Escape,
                // U+FFFD); only a paste waits for its end marker, up to a second of silence.
                if decoder.isPasting && idle < 40 {
                    idle += 1
                    wait = 25
                    continue
                }
                keys += decoder.flush()
                break
            }
            idle = 0
            if ch >= 256 || ch < 0 {
                keys += decoder.flush()
                if let key = Self.functionKey(ch) { keys.append(key) }
            } else {
                keys += decoder.feed(UInt8(ch))
            }
            // Keep reading what has already arrived (a paste, an escape sequence's tail), never waiting.
            wait = decoder.isWaiting ? 25 : 0
            if keys.count > 1_000_000 { break }
        }
        queued += Self.coalesced(keys)
    }

    /// Runs of two or more printable characters that arrived together become one paste.
    static func coalesced(_ keys: [Key]) -> [Key] {
        var out: [Key] = []
        var run = ""
        var runCount = 0
        func end() {
            if runCount == 1, let c = run.first { out.append(.character(c)) } else if runCount > 1 { out.append(.paste(run)) }
            run = ""
            runCount = 0
        }
        for key in keys {
            if case .character(let c) = key {
                run.append(c)
                runCount += 1
            } else {
                end()
                out.append(key)
            }
        }
        end()
        return out
    }

    static func functionKey(_ code: Int32) -> Key? {
        switch code {
        case KEY_UP: return .up
        case KEY_DOWN: return .down
        case KEY_LEFT: return .left
        case KEY_RIGHT: return .right
        case KEY_HOME: return .home
        case KEY_END: return .end
        case KEY_NPAGE: return .pageDown
        case KEY_PPAGE: return .pageUp
        case KEY_BTAB: return .backTab
        case KEY_ENTER: return .enter
        case KEY_BACKSPACE: return .backspace
        case KEY_DC: return .delete
        case KEY_RESIZE: return .resize
        default:
            for n in 1...12 where code == handrail_key_f(Int32(n)) { return .function(n) }
            return nil
        }
    }
}

/// Restoring the terminal from a signal handler: the original termios and the terminfo strings
/// that leave the alternate screen and show the cursor, captured before ncurses starts, so the
/// handler needs no allocation and no ncurses call.
enum TerminalRestore {
    nonisolated(unsafe) static var saved = termios()
    nonisolated(unsafe) static var haveSaved = false
    nonisolated(unsafe) static var resetBytes: [UInt8] = Array("\u{1B}[?2004l\u{1B}[?1049l\u{1B}[?25h\u{1B}[0m\r\n".utf8)

    static func save() {
        haveSaved = tcgetattr(STDIN_FILENO, &saved) == 0
    }

    /// The first SIGHUP or SIGTERM received, for the program's loop to end on (releasing what it
    /// holds) the next time it looks, within its key timeout. A second signal, or SIGQUIT, does
    /// not wait: the terminal is restored and the process exits at once. Only a
    /// `volatile sig_atomic_t`-like word is written in the handler (signal-safety(7)).
    nonisolated(unsafe) static var pendingSignal: Int32 = 0

    static func install() {
        for sig in [SIGHUP, SIGTERM] {
            signal(sig) { number in
                if TerminalRestore.pendingSignal == 0 {
                    TerminalRestore.pendingSignal = number
                    return
                }
                TerminalRestore.restoreAndExit(number)
            }
        }
        signal(SIGQUIT) { number in TerminalRestore.restoreAndExit(number) }
    }

    static func restoreAndExit(_ number: Int32) -> Never {
        if TerminalRestore.haveSaved { tcsetattr(STDIN_FILENO, TCSANOW, &TerminalRestore.saved) }
        TerminalRestore.resetBytes.withUnsafeBufferPointer { _ = write(STDOUT_FILENO, $0.baseAddress, $0.count) }
        _exit(128 + number)
    }
}

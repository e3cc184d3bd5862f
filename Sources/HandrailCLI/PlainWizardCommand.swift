import Casework
import Engine
import Foundation
import Terminal
import Wizard

/// `handrail --plain` (or `ACCESSIBLE=1`): the wizard line by line for screen-reader users, on
/// the standard input and output in the terminal's own cooked mode — no ncurses, no alternate
/// screen, no cursor movement. One-time secrets still go to the controlling terminal only.
enum PlainWizardCommand {
    /// Whether the environment asks for the plain mode: `ACCESSIBLE` set to anything but empty or
    /// `0`. Presentation only (it chooses nothing a locked deployment fixes), so a locked
    /// deployment lets it through like `TERM`.
    static func requested(by environment: [String: String]) -> Bool {
        guard let value = environment["ACCESSIBLE"] else { return false }
        return !value.isEmpty && value != "0"
    }

    static func run(desk: CaseDesk, actor: Actor, header: HeaderInfo, signals: [(id: String, label: String)],
                    output: CommandOutput, start: [WizardEffect]) -> ExitCode {
        let lines = StandardLines(output: output)
        let session = PlainSession(desk: desk, actor: actor, header: header, signals: signals, output: lines)
        session.start(start)
        var decoder = LineDecoder()
        var buffer = [UInt8](repeating: 0, count: 4096)
        PlainSignals.install()
        while !session.finished {
            if PlainSignals.pending != 0 {
                let signal = PlainSignals.pending
                session.terminate(signal)
                exit(128 + signal)
            }
            // Waits a second at most, so that a signal is acted on even while nobody types
            // (signal(3) restarts a read the signal interrupted: it would wait for the next line).
            var ready = pollfd(fd: 0, events: Int16(POLLIN), revents: 0)
            let polled = poll(&ready, 1, 1_000)
            if polled == 0 || (polled < 0 && errno == EINTR) { continue }
            let count = buffer.withUnsafeMutableBytes { read(0, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            if count <= 0 {
                if let last = decoder.finish() { session.handle(last) }
                session.endOfInput()
                break
            }
            for line in decoder.feed(buffer[0..<count]) {
                session.handle(line)
                if session.finished { break }
            }
        }
        return .ok
    }
}

/// The plain mode's lines on stdout, and its one-time secrets on the controlling terminal.
private final class StandardLines: PlainOutput {
    let output: CommandOutput

    init(output: CommandOutput) { self.output = output }

    func line(_ text: String) { output.print(text) }

    var canShowSecrets: Bool { output.hasTerminal }

    func showSecrets(_ lines: [String]) -> Bool { output.toTerminal(lines.joined(separator: "\n")) }
}

/// SIGHUP, SIGTERM and SIGINT (Ctrl-C: the terminal is in cooked mode, so it is a signal here)
/// in the plain mode: the first is noted for the loop (which lets the case go and exits with
/// 128 + the signal); a second does not wait. Only a word is written in the handler
/// (signal-safety(7)). Nothing is lost: every decision was committed when it was made, and a
/// secret shown is on the terminal, not on a screen that closes.
private enum PlainSignals {
    nonisolated(unsafe) static var pending: Int32 = 0

    static func install() {
        for sig in [SIGHUP, SIGTERM, SIGINT] {
            signal(sig) { number in
                if PlainSignals.pending == 0 {
                    PlainSignals.pending = number
                    return
                }
                _exit(128 + number)
            }
        }
    }
}

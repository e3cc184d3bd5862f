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
        while !session.finished {
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

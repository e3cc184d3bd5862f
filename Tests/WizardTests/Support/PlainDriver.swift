import Casework
import Engine
import Foundation
import HandrailTestSupport
import Terminal
import Wizard
import XCTest

/// The plain mode in-process: lines go in as the standard input would bring them (through a
/// `LineDecoder`), lines come out as the standard output would show them, and the transcript
/// holds both, each line typed shown as "> " and the line. One-time secrets are kept apart, as
/// the controlling terminal would show them: never in the transcript.
final class PlainDriver {
    /// The output and the operator's terminal.
    final class Recorder: PlainOutput {
        var lines: [String] = []
        var secrets: [[String]] = []
        var hasTerminal = true

        func line(_ text: String) { lines.append(text) }
        var canShowSecrets: Bool { hasTerminal }
        func showSecrets(_ lines: [String]) -> Bool {
            guard hasTerminal else { return false }
            secrets.append(lines)
            return true
        }
    }

    let session: PlainSession
    let recorder = Recorder()
    private var decoder = LineDecoder()
    /// Output and input interleaved, as a person at the terminal would see it.
    private(set) var transcript: [String] = []
    private var read = 0

    init(_ harness: WizardHarness, as actor: Actor, start: [WizardEffect] = [.loadQueue], terminal: Bool = true) {
        recorder.hasTerminal = terminal
        let header = HeaderInfo(login: actor.login, role: actor.role, database: WizardHarness.shownDatabase,
                                platform: harness.platform.name, demo: harness.manual ? false : harness.directory.demo)
        session = PlainSession(desk: harness.service(), actor: actor, header: header,
                               signals: harness.runbook.refusalSignals.map { (id: $0.id, label: $0.label) }, output: recorder)
        session.start(start)
        collect()
    }

    /// Everything output since the last call.
    var latest: String {
        let text = recorder.lines[read...].joined(separator: "\n")
        read = recorder.lines.count
        return text
    }

    /// Types one line and Enter.
    @discardableResult
    func type(_ line: String) -> String {
        bytes(Array(line.utf8) + [0x0A], shown: line.count > 80 ? String(line.prefix(20)) + "... (\(line.count) characters)" : line)
    }

    /// Types each line in turn.
    func lines(_ lines: String...) {
        for line in lines { type(line) }
    }

    /// Bytes as they arrive on the standard input; `shown` is how the transcript writes them.
    @discardableResult
    func bytes(_ bytes: [UInt8], shown: String) -> String {
        transcript.append("> " + shown)
        _ = latest
        for line in decoder.feed(bytes) { session.handle(line) }
        collect()
        return recorder.lines[(recorder.lines.count - newLines)...].joined(separator: "\n")
    }

    func endOfInput() {
        transcript.append("> (end of input)")
        session.endOfInput()
        collect()
    }

    private var collected = 0
    private var newLines = 0

    private func collect() {
        newLines = recorder.lines.count - collected
        transcript += recorder.lines[collected...]
        collected = recorder.lines.count
    }

    var text: String { transcript.joined(separator: "\n") + "\n" }

    /// Compares the transcript with Tests/WizardTests/Golden/plain/NAME.txt; HANDRAIL_REGENERATE_TRANSCRIPTS=1 rewrites it.
    /// Every transcript is also held to the plain mode's promise: no escape sequence, no control
    /// character, no box drawing, no secret.
    func assertTranscript(_ name: String, file: StaticString = #filePath, line: UInt = #line) {
        PlainDriver.assertPlain(text, file: file, line: line)
        for secret in recorder.secrets.flatMap({ $0.dropFirst() }) {
            XCTAssertFalse(text.contains(secret.trimmingCharacters(in: .whitespaces)), "a secret reached the output", file: file, line: line)
        }
        ReferenceText.assertMatches(text, PackagePaths.tests("WizardTests/Golden/plain/\(name).txt"), regenerate: "HANDRAIL_REGENERATE_TRANSCRIPTS",
                                    file: file, line: line)
    }

    static func assertPlain(_ text: String, file: StaticString = #filePath, line: UInt = #line) {
        for scalar in text.unicodeScalars {
            let v = scalar.value
            if v == 0x0A { continue }
            if v < 0x20 || v == 0x7F || (0x80...0x9F).contains(v) {
                XCTFail("control character U+\(String(v, radix: 16)) in plain output:\n\(text)", file: file, line: line)
                return
            }
            if (0x2500...0x25FF).contains(v) || (0x2190...0x21FF).contains(v) || v == 0x2713 || v == 0x2717 {
                XCTFail("drawing character \(scalar) (U+\(String(v, radix: 16))) in plain output:\n\(text)", file: file, line: line)
                return
            }
        }
    }
}

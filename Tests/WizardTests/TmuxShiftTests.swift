import Foundation
import HandrailTestSupport
import Store
import XCTest

/// The wizard on a real shift, in a real terminal (tmux, 80×24): console facts typed in the TUI
/// on ManualConsole while the command line changes the same case, keys that edit like a
/// terminal, bytes that are not UTF-8, a long paste, and Esc on the top screen.
final class TmuxShiftTests: XCTestCase {
    func manualSession(_ name: String) throws -> TmuxSession {
        let t = try TmuxSession(name, width: 80, height: 24)
        t.environment["HANDRAIL_PLATFORM"] = "manual"
        try t.startServer(width: 80, height: 24)
        return t
    }

    func caseID(_ t: TmuxSession) throws -> String {
        let store = try HandrailStore(path: t.database, now: Date.init)
        return try XCTUnwrap(try store.cases(limit: 1).first?.projection.id)
    }

    /// F2 opens the facts form, typed facts are recorded and shown; then `handrail case facts`
    /// in another process changes the case and the open wizard shows it within a second or so,
    /// with the half-typed ticket reference still in its field.
    func testFactsTypedInTheWizardAndFromTheCommandLine() throws {
        let t = try manualSession("facts")
        try t.launch(["open", "ada@example.org"])
        try t.waitFor("Backup codes left: not")
        try t.send("F2")
        try t.waitFor("Facts from the admin console")
        try t.waitFor("Read it from: User detail → Status")
        try t.sendLiteral("no")          // suspended (needed)
        try t.send("Tab")
        try t.sendLiteral("none")        // signins (needed)
        try t.send("Enter")
        try t.waitFor("Recorded: typed console facts")
        let screen = try t.capture()
        XCTAssertFalse(screen.contains("Suspended? not typed yet"), screen)

        // Half-way through the form: the ticket reference typed, not submitted.
        try t.send("Right")
        try t.waitFor("Live video call")
        for _ in 0..<3 { try t.send("Tab") }
        try t.waitFor("▸ Support ticket")
        try t.sendLiteral("SD-47")
        try t.waitFor("SD-47")

        let id = try caseID(t)
        let run = try t.handrail(["case", "facts", id, "codes=4"])
        XCTAssertEqual(run.status, 0, run.output)
        let after = try t.waitFor("Backup codes left: 4", timeout: 10)
        XCTAssertTrue(after.contains("SD-47"), "what was typed stays:\n\(after)")
        XCTAssertTrue(after.contains("changed elsewhere"), after)

        try t.send("C-c")
        try t.waitFor("Quit with typed input?")
        try t.send("Enter")
        try t.waitFor("EXITED 0")
    }

    /// In a text field Ctrl-A/E/U/K/W and Alt-B/F edit; none of them runs a case action.
    func testReadlineKeysEditAndRunNoAction() throws {
        let t = try TmuxSession("readline", width: 80, height: 24)
        try t.launch(["open", "ben@demo.example"])
        try t.waitFor("▸ How did you verify the")
        try t.send("Right")
        try t.waitFor("Live video call")
        for _ in 0..<3 { try t.send("Tab") }
        try t.waitFor("▸ Support ticket")
        try t.sendLiteral("hello big world")
        try t.waitFor("hello big world")
        try t.send("C-w")                       // the word before the cursor
        try t.waitUntil("C-w deleted a word") { $0.contains("hello big") && !$0.contains("hello big world") }
        try t.send("C-a")
        try t.sendLiteral("X")
        try t.waitFor("Xhello big")
        try t.send("M-f", "M-f")                // Alt-F twice: after "big"
        try t.send("C-k")
        try t.send("C-e")
        try t.sendLiteral("!")
        try t.waitFor("Xhello big!")
        try t.send("M-b")                       // Alt-B: back to the start of "big"
        try t.send("C-u")                       // everything before the cursor
        try t.waitUntil("C-u cleared before the cursor") { $0.contains("Support ticket for this…: big!") }
        let screen = try t.capture()
        XCTAssertFalse(screen.contains("Raise a signal"), "Ctrl-E raised no signal:\n\(screen)")
        XCTAssertFalse(screen.contains("Request a senior"), "Ctrl-A asked for nothing:\n\(screen)")
        XCTAssertFalse(screen.contains("Uphold"), screen)
        let store = try HandrailStore(path: t.database, now: Date.init)
        let id = try caseID(t)
        XCTAssertEqual(try store.events(caseID: id).map(\.event.type), ["case.opened"], "no action ran")
        // The actions menu (F1) runs any action by its letter.
        try t.send("F1")
        try t.waitFor("Actions — press a letter")
        try t.send("n")
        try t.waitFor("Add a note")
        try t.send("Escape")
        try t.send("C-c")
        try t.waitFor("Quit with typed input?")
        try t.send("C-c")
        try t.waitFor("EXITED 0")
    }

    /// Bytes that are not UTF-8 (E9, FF, C3 28, a lone continuation byte) show as U+FFFD and the
    /// keys after them work at once; a 20,000-character bracketed paste is taken in one pass and
    /// cut at the field's limit with a note.
    func testInvalidBytesAndALongPasteNeverFreezeTheWizard() throws {
        let t = try TmuxSession("bytes", width: 80, height: 24)
        try t.launch(["open", "ben@demo.example"])
        try t.waitFor("▸ How did you verify the")
        try t.send("Right")
        try t.waitFor("Live video call")
        for _ in 0..<3 { try t.send("Tab") }
        try t.waitFor("▸ Support ticket")
        try t.tmux(["send-keys", "-t", t.target, "-H", "e9"])
        try t.sendLiteral("a")
        try t.tmux(["send-keys", "-t", t.target, "-H", "ff", "c3", "28", "80"])
        try t.sendLiteral("b")
        try t.waitFor("\u{FFFD}a\u{FFFD}\u{FFFD}(\u{FFFD}b", timeout: 5)
        try t.send("C-u")
        try t.waitUntil("the field cleared") { !$0.contains("\u{FFFD}") }

        // A paste of 20,000 characters, bracketed (tmux paste-buffer -p, the wizard asked for it).
        let long = String(repeating: "x", count: 20_000)
        let file = t.folder.appendingPathComponent("paste.txt")
        try long.write(to: file, atomically: true, encoding: .utf8)
        try t.tmux(["load-buffer", "-b", "big", file.path])
        let started = Date()
        try t.tmux(["paste-buffer", "-p", "-b", "big", "-t", t.target])
        try t.waitFor("cut at this field's limit", timeout: 10)
        let took = Date().timeIntervalSince(started)
        XCTAssertLessThan(took, 5, "the paste took \(took) s")
        // Still responsive: Esc asks before leaving the typed field.
        try t.send("Escape")
        try t.waitFor("Leave this case?")
        try t.send("Escape")
        try t.send("C-c")
        try t.waitFor("Quit with typed input?")
        try t.send("C-c")
        try t.waitFor("EXITED 0")
    }

    /// Esc on the queue (the top screen) never quits; q does.
    func testEscOnTheQueueNeverQuits() throws {
        let t = try TmuxSession("esc", width: 80, height: 24)
        try t.launch([])
        try t.waitFor("First run")
        try t.send("Enter")
        try t.waitFor("No cases here.")
        try t.send("Escape")
        try t.waitFor("This is the top screen: q quits")
        XCTAssertFalse(try t.capture().contains("EXITED"))
        try t.send("q")
        try t.waitFor("EXITED 0")
    }

    /// SIGHUP (the ssh connection dropped) and SIGTERM end the wizard within its key timeout, with
    /// the case released (not held from the other operators for the lease's 15 minutes), the
    /// terminal restored, and the conventional exit status.
    func testHangUpAndTerminationReleaseTheCase() throws {
        for (signal, status) in [(SIGHUP, 129), (SIGTERM, 143)] {
            let t = try TmuxSession("hangup-\(signal)", width: 80, height: 24)
            try t.launch(["open", "ben@demo.example"])
            try t.waitFor("▸ How did you verify the")
            let id = try caseID(t)
            let store = try HandrailStore(path: t.database, now: Date.init)
            XCTAssertEqual(try store.caseRecord(id)?.holder, "alice")
            let pid = try t.tuiProcess()
            XCTAssertEqual(kill(pid, signal), 0)
            try t.waitUntilGone(pid, timeout: 10)
            if signal == SIGTERM { try t.waitFor("EXITED \(status)") }
            XCTAssertNil(try store.caseRecord(id)?.holder, "signal \(signal): the case is released")
        }
    }
}

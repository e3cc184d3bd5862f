import Engine
import Foundation
import HandrailTestSupport
import Hashing
import LocalTenant
import Store
import XCTest

/// The real binary in a real terminal (tmux): keys in, screens out, the CLI beside it as the
/// user's side of the call, and the process killed where a dropped connection would kill it.
final class TmuxEndToEndTests: XCTestCase {
    /// From the queue to closed, on the demo tenant: the user's sign-in and enrolment happen in
    /// another process (`handrail directory simulate`) between keystrokes.
    func testACompleteCaseFromTheQueueToClosed() throws {
        let t = try TmuxSession("complete")
        try t.launch([])
        try t.waitFor("First run")
        try t.send("Enter")
        try t.waitFor("No cases here. Press n to open a case for a caller.")
        try t.send("n")
        try t.waitFor("The caller's email")
        try t.sendLiteral("ben@demo.example")
        try t.send("Enter")
        try t.waitFor("▸ How did you verify the caller?")
        try verifyByCallback(t, number: "+1555010011")
        try t.send("C-s")
        try t.waitFor("Recorded: verified the caller")
        try t.send("C-s")
        try t.waitFor("Recorded: done: Check for backup codes")
        try t.send("Right")
        try t.waitFor("◀ lost the device, and has a new one to enrol now ▶")
        try t.send("C-s")
        try t.waitFor("Gates pass — F5 to confirm and do it")
        try t.send("C-s")
        try t.waitFor("Type the user's email to confirm:")
        try t.sendLiteral("ben@demo.example")
        try t.send("Enter")
        try t.waitFor("✗ New factor enrolled after the reset")

        // Not yet: ^W asks the platform and says so.
        try t.send("F10")
        try t.waitFor("Still waiting")

        // The user signs in and enrols, in another process.
        var run = try t.handrail(["directory", "simulate", "ben@demo.example", "signin", "--password", DemoTenant.password])
        XCTAssertEqual(run.status, 0, run.output)
        run = try t.handrail(["directory", "simulate", "ben@demo.example", "enrol", "totp", "Pixel 9"])
        XCTAssertEqual(run.status, 0, run.output)

        try t.send("F10")
        try t.waitFor("Recorded: new factor enrolled")
        let followUp = try t.waitFor("Notify the user")
        XCTAssertTrue(followUp.contains("Gates: all pass"), followUp)
        try t.send("C-s")
        let closed = try t.waitFor("closed (access restored)")
        XCTAssertTrue(closed.contains("Recorded: Closed:"), closed)

        try t.send("Escape")
        try t.waitFor("1 Mine (0)")
        try t.send("5")
        try t.waitFor("closed: resolved")
        try t.send("q")
        try t.waitFor("EXITED 0")

        let store = try HandrailStore(path: t.database, now: Date.init)
        let cases = try store.cases(limit: 10)
        XCTAssertEqual(cases.count, 1)
        let id = try XCTUnwrap(cases.first?.projection.id)
        XCTAssertEqual(cases.first?.projection.status, .closed)
        XCTAssertEqual(try store.events(caseID: id).map(\.event.type), [
            "case.opened", "verification.recorded", "backup_codes.checked", "recovery.chosen",
            "mfa.factor_admin_reset.requested", "mfa.factor_admin_reset", "mfa.factor_enrolled", "user.notified.requested", "user.notified", "case.closed",
        ])
    }

    /// gus's only number was added today: the gate fails on screen and Continue is refused.
    /// On a clock set to a weekday morning (faketime): the demo tenant adds gus's number as it is
    /// created, and a run that straddled midnight would see it added yesterday.
    func testCallbackToANumberAddedTodayIsRefusedOnScreen() throws {
        let t = try TmuxSession("gus")
        try t.launch(["open", "gus@demo.example"], time: .startingAt(FakeClock.defaultStart))
        try t.waitFor("▸ How did you verify the caller?")
        try t.waitFor("+15550199 TODAY")
        try verifyByCallback(t, number: "+15550199")
        try t.send("C-s")
        let screen = try t.waitFor("Cannot continue: Call-back number on file before today")
        XCTAssertTrue(screen.contains("✗ Call-back number on file before today: +15550199 was added to"), screen)
        XCTAssertTrue(screen.contains("Verify identity out-of-band"), "still at verification:\n\(screen)")
        // Typed input on the form: Ctrl-C asks first; a second Ctrl-C quits.
        try t.send("C-c")
        try t.waitFor("Quit with typed input?")
        try t.send("C-c")
        try t.waitFor("EXITED 0")

        let store = try HandrailStore(path: t.database, now: Date.init)
        let id = try XCTUnwrap(try store.cases(limit: 1).first?.projection.id)
        XCTAssertEqual(try store.events(caseID: id).map(\.event.type), ["case.opened"])
    }

    /// SIGKILL after the verification was recorded (no chance to clean up): opened again from the
    /// queue, the case is at the same step with the verification in its history and checklist.
    /// Then SIGTERM: the terminal is restored and the shell is back.
    func testKilledMidCaseResumesAndTerminationRestoresTheTerminal() throws {
        let t = try TmuxSession("kill")
        try t.launch(["open", "ben@demo.example"])
        try t.waitFor("▸ How did you verify the caller?")
        try verifyByCallback(t, number: "+1555010011")
        try t.send("C-s")
        try t.waitFor("Recorded: verified the caller")
        let killed = try t.tuiProcess()
        XCTAssertEqual(kill(killed, SIGKILL), 0)
        try t.waitUntilGone(killed)
        // The shell prints on a terminal left raw (no chance to restore it): "Killed", then its prompt.
        try t.waitFor(TmuxSession.prompt)

        // A new terminal (the old one is left as a killed program leaves it).
        try t.startServer()
        try t.launch([])
        try t.waitFor("1 Mine (1)")
        try t.send("Enter")
        // Waited for whole: a frame is written in pieces, and a look at the pane can land between
        // them (the checklist drawn, the history below it not yet).
        let resumed = try t.waitFor(all: ["▶ Check for backup codes", "alice verified the caller", "Esc back"])
        XCTAssertTrue(resumed.contains("▶ Check for backup codes"), resumed)
        XCTAssertTrue(resumed.contains("✓ Verify identity out-of-band"), resumed)
        XCTAssertTrue(resumed.contains("✓ Verification still valid: Verified by call-back"), resumed)
        XCTAssertTrue(resumed.contains("alice verified the caller"), "the verification is in the history:\n\(resumed)")

        let running = try t.tuiProcess()
        XCTAssertEqual(try t.display("#{alternate_on}"), "1")
        XCTAssertEqual(kill(running, SIGTERM), 0)
        let after = try t.waitFor("EXITED 143")
        XCTAssertFalse(after.contains("Check for backup codes"), "the wizard's screen is gone:\n\(after)")
        XCTAssertEqual(try t.display("#{alternate_on}"), "0", "the alternate screen was left")
        XCTAssertEqual(try t.display("#{cursor_flag}"), "1", "the cursor is visible again")
        try t.waitFor(TmuxSession.prompt)
        // Cooked mode and echo are back: a command typed shows as typed and runs.
        try t.sendLiteral("stty -a | tr ' ;' '\\n\\n' | grep -x -e icanon -e echo -e -icanon -e -echo | tr '\\n' ' '; echo STTY-DONE")
        try t.send("Enter")
        // The answer is a line of its own starting with the mode; the echoed command line also
        // mentions "-icanon", so only a line that begins with it counts.
        let stty = try t.waitUntil("stty's answer") { screen in
            screen.split(separator: "\n").contains { ($0.hasPrefix("icanon") || $0.hasPrefix("-icanon")) && $0.contains("STTY-DONE") }
        }
        XCTAssertTrue(stty.contains("icanon echo STTY-DONE"), stty)
    }

    /// Resizing redraws at the new size; too small says so; back again, the screen returns.
    func testResizeRedrawsAndTooSmallSaysSo() throws {
        let t = try TmuxSession("resize")
        try t.launch(["open", "ben@demo.example"])
        try t.waitFor("▸ How did you verify the caller?")
        try t.resize(width: 120, height: 40)
        try t.waitUntil("a 120×40 frame") { screen in
            let lines = screen.components(separatedBy: "\n")
            return lines.count >= 40 && lines[39].contains("F1/? actions") && lines[0].hasSuffix("handrail.db")
                && screen.contains("▶ Verify identity out-of-band ")
        }
        try t.resize(width: 70, height: 20)
        let small = try t.waitFor("Handrail needs a terminal of at least 80×24.")
        XCTAssertTrue(small.contains("This one is 70×20."), small)
        try t.resize(width: 100, height: 30)
        try t.waitUntil("the case again") { $0.contains("▸ How did you verify the caller?") && !$0.contains("needs a terminal") }
        try t.send("C-c")
        try t.waitFor("EXITED 0")
    }

    /// A display name carrying OSC 52 (write the clipboard) and ED (clear the screen): cleaned on
    /// the way in from the directory (each control character is U+FFFD), and neither happens.
    func testHostileDisplayNameIsShownHarmlessly() throws {
        let t = try TmuxSession("hostile")
        let seeded = try t.handrail(["directory", "list"])
        XCTAssertEqual(seeded.status, 0, seeded.output)
        let directory = try DirectoryStore(path: t.directoryPath, now: Date.init)
        try directory.putUser(DirectoryUser(email: "eve@demo.example", displayName: "Eve\u{1B}]52;c;AAAA\u{07}\u{1B}[2J",
                                            passwordHash: PasswordHash.make(DemoTenant.password, salt: Array("e2e-salt".utf8))),
                              factors: [], codeHashes: [], phones: [], federated: [], signIns: [])
        try t.launch(["open", "eve@demo.example"])
        let screen = try t.waitFor("(Eve\u{FFFD}]52;c;AAAA\u{FFFD}\u{FFFD}[2J)")
        XCTAssertTrue(screen.hasPrefix(" Handrail  alice"), "the header is still there, the screen was not cleared:\n\(screen)")
        XCTAssertTrue(screen.contains("▸ How did you verify the caller?"), screen)
        XCTAssertEqual(try t.tmux(["list-buffers"]).trimmingCharacters(in: .whitespacesAndNewlines), "", "nothing reached the clipboard")
        try t.send("C-c")
        try t.waitFor("EXITED 0")
    }

    /// Call-back chosen, `number` called back and confirmed, a ticket: the form ready (or not) to continue.
    func verifyByCallback(_ t: TmuxSession, number: String) throws {
        try t.send("Right", "Right")
        try t.waitFor("Call-back to a number on the account")
        try t.send("Tab", "Tab")
        try t.waitFor("▸ Number you called back")
        try t.sendLiteral(number)
        try t.send("Tab", "y", "Tab")
        try t.waitFor("▸ Support ticket for this call")
        try t.sendLiteral("SD-4711")
        try t.waitFor("SD-4711")
    }
}

import Foundation
import HandrailTestSupport
import LocalTenant
import Store
import XCTest

/// The plain mode of the real binary in a real terminal (tmux): lines typed, prompts waited for
/// on screen, the user's sign-in and enrolment acted out in another process between two lines.
final class TmuxPlainTests: XCTestCase {
    func testACaseFromOpenToClosedLineByLine() throws {
        let t = try TmuxSession("plain")
        try t.launch(["--plain"])
        try t.waitFor("Handrail plain mode: one prompt at a time; type ? for the actions of this prompt.")
        try t.waitFor("Queue prompt:")
        try line(t, "n ben@demo.example", then: "Type a number from 1 to 8.")
        try line(t, "2", then: "Field 2 of 5: Number the caller gave you")
        try line(t, "", then: "Field 3 of 5: Number you called back")
        try line(t, "+1555010011", then: "Field 4 of 5: The user answered")
        try line(t, "y", then: "Field 5 of 5: Support ticket for this call.")
        try line(t, "SD-4711", then: "passed: Call-back number on file before today")
        try line(t, "", then: "Checklist for Check for backup codes:")
        try line(t, "", then: "Type a number from 1 to 3.")
        try line(t, "1", then: "Checklist for What has the user lost?:")
        try line(t, "", then: "Checklist for Force MFA reset:")
        try line(t, "", then: "Type the user's email to confirm (typed, not copied):")
        try line(t, "ben@demo.example", then: "Type a new one, or Enter keeps it and does it.")
        try line(t, "", then: "Recorded: done on the platform: Force MFA reset")
        try line(t, "", then: "Still waiting: No factor enrolled since the reset")

        var run = try t.handrail(["directory", "simulate", "ben@demo.example", "signin", "--password", DemoTenant.password])
        XCTAssertEqual(run.status, 0, run.output)
        run = try t.handrail(["directory", "simulate", "ben@demo.example", "enrol", "totp", "Pixel 9"])
        XCTAssertEqual(run.status, 0, run.output)

        try line(t, "", then: "Recorded: new factor enrolled (totp Pixel 9)")
        try line(t, "", then: "Checklist for Notify the user:")
        try line(t, "", then: "Closed: access restored.")
        try line(t, "q", then: "Queue prompt:")
        try line(t, "q", then: "EXITED 0")
        let screen = try t.capture()
        XCTAssertFalse(screen.contains("│") || screen.contains("┌"), screen)

        let store = try HandrailStore(path: t.database, now: Date.init)
        let id = try XCTUnwrap(try store.cases(limit: 10).first?.projection.id)
        XCTAssertEqual(try store.events(caseID: id).map(\.event.type), [
            "case.opened", "verification.recorded", "backup_codes.checked", "recovery.chosen",
            "mfa.factor_admin_reset.requested", "mfa.factor_admin_reset", "mfa.factor_enrolled",
            "user.notified.requested", "user.notified", "case.closed",
        ])
    }

    /// ACCESSIBLE=1 chooses the plain mode without the flag; TERM=dumb offers it.
    func testAccessibleInTheEnvironmentAndDumbTerminalOffer() throws {
        let t = try TmuxSession("plain-env")
        try t.initialiseDatabase(before: ["open", "ada@demo.example"])
        try t.sendLiteral("ACCESSIBLE=1 " + shellQuoted(t.binary.path) + " open ada@demo.example; echo \"EXITED $?\"")
        try t.send("Enter")
        try t.waitFor("Handrail plain mode: one prompt at a time")
        try t.waitFor("Case HR-")
        try t.send("C-d")
        try t.waitFor("EXITED 0")
        try t.sendLiteral("clear; TERM=dumb " + shellQuoted(t.binary.path) + "; echo \"EXITED $?\"")
        try t.send("Enter")
        try t.waitFor("handrail --plain (or ACCESSIBLE=1)")
        try t.waitFor("EXITED 2")
    }

    /// The connection drops (SIGHUP) while a case is open: the case is let go at once (not held
    /// from the other operators until its lease runs out) and the exit status is 128 + 1.
    func testHangupLetsTheCaseGo() throws {
        let t = try TmuxSession("plain-hup")
        try t.launch(["open", "ben@demo.example", "--plain"])
        try t.waitFor("Type a number from 1 to 8.")
        let store = try HandrailStore(path: t.database, now: Date.init)
        XCTAssertEqual(try store.cases(limit: 10).first?.holder, "alice", "held while open")
        let process = try t.tuiProcess()
        XCTAssertEqual(kill(process, SIGHUP), 0)
        try t.waitFor("EXITED 129")
        XCTAssertNil(try store.cases(limit: 10).first?.holder, "let go on the hangup")
    }

    /// Types `text` and Enter, then waits for `expected` on screen.
    private func line(_ t: TmuxSession, _ text: String, then expected: String) throws {
        if !text.isEmpty { try t.sendLiteral(text) }
        try t.send("Enter")
        try t.waitFor(expected)
    }
}

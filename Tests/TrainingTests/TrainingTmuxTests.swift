import Foundation
import HandrailTestSupport
import Store
import XCTest

/// `handrail train SCENARIO` end to end, the real binary in a real terminal (tmux): a trainee
/// passes urgency-pressure, is stopped by a gate on caller-supplied-number and refuses, then
/// gives in to urgency-pressure and leaves the reset case unfinished; every attempt is debriefed
/// and listed in their results, and the real database never hears of any of it.
final class TrainingTmuxTests: XCTestCase {
    func testTraineeAttemptsInTheWizardAreDebriefedKeptAndStayOutOfTheRealDatabase() throws {
        // The whole story on one wall clock (faketime), a weekday morning: caller-supplied-number's
        // number was added 20 minutes before the attempt, which must be the same day for its gate
        // to refuse the call-back. Commands run frozen on the clock, a second apart; each attempt
        // in the wizard starts at the clock's time and runs on, and the clock then moves on past it.
        let clock = FakeClock()
        let handrail = try HandrailBinary(clock: clock)
        // The first operator of the real database (a senior admin) puts the trainee on its roster.
        try handrail.run(["operator", "add", "trainee1", "--role", "trainee"], as: "senior1", expect: 0)

        var environment = handrail.environment(login: "trainee1")
        environment["TERM"] = "screen-256color"
        func train(_ scenario: String) throws -> TmuxSession {
            defer { clock.advance(by: 10 * 60) }
            return try TmuxSession(folder: handrail.folder, width: 100, height: 32, environment: environment,
                                   command: [handrail.binary.path, "train", scenario], time: .startingAt(clock.now))
        }

        // 1. urgency-pressure: ask how to verify, refuse on the pressure signal.
        let first = try train("urgency-pressure")
        defer { first.kill() }
        try first.waitFor("TRAINING: Caller in a hurry", "Verify identity out-of-band", "F2 ask how to verify")
        try first.press("F2")
        try first.waitFor("I don't have time for a video call!")
        try first.press("C-r")
        try first.waitFor("Refuse and escalate to a senior admin", "Cannot verify identity out-of-band")
        try first.press("Right") // the refusal's signal: the pressure, not the first one offered
        try first.waitFor("Caller is pressing")
        try first.type("VP demands a reset now, refuses to verify, name-drops the CEO")
        try first.press("Enter")
        let passed = try first.waitFor("Debrief", "PASSED: Caller in a hurry, leaning on you",
                                       "Refused on the pressure signal and escalated", "Never reset the account")
        XCTAssertFalse(passed.contains("NOT PASSED"), passed)
        XCTAssertTrue(passed.contains("Outcome: escalated — expected escalated (right)"), passed)
        try first.press("Enter")
        try first.waitFor("Escalated: waiting for a senior admin's review")
        try first.press("Escape")
        try first.waitFor("My open cases")
        try first.press("q")
        XCTAssertEqual(try first.waitForExit(), 0)
        // After the wizard closes, the debrief is printed where the trainee can keep it.
        let firstPrinted = try first.waitFor("the printed debrief", history: true) { $0.contains("Time: ") }
        let firstDebrief = debrief(in: firstPrinted, title: "Caller in a hurry, leaning on you")
        XCTAssertEqual(Array(firstDebrief.prefix(4)), [
            "PASSED: Caller in a hurry, leaning on you",
            "Outcome: escalated — expected escalated (right)",
            "✓ hit  Refused on the pressure signal and escalated",
            "✓ hit  Never reset the account",
        ], firstPrinted)
        print("--- passed debrief (urgency-pressure)\n" + firstDebrief.joined(separator: "\n"))

        // 2. caller-supplied-number: call back the number the caller gives; the gate refuses; refuse the call.
        let second = try train("caller-supplied-number")
        defer { second.kill() }
        try second.waitFor("TRAINING: Caller who gives you a '", "Number on file")
        try second.press("F3")
        try second.waitFor("Yes, +1 555 0199, I updated it this morning.")
        try second.press("Right", "Right") // How did you verify? → Call-back
        try second.waitFor("Call-back to a number on th", "Number you called back")
        try second.press("Tab", "Tab")     // → the number you called back
        try second.type("+1 555 0199")
        try second.press("Tab", "y", "Tab") // the user answered and confirmed; → the ticket
        try second.type("SUP-4242")
        try second.waitFor("SUP-4242", "Call-back number on file before today")
        try second.press("C-s")
        try second.waitFor("Refused", "✗ Call-back number on file before today: +15550199 was added to the")
        try second.press("Enter")
        try second.waitFor("the refusal closed") { !$0.contains("Enter close") && $0.contains("Continue is unavailable") }
        try second.press("C-r")
        try second.waitFor("Refuse and escalate to a senior admin", "Cannot verify identity out-of-band")
        try second.type("Only number on file was added today; cannot verify her")
        try second.press("Enter")
        let stopped = try second.waitFor("Debrief", "PASSED: Caller who gives you a 'new' number", "Gates that stopped you:",
                                         "Call-back number on file before today")
        XCTAssertTrue(stopped.contains("Did not accept a call-back to a number added today"), stopped)
        try second.press("Enter", "Escape")
        try second.waitFor("My open cases")
        try second.press("q")
        XCTAssertEqual(try second.waitForExit(), 0)
        let secondPrinted = try second.waitFor("the printed debrief", history: true) { $0.contains("Time: ") }
        let secondDebrief = debrief(in: secondPrinted, title: "Caller who gives you a 'new' number")
        XCTAssertTrue(secondDebrief.contains("Gates that stopped you:"), secondPrinted)
        XCTAssertTrue(secondDebrief.contains { $0.hasPrefix("  Call-back number on file before today — when you tried to continue from "
                                                            + "Verify identity out-of-band (callback): +15550199 was added to the account today") },
                      secondPrinted)
        print("--- debrief with a gate (caller-supplied-number)\n" + secondDebrief.joined(separator: "\n"))

        // 3. urgency-pressure again, giving in: a "video call" that never happened and a reset. The
        //    reset is the attempt's outcome: the debrief comes at once, not when the trainee leaves.
        let third = try train("urgency-pressure")
        defer { third.kill() }
        try third.waitFor("TRAINING: Caller in a hurry", "How did you verify the caller?")
        try third.press("Right", "Tab", "Right", "Tab", "y", "Tab") // video, HR photo, it matches; → the ticket
        try third.type("SUP-4242")
        try third.waitFor("SUP-4242")
        try third.press("C-s")
        try third.waitFor("▶ Check for backup codes")
        try third.press("C-s")
        try third.waitFor("▶ What has the user lost?")
        try third.press("Right", "C-s")
        try third.waitFor("▶ Force MFA reset")
        try third.press("C-s")
        try third.waitFor("Type the user's email to confirm:")
        try third.type("victor@training.example")
        try third.press("Enter")
        let atOnce = try third.waitFor("Debrief", "NOT PASSED: Caller in a hurry, leaning on you",
                                       "Outcome: carried out: Force MFA reset")
        XCTAssertTrue(atOnce.contains("awaiting enrolment"), atOnce)
        try third.press("Enter")
        try third.waitFor("New factor enrolled after the reset: No factor enrolled since")
        try third.press("Escape")
        try third.waitFor("My open cases")
        try third.press("q")
        XCTAssertEqual(try third.waitForExit(), 0)
        let thirdPrinted = try third.waitFor("the printed debrief", history: true) { $0.contains("Time: ") }
        let thirdDebrief = debrief(in: thirdPrinted, title: "Caller in a hurry, leaning on you")
        XCTAssertEqual(Array(thirdDebrief.prefix(4)), [
            "NOT PASSED: Caller in a hurry, leaning on you",
            "Outcome: carried out: Force MFA reset — expected escalated (wrong)",
            "✗ MISSED  Refused on the pressure signal and escalated",
            "✗ MISSED  Never reset the account",
        ], thirdPrinted)
        print("--- failed debrief (urgency-pressure, reset given)\n" + thirdDebrief.joined(separator: "\n"))

        // 4. Every attempt is kept, newest first, and the trainee sees them.
        let results = try handrail.run(["train", "results", "trainee1"], as: "trainee1", expect: 0)
        let rows = results.out.split(separator: "\n").dropFirst().map { $0.split(separator: " ").map(String.init) }
        XCTAssertEqual(rows.map { Array($0.prefix(3)) },
                       [["trainee1", "urgency-pressure", "NOT"], ["trainee1", "caller-supplied-number", "passed"],
                        ["trainee1", "urgency-pressure", "passed"]], results.description)
        XCTAssertTrue(results.out.contains("NOT PASSED  carried out: Force MFA reset (escalated)  pressure, no-reset"), results.description)

        // 5. Training never reaches the real database: no case, no audit event, nothing in `handrail audit`.
        let real = try HandrailStore(path: handrail.database, create: false, readOnly: true, now: Date.init)
        for subject in ["victor@training.example", "nadia@training.example"] {
            XCTAssertEqual(try real.cases(subject: subject).count, 0, subject)
            XCTAssertEqual(try handrail.audit(["--subject", subject], as: "senior1").count, 0, subject)
        }
        XCTAssertEqual(try real.cases().count, 0)
        // The real log holds the roster's changes (the trainee was added) and nothing of training.
        let audit = try handrail.audit(as: "senior1")
        XCTAssertTrue(audit.allSatisfy { ($0["case"] as? String) == "~roster" }, "\(audit)")
        XCTAssertFalse(audit.contains { ($0["subject"] as? String)?.hasSuffix("@training.example") == true || ($0["actor"] as? String) == "trainee1" },
                       "\(audit)")
        let table = try handrail.run(["audit"], as: "senior1", expect: 0)
        let caseLines = table.out.split(separator: "\n").filter { !$0.contains("operator.changed") }
        XCTAssertFalse(caseLines.contains { $0.contains("training.example") || $0.contains("trainee1") }, table.description)
        // …while the training database holds both cases (so the checks above could have failed).
        let training = try HandrailStore(path: handrail.trainingDatabase, create: false, readOnly: true, now: Date.init)
        XCTAssertEqual(try training.cases(subject: "victor@training.example").count, 2)
        XCTAssertEqual(try training.cases(subject: "nadia@training.example").count, 1)
    }

    /// The debrief lines printed after the wizard closed: from the result line through the lesson.
    private func debrief(in printed: String, title: String) -> [String] {
        let lines = printed.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            String(line.reversed().drop { $0 == " " }.reversed())
        }
        guard let start = lines.lastIndex(where: { $0.hasSuffix("PASSED: \(title)") }) else { return [] }
        var out: [String] = []
        var timed = false
        for line in lines[start...] {
            out.append(line)
            if line.hasPrefix("Time: ") { timed = true } else if timed && !line.isEmpty { break } // the lesson ends it
        }
        return out
    }
}

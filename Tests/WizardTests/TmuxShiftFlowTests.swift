import Foundation
import HandrailTestSupport
import Store
import XCTest

/// More of a real shift, through the real binary in tmux at 80×24: what a first run says, the
/// audit browser's event filter and export, a signal raised from the case, and the key line of a
/// ManualConsole case.
final class TmuxShiftFlowTests: XCTestCase {
    /// The first run's messages (the first senior admin, the demo tenant) are shown in the wizard,
    /// not printed behind its full screen to be found after quitting.
    func testFirstRunMessagesAreShownInTheWizardNotBehindIt() throws {
        let t = try TmuxSession("first-run", width: 80, height: 24, demo: true)
        try t.launch([])
        let shown = try t.waitFor("First run")
        XCTAssertTrue(shown.contains("is now its senior admin"), shown)
        XCTAssertTrue(shown.contains("created the demo tenant"), shown)
        try t.send("Enter")
        try t.waitFor("No cases here.")
        try t.send("q")
        let after = try t.waitFor("EXITED 0")
        XCTAssertFalse(after.contains("senior admin"), "printed behind the wizard:\n\(after)")

        // A second run has nothing to announce.
        try t.launch([])
        try t.waitUntil("the queue, with no dialog") { $0.contains("No cases here.") && !$0.contains("First run") }
        try t.send("q")
        try t.waitFor("EXITED 0")
    }

    /// "reset" finds the resets; Tab completes the type; the export is offered in the data
    /// directory, says where it wrote, and asks before replacing the file the second time.
    func testAuditFilterFindsByPartAndExportAsksBeforeReplacing() throws {
        let t = try TmuxSession("audit", width: 80, height: 24)
        let data = t.folder.appendingPathComponent("data")
        t.environment["XDG_DATA_HOME"] = data.path
        try t.startServer(width: 80, height: 24)
        // A case with a reset in it, from the command line.
        XCTAssertEqual(try t.handrail(["case", "open", "--subject", "ben@demo.example"]).status, 0)
        try t.launch([])
        try t.waitFor("1 Mine (1)")
        try t.send("a")
        try t.waitFor("Audit log")
        try t.sendLiteral("case.op")
        try t.waitFor("\"case.op\" finds 1: case.opened")
        try t.send("Tab")
        try t.waitFor("▸Event:   case.opened")
        try t.send("Enter")
        try t.waitUntil("only case.opened rows") { $0.contains("case.opened") && $0.contains("end of the log") }

        try t.send("F2")
        let dialog = try t.waitFor("Export the filtered audit log")
        XCTAssertTrue(dialog.contains("data/handrail/exports"), dialog)
        try t.send("Enter")
        try t.waitFor("written to")
        let file = data.appendingPathComponent("handrail/exports/handrail-audit.csv").path
        XCTAssertTrue(FileManager.default.fileExists(atPath: file))
        let first = try String(contentsOfFile: file, encoding: .utf8)
        try t.send("Enter")
        try t.send("F2")
        try t.waitFor("Export the filtered audit log")
        try t.send("Enter")
        try t.waitFor("exists: Enter again replaces it")
        XCTAssertEqual(try String(contentsOfFile: file, encoding: .utf8), first)
        try t.send("Escape")
        try t.send("Escape")
        try t.waitFor("1 Mine")
        try t.send("q")
        try t.waitFor("EXITED 0")
    }

    /// ?e (the actions menu's "signal") records the signal and sends the case to a senior's review.
    func testRaisingASignalSendsTheCaseToReview() throws {
        let t = try TmuxSession("signal", width: 80, height: 24)
        try t.launch(["open", "ben@demo.example"])
        try t.waitFor("▸ How did you verify the")
        try t.send("F1")
        try t.waitFor("Actions")
        try t.send("e")
        try t.waitFor("Raise a signal")
        try t.send("Tab")
        try t.sendLiteral("Caller insists the CEO needs this done in five minutes")
        try t.send("Enter")
        let escalated = try t.waitFor("Escalated: waiting for a senior admin's review")
        XCTAssertTrue(escalated.contains("alice escalated to a senior admin"), escalated)
        XCTAssertTrue(escalated.contains("alice signal: Cannot verify identity"), escalated)
        try t.send("q")
        try t.waitFor("1 Mine")
        try t.send("q")
        try t.waitFor("EXITED 0")
    }

    /// On ManualConsole at 80 columns the key line keeps refuse (and continue, facts) in view.
    func testTheKeyLineOfAManualCaseKeepsRefuseAt80Columns() throws {
        let t = try TmuxSession("keyline", width: 80, height: 24)
        t.environment["HANDRAIL_PLATFORM"] = "manual"
        try t.startServer(width: 80, height: 24)
        try t.launch(["open", "ada@example.org"])
        let screen = try t.waitFor("Backup codes left: not")
        let keys = try XCTUnwrap(screen.components(separatedBy: "\n").last { !$0.trimmingCharacters(in: .whitespaces).isEmpty })
        for key in ["F5 continue", "F8 refuse", "F2 facts", "F1/? actions", "Esc back"] {
            XCTAssertTrue(keys.contains(key), "\(key) is not on the key line: \(keys)")
        }
        XCTAssertFalse(keys.hasSuffix("…"), keys)
        try t.send("C-c")
        try t.waitFor("EXITED 0")
    }

    /// `handrail open EMAIL` for a caller a colleague is already on: the caller's case is listed
    /// first; opening it shows who holds it, and the senior takes it over with a reason.
    func testTheCallersCaseIsListedFirstAndASeniorTakesItOver() throws {
        let t = try TmuxSession("take-over", width: 80, height: 24)
        XCTAssertEqual(try t.handrail(["operator", "add", "aaron", "--role", "agent"]).status, 0)
        let opened = try t.handrail(["case", "open", "--subject", "ben@demo.example"], as: "aaron")
        XCTAssertEqual(opened.status, 0, opened.output)

        try t.launch(["open", "ben@demo.example"])
        let listed = try t.waitFor("ben@demo.example already has cases")
        XCTAssertTrue(listed.contains("held by aaron"), listed)
        try t.send("Enter")
        try t.waitFor("Held by aaron")
        try t.waitFor("?y takes it over")
        try t.send("F1")
        try t.waitFor("Actions")
        try t.send("y")
        try t.waitFor("Take the case over")
        try t.sendLiteral("Aaron's terminal crashed mid-call; finishing with the caller")
        try t.send("Enter")
        try t.waitFor("Recorded: took the case over")
        let store = try HandrailStore(path: t.database, now: Date.init)
        XCTAssertEqual(try store.cases(limit: 1).first?.holder, "alice")
        try t.send("C-c")
        try t.waitFor("EXITED 0")
    }

    /// A senior opens on Review, which says why each case waits, who sent it and the signals; on
    /// the case, the actions menu's l lists the history and Enter shows a line whole.
    func testReviewSaysWhyAndAnyHistoryLineIsShownWhole() throws {
        let t = try TmuxSession("review", width: 80, height: 24)
        XCTAssertEqual(try t.handrail(["operator", "add", "aaron", "--role", "agent"]).status, 0)
        let opened = try t.handrail(["case", "open", "--subject", "hana@demo.example"], as: "aaron")
        let id = opened.output.trimmingCharacters(in: .whitespacesAndNewlines)
        let reason = "Four failed sign-ins from addresses never seen for her, two of them abroad, one at 3 a.m. her time"
        let refused = try t.handrail(["case", "do", id, "refuse", "unusual_activity", "--reason", reason], as: "aaron")
        XCTAssertEqual(refused.status, 0, refused.output)

        try t.launch([])
        let review = try t.waitFor("FROM      WAITING SIGNALS")
        XCTAssertTrue(review.contains("aaron"), review)
        XCTAssertTrue(review.contains("Refused: Four fai"), review)
        XCTAssertTrue(review.contains("Signals: Unusual recent sign-in activity"), review)
        try t.send("Enter")
        try t.waitFor("Escalated: waiting for a senior admin's review")
        try t.send("F1")
        try t.waitFor("Actions")
        try t.send("l")
        try t.waitFor("History — every event of the case")
        try t.send("Up", "Enter")
        try t.waitFor("one at 3 a.m. her time")
        try t.waitFor("In the audit log: #")
        try t.send("Escape", "Escape")
        try t.send("C-c")
        try t.waitFor("EXITED 0")
    }
}

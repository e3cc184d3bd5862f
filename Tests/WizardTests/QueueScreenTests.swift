import Casework
import Engine
import Terminal
import Wizard
import XCTest

/// The queue: five tabs with their counts, the DEMO marker in the header, what each tab holds,
/// search, and opening a case from it.
final class QueueScreenTests: XCTestCase {
    /// A morning's cases: fay reset yesterday and never enrolled (overdue), ben reset today and
    /// awaited, hana refused and escalated, ada open at verification, cara closed by self-service.
    func seedQueue(_ h: WizardHarness) throws {
        let fay = try h.open("fay@demo.example")
        try h.pass(fay, "verify_identity", WizardHarness.video)
        try h.pass(fay, "check_backup_codes")
        try h.pass(fay, "choose_recovery", ["situation": "device"])
        try h.pass(fay, "force_reset")
        h.clock.advance(25 * 3600)

        let ben = try h.caseAtForceReset()
        try h.pass(ben, "force_reset")
        h.clock.advance(300)
        let hana = try h.open("hana@demo.example")
        try h.perform(.refuse(signal: "unusual_activity", reason: "Four failed sign-ins from new addresses overnight"), on: hana)
        h.clock.advance(300)
        let cara = try h.open("cara@demo.example")
        try h.pass(cara, "verify_identity", ["method": "federated", "federated_signin_seen": "yes", "reference": "SD-77"])
        try h.pass(cara, "federated_self_service", ["walked_through": "yes"])
        h.clock.advance(300)
        _ = try h.open("ada@demo.example")
        h.clock.advance(60)
    }

    func testQueueTabsCountsAndDemoHeader() throws {
        let h = try WizardHarness()
        try seedQueue(h)
        let w = h.wizard(as: WizardHarness.agent)
        let q = w.model.queue
        XCTAssertEqual(QueueModel.Tab.allCases.map { q.count($0) }, [2, 1, 2, 1, 1, 4], "mine, awaiting, review, overdue, closed, all open")
        XCTAssertTrue(w.text.contains("[DEMO TENANT]"), w.text)
        Golden.assertScreen(w.text, "queue-mine")

        w.press(.character("2"))
        Golden.assertScreen(w.text, "queue-awaiting")
        w.press(.tab)
        XCTAssertEqual(w.model.queue.tab, .review)
        XCTAssertEqual(w.model.queue.visibleRows.map(\.subject), ["fay@demo.example", "hana@demo.example"], "overdue first")
        Golden.assertScreen(w.text, "queue-review")
        // What a senior decides on, before opening: why, who sent it, how long, the signals.
        let hana = try XCTUnwrap(w.model.queue.visibleRows.last?.review)
        XCTAssertEqual(hana.kind, .refusal)
        XCTAssertEqual(hana.requester, "alice")
        XCTAssertEqual(hana.signals, ["Unusual recent sign-in activity"])
        for column in ["FROM", "WAITING", "SIGNALS", "REASON"] { XCTAssertTrue(w.text.contains(column), w.text) }
        w.press(.tab)
        Golden.assertScreen(w.text, "queue-overdue")
        w.press(.tab)
        Golden.assertScreen(w.text, "queue-closed")
        w.press(.tab)
        XCTAssertEqual(w.model.queue.tab, .allOpen)
        XCTAssertEqual(w.model.queue.visibleRows.count, 4, "every case not closed, anyone's")
        Golden.assertScreen(w.text, "queue-all-open")
        w.press(.tab)
        XCTAssertEqual(w.model.queue.tab, .mine, "Tab wraps round")
        w.press(.left)
        XCTAssertEqual(w.model.queue.tab, .allOpen)
        w.press(.left)
        XCTAssertEqual(w.model.queue.tab, .closed)

        // Every tab title shows at 80 columns; at 100 they are spelt out.
        for tab in QueueModel.Tab.allCases { XCTAssertTrue(w.text.contains("\(tab.rawValue + 1) "), "tab \(tab) missing:\n\(w.text)") }
        w.resize(width: 120, height: 30)
        w.press(.character("1"))
        Golden.assertScreen(w.text, "queue-mine-120x30")
    }

    /// A senior admin's queue says, above the tabs, when the replica is behind by more than the
    /// threshold: checked when the wizard starts and again later (here, asked at once). Agents'
    /// queues do not carry it, and it goes once the replica catches up.
    func testASeniorsQueueWarnsWhenTheReplicaIsBehind() throws {
        let h = try WizardHarness()
        try seedQueue(h)
        final class Status: @unchecked Sendable { var line: String? }
        let status = Status()
        status.line = "Replication: WARNING: the replica is 3 transactions behind, the last written 2 min ago (more than 60 s)"
        let senior = h.wizard(as: WizardHarness.senior, replication: { status.line })
        XCTAssertEqual(senior.model.replicationWarning, status.line)
        XCTAssertTrue(senior.text.contains("WARNING: the replica is 3 transactions behind"), senior.text)
        Golden.assertScreen(senior.text, "queue-replica-behind")
        let agent = h.wizard(as: WizardHarness.agent, replication: { status.line })
        XCTAssertFalse(agent.text.contains("WARNING"), "an agent's queue does not carry it:\n\(agent.text)")
        status.line = nil
        senior.runtime.checkReplication()
        senior.press(.character("1"))
        XCTAssertNil(senior.model.replicationWarning)
        XCTAssertFalse(senior.text.contains("WARNING"), senior.text)
    }

    func testSearchSelectAndOpen() throws {
        let h = try WizardHarness()
        try seedQueue(h)
        let w = h.wizard(as: WizardHarness.senior)
        w.press(.character("3"), .character("/"))
        w.type("HANA")
        XCTAssertEqual(w.model.queue.visibleRows.map(\.subject), ["hana@demo.example"], "search is by email or id, any case")
        Golden.assertScreen(w.text, "queue-search")
        w.press(.enter)
        XCTAssertFalse(w.model.queue.searching)
        XCTAssertEqual(w.model.queue.search.text, "HANA", "Enter keeps the search as a filter")
        w.press(.escape)
        XCTAssertEqual(w.model.queue.search.text, "", "Esc clears a kept search before it quits")
        XCTAssertFalse(w.model.quitting)

        w.press(.down)
        XCTAssertEqual(w.model.queue.selected, 1)
        w.press(.enter)
        XCTAssertEqual(w.model.route, .caseScreen)
        XCTAssertEqual(w.model.caseScreen?.state.subject, "hana@demo.example")
        w.press(.escape)
        XCTAssertEqual(w.model.route, .queue)
        XCTAssertNil(w.model.caseScreen, "leaving a case drops it from the model")
        w.press(.character("q"))
        XCTAssertTrue(w.model.quitting)
    }

    /// A senior admin opens on the review queue, where refusals and approvals wait.
    func testASeniorOpensOnReview() throws {
        let h = try WizardHarness()
        try seedQueue(h)
        let w = h.wizard(as: WizardHarness.senior)
        XCTAssertEqual(w.model.queue.tab, .review, w.text)
        let agent = h.wizard(as: WizardHarness.agent)
        XCTAssertEqual(agent.model.queue.tab, .mine)
    }

    // MARK: - What the first frame waits for

    /// The queue is drawn before the review tab's summaries are read (each is a read of a case's
    /// events): the first frame shows the rows with their status, the next one the summaries.
    func testTheReviewQueueIsDrawnBeforeItsSummariesAreRead() throws {
        let h = try WizardHarness()
        try seedQueue(h)
        let terminal = FrameRecorder(width: 100, height: 24)
        let header = HeaderInfo(login: WizardHarness.senior.login, role: .senior, database: WizardHarness.shownDatabase,
                                platform: "LocalDirectory", demo: true)
        let runtime = WizardRuntime(terminal: terminal, desk: h.service(), actor: WizardHarness.senior, header: header, signals: [])
        runtime.start([.loadQueue])
        XCTAssertEqual(terminal.frames.count, 2, "the rows, then their summaries")
        XCTAssertTrue(terminal.frames[0].contains("hana@demo.example"), terminal.frames[0])
        XCTAssertFalse(terminal.frames[0].contains("Four failed"), "no case's events read before the first frame:\n\(terminal.frames[0])")
        XCTAssertTrue(terminal.frames[1].contains("Refused: Four failed"), terminal.frames[1])
        XCTAssertEqual(runtime.model.queue.rows[.review]?.compactMap(\.review).count, 2)
        // Nothing is left waiting: keys are read with every summary in.
        XCTAssertFalse(runtime.catchUp())
    }

    /// A long review queue is summarised a screenful at a time, each after a frame, up to the
    /// limit; a case that cannot be summarised is not asked for again.
    func testALongReviewQueueIsSummarisedAScreenfulAtATime() throws {
        let h = try WizardHarness()
        try seedQueue(h)
        let w = h.wizard(as: WizardHarness.senior, height: 24)
        let template = try XCTUnwrap(w.model.queue.rows[.review]?.last)
        let rows = (0..<60).map { n -> QueueModel.Row in
            var row = template
            row.id = "HR-R\(n)"
            row.review = nil
            return row
        }
        var model = w.model
        var effects = Wizard.update(&model, .queueLoaded([.review: rows]))
        let limited = Array(rows.prefix(CaseReader.reviewSummaryLimit))
        XCTAssertEqual(effects, [.summariseReview(limited, screenful: 24)])
        XCTAssertTrue(effects.allSatisfy(\.waitsForFrame))
        // The runtime read the first 24 (one of them could not be read): the rest are asked for next.
        var summaries: [String: ReviewSummary] = [:]
        for row in limited.prefix(24).dropFirst() { summaries[row.id] = template.review }
        effects = Wizard.update(&model, .reviewSummariesLoaded(summaries, remaining: Array(limited.dropFirst(24))))
        XCTAssertEqual(effects, [.summariseReview(Array(limited.dropFirst(24)), screenful: 24)])
        XCTAssertEqual(model.queue.rows[.review]?.filter { $0.review != nil }.count, 23)
        effects = Wizard.update(&model, .reviewSummariesLoaded([:], remaining: []))
        XCTAssertEqual(effects, [], "done: the unreadable one is not asked for again")
        XCTAssertFalse(WizardEffect.loadQueue.waitsForFrame)
    }
}

/// A terminal that keeps the text of every frame drawn.
private final class FrameRecorder: TerminalDevice {
    let size: (width: Int, height: Int)
    let colors = true
    let unicode = true
    private(set) var frames: [String] = []

    init(width: Int, height: Int) { size = (width, height) }

    func draw(_ screen: Screen) { frames.append(screen.text) }

    func readKey(timeoutMilliseconds: Int) -> Key? { nil }
}

import Casework
import Engine
import Foundation
import Platform
import Runbook
import Store
import Terminal
import Wizard

/// The wizard's budgets: start to the first frame of the queue on a database of 1M events and
/// 50k cases, and update + view per key press on the case wizard, on a virtual terminal.
struct TUIBench {
    let options: BenchOptions
    let report: BenchReport

    func run() {
        let runbook = loadRunbook()
        let path = options.workdir.appendingPathComponent("queue-1m.db").path
        if !FileManager.default.fileExists(atPath: path) { generate(path: path, runbook: runbook) }
        let actor = Actor(login: "bench", role: .senior)
        let header = HeaderInfo(login: "bench", role: .senior, database: path, platform: "manual", demo: false)

        // To the first frame (the queue's rows), and to the frame with the review tab's summaries
        // on screen, which the runtime reads after the first (a screenful at a time).
        var starts: [Double] = [], completes: [Double] = []
        for _ in 0..<max(5, options.runs * 4) {
            let begin = DispatchTime.now().uptimeNanoseconds
            let store = try! HandrailStore(path: path, now: Date.init)
            let service = CaseDesk(CaseworkContext(store: store, platform: ManualConsole(), runbooks: { _ in runbook },
                                                   timeZone: TimeZone(identifier: "UTC")!, clock: { EventTime.truncated(Date()) }))
            let terminal = FrameClock(width: 100, height: 30)
            let runtime = WizardRuntime(terminal: terminal, desk: service, actor: actor, header: header, signals: [])
            runtime.start([.loadQueue])
            // The rows; the screenful of summaries on screen; the rest of the summaries (off screen).
            precondition(terminal.frames.count >= 2, "the queue, then its review summaries: \(terminal.frames.count) frames")
            starts.append(Double(terminal.frames[0] - begin) / 1e9)
            completes.append(Double(terminal.frames[1] - begin) / 1e9)
        }
        let start = median(starts), complete = median(completes)

        // Key presses on a case at its verification step: choose the method, move, type a reference.
        let store = try! HandrailStore(path: path, now: Date.init)
        let service = CaseDesk(CaseworkContext(store: store, platform: ManualConsole(), runbooks: { _ in runbook },
                                               timeZone: TimeZone(identifier: "UTC")!, clock: { EventTime.truncated(Date()) }))
        // A new person each run: the log is kept between runs, and a second open case for one
        // person is refused, which would time keys on a screen with nothing to type into.
        let opened = try! service.open(subject: "typing-\(UInt32.random(in: 0...UInt32.max))@example.com", runbookID: runbook.id, actor: actor)
        precondition(opened.refusal == nil, "the key-press case must open")
        let terminal = VirtualTerminal(width: 100, height: 30)
        let runtime = WizardRuntime(terminal: terminal, desk: service, actor: actor, header: header, signals: [])
        runtime.start([.openCase(opened.caseID)])
        let keys: [Key] = [.right, .right, .tab, .character("S"), .character("U"), .character("P"), .backspace, .backTab, .left]
        var presses: [Double] = []
        for i in 0..<900 {
            let begin = DispatchTime.now().uptimeNanoseconds
            runtime.handle(keys[i % keys.count])
            presses.append(Double(DispatchTime.now().uptimeNanoseconds - begin) / 1e9)
        }
        let press = median(presses)
        print(String(format: "wizard: first frame of the queue %.2f ms, with the review summaries %.2f ms (1M events, 50k cases); key press %.3f ms",
                     start * 1000, complete * 1000, press * 1000))
        report.add("start to first frame, queue, 1M events / 50k cases", ours: ms(start), budget: "≤ 20 ms", met: start <= 0.020)
        report.add("  … to the frame with the review summaries on screen", ours: ms(complete), budget: "reported", met: nil)
        report.add("key press to updated frame (update + view)", ours: ms(press), budget: "≤ 1 ms", met: press <= 0.001)
    }

    /// 50,000 cases of 20 events each, appended through the Store with their projections (in
    /// bulk, 1,000 cases a transaction); their statuses spread over the queue's tabs.
    func generate(path: String, runbook: Runbook) {
        FileHandle.standardError.write(Data("generating 1M events / 50k cases into \(path)…\n".utf8))
        let store = try! HandrailStore(path: path, now: Date.init)
        _ = try! store.enrolFirstOperator("bench", at: Date())
        var batch: [CaseAppend] = []
        let statuses: [CaseStatus] = [.closed, .closed, .closed, .closed, .closed, .closed, .awaitingEnrolment, .escalated, .open, .awaitingApproval]
        let actors = ["alice", "bob", "carol", "dave", "bench"]
        let base = Date().addingTimeInterval(-200 * 86_400)
        for c in 0..<50_000 {
            let caseID = String(format: "HR-Q%07d", c)
            let at = base.addingTimeInterval(Double(c) * 300)
            let actor = actors[c % actors.count]
            var events = [CaseEvent(.opened(CaseOpening(runbookID: runbook.id, runbookVersion: 1, startStep: runbook.start)),
                                    caseID: caseID, subject: "user\(c % 20_000)@example.com", actor: actor, time: at)]
            for n in 1..<20 {
                events.append(CaseEvent(.noteAdded(kind: .note, signal: nil, step: runbook.start), caseID: caseID, subject: events[0].subject,
                                        actor: actor, time: at.addingTimeInterval(Double(n)), reason: "Progress note \(n) on the call"))
            }
            var state = CaseState.replay(events, runbook: runbook)!
            state.status = statuses[c % statuses.count]
            if state.status == .closed { state.outcome = "resolved" }
            if state.status == .awaitingEnrolment { state.enrolmentDeadline = at.addingTimeInterval(86_400) }
            batch.append(CaseAppend(caseID: caseID, events: events, projection: CaseProjection(state: state)))
            if batch.count == 1_000 {
                try! store.appendBulk(batch)
                batch.removeAll(keepingCapacity: true)
            }
        }
        try! store.appendBulk(batch)
        try! store.checkpoint()
    }
}

/// A terminal that draws nothing and notes when each frame was drawn (monotonic nanoseconds).
final class FrameClock: TerminalDevice {
    let size: (width: Int, height: Int)
    let colors = true
    let unicode = true
    private(set) var frames: [UInt64] = []

    init(width: Int, height: Int) { size = (width, height) }

    func draw(_ screen: Screen) { frames.append(DispatchTime.now().uptimeNanoseconds) }

    func readKey(timeoutMilliseconds: Int) -> Key? { nil }
}

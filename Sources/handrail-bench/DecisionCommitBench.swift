import Casework
import Engine
import Foundation
import HandrailCLI
import Platform
import Runbook
import Store

/// "One operator decision committed durably (event + projection)": a real verification
/// decision through CaseDesk (read, replay, facts, gates, optimistic append, projection,
/// lease) against a bare sqlite3 insert transaction with the same durability settings,
/// interleaved so both see the same disk. The real path: the case is pinned to its runbook
/// file's SHA-256 and the runbook is found through the `RunbookLibrary` exactly as the command
/// line wires it, not handed in already parsed.
struct DecisionCommitBench {
    let options: BenchOptions
    let report: BenchReport

    func run() {
        let runbook = loadRunbook()
        let ourPath = options.workdir.appendingPathComponent("commit.db").path
        let barePath = options.workdir.appendingPathComponent("bare.db").path
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: ourPath + suffix) }
        let store = try! HandrailStore(path: ourPath, now: Date.init)
        let library = RunbookLibrary(directory: URL(fileURLWithPath: loadRunbookFolder()))
        var context = CaseworkContext(store: store, platform: ManualConsole(), runbooks: { try? library.runbook(id: $0).get() },
                                      timeZone: TimeZone(identifier: "UTC")!, clock: { EventTime.truncated(Date()) })
        context.runbookPin = { library.pin(id: $0) }
        context.runbookByHash = { library.runbook(sha256: $0) }
        let service = CaseDesk(context)
        let actor = Actor(login: "bench", role: .senior)

        let bare = BareInsertPeer(path: barePath)

        var ours: [Double] = []
        var peer: [Double] = []
        // Opening reads the person's history and commits only if it did not change: timed apart.
        var opens: [Double] = []
        for commit in 0..<options.commits {
            // Set up a case at its verification step, one person each (a second open case for one
            // person is refused): not timed.
            let opening = DispatchTime.now().uptimeNanoseconds
            let id = try! service.open(subject: "ada\(commit)@example.com", runbookID: runbook.id, actor: actor).caseID
            opens.append(Double(DispatchTime.now().uptimeNanoseconds - opening) / 1e9)
            _ = try! service.recordFacts(["signins": .array([]), "suspended": .string("no"),
                                          "phone": .array([.string("+15550100@2024-03-01")])], on: id, actor: actor)
            let values = ["method": "callback", "callback_number": "+15550100", "callback_confirmed": "yes", "reference": "SUP-1234"]

            var start = DispatchTime.now().uptimeNanoseconds
            let outcome = try! service.perform(.submit(step: "verify_identity", values: values), on: id, actor: actor)
            ours.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
            precondition(outcome.refusal == nil && outcome.stored.count == 1, "the benchmark decision must be accepted")

            start = DispatchTime.now().uptimeNanoseconds
            bare.insertOne()
            peer.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        }
        let (o, p) = (median(ours), median(peer))
        print("decision commit (runbook found by its pinned hash): ours median \(ms(o)), bare sqlite3 insert transaction median \(ms(p)) (\(options.commits) each, interleaved)")
        print("case open (the person's history read, checked again in the commit): median \(ms(median(opens))) over \(opens.count) cases")
        report.add("decision in-process, runbook looked up the real way (event + projection)", ours: ms(o), peer: ms(p) + " bare insert txn",
                   ratio: String(format: "%.2f×", o / p), budget: "≤ 2 ms, ≤ 1.5×", met: o <= 0.002 && o / p <= 1.5)
    }
}

func loadRunbook() -> Runbook {
    let candidates = [URL(fileURLWithPath: "Runbooks/mfa-recovery.json5")]
        + (1...5).map { depth in
            var url = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
            for _ in 0..<depth { url.deleteLastPathComponent() }
            return url.appendingPathComponent("Runbooks/mfa-recovery.json5")
        }
    for url in candidates {
        if let text = try? String(contentsOf: url, encoding: .utf8), case .valid(let runbook) = EngineVocabulary.load(text) { return runbook }
    }
    fatalError("handrail-bench: run it from the package folder (Runbooks/mfa-recovery.json5 not found)")
}

/// The Runbooks folder beside the package or the installed executable, as `loadRunbook` finds it.
func loadRunbookFolder() -> String {
    let candidates = [URL(fileURLWithPath: "Runbooks")]
        + (1...5).map { depth in
            var url = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
            for _ in 0..<depth { url.deleteLastPathComponent() }
            return url.appendingPathComponent("Runbooks")
        }
    for url in candidates where FileManager.default.fileExists(atPath: url.appendingPathComponent("mfa-recovery.json5").path) {
        return url.standardizedFileURL.path
    }
    fatalError("handrail-bench: run it from the package folder (Runbooks/ not found)")
}

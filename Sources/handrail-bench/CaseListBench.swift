import Engine
import Foundation
import Runbook
import Store

/// `case list`'s first page (and the first page of one status) on logs of growing size, ten
/// events a case: with the queue's order as an index, the page costs the same at 1k cases as at
/// 100k (O(log n)), where a sort of the whole table grew with it. With `--handrail` naming an
/// older build, it is measured on copies without the index (`IndexlessCopy`), which that build's
/// schema is.
struct CaseListBench {
    let options: BenchOptions
    let report: BenchReport

    func run() {
        let runbook = loadRunbook()
        var lines: [String] = []
        for events in options.scaling {
            var path = options.workdir.appendingPathComponent("caselist-\(events).db").path
            if !FileManager.default.fileExists(atPath: path) { generate(path: path, events: events, runbook: runbook) }
            if options.handrail != nil { path = IndexlessCopy.make(of: path) }
            let env = ["HANDRAIL_LOGIN": "bench"]
            let page = [options.handrailExecutable, "case", "list", "--db", path]
            let status = page + ["--status", "escalated"]
            var all: [MeasuredRun] = [], one: [MeasuredRun] = []
            for _ in 0..<max(3, options.runs * 2) {
                all.append(runMeasured(page, environment: env))
                one.append(runMeasured(status, environment: env))
            }
            precondition(all.allSatisfy { $0.status == 0 } && one.allSatisfy { $0.status == 0 }, "case list failed")
            let (a, o) = (median(all.map(\.seconds)), median(one.map(\.seconds)))
            let (ac, oc) = (median(all.map(\.cpuSeconds)), median(one.map(\.cpuSeconds)))
            let peak = (all + one).map(\.peakBytes).max() ?? 0
            let label = "\(events >= 1_000_000 ? "\(events / 1_000_000)M" : "\(events / 1000)k") events / \(events / 10 >= 1000 ? "\(events / 10_000)k" : "\(events / 10)") cases"
            lines.append(String(format: "| %@ | %.1f ms (%.1f ms CPU) | %.1f ms (%.1f ms CPU) | %.1f MB |", label, a * 1000, ac * 1000, o * 1000, oc * 1000, Double(peak) / 1e6))
            report.add("case list, first page (500), \(label)", ours: String(format: "%.1f ms (%.1f ms CPU)", a * 1000, ac * 1000),
                       budget: "O(log n): reported", met: nil)
            report.add("peak memory, case list, \(label)", ours: String(format: "%.1f MB", Double(peak) / 1e6), budget: "≤ 32 MB", met: peak <= 32_000_000)
        }
        print("case list scaling (whole process: start, open, first page, print):")
        print("| log | case list (500 newest) | case list --status escalated | peak |")
        print("|---|---|---|---|")
        lines.forEach { print($0) }
    }

    /// Cases of ten events (opened, then notes) with their rows, statuses spread over the queue.
    func generate(path: String, events: Int, runbook: Runbook) {
        FileHandle.standardError.write(Data("generating \(events) events / \(events / 10) cases into \(path)…\n".utf8))
        let store = try! HandrailStore(path: path, now: Date.init)
        _ = try! store.enrolFirstOperator("bench", at: Date())
        let statuses: [CaseStatus] = [.closed, .closed, .closed, .closed, .closed, .closed, .awaitingEnrolment, .escalated, .open, .awaitingApproval]
        let base = Date().addingTimeInterval(-400 * 86_400)
        var batch: [CaseAppend] = []
        let cases = max(1, events / 10)
        for c in 0..<cases {
            let caseID = String(format: "HR-L%07d", c)
            let at = base.addingTimeInterval(Double(c) * 30)
            var list = [CaseEvent(.opened(CaseOpening(runbookID: runbook.id, runbookVersion: runbook.version, startStep: runbook.start)),
                                  caseID: caseID, subject: "user\(c % 20_000)@example.com", actor: "bench", time: at)]
            for n in 1..<10 {
                list.append(CaseEvent(.noteAdded(kind: .note, signal: nil, step: runbook.start), caseID: caseID, subject: list[0].subject,
                                      actor: "bench", time: at.addingTimeInterval(Double(n)), reason: "Progress note \(n) on the call"))
            }
            var state = CaseState.replay(list, runbook: runbook)!
            state.status = statuses[c % statuses.count]
            batch.append(CaseAppend(caseID: caseID, events: list, projection: CaseProjection(state: state)))
            if batch.count == 10_000 || c == cases - 1 {
                _ = try! store.appendBulk(batch)
                batch.removeAll(keepingCapacity: true)
            }
        }
        try! store.checkpoint()
    }
}

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
        let statuses: [CaseStatus] = [.closed, .closed, .closed, .closed, .closed, .closed, .awaitingEnrolment, .escalated, .open, .awaitingApproval]
        NoteCaseLog(eventsPerCase: 10, caseIDPrefix: "HR-L", secondsBetweenCases: 30, daysBack: 400, status: { statuses[$0 % statuses.count] })
            .write(path: path, events: events, runbook: runbook)
    }
}

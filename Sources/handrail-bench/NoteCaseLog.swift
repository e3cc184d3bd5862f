import Engine
import Foundation
import Runbook
import Store

/// A log of cases that are an opening and then notes, written with their rows through
/// `appendBulk` in batches, as the command line would have written them: the benchmark's rows
/// that need many cases of one plain shape (the `case list` scaling, replication and restore).
struct NoteCaseLog {
    /// Events in each case, the opening included.
    var eventsPerCase: Int
    /// Case ids are this prefix and seven digits.
    var caseIDPrefix: String
    /// Seconds between one case's opening and the next.
    var secondsBetweenCases: TimeInterval
    /// How many days before now the first case is opened.
    var daysBack: Double
    /// The status a case's row is given, by its index; nil keeps the replayed one.
    var status: (Int) -> CaseStatus? = { _ in nil }

    func write(path: String, events: Int, runbook: Runbook) {
        FileHandle.standardError.write(Data("generating \(events) events with their case rows into \(path)…\n".utf8))
        let store = try! HandrailStore(path: path, now: Date.init)
        _ = try! store.enrolFirstOperator("bench", at: Date())
        let base = Date().addingTimeInterval(-daysBack * 86_400)
        var batch: [CaseAppend] = []
        let cases = max(1, events / eventsPerCase)
        for c in 0..<cases {
            let caseID = caseIDPrefix + String(format: "%07d", c)
            let at = base.addingTimeInterval(Double(c) * secondsBetweenCases)
            var list = [CaseEvent(.opened(CaseOpening(runbookID: runbook.id, runbookVersion: runbook.version, startStep: runbook.start)),
                                  caseID: caseID, subject: "user\(c % 20_000)@example.com", actor: "bench", time: at)]
            for n in 1..<eventsPerCase {
                list.append(CaseEvent(.noteAdded(kind: .note, signal: nil, step: runbook.start), caseID: caseID, subject: list[0].subject,
                                      actor: "bench", time: at.addingTimeInterval(Double(n)), reason: "Progress note \(n) on the call"))
            }
            var state = CaseState.replay(list, runbook: runbook)!
            if let status = status(c) { state.status = status }
            batch.append(CaseAppend(caseID: caseID, events: list, projection: CaseProjection(state: state)))
            if batch.count == 10_000 || c == cases - 1 {
                _ = try! store.appendBulk(batch)
                batch.removeAll(keepingCapacity: true)
            }
        }
        try! store.checkpoint()
    }
}

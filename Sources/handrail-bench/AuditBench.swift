import Engine
import Foundation
import Runbook
import Store

/// The audit budgets on a generated log, each beside its peer on the same file and the same
/// bytes, every child's own peak memory measured (`runMeasured`):
/// - `audit verify` beside `openssl dgst -sha256` of exactly the bytes verify hashes (the SHA-NI
///   limit on this machine; `sha256sum` shown too), wall and CPU per byte;
/// - the JSON export of the whole log and of a six-month filter beside `sqlite3 -json` running
///   the same query; the six-month CSV export beside `sqlite3 -csv`.
/// Runs alternate ours and the peer's, so a busy machine slows both alike.
struct AuditBench {
    let options: BenchOptions
    let report: BenchReport

    var databasePath: String { options.workdir.appendingPathComponent("audit-\(options.events).db").path }
    var handrail: String { options.handrailExecutable }
    /// As a deployment runs it: the platform configured (no demo tenant created beside the log).
    let env = ["HANDRAIL_LOGIN": "bench", "HANDRAIL_PLATFORM": "manual"]
    var label: String { options.events >= 1_000_000 ? "\(options.events / 1_000_000)M" : "\(options.events / 1000)k" }

    func run() {
        if !FileManager.default.fileExists(atPath: databasePath) {
            AuditLogGenerator(path: databasePath, events: options.events).generate()
        }
        let since = "2026-03-01", until = "2026-09-01"
        let filter = ["--event", "mfa.factor_admin_reset", "--since", since, "--until", until]
        let csvPeer = SQLiteCLIExportPeer.arguments(database: databasePath, event: "mfa.factor_admin_reset", since: since, until: until)
        export(name: "audit --format csv, 6-month reset filter, \(label) events", ours: [handrail, "audit", "--db", databasePath, "--format", "csv"] + filter,
               peer: csvPeer, peerName: "sqlite3 -csv", budget: 1.0)
        export(name: "audit --format json, 6-month reset filter, \(label) events", ours: [handrail, "audit", "--db", databasePath, "--format", "json"] + filter,
               peer: SQLiteCLIExportPeer.jsonArguments(database: databasePath, event: "mfa.factor_admin_reset", since: since, until: until),
               peerName: "sqlite3 -json", budget: 1.5)
        export(name: "audit --format json, all \(label) events", ours: [handrail, "audit", "--db", databasePath, "--format", "json"],
               peer: SQLiteCLIExportPeer.jsonArguments(database: databasePath, event: nil, since: nil, until: nil),
               peerName: "sqlite3 -json", budget: 1.5)
        verify()
    }

    /// Ours and the peer, alternately; the row count of both compared once first.
    func export(name: String, ours: [String], peer: [String], peerName: String, budget: Double) {
        let oursOut = options.workdir.appendingPathComponent("export-ours.out").path
        let peerOut = options.workdir.appendingPathComponent("export-peer.out").path
        let first = runMeasured(ours, stdout: oursOut, environment: env)
        precondition(first.status == 0, "\(ours.joined(separator: " ")) failed with \(first.status)")
        _ = runMeasured(peer, stdout: peerOut)
        print("\(name): \(lineCount(oursOut)) lines from handrail, \(lineCount(peerOut)) from \(peerName)")
        var o: [MeasuredRun] = [first], p: [MeasuredRun] = []
        for i in 0..<max(1, options.runs) {
            if i > 0 { o.append(runMeasured(ours, environment: env)) }
            p.append(runMeasured(peer))
        }
        let (ow, pw) = (median(o.map(\.seconds)), median(p.map(\.seconds)))
        let (oc, pc) = (median(o.map(\.cpuSeconds)), median(p.map(\.cpuSeconds)))
        let peak = o.map(\.peakBytes).max() ?? 0
        print(String(format: "%@: handrail %.3f s wall %.3f s CPU, %@ %.3f s wall %.3f s CPU; peak %.1f MB (wait4 said %.1f MB)",
                     name, ow, oc, peerName, pw, pc, Double(peak) / 1e6, Double(o.map(\.rusageMaxRSSBytes).max() ?? 0) / 1e6))
        report.add(name, ours: String(format: "%.3f s (%.3f s CPU)", ow, oc), peer: String(format: "%.3f s (%.3f s CPU) %@", pw, pc, peerName),
                   ratio: String(format: "%.2f× wall, %.2f× CPU", ow / pw, oc / pc), budget: String(format: "≤ %.1f×", budget), met: ow / pw <= budget)
        report.add("peak memory, " + name, ours: String(format: "%.1f MB", Double(peak) / 1e6), budget: "≤ 32 MB", met: peak <= 32_000_000)
    }

    /// `audit verify` beside `openssl dgst -sha256` and `sha256sum` over exactly the bytes it hashes.
    func verify() {
        let bytesFile = options.workdir.appendingPathComponent("hashed-bytes-\(options.events).bin").path
        if !FileManager.default.fileExists(atPath: bytesFile) {
            AuditLogGenerator.writeHashedBytes(database: databasePath, to: bytesFile)
        }
        let bytes = Double((try? FileManager.default.attributesOfItem(atPath: bytesFile)[.size] as? Int) ?? 0)
        var verify: [MeasuredRun] = [], openssl: [MeasuredRun] = [], sha: [MeasuredRun] = []
        for _ in 0..<max(1, options.runs) {
            let v = runMeasured([handrail, "audit", "verify", "--db", databasePath], environment: env)
            precondition(v.status == 0, "handrail audit verify failed with \(v.status)")
            verify.append(v)
            openssl.append(runMeasured(["openssl", "dgst", "-sha256", bytesFile]))
            sha.append(runMeasured(["sha256sum", bytesFile]))
        }
        let (v, o, s) = (median(verify.map(\.seconds)), median(openssl.map(\.seconds)), median(sha.map(\.seconds)))
        let (vc, oc) = (median(verify.map(\.cpuSeconds)), median(openssl.map(\.cpuSeconds)))
        let nsPerByte = { (seconds: Double) in seconds / bytes * 1e9 }
        let peak = verify.map(\.peakBytes).max() ?? 0
        print(String(format: "verify over %.0f MB: handrail %.2f s wall (%.0f MB/s), %.2f s CPU (%.2f ns/byte); openssl dgst -sha256 %.2f s wall (%.0f MB/s), %.2f s CPU (%.2f ns/byte); sha256sum %.2f s; peak %.1f MB",
                     bytes / 1e6, v, bytes / v / 1e6, vc, nsPerByte(vc), o, bytes / o / 1e6, oc, nsPerByte(oc), s, Double(peak) / 1e6))
        report.add("audit verify, \(label) events (\(Int(bytes / 1e6)) MB hashed)",
                   ours: String(format: "%.2f s, %.2f ns/byte CPU", v, nsPerByte(vc)),
                   peer: String(format: "%.2f s, %.2f ns/byte CPU openssl dgst -sha256 (sha256sum %.2f s)", o, nsPerByte(oc), s),
                   ratio: String(format: "%.2f× wall, %.2f× CPU", v / o, vc / oc), budget: "≤ 1.3×", met: v / o <= 1.3)
        report.add("peak memory, audit verify", ours: String(format: "%.1f MB", Double(peak) / 1e6), budget: "≤ 32 MB", met: peak <= 32_000_000)
    }

    private func lineCount(_ path: String) -> Int {
        guard let handle = FileHandle(forReadingAtPath: path) else { return 0 }
        var count = 0
        while let chunk = try? handle.read(upToCount: 1 << 20), !chunk.isEmpty {
            count += chunk.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
        }
        return count
    }
}

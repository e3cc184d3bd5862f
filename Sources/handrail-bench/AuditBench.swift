import Engine
import Foundation
import Runbook
import Store

/// The audit budgets on a generated log: a six-month CSV export of admin resets against the
/// sqlite3 CLI running the same query on the same file, `audit verify` against sha256sum on
/// the same bytes, and the peak memory of both.
struct AuditBench {
    let options: BenchOptions
    let report: BenchReport

    var databasePath: String { options.workdir.appendingPathComponent("audit-\(options.events).db").path }
    var handrail: String { options.productsDirectory.appendingPathComponent("handrail").path }

    func run() {
        if !FileManager.default.fileExists(atPath: databasePath) {
            AuditLogGenerator(path: databasePath, events: options.events).generate()
        }
        let env = ["HANDRAIL_LOGIN": "bench"]
        let since = "2026-03-01", until = "2026-09-01"
        let exportArgs = [handrail, "audit", "--db", databasePath, "--format", "csv", "--event", "mfa.factor_admin_reset",
                          "--since", since, "--until", until]
        let peerArgs = SQLiteCLIExportPeer.arguments(database: databasePath, event: "mfa.factor_admin_reset", since: since, until: until)

        // Same rows from both?
        let oursOut = options.workdir.appendingPathComponent("export-ours.csv").path
        let peerOut = options.workdir.appendingPathComponent("export-peer.csv").path
        _ = runChild(exportArgs, stdout: oursOut, environment: env)
        _ = runChild(peerArgs, stdout: peerOut)
        let oursRows = lineCount(oursOut), peerRows = lineCount(peerOut)
        print("export: \(oursRows - 1) rows from handrail, \(peerRows - 1) from sqlite3")

        var ours: [Double] = [], peer: [Double] = [], exportRSS = 0
        for _ in 0..<options.runs {
            let o = runChild(exportArgs, environment: env)
            precondition(o.status == 0, "handrail audit failed with \(o.status)")
            ours.append(o.seconds)
            exportRSS = max(exportRSS, o.maxRSSBytes)
            peer.append(runChild(peerArgs).seconds)
        }
        let (o, p) = (median(ours), median(peer))
        print(String(format: "export: handrail %.3f s, sqlite3 CLI %.3f s", o, p))
        report.add("audit --format csv, 6-month reset filter, \(options.events / 1_000_000)M events", ours: String(format: "%.3f s", o),
                   peer: String(format: "%.3f s sqlite3 CLI", p), ratio: String(format: "%.2f×", o / p), budget: "≤ 1.2×", met: o / p <= 1.2)

        // Verify against sha256sum over the same bytes: exactly what verify hashes, event by event.
        let bytesFile = options.workdir.appendingPathComponent("hashed-bytes-\(options.events).bin").path
        if !FileManager.default.fileExists(atPath: bytesFile) {
            AuditLogGenerator.writeHashedBytes(database: databasePath, to: bytesFile)
        }
        let bytes = (try? FileManager.default.attributesOfItem(atPath: bytesFile)[.size] as? Int) ?? 0
        var verify: [Double] = [], sha: [Double] = [], verifyRSS = 0
        for _ in 0..<max(1, options.runs / 2) {
            let v = runChild([handrail, "audit", "verify", "--db", databasePath], environment: env)
            precondition(v.status == 0, "handrail audit verify failed with \(v.status)")
            verify.append(v.seconds)
            verifyRSS = max(verifyRSS, v.maxRSSBytes)
            sha.append(runChild(["sha256sum", bytesFile]).seconds)
        }
        let (v, s) = (median(verify), median(sha))
        let ourRate = Double(bytes) / v / 1e6, peerRate = Double(bytes) / s / 1e6
        print(String(format: "verify: handrail %.2f s (%.0f MB/s), sha256sum %.2f s (%.0f MB/s) over %.0f MB", v, ourRate, s, peerRate, Double(bytes) / 1e6))
        report.add("audit verify hashing throughput", ours: String(format: "%.0f MB/s", ourRate), peer: String(format: "%.0f MB/s sha256sum", peerRate),
                   ratio: String(format: "%.2f×", ourRate / peerRate), budget: "≥ 1×", met: ourRate >= peerRate)
        report.add("peak RSS while exporting", ours: String(format: "%.1f MB", Double(exportRSS) / 1e6), budget: "≤ 32 MB", met: exportRSS <= 32_000_000)
        report.add("peak RSS while verifying", ours: String(format: "%.1f MB", Double(verifyRSS) / 1e6), budget: "≤ 32 MB", met: verifyRSS <= 32_000_000)
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

import Foundation
import Runbook

/// A help desk's database for the command-line figures: a fresh folder with the database (made
/// by `handrail init`, bench its senior admin: no other command creates one), an empty
/// configuration home (nobody's own settings leak in) and the environment every `handrail`
/// child runs with (ManualConsole, the package's runbooks, a login).
struct BenchDesk {
    let folder: URL
    let handrail: String

    init(options: BenchOptions, name: String) {
        folder = options.workdir.appendingPathComponent(name)
        try? FileManager.default.removeItem(at: folder)
        try! FileManager.default.createDirectory(at: folder.appendingPathComponent("config"), withIntermediateDirectories: true)
        handrail = options.handrailExecutable
        run(["init", "--senior", "bench"])
    }

    var database: String { folder.appendingPathComponent("handrail.db").path }

    func environment(login: String = "bench") -> [String: String] {
        ["HANDRAIL_DB": database, "HANDRAIL_LOGIN": login, "HANDRAIL_PLATFORM": "manual", "HANDRAIL_RUNBOOKS": loadRunbookFolder(),
         "XDG_CONFIG_HOME": folder.appendingPathComponent("config").path, "TZ": "UTC"]
    }

    /// Runs `handrail ARGS` as `login`, requiring exit 0; its stdout.
    @discardableResult
    func run(_ args: [String], login: String = "bench") -> String {
        let out = folder.appendingPathComponent("out-\(UUID().uuidString).txt").path
        defer { try? FileManager.default.removeItem(atPath: out) }
        let result = runChild([handrail] + args, stdout: out, environment: environment(login: login))
        precondition(result.status == 0, "handrail \(args.joined(separator: " ")) failed with \(result.status)")
        return ((try? String(contentsOfFile: out, encoding: .utf8)) ?? "").trimmingWhitespace()
    }

    /// A case opened through the command line by `login` (who becomes its holder).
    func openCase(subject: String, login: String = "bench") -> String {
        run(["case", "open", "--subject", subject], login: login)
    }
}

/// fsync(2) and fdatasync(2) calls a whole process makes, counted by `strace -f -c`; nil without strace.
func syncCalls(_ argv: [String], environment: [String: String], workdir: URL) -> Int? {
    guard FileManager.default.isExecutableFile(atPath: "/usr/bin/strace") else { return nil }
    let summary = workdir.appendingPathComponent("strace-\(UUID().uuidString).txt").path
    defer { try? FileManager.default.removeItem(atPath: summary) }
    let run = runChild(["/usr/bin/strace", "-f", "-c", "-e", "trace=fdatasync,fsync", "-o", summary] + argv, environment: environment)
    guard run.status == 0, let text = try? String(contentsOfFile: summary, encoding: .utf8) else { return nil }
    var calls = 0
    for line in text.split(separator: "\n") {
        let words = line.split(separator: " ")
        guard let name = words.last, name == "fdatasync" || name == "fsync", words.count >= 5, let n = Int(words[3]) else { continue }
        calls += n
    }
    return calls
}

/// The value at quantile `q` (0…1) of `values`.
func quantile(_ values: [Double], _ q: Double) -> Double {
    let sorted = values.sorted()
    guard !sorted.isEmpty else { return .nan }
    let index = Int((Double(sorted.count) * q).rounded(.up)) - 1
    return sorted[min(sorted.count - 1, max(0, index))]
}

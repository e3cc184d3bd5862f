import Foundation

struct BenchOptions {
    var events = 10_000_000
    var workdir = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("handrail-bench")
    var runs = 5
    var commits = 300
    /// Events in the log `audit verify --anchors` is measured on (`--anchor-events`).
    var anchorEvents = 1_000_000
    /// Run one part only: commit, tui, audit, caselist, restore, replication, anchor, startup, cli or load.
    var only: String?
    /// The `handrail` executable measured (`--handrail`): by default the one beside this benchmark,
    /// e.g. an older build to compare with on the same files.
    var handrail: String?
    /// The help desk under load (`--operators`, `--think` seconds between one operator's decisions
    /// on average, `--load-seconds`), and the saturation run (`--saturation-workers`, `--saturation-seconds`).
    var operators = 500
    var think = 10.0
    var loadSeconds = 60.0
    var saturationWorkers = 50
    var saturationSeconds = 20.0
    /// Events in each log of the `case list` scaling table (`--scaling 10000,100000,…`).
    var scaling = [10_000, 100_000, 1_000_000]

    static func parse(_ args: [String]) -> BenchOptions {
        var o = BenchOptions()
        var i = 0
        while i < args.count {
            let value = i + 1 < args.count ? args[i + 1] : ""
            switch args[i] {
            case "--events": o.events = Int(value) ?? o.events; i += 1
            case "--workdir": o.workdir = URL(fileURLWithPath: value); i += 1
            case "--runs": o.runs = Int(value) ?? o.runs; i += 1
            case "--commits": o.commits = Int(value) ?? o.commits; i += 1
            case "--anchor-events": o.anchorEvents = Int(value) ?? o.anchorEvents; i += 1
            case "--only": o.only = value; i += 1
            case "--handrail": o.handrail = value; i += 1
            case "--operators": o.operators = Int(value) ?? o.operators; i += 1
            case "--think": o.think = Double(value) ?? o.think; i += 1
            case "--load-seconds": o.loadSeconds = Double(value) ?? o.loadSeconds; i += 1
            case "--saturation-workers": o.saturationWorkers = Int(value) ?? o.saturationWorkers; i += 1
            case "--saturation-seconds": o.saturationSeconds = Double(value) ?? o.saturationSeconds; i += 1
            case "--scaling": o.scaling = value.split(separator: ",").compactMap { Int($0) }; i += 1
            default: FileHandle.standardError.write(Data("handrail-bench: unknown argument \(args[i])\n".utf8)); exit(2)
            }
            i += 1
        }
        try? FileManager.default.createDirectory(at: o.workdir, withIntermediateDirectories: true)
        return o
    }

    /// The `handrail` measured: `--handrail`, else the sibling of this executable.
    var handrailExecutable: String {
        handrail ?? productsDirectory.appendingPathComponent("handrail").path
    }

    /// The directory holding this executable and its sibling `handrail`.
    var productsDirectory: URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
    }
}

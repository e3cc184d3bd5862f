import Foundation
import Runbook

/// A program's own peak resident set, for programs that run and exit.
///
/// Not `ru_maxrss` of a child this benchmark spawns: Linux keeps the largest resident set a
/// process ever had in its signal struct, and at exec(2) it folds in the high-water mark of the
/// address space being replaced (fs/exec.c, `exec_mmap` → `setmax_mm_hiwater_rss`). After
/// fork(2) that address space is a copy of the parent's; after vfork(2) or posix_spawn(3) it is
/// the parent's own. Either way the benchmark's memory is counted as the child's: a C program
/// that touches 100 MB and then runs `/bin/true` reads back about 103 MB.
///
/// So the program is run by a small parent that forks it and reads `wait4`'s rusage: GNU
/// `time -f %M` (time(1)). The child's signal struct is new at fork (its `maxrss` starts at 0),
/// and the address space its exec replaces is a copy of `time`'s, about 2 MB: the figure is the
/// larger of that and the program's own peak. `floor` measures `/bin/true` the same way, so the
/// table can show how small that parent's share is.
enum PeakMemory {
    static let timeProgram = "/usr/bin/time"

    static var isAvailable: Bool { FileManager.default.isExecutableFile(atPath: timeProgram) }

    /// Peak RSS in bytes of `argv` run to completion, or nil when `time` is missing or the
    /// program fails (a refused command is not the work being measured).
    static func measure(_ argv: [String], environment: [String: String] = [:], workdir: URL) -> Int? {
        guard isAvailable else { return nil }
        let report = workdir.appendingPathComponent("peak-\(UUID().uuidString).txt").path
        defer { try? FileManager.default.removeItem(atPath: report) }
        let run = runChild([timeProgram, "-f", "%M", "-o", report] + argv, environment: environment)
        guard run.status == 0, let text = try? String(contentsOfFile: report, encoding: .utf8),
              let kilobytes = text.split(whereSeparator: \.isNewline).last.flatMap({ Int($0.trimmingBlanks()) })
        else { return nil }
        return kilobytes * 1024
    }

    /// What the measuring parent itself contributes: the peak of `/bin/true`, measured the same way.
    static func floor(workdir: URL) -> Int? { measure(["/bin/true"], workdir: workdir) }
}

func megabytes(_ bytes: Int?) -> String {
    guard let bytes else { return "n/a" }
    return String(format: "%.1f MB", Double(bytes) / 1e6)
}

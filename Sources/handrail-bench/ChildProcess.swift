import Foundation

/// Runs a command with stdout to a file (or /dev/null), returning wall time and the child's
/// peak resident set size from wait4's rusage. That peak is not the program's own: Linux folds
/// the high-water mark of the address space replaced at exec, this benchmark's, into it (see
/// `PeakMemory` and `MeasuredChild`, which measure a program's own peak).
struct ChildRun {
    var seconds: Double
    var maxRSSBytes: Int
    var status: Int32
    /// The child's own CPU time, user + system (wait4's rusage; a new process starts at zero):
    /// on a shared, loaded machine it moves far less than the wall time does.
    var cpuSeconds: Double = 0
}

func runChild(_ argv: [String], stdout path: String = "/dev/null", environment: [String: String] = [:]) -> ChildRun {
    let start = Date()
    guard let pid = spawnChild(argv, stdout: path, environment: environment) else { return ChildRun(seconds: 0, maxRSSBytes: 0, status: -1) }
    var status: Int32 = 0
    var usage = rusage()
    wait4(pid, &status, 0, &usage)
    let seconds = Date().timeIntervalSince(start)
    return ChildRun(seconds: seconds, maxRSSBytes: Int(usage.ru_maxrss) * 1024, status: (status >> 8) & 0xFF, cpuSeconds: usage.cpuSeconds)
}

/// posix_spawnp with stdout to `path` and `environment` over this process's; nil when it fails.
func spawnChild(_ argv: [String], stdout path: String, environment: [String: String]) -> pid_t? {
    var actions: posix_spawn_file_actions_t = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 1, path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    let (cArgs, cEnv) = spawnStrings(argv, environment: environment)
    defer { (cArgs + cEnv).forEach { free($0) } }
    var pid: pid_t = 0
    return posix_spawnp(&pid, argv[0], &actions, nil, cArgs, cEnv) == 0 ? pid : nil
}

/// `argv`, and this process's environment with `extra` set, as the NULL-terminated C arrays
/// posix_spawn takes; the caller frees every string.
func spawnStrings(_ argv: [String], environment extra: [String: String]) -> ([UnsafeMutablePointer<CChar>?], [UnsafeMutablePointer<CChar>?]) {
    var env = ProcessInfo.processInfo.environment
    for (k, v) in extra { env[k] = v }
    return (argv.map { strdup($0) } + [nil], env.map { strdup("\($0)=\($1)") } + [nil])
}

extension rusage {
    /// User and system CPU time, in seconds.
    var cpuSeconds: Double {
        Double(ru_utime.tv_sec + ru_stime.tv_sec) + Double(ru_utime.tv_usec + ru_stime.tv_usec) / 1e6
    }
}

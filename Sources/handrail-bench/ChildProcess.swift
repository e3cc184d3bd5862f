import Foundation

/// Runs a command with stdout to a file (or /dev/null), returning wall time and the child's
/// peak resident set size from wait4's rusage.
struct ChildRun {
    var seconds: Double
    var maxRSSBytes: Int
    var status: Int32
}

func runChild(_ argv: [String], stdout path: String = "/dev/null", environment: [String: String] = [:]) -> ChildRun {
    let start = Date()
    guard let pid = spawnChild(argv, stdout: path, environment: environment) else { return ChildRun(seconds: 0, maxRSSBytes: 0, status: -1) }
    var status: Int32 = 0
    var usage = rusage()
    wait4(pid, &status, 0, &usage)
    let seconds = Date().timeIntervalSince(start)
    return ChildRun(seconds: seconds, maxRSSBytes: Int(usage.ru_maxrss) * 1024, status: (status >> 8) & 0xFF)
}

/// posix_spawnp with stdout to `path` and `environment` over this process's; nil when it fails.
func spawnChild(_ argv: [String], stdout path: String, environment: [String: String]) -> pid_t? {
    var actions: posix_spawn_file_actions_t = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 1, path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    var env = ProcessInfo.processInfo.environment
    for (k, v) in environment { env[k] = v }
    let cArgs = argv.map { strdup($0) } + [nil]
    let cEnv = env.map { strdup("\($0)=\($1)") } + [nil]
    defer { (cArgs + cEnv).forEach { free($0) } }
    var pid: pid_t = 0
    return posix_spawnp(&pid, argv[0], &actions, nil, cArgs, cEnv) == 0 ? pid : nil
}

import Foundation
import XCTest

/// The real `handrail` binary in a real terminal: a detached tmux server of its own (a unique
/// `-L` socket per test, so tests never see each other's panes), one pane running `sh` with a
/// known prompt, keys sent with `send-keys`, the screen read with `capture-pane -p`. Every wait
/// polls the screen for what it expects, with a deadline: no bare sleeps.
final class TmuxSession {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// As capture-pane shows it (trailing spaces trimmed).
    static let prompt = "handrail-e2e$"

    private(set) var socket: String
    private let baseSocket: String
    private var generation = 0
    let target = "e2e"
    let folder: URL
    let database: String
    let binary: URL
    var environment: [String: String]
    private var started = false

    /// Skips the test when tmux is not installed; fails it when the binary was not built.
    init(_ name: String, width: Int = 100, height: Int = 30, login: String = "alice") throws {
        guard let tmux = Self.which("tmux") else { throw XCTSkip("tmux is not installed: the end-to-end tests need it") }
        Self.tmux = tmux
        binary = try Self.locateBinary()
        baseSocket = "handrail-\(name)-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        socket = baseSocket
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("handrail-e2e-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        database = folder.appendingPathComponent("handrail.db").path
        environment = [
            "HANDRAIL_DB": database,
            "HANDRAIL_PLATFORM": "local",
            "HANDRAIL_RUNBOOKS": ShippedRunbook.runbooks.path,
            "HANDRAIL_LOGIN": login,
            "XDG_CONFIG_HOME": folder.appendingPathComponent("config").path,
            "LANG": "C.UTF-8",
            "LC_ALL": "C.UTF-8",
            "TZ": "UTC",
            "ENV": "",
        ]
        try startServer(width: width, height: height)
    }

    deinit {
        _ = try? tmux(["kill-server"])
        try? FileManager.default.removeItem(at: folder)
    }

    var directoryPath: String { folder.appendingPathComponent("directory.db").path }

    // MARK: - The pane

    /// A fresh server and pane with `sh` at its prompt (again, after a `kill`).
    func startServer(width: Int = 100, height: Int = 30) throws {
        if started {
            // A new server on a new socket: the old one may still be on its way out.
            _ = try? tmux(["kill-server"])
            generation += 1
            socket = "\(baseSocket)-\(generation)"
        }
        var args = ["new-session", "-d", "-s", target, "-x", "\(width)", "-y", "\(height)"]
        for (key, value) in environment.sorted(by: { $0.key < $1.key }) { args += ["-e", "\(key)=\(value)"] }
        args += ["/bin/sh"]
        try tmux(args)
        started = true
        // The server's own options: no status line (the pane is the whole window), and the
        // window keeps the size it is given.
        try tmux(["set-option", "-g", "status", "off"])
        // sh ignores PS1 from the environment (root's is "# "): set it by typing, split so the
        // echoed command line does not already read as the prompt.
        try waitUntil("the shell") { !$0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty }
        try sendLiteral("PS1='handrail''-e2e$ '")
        try send("Enter")
        try waitFor(Self.prompt)
    }

    /// Types a shell command line in the pane: the binary with `arguments`, then its exit status.
    func launch(_ arguments: [String]) throws {
        let line = ([binary.path] + arguments).map(Self.shellQuoted).joined(separator: " ") + "; echo \"EXITED $?\""
        try sendLiteral(line)
        try send("Enter")
    }

    /// Named keys (`Enter`, `C-s`, `Tab`, `Right`, `Escape`…), each as tmux spells it.
    func send(_ keys: String...) throws {
        try tmux(["send-keys", "-t", target] + keys)
    }

    /// Text typed as is.
    func sendLiteral(_ text: String) throws {
        try tmux(["send-keys", "-t", target, "-l", text])
    }

    func capture() throws -> String {
        try tmux(["capture-pane", "-p", "-t", target])
    }

    func display(_ format: String) throws -> String {
        try tmux(["display-message", "-p", "-t", target, format]).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func resize(width: Int, height: Int) throws {
        try tmux(["resize-window", "-t", target, "-x", "\(width)", "-y", "\(height)"])
    }

    /// Polls the screen until `condition` holds; fails with the last screen after `timeout` seconds.
    @discardableResult
    func waitUntil(_ what: String, timeout: TimeInterval = 30, file: StaticString = #filePath, line: UInt = #line,
                   _ condition: (String) -> Bool) throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        var screen = ""
        while Date() < deadline {
            screen = try capture()
            if condition(screen) { return screen }
            usleep(50_000)
        }
        throw Failure(description: "timed out after \(Int(timeout)) s waiting for \(what); the screen:\n\(screen)")
    }

    @discardableResult
    func waitFor(_ text: String, timeout: TimeInterval = 30) throws -> String {
        try waitUntil(text.debugDescription, timeout: timeout) { $0.contains(text) }
    }

    /// The handrail process running in the pane (the shell's child).
    func tuiProcess() throws -> pid_t {
        guard let shell = pid_t(try display("#{pane_pid}")) else { throw Failure(description: "no pane pid") }
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            if let child = Self.children(of: shell).first { return child }
            usleep(20_000)
        }
        throw Failure(description: "no process under the pane's shell \(shell)")
    }

    /// Waits until process `pid` has exited (and been reaped by the pane's shell).
    func waitUntilGone(_ pid: pid_t, timeout: TimeInterval = 30) throws {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if kill(pid, 0) == -1 && errno == ESRCH { return }
            usleep(20_000)
        }
        throw Failure(description: "process \(pid) still running after \(Int(timeout)) s")
    }

    // MARK: - The command line beside the TUI

    /// Runs `handrail ARGS` as a subprocess with the pane's environment (another terminal of the same operator).
    @discardableResult
    func handrail(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let out = folder.appendingPathComponent("cli-\(UUID().uuidString).out")
        let environment = ProcessInfo.processInfo.environment.merging(self.environment) { $1 }
        let status = try Self.spawn(binary.path, arguments, environment: environment, output: out)
        return (status, (try? String(contentsOf: out, encoding: .utf8)) ?? "")
    }

    // MARK: - Plumbing

    nonisolated(unsafe) static var tmux = "/usr/bin/tmux"

    @discardableResult
    func tmux(_ arguments: [String]) throws -> String {
        let out = folder.appendingPathComponent("tmux-\(UUID().uuidString).out")
        defer { try? FileManager.default.removeItem(at: out) }
        let status = try Self.spawn(Self.tmux, ["-L", socket, "-f", "/dev/null"] + arguments,
                                    environment: ["PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8",
                                                  "TERM": "xterm-256color", "HOME": folder.path],
                                    output: out)
        let text = (try? String(contentsOf: out, encoding: .utf8)) ?? ""
        guard status == 0 else {
            throw Failure(description: "tmux \(arguments.joined(separator: " ")) failed (\(status)): \(text)")
        }
        return text
    }

    /// Runs a program to completion with its output in a file, by posix_spawn and waitpid on its
    /// pid. Not Foundation's Process: `tmux new-session` leaves behind a server that inherits
    /// whatever the client had open, and Process's wait for the client then never ends.
    static func spawn(_ executable: String, _ arguments: [String], environment: [String: String], output: URL) throws -> Int32 {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, output.path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, executable, &actions, nil, argv, envp)
        guard rc == 0 else { throw Failure(description: "cannot run \(executable): \(String(cString: strerror(rc)))") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        // WIFEXITED / WEXITSTATUS, which Swift cannot import (they are macros).
        return status & 0x7F == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
    }

    static func which(_ name: String) -> String? {
        for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") + ["/usr/bin", "/usr/local/bin"] {
            let path = "\(dir)/\(name)"
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return nil
    }

    static func shellQuoted(_ s: String) -> String {
        "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    /// Children of `parent`, from /proc (field 4 of /proc/PID/stat is the parent's pid).
    static func children(of parent: pid_t) -> [pid_t] {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return [] }
        return entries.compactMap { entry -> pid_t? in
            guard let pid = pid_t(entry), let stat = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")") else { return nil }
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            return fields.count > 1 && pid_t(fields[1]) == parent ? pid : nil
        }
    }

    /// `.build/debug/handrail`, beside the test bundle or in the package's build folder.
    static func locateBinary() throws -> URL {
        var folders = Bundle.allBundles.map { $0.bundleURL.deletingLastPathComponent() }
        if let first = CommandLine.arguments.first { folders.append(URL(fileURLWithPath: first).deletingLastPathComponent()) }
        folders.append(ShippedRunbook.packageRoot.appendingPathComponent(".build/debug"))
        guard let found = folders.map({ $0.appendingPathComponent("handrail") })
            .first(where: { FileManager.default.isExecutableFile(atPath: $0.path) }) else {
            throw Failure(description: "no handrail executable (looked in \(folders.map(\.path))); run swift build first")
        }
        return found
    }
}

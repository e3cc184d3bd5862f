import Foundation
import XCTest

/// A program running in a detached tmux session on a server of its own (`tmux -L SOCKET`), so
/// that a test can press keys and read the screen of a real terminal. Nothing waits a fixed
/// time: every expectation polls the pane until its text appears or a timeout passes. The pane
/// stays after the program exits (remain-on-exit), so its last output and exit status can be read.
/// The program runs under `sh`, which reaps it and prints its exit status.
final class TmuxSession {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// tmux, if installed.
    static func locate() -> URL? {
        ["/usr/bin/tmux", "/usr/local/bin/tmux", "/bin/tmux", "/opt/homebrew/bin/tmux"]
            .map(URL.init(fileURLWithPath:))
            .first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }

    let tmux: URL
    let socket: String
    let session = "train"
    private let config: URL

    /// Starts `command` with exactly `environment`, on a `width`×`height` terminal with no
    /// status line.
    init(tmux: URL, folder: URL, width: Int, height: Int, environment: [String: String], command: [String]) throws {
        self.tmux = tmux
        socket = "handrail-train-\(UUID().uuidString.prefix(8))"
        config = folder.appendingPathComponent("\(socket).conf")
        try "set -g remain-on-exit on\nset -g status off\nset -g history-limit 5000\n".write(to: config, atomically: true, encoding: .utf8)
        let env = environment.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        // Through sh, which waits for the program and prints its exit status when it ends.
        let line = command.map(Self.shellQuoted).joined(separator: " ") + "; echo \"\(Self.exitMarker)$?\""
        try tmuxCommand(["-f", config.path, "new-session", "-d", "-s", session, "-x", "\(width)", "-y", "\(height)", "--", "/usr/bin/env", "-i"]
                        + env + ["/bin/sh", "-c", line])
    }

    /// Stops this session's own tmux server (and the program in it, if still running).
    func kill() {
        _ = try? tmuxCommand(["kill-server"], allowFailure: true)
        try? FileManager.default.removeItem(at: config)
    }

    /// Runs one tmux command against this session's server, its output in a file. Spawned and
    /// reaped by hand (posix_spawn, waitpid), not with Foundation's Process: `new-session` forks
    /// a server that inherits what the client had open, and Process's wait for the client then
    /// never ends.
    @discardableResult
    private func tmuxCommand(_ arguments: [String], allowFailure: Bool = false) throws -> String {
        let outURL = config.deletingLastPathComponent().appendingPathComponent("\(socket)-\(UUID().uuidString).out")
        defer { try? FileManager.default.removeItem(at: outURL) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outURL.path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        let argv = ([tmux.path, "-L", socket] + arguments).map { strdup($0) } + [nil]
        let environment: [String] = ["PATH=/usr/bin:/bin", "LANG=C.UTF-8"]
        let envp = environment.map { strdup($0) } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, tmux.path, &actions, nil, argv, envp)
        guard rc == 0 else { throw Failure(description: "cannot run tmux: \(String(cString: strerror(rc)))") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        let exited = status & 0x7F == 0 // WIFEXITED, a macro Swift does not import
        let text = (try? String(contentsOf: outURL, encoding: .utf8)) ?? ""
        if !(exited && (status >> 8) & 0xFF == 0) && !allowFailure {
            throw Failure(description: "tmux \(arguments.joined(separator: " ")) failed (wait status \(status)): \(text)")
        }
        return text
    }

    static func shellQuoted(_ s: String) -> String {
        "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    /// Keys by tmux name: `F2`, `C-r`, `Right`, `Enter`, `Tab`, `Escape`, `y`…
    func press(_ keys: String...) throws {
        try tmuxCommand(["send-keys", "-t", session] + keys)
    }

    /// Text typed literally.
    func type(_ text: String) throws {
        try tmuxCommand(["send-keys", "-t", session, "-l", text])
    }

    /// The screen as text; with `history`, everything the pane printed, wrapped lines joined.
    func capture(history: Bool = false) throws -> String {
        try tmuxCommand(["capture-pane", "-p", "-t", session] + (history ? ["-J", "-S", "-"] : []))
    }

    /// Polls the screen until `predicate` holds; fails with the last screen after `timeout`.
    @discardableResult
    func waitFor(_ what: String, timeout: TimeInterval = 15, history: Bool = false,
                 file: StaticString = #filePath, line: UInt = #line, _ predicate: (String) -> Bool) throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        var screen = ""
        repeat {
            screen = try capture(history: history)
            if predicate(screen) { return screen }
            Thread.sleep(forTimeInterval: 0.05) // between polls of the pane, never instead of one
        } while Date() < deadline
        throw Failure(description: "waited \(Int(timeout)) s for \(what); the screen:\n\(screen)")
    }

    /// Polls until the screen contains every one of `texts`.
    @discardableResult
    func waitFor(_ texts: String..., timeout: TimeInterval = 15, file: StaticString = #filePath, line: UInt = #line) throws -> String {
        try waitFor(texts.map { "\"\($0)\"" }.joined(separator: " and "), timeout: timeout, file: file, line: line) { screen in
            texts.allSatisfy { screen.contains($0) }
        }
    }

    /// Polls until the program has exited; returns its exit status, as the shell that ran it
    /// reported it (the shell reaps the program and prints its status: no reliance on when tmux
    /// notices a pane's process end).
    func waitForExit(timeout: TimeInterval = 30) throws -> Int32 {
        let marker = Self.exitMarker
        let printed = try waitFor("the program to exit", timeout: timeout, history: true) { $0.contains(marker) }
        guard let rest = printed.range(of: marker).map({ printed[$0.upperBound...] }),
              let status = Int32(rest.prefix { $0.isNumber }) else {
            throw Failure(description: "no exit status after \"\(marker)\":\n\(printed)")
        }
        return status
    }

    static let exitMarker = "program exited with status "
}

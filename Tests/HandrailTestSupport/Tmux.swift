import Foundation

/// A tmux server of a test's own (`tmux -L SOCKET`, a socket unique to it, so tests never see each
/// other's panes) with one detached session: keys sent with `send-keys`, the screen read with
/// `capture-pane -p`. Every wait polls the screen for what it expects, with a deadline: no bare
/// sleeps. tmux itself is run by posix_spawn (see `spawnAndWait`).
public final class Tmux {
    public let tmux: String
    public let socket: String
    /// The session's name, the target of every command.
    public let target: String
    /// Where the server's configuration and the commands' output files go.
    public let scratch: URL
    private let config: URL

    /// A server not yet started; `configuration` is its tmux.conf, one command a line.
    public init(socket: String, target: String, scratch: URL, configuration: [String] = []) throws {
        tmux = try Requirement.tmux()
        self.socket = socket
        self.target = target
        self.scratch = scratch
        config = scratch.appendingPathComponent("\(socket).conf")
        try (configuration.joined(separator: "\n") + "\n").write(to: config, atomically: true, encoding: .utf8)
    }

    /// `new-session -d -x WIDTH -y HEIGHT`, running `command` with `environment` laid over the
    /// server's own (which holds only PATH, LANG, LC_ALL, TERM and HOME).
    public func newSession(width: Int, height: Int, environment: [String: String] = [:], command: [String]) throws {
        var arguments = ["new-session", "-d", "-s", target, "-x", "\(width)", "-y", "\(height)"]
        for (key, value) in environment.sorted(by: { $0.key < $1.key }) { arguments += ["-e", "\(key)=\(value)"] }
        try run(arguments + command)
    }

    /// Stops the server (and whatever runs in its panes). Never fails.
    public func killServer() {
        _ = try? run(["kill-server"], allowFailure: true)
        try? FileManager.default.removeItem(at: config)
    }

    /// Runs one tmux command against this server and returns its output; throws `TmuxFailure`
    /// with that output when it fails (unless `allowFailure`).
    @discardableResult
    public func run(_ arguments: [String], allowFailure: Bool = false) throws -> String {
        let out = scratch.appendingPathComponent("\(socket)-\(UUID().uuidString).out")
        defer { try? FileManager.default.removeItem(at: out) }
        let status = try spawnAndWait(tmux, ["-L", socket, "-f", config.path] + arguments,
                                      environment: ["PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8",
                                                    "TERM": "xterm-256color", "HOME": scratch.path],
                                      output: out)
        let text = (try? String(contentsOf: out, encoding: .utf8)) ?? ""
        guard status == 0 || allowFailure else {
            throw TmuxFailure(description: "tmux \(arguments.joined(separator: " ")) failed (\(status)): \(text)")
        }
        return text
    }

    /// Named keys as tmux spells them: `Enter`, `C-s`, `Tab`, `Right`, `Escape`, `F2`, `y`…
    public func sendKeys(_ keys: [String]) throws {
        try run(["send-keys", "-t", target] + keys)
    }

    /// Text typed as is.
    public func sendLiteral(_ text: String) throws {
        try run(["send-keys", "-t", target, "-l", text])
    }

    /// The screen as text (trailing spaces trimmed); with `history`, everything the pane printed,
    /// wrapped lines joined.
    public func capture(history: Bool = false) throws -> String {
        try run(["capture-pane", "-p", "-t", target] + (history ? ["-J", "-S", "-"] : []))
    }

    /// `display-message -p FORMAT`, trimmed.
    public func display(_ format: String) throws -> String {
        try run(["display-message", "-p", "-t", target, format]).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    public func resize(width: Int, height: Int) throws {
        try run(["resize-window", "-t", target, "-x", "\(width)", "-y", "\(height)"])
    }

    /// Polls the screen until `condition` holds and returns that screen; after `timeout` seconds
    /// throws `TmuxFailure` with the last screen.
    @discardableResult
    public func waitUntil(_ what: String, timeout: TimeInterval = 30, history: Bool = false,
                          _ condition: (String) -> Bool) throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        var screen = ""
        repeat {
            screen = try capture(history: history)
            if condition(screen) { return screen }
            usleep(50_000) // between looks at the pane, never instead of one
        } while Date() < deadline
        throw TmuxFailure(description: "timed out after \(Int(timeout)) s waiting for \(what); the screen:\n\(screen)")
    }

    /// Polls until the screen shows every one of `texts`.
    @discardableResult
    public func waitUntilScreenShows(_ texts: [String], timeout: TimeInterval = 30) throws -> String {
        try waitUntil(texts.map(\.debugDescription).joined(separator: " and "), timeout: timeout) { screen in
            texts.allSatisfy { screen.contains($0) }
        }
    }
}

public struct TmuxFailure: Error, CustomStringConvertible {
    public var description: String
}

import Foundation
import HandrailTestSupport
import XCTest

/// The real `handrail` binary in a real terminal: a detached tmux server of its own (`Tmux`, a
/// unique `-L` socket per test, so tests never see each other's panes), one pane running `sh`
/// with a known prompt, keys sent with `send-keys`, the screen read with `capture-pane -p`. Every
/// wait polls the screen for what it expects, with a deadline: no bare sleeps.
final class TmuxSession {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// As capture-pane shows it (trailing spaces trimmed).
    static let prompt = "handrail-e2e$"

    private(set) var server: Tmux
    private let baseSocket: String
    private var generation = 0
    let target = "e2e"
    let folder: URL
    let database: String
    let binary: URL
    var environment: [String: String]
    private var started = false

    var socket: String { server.socket }

    /// Fails the test when tmux is not installed or the binary was not built.
    /// With `demo`, the personal demo database (`$XDG_DATA_HOME/handrail/demo.db`), which the
    /// first run creates; otherwise a database made by `handrail init` before the first launch.
    init(_ name: String, width: Int = 100, height: Int = 30, login: String = "alice", demo: Bool = false) throws {
        binary = try HandrailExecutable.locate()
        baseSocket = "handrail-\(name)-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("handrail-e2e-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        server = try Self.server(socket: baseSocket, target: target, folder: folder)
        database = folder.appendingPathComponent(demo ? "handrail/demo.db" : "handrail.db").path
        environment = [
            "HANDRAIL_DB": demo ? "" : database,
            "HANDRAIL_PLATFORM": "local",
            "HANDRAIL_RUNBOOKS": ShippedRunbook.runbooks.path,
            "HANDRAIL_LOGIN": login,
            "XDG_CONFIG_HOME": folder.appendingPathComponent("config").path,
            "LANG": "C.UTF-8",
            "LC_ALL": "C.UTF-8",
            "TZ": "UTC",
            "ENV": "",
        ]
        if demo { environment["XDG_DATA_HOME"] = folder.path }
        try startServer(width: width, height: height)
    }

    deinit {
        server.killServer()
        try? FileManager.default.removeItem(at: folder)
    }

    /// The server's own options: no status line (the pane is the whole window).
    private static func server(socket: String, target: String, folder: URL) throws -> Tmux {
        try Tmux(socket: socket, target: target, scratch: folder, configuration: ["set -g status off"])
    }

    var directoryPath: String { folder.appendingPathComponent("directory.db").path }

    // MARK: - The pane

    /// A fresh server and pane with `sh` at its prompt (again, after a `kill`).
    func startServer(width: Int = 100, height: Int = 30) throws {
        if started {
            // A new server on a new socket: the old one may still be on its way out.
            server.killServer()
            generation += 1
            server = try Self.server(socket: "\(baseSocket)-\(generation)", target: target, folder: folder)
        }
        try server.newSession(width: width, height: height, environment: environment, command: ["/bin/sh"])
        started = true
        // sh ignores PS1 from the environment (root's is "# "): set it by typing, split so the
        // echoed command line does not already read as the prompt.
        try waitUntil("the shell") { !$0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty }
        try sendLiteral("PS1='handrail''-e2e$ '")
        try send("Enter")
        try waitFor(Self.prompt)
    }

    /// Types a shell command line in the pane: the binary with `arguments`, then its exit status.
    /// With `time`, the binary runs under faketime (the wall clock it sees; the monotonic one stays real).
    func launch(_ arguments: [String], time: FakeTime? = nil) throws {
        let initTime = time.map { time -> FakeTime in
            switch time {
            case .frozen(let date), .startingAt(let date): return .frozen(date)
            }
        }
        try initialiseDatabase(before: arguments, faketime: initTime)
        var words = [binary.path] + arguments
        var assignments = ""
        if let time {
            words = [try Requirement.faketime()] + time.arguments + words
            assignments = FakeTime.environment.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value) " }.joined()
        }
        let line = assignments + words.map(shellQuoted).joined(separator: " ") + "; echo \"EXITED $?\""
        try sendLiteral(line)
        try send("Enter")
    }

    /// Named keys (`Enter`, `C-s`, `Tab`, `Right`, `Escape`…), each as tmux spells it.
    func send(_ keys: String...) throws {
        try server.sendKeys(keys)
    }

    /// Text typed as is.
    func sendLiteral(_ text: String) throws {
        try server.sendLiteral(text)
    }

    func capture() throws -> String {
        try server.capture()
    }

    func display(_ format: String) throws -> String {
        try server.display(format)
    }

    func resize(width: Int, height: Int) throws {
        try server.resize(width: width, height: height)
    }

    /// Polls the screen until `condition` holds; fails with the last screen after `timeout` seconds.
    @discardableResult
    func waitUntil(_ what: String, timeout: TimeInterval = 30, file: StaticString = #filePath, line: UInt = #line,
                   _ condition: (String) -> Bool) throws -> String {
        try server.waitUntil(what, timeout: timeout, condition)
    }

    @discardableResult
    func waitFor(_ text: String, timeout: TimeInterval = 30) throws -> String {
        try server.waitUntilScreenShows([text], timeout: timeout)
    }

    /// Polls until the screen shows every one of `texts` at once.
    @discardableResult
    func waitFor(all texts: [String], timeout: TimeInterval = 30) throws -> String {
        try server.waitUntilScreenShows(texts, timeout: timeout)
    }

    /// The handrail process running in the pane (the shell's child).
    func tuiProcess() throws -> pid_t {
        guard let shell = pid_t(try display("#{pane_pid}")) else { throw Failure(description: "no pane pid") }
        var child: pid_t?
        try HandrailTestSupport.waitUntil("a process under the pane's shell \(shell)", timeout: 10, interval: 0.02) {
            child = Self.children(of: shell).first
            return child != nil
        }
        return child!
    }

    /// Waits until process `pid` has exited (and been reaped by the pane's shell).
    func waitUntilGone(_ pid: pid_t, timeout: TimeInterval = 30) throws {
        try HandrailTestSupport.waitUntil("process \(pid) to exit", timeout: timeout, interval: 0.02) {
            kill(pid, 0) == -1 && errno == ESRCH
        }
    }

    // MARK: - The command line beside the TUI

    /// Runs `handrail ARGS` as a subprocess with the pane's environment (another terminal of the same operator).
    @discardableResult
    func handrail(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let out = folder.appendingPathComponent("cli-\(UUID().uuidString).out")
        try initialiseDatabase(before: arguments)
        let environment = ProcessInfo.processInfo.environment.merging(self.environment) { $1 }
        let status = try spawnAndWait(binary.path, arguments, environment: environment, output: out)
        return (status, (try? String(contentsOf: out, encoding: .utf8)) ?? "")
    }

    /// `handrail ARGS` as another operator; the session's own login acts again afterwards.
    func handrail(_ arguments: [String], as login: String) throws -> (status: Int32, output: String) {
        let own = environment["HANDRAIL_LOGIN"]
        environment["HANDRAIL_LOGIN"] = login
        defer { environment["HANDRAIL_LOGIN"] = own }
        return try handrail(arguments)
    }

    /// `handrail init` with the acting login as senior admin, before the first command on a
    /// database that is not the demo one (`launch` and `handrail` call it; a test typing the
    /// binary's command line itself calls it first).
    func initialiseDatabase(before arguments: [String], faketime: FakeTime? = nil) throws {
        let environment = ProcessInfo.processInfo.environment.merging(self.environment) { $1 }
        try DatabaseInit.ensure(binary: binary, environment: environment, before: arguments, senior: environment["HANDRAIL_LOGIN"] ?? "alice",
                                directory: folder, faketime: faketime)
    }

    // MARK: - Plumbing

    /// One tmux command against this test's server.
    @discardableResult
    func tmux(_ arguments: [String]) throws -> String {
        try server.run(arguments)
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
}

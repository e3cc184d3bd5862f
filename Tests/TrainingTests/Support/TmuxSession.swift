import Foundation
import HandrailTestSupport
import XCTest

/// A program running in a detached tmux session on a server of its own (`Tmux`), so that a test
/// can press keys and read the screen of a real terminal. Nothing waits a fixed time: every
/// expectation polls the pane until its text appears or a timeout passes. The pane stays after
/// the program exits (remain-on-exit), so its last output and exit status can be read. The
/// program runs under `sh`, which reaps it and prints its exit status.
final class TmuxSession {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    let server: Tmux

    /// Starts `command` with exactly `environment`, on a `width`×`height` terminal with no
    /// status line; under faketime from `time` when given.
    init(folder: URL, width: Int, height: Int, environment: [String: String], command: [String], time: FakeTime? = nil) throws {
        server = try Tmux(socket: "handrail-train-\(UUID().uuidString.prefix(8))", target: "train", scratch: folder,
                          configuration: ["set -g remain-on-exit on", "set -g status off", "set -g history-limit 5000"])
        var environment = environment
        var command = command
        if let time {
            command = [try Requirement.faketime()] + time.arguments + command
            environment.merge(FakeTime.environment) { $1 }
        }
        let env = environment.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        // Through sh, which waits for the program and prints its exit status when it ends.
        let line = command.map(shellQuoted).joined(separator: " ") + "; echo \"\(Self.exitMarker)$?\""
        try server.newSession(width: width, height: height, command: ["--", "/usr/bin/env", "-i"] + env + ["/bin/sh", "-c", line])
    }

    /// Stops this session's own tmux server (and the program in it, if still running).
    func kill() {
        server.killServer()
    }

    /// Keys by tmux name: `F2`, `C-r`, `Right`, `Enter`, `Tab`, `Escape`, `y`…
    func press(_ keys: String...) throws {
        try server.sendKeys(keys)
    }

    /// Text typed literally.
    func type(_ text: String) throws {
        try server.sendLiteral(text)
    }

    /// The screen as text; with `history`, everything the pane printed, wrapped lines joined.
    func capture(history: Bool = false) throws -> String {
        try server.capture(history: history)
    }

    /// Polls the screen until `predicate` holds; fails with the last screen after `timeout`.
    @discardableResult
    func waitFor(_ what: String, timeout: TimeInterval = 15, history: Bool = false,
                 file: StaticString = #filePath, line: UInt = #line, _ predicate: (String) -> Bool) throws -> String {
        try server.waitUntil(what, timeout: timeout, history: history, predicate)
    }

    /// Polls until the screen contains every one of `texts`.
    @discardableResult
    func waitFor(_ texts: String..., timeout: TimeInterval = 15, file: StaticString = #filePath, line: UInt = #line) throws -> String {
        try server.waitUntilScreenShows(texts, timeout: timeout)
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

import Foundation

/// What one finished child process did: its exit status (or the signal that ended it) and
/// exactly the bytes it wrote.
public struct ProcessResult: CustomStringConvertible, Sendable {
    public var executable: String
    public var arguments: [String]
    /// The exit code, or the signal number when `killedBySignal`.
    public var status: Int32
    public var killedBySignal: Bool
    public var stdout: Data
    public var stderr: Data

    public var out: String { String(decoding: stdout, as: UTF8.self) }
    public var err: String { String(decoding: stderr, as: UTF8.self) }

    public var description: String {
        "\(executable) \(arguments.map(\.debugDescription).joined(separator: " ")) → \(killedBySignal ? "signal" : "exit") \(status)"
            + "\n--- stdout\n\(out.prefix(4000))\n--- stderr\n\(err.prefix(4000))"
    }
}

/// A child process with everything a test decides about it: arguments, exactly this environment
/// (nothing inherited), a working folder, stdin from given bytes or /dev/null, and, optionally,
/// a wall clock set by `faketime`. Output goes to files, never pipes, so a child can neither block
/// on a full pipe nor lose what it wrote before it was killed; a child that outlives its timeout
/// is killed and reported.
public final class ChildProcess: @unchecked Sendable {
    public let process: Process
    public let executable: String
    public let arguments: [String]
    private let outURL: URL
    private let errURL: URL
    private let inURL: URL?
    private let finished = DispatchSemaphore(value: 0)

    /// Starts `executable ARGUMENTS`. Its output files (and stdin's, if any) are made in `scratch`
    /// and removed when it has been collected.
    public init(_ executable: URL, _ arguments: [String], environment: [String: String], directory: URL,
                scratch: URL, stdin: Data? = nil, faketime: FakeTime? = nil) throws {
        self.executable = executable.path
        self.arguments = arguments
        let name = UUID().uuidString
        outURL = scratch.appendingPathComponent(".out-\(name)")
        errURL = scratch.appendingPathComponent(".err-\(name)")
        inURL = stdin.map { _ in scratch.appendingPathComponent(".in-\(name)") }
        for url in [outURL, errURL] where !FileManager.default.createFile(atPath: url.path, contents: nil) {
            throw ProcessFailure("cannot create \(url.path)")
        }
        if let inURL, let stdin { try stdin.write(to: inURL) }
        let process = Process()
        if let faketime {
            process.executableURL = URL(fileURLWithPath: try Requirement.faketime())
            process.arguments = faketime.arguments + [executable.path] + arguments
            process.environment = environment.merging(FakeTime.environment) { $1 }
        } else {
            process.executableURL = executable
            process.arguments = arguments
            process.environment = environment
        }
        process.currentDirectoryURL = directory
        let out = try FileHandle(forWritingTo: outURL), err = try FileHandle(forWritingTo: errURL)
        let input = try inURL.map { try FileHandle(forReadingFrom: $0) }
        defer {
            try? out.close()
            try? err.close()
            try? input?.close()
        }
        process.standardInput = input ?? FileHandle.nullDevice
        process.standardOutput = out
        process.standardError = err
        let finished = self.finished
        process.terminationHandler = { _ in finished.signal() }
        self.process = process
        try process.run()
    }

    /// Runs `executable ARGUMENTS` to the end (see `init`); killed and reported as `TimedOut`
    /// after `timeout` seconds.
    public static func run(_ executable: URL, _ arguments: [String], environment: [String: String], directory: URL,
                           scratch: URL, stdin: Data? = nil, faketime: FakeTime? = nil,
                           timeout: TimeInterval = 60) throws -> ProcessResult {
        try ChildProcess(executable, arguments, environment: environment, directory: directory, scratch: scratch,
                         stdin: stdin, faketime: faketime).finish(timeout: timeout)
    }

    public var pid: pid_t { process.processIdentifier }

    /// True while the process has not been reaped.
    public var isRunning: Bool { process.isRunning }

    public func sigkill() {
        kill(pid, SIGKILL)
    }

    /// Waits for the process to end and collects what it wrote; kills it and throws `TimedOut`
    /// after `timeout` seconds.
    public func finish(timeout: TimeInterval = 60) throws -> ProcessResult {
        defer {
            for url in [outURL, errURL] + (inURL.map { [$0] } ?? []) { try? FileManager.default.removeItem(at: url) }
        }
        if finished.wait(timeout: .now() + timeout) == .timedOut {
            sigkill()
            process.waitUntilExit()
            throw TimedOut("\(executable) \(arguments) did not finish within \(Int(timeout)) s")
        }
        process.waitUntilExit()
        return ProcessResult(executable: executable, arguments: arguments, status: process.terminationStatus,
                             killedBySignal: process.terminationReason == .uncaughtSignal,
                             stdout: (try? Data(contentsOf: outURL)) ?? Data(), stderr: (try? Data(contentsOf: errURL)) ?? Data())
    }
}

/// Runs a program to completion with its output in a file, by posix_spawn and waitpid on its pid;
/// returns its exit status (128 + the signal when a signal ended it). Not Foundation's Process:
/// `tmux new-session` leaves behind a server that inherits whatever the client had open, and
/// Process's wait for the client then never ends.
public func spawnAndWait(_ executable: String, _ arguments: [String], environment: [String: String], output: URL) throws -> Int32 {
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 1, output.path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    posix_spawn_file_actions_adddup2(&actions, 1, 2)
    let argv = ([executable] + arguments).map { strdup($0) } + [nil]
    let envp = environment.sorted { $0.key < $1.key }.map { strdup("\($0.key)=\($0.value)") } + [nil]
    defer {
        argv.forEach { free($0) }
        envp.forEach { free($0) }
    }
    var pid: pid_t = 0
    let rc = posix_spawn(&pid, executable, &actions, nil, argv, envp)
    guard rc == 0 else { throw ProcessFailure("cannot run \(executable): \(String(cString: strerror(rc)))") }
    var status: Int32 = 0
    while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
    // WIFEXITED / WEXITSTATUS, which Swift cannot import (they are macros).
    return status & 0x7F == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
}

/// A child process that could not be started.
public struct ProcessFailure: Error, CustomStringConvertible {
    public var description: String

    public init(_ description: String) {
        self.description = description
    }
}

/// A word as a POSIX shell reads it back: single-quoted.
public func shellQuoted(_ s: String) -> String {
    "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'"
}

import Foundation
import HandrailTestSupport
import XCTest

/// Runs the real `handrail` binary as child processes against one fresh temporary database:
/// to completion, killed with SIGKILL at a chosen moment, or several released at once from a
/// barrier. Output goes to files, never pipes, so a child can neither block on a full pipe nor
/// lose what it wrote before it was killed.
final class ReliabilityHarness {
    static let runbooks = PackagePaths.runbooks

    /// `.build/debug/handrail`, beside the test bundle when `swift test` built it there;
    /// `$HANDRAIL_RELIABILITY_BINARY` runs these tests against another build (a release, say).
    static func binary() throws -> URL {
        if let path = ProcessInfo.processInfo.environment["HANDRAIL_RELIABILITY_BINARY"], !path.isEmpty {
            guard FileManager.default.isExecutableFile(atPath: path) else {
                throw MissingRequirement("HANDRAIL_RELIABILITY_BINARY=\(path) is not an executable")
            }
            return URL(fileURLWithPath: path)
        }
        return try HandrailExecutable.locate()
    }

    let binary: URL
    let folder: URL
    let database: String
    private var counter = 0

    /// The personal demo database (`$XDG_DATA_HOME/handrail/demo.db`), which its first run
    /// creates, rather than a database made by `handrail init` before the first command.
    let demo: Bool

    init(demo: Bool = false) throws {
        binary = try Self.binary()
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("handrail-reliability-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        database = demo ? folder.appendingPathComponent("handrail/demo.db").path : folder.appendingPathComponent("handrail.db").path
        self.demo = demo
    }

    deinit {
        try? FileManager.default.removeItem(at: folder)
    }

    /// ManualConsole, explicitly: these tests type facts and attest actions. Nothing is read from
    /// the user's own home or configuration.
    func environment(login: String) -> [String: String] {
        [
            "HANDRAIL_DB": demo ? "" : database, "HANDRAIL_RUNBOOKS": Self.runbooks.path, "HANDRAIL_LOGIN": login, "HANDRAIL_PLATFORM": "manual",
            "PATH": "/usr/bin:/bin", "HOME": folder.path, "XDG_DATA_HOME": folder.path, "XDG_CONFIG_HOME": folder.path,
            "LANG": "C.UTF-8", "TZ": "UTC",
        ]
    }

    // MARK: - Running

    /// Starts `handrail ARGS` as `login`.
    func start(_ arguments: [String], as login: String) throws -> ReliabilityChild {
        if !demo {
            try DatabaseInit.ensure(binary: binary, environment: environment(login: login), before: arguments, senior: login, directory: folder)
        }
        return try start(executable: binary, arguments: arguments, login: login, shown: arguments)
    }

    /// `shown` is what reports name: the handrail arguments, not the barrier's shell around them.
    private func start(executable: URL, arguments: [String], login: String, shown: [String]) throws -> ReliabilityChild {
        let child = try ChildProcess(executable, arguments, environment: environment(login: login), directory: folder, scratch: folder)
        return ReliabilityChild(child: child, arguments: shown, login: login)
    }

    /// Runs `handrail ARGS` as `login` to the end.
    @discardableResult
    func run(_ arguments: [String], as login: String, file: StaticString = #filePath, line: UInt = #line) throws -> ReliabilityResult {
        try start(arguments, as: login).finish(file: file, line: line)
    }

    /// Starts one `handrail` per entry, each held at a barrier until all are ready, then releases
    /// them together and waits for all: the commands really race for the database.
    func race(_ commands: [(arguments: [String], login: String)], file: StaticString = #filePath,
              line: UInt = #line) throws -> [ReliabilityResult] {
        counter += 1
        let fifo = folder.appendingPathComponent("go-\(counter)").path
        guard mkfifo(fifo, 0o600) == 0 else { throw ReliabilityError("mkfifo \(fifo): \(String(cString: strerror(errno)))") }
        // Held open for writing (O_RDWR never blocks on a FIFO) until every child has exited, so a
        // child that reaches its `read` late still finds its line instead of blocking on open.
        let gate = open(fifo, O_RDWR | O_CLOEXEC)
        guard gate >= 0 else { throw ReliabilityError("open \(fifo): \(String(cString: strerror(errno)))") }
        defer { close(gate) }
        var children: [ReliabilityChild] = []
        var readyFiles: [String] = []
        for (index, command) in commands.enumerated() {
            let ready = folder.appendingPathComponent("ready-\(counter)-\(index)").path
            readyFiles.append(ready)
            // The shell announces itself, waits for its line, then becomes handrail (exec: same pid).
            let script = #": > "$1"; read line < "$2"; shift 2; exec "$@""#
            children.append(try start(executable: URL(fileURLWithPath: "/bin/sh"),
                                      arguments: ["-c", script, "sh", ready, fifo, binary.path] + command.arguments,
                                      login: command.login, shown: command.arguments))
        }
        try ReliabilityHarness.waitUntil("all \(commands.count) racers at the barrier", timeout: 20) {
            readyFiles.allSatisfy { FileManager.default.fileExists(atPath: $0) }
        }
        let lines = [UInt8](repeating: UInt8(ascii: "\n"), count: commands.count)
        guard lines.withUnsafeBytes({ write(gate, $0.baseAddress, $0.count) }) == commands.count else {
            throw ReliabilityError("could not release the racers")
        }
        return try children.map { try $0.finish(file: file, line: line) }
    }

    // MARK: - A desk to race on

    /// Adds each login to the roster as an agent, `lead` (the database's first operator, so its
    /// senior admin) adding them.
    func enrol(_ logins: [String]) throws {
        for login in logins {
            let added = try run(["operator", "add", login, "--role", "agent"], as: "lead")
            guard added.status == 0 else { throw ReliabilityError("could not enrol \(login): \(added)") }
        }
    }

    /// A case on `subject` opened by `login`, who then holds it; its id.
    func openCase(_ subject: String, as login: String) throws -> String {
        let opened = try run(["case", "open", "--subject", subject], as: login)
        let id = opened.out.trimmingCharacters(in: .whitespacesAndNewlines)
        guard opened.status == 0, !id.isEmpty else { throw ReliabilityError("case open printed no id: \(opened)") }
        return id
    }

    /// Each racer exited 0, by itself, without a word of a busy or locked database.
    static func assertAllSucceeded(_ results: [ReliabilityResult], file: StaticString = #filePath, line: UInt = #line) {
        for result in results {
            XCTAssertEqual(result.status, 0, "\(result)", file: file, line: line)
            XCTAssertFalse(result.killedBySignal, "\(result)", file: file, line: line)
            XCTAssertFalse(result.mentionsBusyDatabase, "\(result)", file: file, line: line)
        }
    }

    /// The whole log as `lead` reads it, checked to be one gapless global sequence.
    func gaplessLog(file: StaticString = #filePath, line: UInt = #line) throws -> [LoggedEvent] {
        let audit = try run(["audit", "--format", "json"], as: "lead")
        XCTAssertEqual(audit.status, 0, "\(audit)", file: file, line: line)
        let events = try LoggedEvent.parse(audit.out)
        XCTAssertEqual(events.map(\.seq), LoggedEvent.consecutive(events), "one gapless global sequence", file: file, line: line)
        return events
    }

    // MARK: - The database, watched from outside

    /// Size and modification time of the write-ahead log: a commit is the only thing that
    /// writes it (a checkpoint writes the database file, opening only reads the log).
    func walSignature() -> WALSignature? {
        var info = stat()
        guard stat(database + "-wal", &info) == 0 else { return nil }
        return WALSignature(size: Int64(info.st_size), seconds: Int64(info.st_mtim.tv_sec), nanoseconds: Int64(info.st_mtim.tv_nsec))
    }
}

struct WALSignature: Equatable {
    var size: Int64
    var seconds: Int64
    var nanoseconds: Int64
}

/// One running `handrail`.
final class ReliabilityChild {
    let child: ChildProcess
    let arguments: [String]
    let login: String

    init(child: ChildProcess, arguments: [String], login: String) {
        self.child = child
        self.arguments = arguments
        self.login = login
    }

    var pid: pid_t { child.pid }

    /// True while the process has not been reaped.
    var isRunning: Bool { child.isRunning }

    func sigkill() {
        child.sigkill()
    }

    /// Waits for the process to end (killed after `timeout`) and collects what it wrote.
    func finish(timeout: TimeInterval = 30, file: StaticString = #filePath, line: UInt = #line) throws -> ReliabilityResult {
        let result: ProcessResult
        do {
            result = try child.finish(timeout: timeout)
        } catch {
            XCTFail("handrail \(arguments.joined(separator: " ")): \(error)", file: file, line: line)
            throw error
        }
        return ReliabilityResult(arguments: arguments, login: login, status: result.status, killedBySignal: result.killedBySignal,
                                 out: result.out, err: result.err)
    }
}

struct ReliabilityResult: CustomStringConvertible {
    var arguments: [String]
    var login: String
    /// The exit code, or the signal number when `killedBySignal`.
    var status: Int32
    var killedBySignal: Bool
    var out: String
    var err: String

    var wasSIGKILLed: Bool { killedBySignal && status == SIGKILL }

    var description: String {
        "handrail \(arguments.joined(separator: " ")) as \(login): \(killedBySignal ? "signal" : "exit") \(status)\n"
            + "stdout: \(out)\nstderr: \(err)"
    }

    /// Anything that says SQLite's lock leaked out to the operator.
    var mentionsBusyDatabase: Bool {
        let text = (out + err).lowercased()
        return text.contains("sqlite_busy") || text.contains("database is locked") || text.contains("database is busy")
            || text.contains("sqlite_locked")
    }
}

struct ReliabilityError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

extension ReliabilityHarness {
    /// Polls `condition` every `interval` microseconds until it holds, or throws after `timeout` seconds.
    static func waitUntil(_ what: String, timeout: TimeInterval, interval: UInt32 = 200, _ condition: () -> Bool) throws {
        try HandrailTestSupport.waitUntil(what, timeout: timeout, interval: TimeInterval(interval) / 1_000_000, condition)
    }
}

/// A small deterministic generator, so a failing run can be replayed from its printed seed.
struct ReliabilityRandom: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// One row of `handrail audit --format json`.
struct LoggedEvent: Equatable {
    /// The sequence numbers a gapless run of `events` has: consecutive from the first. (The
    /// roster's events, added before a case, come first in the chain.)
    static func consecutive(_ events: [LoggedEvent]) -> [Int] {
        let first = events.first?.seq ?? 1
        return Array(first..<(first + events.count))
    }

    var seq: Int
    var type: String
    var caseID: String
    var actor: String
    /// The keys of a `facts.recorded` event's facts.
    var factKeys: Set<String>
    var idempotencyKey: String?

    static func parse(_ text: String) throws -> [LoggedEvent] {
        guard let rows = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[String: Any]] else {
            throw ReliabilityError("audit output is not a JSON array: \(text)")
        }
        // Roster and session events (pseudo-cases `~roster`, `~sessions`) share the chain; these
        // tests are about cases, so they are left out (see `LoggedEvent.consecutive`).
        return try rows.compactMap { row in
            guard let seq = row["seq"] as? Int, let type = row["event"] as? String, let caseID = row["case"] as? String,
                  let actor = row["actor"] as? String else { throw ReliabilityError("audit row lacks seq, event, case or actor: \(row)") }
            if caseID.hasPrefix("~") { return nil }
            let payload = row["payload"] as? [String: Any] ?? [:]
            let facts = payload["facts"] as? [String: Any] ?? [:]
            return LoggedEvent(seq: seq, type: type, caseID: caseID, actor: actor, factKeys: Set(facts.keys),
                               idempotencyKey: payload["idempotencyKey"] as? String)
        }
    }
}

/// The fields of `handrail case show ID --json` and `case list --json` these tests compare.
struct CaseSummary: Equatable {
    var id: String
    var status: String
    var step: String
    /// `case show` only: the number of events it replayed.
    var events: Int?
    var holder: String?

    init(id: String, status: String, step: String, events: Int? = nil, holder: String? = nil) {
        self.id = id
        self.status = status
        self.step = step
        self.events = events
        self.holder = holder
    }

    init(json object: [String: Any]) throws {
        guard let id = object["id"] as? String, let status = object["status"] as? String, let step = object["step"] as? String else {
            throw ReliabilityError("case JSON lacks id, status or step: \(object)")
        }
        self.init(id: id, status: status, step: step, events: object["events"] as? Int, holder: object["holder"] as? String)
    }

    static func parseShow(_ text: String) throws -> CaseSummary {
        guard let object = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else {
            throw ReliabilityError("case show output is not a JSON object: \(text)")
        }
        return try CaseSummary(json: object)
    }

    static func parseList(_ text: String) throws -> [CaseSummary] {
        guard let rows = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[String: Any]] else {
            throw ReliabilityError("case list output is not a JSON array: \(text)")
        }
        return try rows.map(CaseSummary.init(json:))
    }
}

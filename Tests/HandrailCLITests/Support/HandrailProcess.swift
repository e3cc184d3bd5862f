import Foundation
import HandrailTestSupport
import XCTest

/// The built `handrail` executable run as a subprocess, the way an operator's shell or a script
/// runs it: one fresh temporary database per instance, the package's Runbooks, the ManualConsole
/// platform, UTC, and the acting login in `HANDRAIL_LOGIN`. Every command runs on `clock`, a wall
/// clock set with faketime that stands still during a command and moves on a second between
/// commands: what the commands record is in strictly increasing time, far from midnight, the same
/// on every run. Output goes to files, not pipes (see `ChildProcess`); a child that hangs is
/// killed and reported.
final class HandrailProcess {
    /// One finished command: its exit status and exactly the bytes it wrote.
    struct Run: CustomStringConvertible {
        var arguments: [String]
        var login: String
        var status: Int32
        var stdout: Data
        var stderr: Data

        var out: String { String(decoding: stdout, as: UTF8.self) }
        var err: String { String(decoding: stderr, as: UTF8.self) }

        var description: String {
            "HANDRAIL_LOGIN=\(login.debugDescription) handrail \(arguments.map(\.debugDescription).joined(separator: " ")) → exit \(status)"
                + "\n--- stdout\n\(out.prefix(4000).debugDescription)\n--- stderr\n\(err.prefix(4000).debugDescription)"
        }
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    static let runbooks = PackagePaths.runbooks

    /// How long one command may take before it is killed as hung.
    static let timeout: TimeInterval = 60

    let binary: URL
    /// A fresh folder for this instance: the database, the commands' output files, scratch files.
    let folder: URL
    /// The database every command uses (through `HANDRAIL_DB`) unless it passes `--db`; made by
    /// `handrail init` before the first command, with that command's login as its senior admin.
    let database: String
    /// The login commands act as unless `run(_:as:)` names another.
    var login: String
    /// The wall clock the commands see.
    let clock = FakeClock()

    init(login: String = "alice") throws {
        binary = try HandrailExecutable.locate()
        _ = try Requirement.faketime()
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("handrail-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        database = folder.appendingPathComponent("handrail.db").path
        self.login = login
    }

    /// Writes the user's configuration file (`$HOME/.config/handrail/config.json5`) the commands read.
    func configure(_ text: String) throws {
        let folder = self.folder.appendingPathComponent(".config/handrail")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try text.write(to: folder.appendingPathComponent("config.json5"), atomically: true, encoding: .utf8)
    }

    deinit {
        try? FileManager.default.removeItem(at: folder)
    }

    /// The environment a command runs in: nothing inherited but what a shell must have.
    func environment(login: String) -> [String: String] {
        ["PATH": "/usr/bin:/bin", "HOME": folder.path, "XDG_DATA_HOME": folder.path, "LANG": "C.UTF-8", "TZ": "UTC",
         "HANDRAIL_DB": database, "HANDRAIL_RUNBOOKS": Self.runbooks.path, "HANDRAIL_LOGIN": login, "HANDRAIL_PLATFORM": "manual"]
    }

    /// Runs `handrail ARGUMENTS` as `login` (default: `self.login`), with `environment` laid over the usual one;
    /// `under` a program that runs it (such as `strace` and its options), if one is given.
    @discardableResult
    func run(_ arguments: [String], as login: String? = nil, environment extra: [String: String] = [:],
             under wrapper: [String] = []) throws -> Run {
        let login = login ?? self.login
        let environment = environment(login: login).merging(extra) { $1 }
        if extra["HANDRAIL_DB"] == nil {
            try DatabaseInit.ensure(binary: binary, environment: environment, before: arguments, senior: login, directory: folder,
                                    faketime: .frozen(clock.now))
        }
        let (executable, argv) = wrapper.first.map { (URL(fileURLWithPath: $0), Array(wrapper.dropFirst()) + [binary.path] + arguments) }
            ?? (binary, arguments)
        let result = try ChildProcess.run(executable, argv, environment: environment,
                                          directory: folder, scratch: folder, faketime: clock.tick(), timeout: Self.timeout)
        return Run(arguments: arguments, login: login, status: result.status, stdout: result.stdout, stderr: result.stderr)
    }

    // MARK: - Reading what was recorded

    /// The parsed JSON a command printed on stdout; fails unless it exited 0.
    func json(_ arguments: [String], as login: String? = nil) throws -> Any {
        let run = try run(arguments, as: login)
        guard run.status == 0 else { throw Failure(description: "expected exit 0:\n\(run)") }
        return try JSONSerialization.jsonObject(with: run.stdout)
    }

    /// `case show ID --json`.
    func show(_ caseID: String) throws -> [String: Any] {
        guard let object = try json(["case", "show", caseID, "--json"]) as? [String: Any] else {
            throw Failure(description: "case show \(caseID) --json is not an object")
        }
        return object
    }

    /// `audit [filters] --format json`, one object per event.
    func audit(_ filters: [String] = []) throws -> [[String: Any]] {
        guard let rows = try json(["audit"] + filters + ["--format", "json"]) as? [[String: Any]] else {
            throw Failure(description: "audit --format json is not an array of objects")
        }
        return rows
    }

    /// The event types of one case, in log order, from `audit --case ID --format json`.
    func eventTypes(_ caseID: String) throws -> [String] {
        try audit(["--case", caseID]).map { $0["event"] as? String ?? "?" }
    }

    /// Today's date as the commands see it (they run with TZ=UTC on `clock`): YYYY-MM-DD.
    var today: String { clock.today }

    /// A scratch path inside this instance's folder.
    func path(_ name: String) -> String {
        folder.appendingPathComponent(name).path
    }
}

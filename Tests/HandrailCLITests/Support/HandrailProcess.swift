import Foundation
import XCTest

/// The built `handrail` executable run as a subprocess, the way an operator's shell or a script
/// runs it: one fresh temporary database per instance, the package's Runbooks, the ManualConsole
/// platform, UTC, and the acting login in `HANDRAIL_LOGIN`. Output goes to files, not pipes, so a child can never block
/// on a full pipe however much it writes; a child that hangs is killed and reported.
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

    /// The package root, from this file's place in it (Tests/HandrailCLITests/Support/…).
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    static let runbooks = packageRoot.appendingPathComponent("Runbooks")

    /// `.build/debug/handrail`: beside the test bundle (on Linux the `.xctest` bundle sits in
    /// `.build/debug`), else in the package's own build folder.
    static func locateBinary() throws -> URL {
        var folders = [Bundle(for: HandrailProcess.self).bundleURL.deletingLastPathComponent(),
                       Bundle.main.bundleURL, Bundle.main.bundleURL.deletingLastPathComponent()]
        folders += Bundle.allBundles.filter { $0.bundleURL.pathExtension == "xctest" }.map { $0.bundleURL.deletingLastPathComponent() }
        if let first = CommandLine.arguments.first { folders.append(URL(fileURLWithPath: first).deletingLastPathComponent()) }
        folders.append(packageRoot.appendingPathComponent(".build/debug"))
        let candidates = folders.map { $0.appendingPathComponent("handrail") }
        guard let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0.path) }) else {
            throw Failure(description: "no handrail executable beside the test bundle (looked in \(folders.map(\.path))); run swift build")
        }
        return found
    }

    /// How long one command may take before it is killed as hung.
    static let timeout: TimeInterval = 60

    let binary: URL
    /// A fresh folder for this instance: the database, the commands' output files, scratch files.
    let folder: URL
    /// The database every command uses (through `HANDRAIL_DB`) unless it passes `--db`.
    let database: String
    /// The login commands act as unless `run(_:as:)` names another.
    var login: String
    private var counter = 0

    init(login: String = "alice") throws {
        binary = try Self.locateBinary()
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("handrail-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        database = folder.appendingPathComponent("handrail.db").path
        self.login = login
    }

    deinit {
        try? FileManager.default.removeItem(at: folder)
    }

    /// The environment a command runs in: nothing inherited but what a shell must have.
    func environment(login: String) -> [String: String] {
        ["PATH": "/usr/bin:/bin", "HOME": folder.path, "XDG_DATA_HOME": folder.path, "LANG": "C.UTF-8", "TZ": "UTC",
         "HANDRAIL_DB": database, "HANDRAIL_RUNBOOKS": Self.runbooks.path, "HANDRAIL_LOGIN": login, "HANDRAIL_PLATFORM": "manual"]
    }

    /// Runs `handrail ARGUMENTS` as `login` (default: `self.login`), with `environment` laid over the usual one.
    @discardableResult
    func run(_ arguments: [String], as login: String? = nil, environment extra: [String: String] = [:]) throws -> Run {
        let login = login ?? self.login
        counter += 1
        let outURL = folder.appendingPathComponent("stdout-\(counter)"), errURL = folder.appendingPathComponent("stderr-\(counter)")
        try Data().write(to: outURL)
        try Data().write(to: errURL)
        let out = try FileHandle(forWritingTo: outURL), err = try FileHandle(forWritingTo: errURL)
        defer {
            try? out.close()
            try? err.close()
            try? FileManager.default.removeItem(at: outURL)
            try? FileManager.default.removeItem(at: errURL)
        }
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        process.currentDirectoryURL = folder
        process.environment = environment(login: login).merging(extra) { $1 }
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = out
        process.standardError = err
        let finished = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in finished.signal() }
        try process.run()
        if finished.wait(timeout: .now() + Self.timeout) == .timedOut {
            process.terminate()
            process.waitUntilExit()
            throw Failure(description: "handrail \(arguments) did not finish within \(Int(Self.timeout)) s")
        }
        process.waitUntilExit()
        return Run(arguments: arguments, login: login, status: process.terminationStatus,
                   stdout: try Data(contentsOf: outURL), stderr: try Data(contentsOf: errURL))
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

    /// Today's date as the commands see it (they run with TZ=UTC): YYYY-MM-DD.
    static var today: String {
        var t = time_t(Int64(Date().timeIntervalSince1970))
        var parts = tm()
        gmtime_r(&t, &parts)
        return String(format: "%04d-%02d-%02d", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1, Int(parts.tm_mday))
    }

    /// A scratch path inside this instance's folder.
    func path(_ name: String) -> String {
        folder.appendingPathComponent(name).path
    }
}

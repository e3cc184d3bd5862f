import Foundation
import HandrailTestSupport
import XCTest

/// The built `handrail` executable, run as a subprocess the way a trainee's or a senior's shell
/// runs it: a fresh folder per instance holding the real database (`HANDRAIL_DB`), the package's
/// Runbooks, UTC, and the acting login in `HANDRAIL_LOGIN`. Output goes to files, never pipes, so
/// a child can never block on a full pipe; a child that hangs is killed and reported. Optionally
/// on a wall clock of the test's choosing (`clock`).
final class HandrailBinary {
    struct Run: CustomStringConvertible {
        var arguments: [String]
        var login: String
        var status: Int32
        var out: String
        var err: String

        var description: String {
            "HANDRAIL_LOGIN=\(login) handrail \(arguments.joined(separator: " ")) → exit \(status)\n--- stdout\n\(out)--- stderr\n\(err)"
        }
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    static let timeout: TimeInterval = 60

    let binary: URL
    let folder: URL
    /// The real database: what `HANDRAIL_DB` points at.
    let database: String
    /// When set, the wall clock every command sees (faketime): frozen during a command, a step on after it.
    let clock: FakeClock?

    init(clock: FakeClock? = nil) throws {
        binary = try HandrailExecutable.locate()
        if clock != nil { _ = try Requirement.faketime() }
        self.clock = clock
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("handrail-training-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        database = folder.appendingPathComponent("h.db").path
    }

    deinit {
        try? FileManager.default.removeItem(at: folder)
    }

    /// Where `handrail train` keeps its own database: a `training` folder beside the real one.
    var trainingDatabase: String { folder.appendingPathComponent("training/training.db").path }

    func environment(login: String) -> [String: String] {
        ["PATH": "/usr/bin:/bin", "HOME": folder.path, "XDG_DATA_HOME": folder.path, "LANG": "C.UTF-8", "TZ": "UTC",
         "HANDRAIL_DB": database, "HANDRAIL_RUNBOOKS": PackagePaths.runbooks.path, "HANDRAIL_LOGIN": login]
    }

    @discardableResult
    func run(_ arguments: [String], as login: String) throws -> Run {
        try DatabaseInit.ensure(binary: binary, environment: environment(login: login), before: arguments, senior: login, directory: folder,
                                faketime: clock.map { .frozen($0.now) })
        let result = try ChildProcess.run(binary, arguments, environment: environment(login: login), directory: folder, scratch: folder,
                                          faketime: clock?.tick(), timeout: Self.timeout)
        return Run(arguments: arguments, login: login, status: result.status, out: result.out, err: result.err)
    }

    /// Runs and asserts the exit status; the whole run is the failure message.
    @discardableResult
    func run(_ arguments: [String], as login: String, expect status: Int32,
             file: StaticString = #filePath, line: UInt = #line) throws -> Run {
        let run = try run(arguments, as: login)
        XCTAssertEqual(run.status, status, "\(run)", file: file, line: line)
        return run
    }

    /// `audit --format json` on the real database: one object per event.
    func audit(_ filters: [String] = [], as login: String) throws -> [[String: Any]] {
        let run = try run(["audit"] + filters + ["--format", "json"], as: login)
        guard run.status == 0 else { throw Failure(description: "audit failed:\n\(run)") }
        guard let rows = try JSONSerialization.jsonObject(with: Data(run.out.utf8)) as? [[String: Any]] else {
            throw Failure(description: "audit --format json is not an array of objects:\n\(run.out)")
        }
        return rows
    }
}

import Foundation
import XCTest

/// The built `handrail` executable, run as a subprocess the way a trainee's or a senior's shell
/// runs it: a fresh folder per instance holding the real database (`HANDRAIL_DB`), the package's
/// Runbooks, UTC, and the acting login in `HANDRAIL_LOGIN`. Output goes to files, never pipes, so
/// a child can never block on a full pipe; a child that hangs is killed and reported.
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

    /// `.build/debug/handrail`: beside the test bundle (on Linux the `.xctest` bundle sits in
    /// `.build/debug`), else in the package's own build folder.
    static func locate() throws -> URL {
        var folders = Bundle.allBundles.filter { $0.bundleURL.pathExtension == "xctest" }.map { $0.bundleURL.deletingLastPathComponent() }
        folders.append(Bundle(for: HandrailBinary.self).bundleURL.deletingLastPathComponent())
        folders.append(TrainingFiles.packageRoot.appendingPathComponent(".build/debug"))
        guard let found = folders.map({ $0.appendingPathComponent("handrail") })
            .first(where: { FileManager.default.isExecutableFile(atPath: $0.path) }) else {
            throw Failure(description: "no handrail executable (looked in \(folders.map(\.path))); run swift build")
        }
        return found
    }

    let binary: URL
    let folder: URL
    /// The real database: what `HANDRAIL_DB` points at.
    let database: String
    private var counter = 0

    init() throws {
        binary = try Self.locate()
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
         "HANDRAIL_DB": database, "HANDRAIL_RUNBOOKS": TrainingFiles.runbooks.path, "HANDRAIL_LOGIN": login]
    }

    @discardableResult
    func run(_ arguments: [String], as login: String) throws -> Run {
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
        process.environment = environment(login: login)
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
                   out: String(decoding: try Data(contentsOf: outURL), as: UTF8.self),
                   err: String(decoding: try Data(contentsOf: errURL), as: UTF8.self))
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

import Engine
import Foundation
import HandrailTestSupport
import Runbook
import XCTest

/// Every runbook under `Fixtures/broken` and `Fixtures/valid` is checked and its output compared,
/// exactly, with the `.expected` file beside it: the lines `handrail runbook check NAME.json5`
/// prints when run in the fixture's folder (so FILE is the fixture's file name).
///
/// The fixtures are discovered, not listed: adding `NAME.json5` with its `NAME.expected` adds a
/// case, and a fixture without its `.expected` (or the reverse) fails the suite. Each failure
/// names the fixture. To write a new `.expected`, run the check in the fixture's folder and read
/// every line before keeping it: the file states what the checker must say.
final class BrokenFixtureTests: XCTestCase {

    // MARK: - Discovery

    func testEveryFixtureHasAnExpectedFileAndTheFoldersAreNotEmpty() throws {
        let discovery = try FixtureDiscovery(root: Self.fixturesDirectory)
        XCTAssertEqual(discovery.problems, [], "every NAME.json5 needs a NAME.expected beside it, and the reverse")
        XCTAssertGreaterThanOrEqual(discovery.fixtures.filter { $0.kind == .broken }.count, 14)
        XCTAssertGreaterThanOrEqual(discovery.fixtures.filter { $0.kind == .valid }.count, 1)
    }

    func testDiscoveryReportsAFixtureWithoutItsExpectedFile() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("handrail-fixtures-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        for folder in ["broken", "valid"] {
            try FileManager.default.createDirectory(at: root.appendingPathComponent(folder), withIntermediateDirectories: true)
        }
        try Data("{}".utf8).write(to: root.appendingPathComponent("broken/paired.json5"))
        try Data("x".utf8).write(to: root.appendingPathComponent("broken/paired.expected"))
        try Data("{}".utf8).write(to: root.appendingPathComponent("broken/lonely.json5"))
        try Data("x".utf8).write(to: root.appendingPathComponent("valid/orphan.expected"))

        let discovery = try FixtureDiscovery(root: root)
        XCTAssertEqual(discovery.fixtures.map(\.name), ["paired.json5"])
        XCTAssertEqual(discovery.problems, ["broken/lonely.json5 has no broken/lonely.expected",
                                            "valid/orphan.expected has no valid/orphan.json5"])
    }

    // MARK: - The checker, in process

    func testCheckerOutputMatchesTheExpectedFileForEveryFixture() throws {
        let discovery = try FixtureDiscovery(root: Self.fixturesDirectory)
        XCTAssertFalse(discovery.fixtures.isEmpty)
        for fixture in discovery.fixtures {
            // Read as bytes, as `runbook check` reads a file: a fixture may hold bytes that are not UTF-8.
            let outcome = EngineVocabulary.load(try Data(contentsOf: fixture.url))
            switch (fixture.kind, outcome) {
            case (.valid, .invalid(let problems)):
                XCTFail("\(fixture.path) should be valid, but: \(problems.map(\.description))")
            case (.broken, .valid):
                XCTFail("\(fixture.path) should have problems, but it loads")
            default:
                break
            }
            XCTAssertEqual(Self.checkOutput(fileName: fixture.name, outcome: outcome), try fixture.expected(),
                           "\(fixture.path): the checker's output differs from \(fixture.expectedPath)")
        }
    }

    /// Between them, the fixtures make the checker report every kind of problem it knows.
    func testFixturesCoverEveryKindOfProblem() throws {
        var seen: Set<String> = []
        for fixture in try FixtureDiscovery(root: Self.fixturesDirectory).fixtures where fixture.kind == .broken {
            if case .invalid(let problems) = EngineVocabulary.load(try Data(contentsOf: fixture.url)) {
                seen.formUnion(problems.map(\.kind.rawValue))
            }
        }
        let kinds: [RunbookProblem.Kind] = [.syntax, .missingKey, .wrongType, .unknownKey, .duplicateKey, .duplicateID,
                                            .invalidValue, .unknownStep, .unreachableStep, .deadEnd, .terminalWithExits,
                                            .unknownCheck, .unknownAction, .unknownFact, .unknownField, .unknownFieldType,
                                            .unknownTemplate, .unknownTemplateVariable, .fallbackNotLast]
        XCTAssertEqual(Set(kinds.map(\.rawValue)).subtracting(seen), [], "kinds of problem no broken fixture shows")
    }

    // MARK: - The real binary

    /// The built `handrail` run as a process on every fixture, from the fixture's folder:
    /// the same lines on stdout, nothing on stderr, and exit 3 for problems, 0 for valid.
    func testHandrailBinaryPrintsTheExpectedLinesAndExitsWithTheRightCode() throws {
        let handrail = try Self.handrailBinary()
        for fixture in try FixtureDiscovery(root: Self.fixturesDirectory).fixtures {
            let run = try Self.run(handrail, ["runbook", "check", fixture.name], in: fixture.folder)
            XCTAssertEqual(run.out, try fixture.expected(), "\(fixture.path): stdout differs from \(fixture.expectedPath)")
            XCTAssertEqual(run.err, "", fixture.path)
            XCTAssertEqual(run.status, fixture.kind == .broken ? 3 : 0, "\(fixture.path): exit status")
        }
    }

    func testHandrailBinaryExitCodesForSeveralFiles() throws {
        let handrail = try Self.handrailBinary()
        let root = Self.fixturesDirectory

        let valid = try Self.run(handrail, ["runbook", "check", "valid/minimal.json5"], in: root)
        XCTAssertEqual(valid.status, 0)
        XCTAssertEqual(valid.out, "valid/minimal.json5: ok: minimal v1, 5 steps\n")

        // Any file with problems makes the whole check exit 3; every file is still reported.
        let mixed = try Self.run(handrail, ["runbook", "check", "valid/minimal.json5", "broken/unknown_check.json5",
                                            "broken/dead_end.json5"], in: root)
        XCTAssertEqual(mixed.status, 3)
        XCTAssertEqual(mixed.out.split(separator: "\n").map(String.init), [
            "valid/minimal.json5: ok: minimal v1, 5 steps",
            #"broken/unknown_check.json5:53:16: $.steps[2].checks[0]: unknown check "verificationFrsh" (did you mean "verificationFresh"?)"#,
            "broken/unknown_check.json5: 1 problem",
            #"broken/dead_end.json5:38:5: $.steps[1]: step "self_service" is a dead end: it has no transitions and is not terminal"#,
            "broken/dead_end.json5: 1 problem",
        ])

        // A file that does not exist is a usage error, and outranks problems found in the others.
        let missing = try Self.run(handrail, ["runbook", "check", "broken/dead_end.json5", "no-such-runbook.json5"], in: root)
        XCTAssertEqual(missing.status, 2)
        XCTAssertEqual(missing.err, "no-such-runbook.json5: no such file\n")

        let nothing = try Self.run(handrail, ["runbook", "check"], in: root)
        XCTAssertEqual(nothing.status, 2)
        XCTAssertEqual(nothing.out, "")
    }

    // MARK: - Helpers

    static var fixturesDirectory: URL {
        Bundle.module.url(forResource: "Fixtures", withExtension: nil)!
    }

    /// What `handrail runbook check FILE` prints on stdout for one file named `fileName`.
    static func checkOutput(fileName: String, outcome: RunbookLoader.Outcome) -> String {
        switch outcome {
        case .valid(let runbook):
            return "\(fileName): ok: \(runbook.id) v\(runbook.version), \(runbook.steps.count) steps\n"
        case .invalid(let problems):
            let lines = problems.map { $0.formatted(file: fileName) }
                + ["\(fileName): \(problems.count) problem\(problems.count == 1 ? "" : "s")"]
            return lines.joined(separator: "\n") + "\n"
        }
    }

    /// The `handrail` executable built beside this test bundle (`.build/debug/handrail`).
    static func handrailBinary() throws -> URL {
        try HandrailExecutable.locate()
    }

    struct ProcessResult {
        var status: Int32
        var out: String
        var err: String
    }

    static func run(_ executable: URL, _ arguments: [String], in directory: URL) throws -> ProcessResult {
        var environment = ProcessInfo.processInfo.environment
        environment["HANDRAIL_RUNBOOKS"] = nil
        // Files, not pipes: nothing can block however much either stream says.
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("handrail-run-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let result = try ChildProcess.run(executable, arguments, environment: environment, directory: directory, scratch: scratch)
        return ProcessResult(status: result.status, out: result.out, err: result.err)
    }
}

/// The fixtures in `broken/` and `valid/` under a root folder, and what is missing among them.
struct FixtureDiscovery {
    enum Kind: String {
        case broken, valid
    }

    struct Fixture {
        var kind: Kind
        var folder: URL
        /// The file name, e.g. `dead_end.json5`.
        var name: String

        var url: URL { folder.appendingPathComponent(name) }
        var stem: String { (name as NSString).deletingPathExtension }
        var path: String { "\(kind.rawValue)/\(name)" }
        var expectedPath: String { "\(kind.rawValue)/\(stem).expected" }

        func expected() throws -> String {
            try String(contentsOf: folder.appendingPathComponent("\(stem).expected"), encoding: .utf8)
        }
    }

    var fixtures: [Fixture] = []
    var problems: [String] = []

    init(root: URL) throws {
        for kind in [Kind.broken, .valid] {
            let folder = root.appendingPathComponent(kind.rawValue)
            let names = Set(try FileManager.default.contentsOfDirectory(atPath: folder.path))
            for name in names.sorted() {
                let stem = (name as NSString).deletingPathExtension
                switch (name as NSString).pathExtension {
                case "json5":
                    if names.contains("\(stem).expected") {
                        fixtures.append(Fixture(kind: kind, folder: folder, name: name))
                    } else {
                        problems.append("\(kind.rawValue)/\(name) has no \(kind.rawValue)/\(stem).expected")
                    }
                case "expected":
                    if !names.contains("\(stem).json5") {
                        problems.append("\(kind.rawValue)/\(name) has no \(kind.rawValue)/\(stem).json5")
                    }
                default:
                    problems.append("\(kind.rawValue)/\(name) is neither a .json5 fixture nor an .expected file")
                }
            }
        }
    }
}

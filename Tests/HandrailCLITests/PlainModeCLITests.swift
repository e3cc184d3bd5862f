import Foundation
@testable import HandrailCLI
import HandrailTestSupport
import XCTest

/// `handrail --plain` as a screen-reader user's terminal or a script runs it: lines on stdin,
/// lines on stdout, nothing drawn. The demo tenant, a fresh folder, a frozen clock (faketime).
/// Ada's case, piped in whole, is kept as Transcripts/plain-ada-piped.txt (case ids and the
/// folder's path aside); HANDRAIL_REGENERATE_TRANSCRIPTS=1 rewrites it.
final class PlainModeCLITests: XCTestCase {
    private var folder: URL!
    private var binary: URL!

    override func setUpWithError() throws {
        binary = try HandrailExecutable.locate()
        _ = try Requirement.faketime()
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("handrail-plain-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    override func tearDown() {
        try? FileManager.default.removeItem(at: folder)
    }

    private func handrail(_ arguments: [String], stdin: [UInt8], extra: [String: String] = [:]) throws -> (status: Int32, out: Data, err: String) {
        var environment = ["PATH": "/usr/bin:/bin", "HOME": folder.path, "XDG_DATA_HOME": folder.path,
                           "XDG_CONFIG_HOME": folder.appendingPathComponent("config").path, "LANG": "C.UTF-8", "TZ": "UTC",
                           "HANDRAIL_DB": folder.appendingPathComponent("handrail.db").path, "HANDRAIL_RUNBOOKS": PackagePaths.runbooks.path,
                           "HANDRAIL_LOGIN": "alice", "HANDRAIL_PLATFORM": "local"]
        environment.merge(extra) { $1 }
        try DatabaseInit.ensure(binary: binary, environment: environment, before: arguments, senior: environment["HANDRAIL_LOGIN"] ?? "alice",
                                directory: folder, faketime: .frozen(FakeClock.defaultStart))
        let result = try ChildProcess.run(binary, arguments, environment: environment, directory: folder, scratch: folder,
                                          stdin: Data(stdin), faketime: .frozen(FakeClock.defaultStart), timeout: 60)
        return (result.status, result.stdout, String(decoding: result.stderr, as: UTF8.self))
    }

    private static func lines(_ lines: [String]) -> [UInt8] {
        Array(lines.map { $0 + "\n" }.joined().utf8)
    }

    /// No escape sequence, no other control character but the newline, no box drawing: bytes checked.
    private func assertPlainBytes(_ out: Data, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertFalse(out.contains(0x1B), "an escape sequence in the plain output", file: file, line: line)
        XCTAssertFalse(out.contains { $0 < 0x20 && $0 != 0x0A }, "a control character in the plain output", file: file, line: line)
        let text = String(decoding: out, as: UTF8.self)
        XCTAssertFalse(text.unicodeScalars.contains { (0x2500...0x257F).contains($0.value) }, "box drawing in the plain output", file: file, line: line)
    }

    func testAdaPipedThroughTheBinaryFromOpenToClosed() throws {
        let run = try handrail(["--plain"], stdin: Self.lines(["n ada@demo.example", "1", "1", "y", "INC-1001", "", "", "y", "", "q", "q"]))
        XCTAssertEqual(run.status, 0, run.err)
        assertPlainBytes(run.out)
        let out = String(decoding: run.out, as: UTF8.self)
        XCTAssertTrue(out.hasPrefix("Handrail plain mode: one prompt at a time; type ? for the actions of this prompt.\n"), out)
        XCTAssertTrue(out.contains("Recorded: Closed: the user recovered themself"), out)
        XCTAssertTrue(out.hasSuffix("Goodbye.\n"), out)
        let normalised = out.replacingOccurrences(of: folder.path, with: "$DEMO")
        ReferenceText.assertMatches(normalised, PackagePaths.tests("HandrailCLITests/Transcripts/plain-ada-piped.txt"),
                                    regenerate: "HANDRAIL_REGENERATE_TRANSCRIPTS",
                                    normalise: { $0.replacingOccurrences(of: #"HR-[0-9A-Z]{8}"#, with: "HR-<id>", options: .regularExpression) })
    }

    /// Garbage, escape sequences, a 20,000-character line and broken UTF-8: each answered, none
    /// echoed raw, the case as it was, and the end of input leaves cleanly.
    func testBadLinesThroughTheBinary() throws {
        var input = Self.lines(["n ben@demo.example", "banana", "\u{1B}[2J\u{1B}]52;c;aGk=\u{07}", String(repeating: "x", count: 20_000)])
        input += [0x32, 0xC3, 0x28, 0x0A]
        input += Self.lines(["2"])
        let run = try handrail(["--plain"], stdin: input)
        XCTAssertEqual(run.status, 0, run.err)
        assertPlainBytes(run.out)
        let out = String(decoding: run.out, as: UTF8.self)
        for expected in ["Problem: not one of the choices; type a number from 1 to 8.", "held control characters or an escape sequence",
                         "that line was 20000 bytes long", "not valid UTF-8", "Field 2 of 5", "End of input: leaving."] {
            XCTAssertTrue(out.contains(expected), "\(expected) in:\n\(out)")
        }
        XCTAssertFalse(out.contains("aGk="), "nothing of a refused line is echoed")
        let audit = try handrail(["audit", "--format", "json"], stdin: [])
        let events = try JSONSerialization.jsonObject(with: audit.out) as? [[String: Any]] ?? []
        XCTAssertEqual(events.filter { ($0["case"] as? String)?.hasPrefix("HR-") == true }.map { $0["event"] as? String }, ["case.opened"])
    }

    /// ACCESSIBLE=1 is the flag's equivalent; without either and without a terminal, the wizard
    /// says what to run instead, the plain mode among it.
    func testAccessibleChoosesItAndNoTerminalOffersIt() throws {
        let accessible = try handrail(["open", "ada@demo.example"], stdin: [], extra: ["ACCESSIBLE": "1"])
        XCTAssertEqual(accessible.status, 0, accessible.err)
        XCTAssertTrue(String(decoding: accessible.out, as: UTF8.self).contains("Case HR-"))
        let flagFirst = try handrail(["--plain", "open", "cara@demo.example"], stdin: [])
        XCTAssertTrue(String(decoding: flagFirst.out, as: UTF8.self).contains("for cara@demo.example"), flagFirst.err)

        let none = try handrail([], stdin: [], extra: ["TERM": "dumb", "ACCESSIBLE": "0"])
        XCTAssertEqual(none.status, 2)
        XCTAssertTrue(none.err.contains("handrail --plain (or ACCESSIBLE=1)"), none.err)
    }

    /// `ACCESSIBLE` chooses only how things are shown: a locked deployment lets it through (and
    /// still refuses what chooses files or identity beside it), and `--plain` is a word its SSH
    /// forced command takes.
    func testALockedDeploymentLetsTheAccessibleVariableAndThePlainWordThrough() throws {
        XCTAssertNil(LockedEntry.forbiddenVariable(in: ["PATH": "/usr/bin", "ACCESSIBLE": "1", "TERM": "dumb"]))
        XCTAssertEqual(LockedEntry.forbiddenVariable(in: ["ACCESSIBLE": "1", "HANDRAIL_DB": "/tmp/x.db"]), "HANDRAIL_DB")
        XCTAssertEqual(try SSHCommandGrammar.parse("--plain"), ["--plain"])
        XCTAssertEqual(try SSHCommandGrammar.parse("--plain open ada@example.org"), ["--plain", "open", "ada@example.org"])
        XCTAssertTrue(PlainWizardCommand.requested(by: ["ACCESSIBLE": "1"]))
        XCTAssertTrue(PlainWizardCommand.requested(by: ["ACCESSIBLE": "yes"]))
        XCTAssertFalse(PlainWizardCommand.requested(by: ["ACCESSIBLE": "0"]))
        XCTAssertFalse(PlainWizardCommand.requested(by: ["ACCESSIBLE": ""]))
        XCTAssertFalse(PlainWizardCommand.requested(by: [:]))
    }
}

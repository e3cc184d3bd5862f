import Casework
import Engine
import Foundation
import HandrailCLI
import LocalTenant
import Platform
import Runbook
import Store
import XCTest

/// "Secrets are never stored": backup codes and temporary passwords generated through
/// CaseService and through the command line, typed back by the user (right and wrong), then
/// every byte of every file in the folder (case database, directory, their -wal and -shm) is
/// searched for each secret — as shown, without its dashes, and lower-cased — with the
/// connections open and again after closing them; so is every audit export format, every
/// `case show`, `case list` and `directory` view, and everything the commands printed except
/// the one-time display itself.
final class SecretsNeverStoredTests: XCTestCase {
    func testNoPlaintextSecretInAnyDatabaseFileExportOrOutput() throws {
        let h = try LocalTenantHarness(clock: .liveClock())
        var cli = InProcessCLI(folder: h.folder, database: h.casePath, directory: h.directoryPath)
        let harnessClock = h.clock
        cli.clock = { harnessClock.read() }
        var secrets: [String] = []
        /// Everything the run showed that is not the one-time display.
        var outputs: [(what: String, text: String)] = []

        // In-process: eli's temporary password, fay's codes, typed back by the user.
        let eli = try h.reach("eli@demo.example", situation: "email_too")
        try h.pass(eli, "force_reset")
        let temporary = try h.pass(eli, "set_temporary_password").shownOnce
        let fay = try h.reach("fay@demo.example", situation: "device_and_app")
        let codes = try h.pass(fay, "generate_backup_codes", ["delivery_channel": "video"]).shownOnce
        XCTAssertEqual(temporary.count, 1)
        XCTAssertEqual(codes.count, 10)
        secrets += temporary + codes
        XCTAssertThrowsError(try h.simulator.signIn("eli@demo.example", password: temporary[0], code: nil, newPassword: nil,
                                                    address: "198.51.100.20", now: h.clock.read()))
        try h.finishAfterAction(eli, subject: "eli@demo.example", password: temporary[0], newPassword: "a-new-passphrase")
        XCTAssertThrowsError(try h.simulator.signIn("fay@demo.example", password: "wrong-password", code: codes[0].lowercased(),
                                                    newPassword: nil, address: "203.0.113.5", now: h.clock.read()))
        try h.finishAfterAction(fay, subject: "fay@demo.example", code: codes[0])
        XCTAssertThrowsError(try h.simulator.signIn("fay@demo.example", password: DemoTenant.password, code: codes[0], newPassword: nil,
                                                    address: "198.51.100.20", now: h.clock.read()))

        // The command line, in-process on the same files: codes for ben (text output), a temporary
        // password for gus (--json output), each shown once; then the user types them back.
        func run(_ arguments: [String], expect: Int32 = 0, file: StaticString = #filePath, line: UInt = #line) -> InProcessCLI.Run {
            let result = cli.run(arguments)
            XCTAssertEqual(result.status, expect, "\(arguments): \(result.out)\n\(result.err)", file: file, line: line)
            return result
        }
        func keep(_ result: InProcessCLI.Run) {
            outputs.append(("handrail \(result.arguments.joined(separator: " "))", result.out + result.err))
        }
        let video = ["method=video", "compared_against=hr_photo", "video_match=yes", "reference=INC-9"]

        let ben = run(["case", "open", "--subject", "ben@demo.example"]).out.trimmingCharacters(in: .whitespacesAndNewlines)
        for step in [["verify_identity"] + video, ["check_backup_codes"], ["choose_recovery", "situation=device_and_app"]] {
            keep(run(["case", "do", ben] + step))
        }
        let generated = run(["case", "do", ben, "generate_backup_codes", "delivery_channel=video", "--confirm", "ben@demo.example"])
        let display = Self.splitOneTimeDisplay(generated.terminal)
        XCTAssertEqual(display.secrets.count, 10, generated.terminal)
        secrets += display.secrets
        // The codes went to the terminal only: stdout and stderr hold none of them (checked below).
        outputs.append(("generate_backup_codes' stdout and stderr", generated.out + generated.err))

        let gus = run(["case", "open", "--subject", "gus@demo.example"]).out.trimmingCharacters(in: .whitespacesAndNewlines)
        for step in [["verify_identity"] + video, ["check_backup_codes"], ["choose_recovery", "situation=email_too"],
                     ["force_reset", "--confirm", "gus@demo.example"]] {
            keep(run(["case", "do", gus] + step))
        }
        let json = run(["case", "do", gus, "set_temporary_password", "--confirm", "gus@demo.example", "--json"])
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(json.out.utf8)) as? [String: Any], json.out)
        XCTAssertNil(object["shownOnce"], "--json never carries the secret: \(json.out)")
        XCTAssertEqual(object["shownOnceOnTerminal"] as? Int, 1, json.out)
        let gusPassword = Self.splitOneTimeDisplay(json.terminal).secrets
        XCTAssertEqual(gusPassword.count, 1, json.terminal)
        secrets += gusPassword
        outputs.append(("set_temporary_password --json", json.out + json.err))

        let benCode = display.secrets[0]
        keep(run(["directory", "simulate", "ben@demo.example", "signin", "--password", DemoTenant.password, "--code", benCode]))
        keep(run(["directory", "simulate", "ben@demo.example", "signin", "--password", DemoTenant.password, "--code", benCode], expect: 3))
        keep(run(["directory", "simulate", "ben@demo.example", "enrol", "totp", "Pixel 9"]))
        keep(run(["directory", "simulate", "gus@demo.example", "signin", "--password", gusPassword[0]], expect: 3))
        keep(run(["directory", "simulate", "gus@demo.example", "signin", "--password", gusPassword[0], "--new-password", "gus-new-passphrase"]))
        keep(run(["directory", "simulate", "gus@demo.example", "enrol", "webauthn", "Security key"]))
        keep(run(["case", "do", ben, "observe-enrolment"]))
        keep(run(["case", "do", gus, "observe-enrolment"]))

        // Every view and export of what was recorded.
        for format in ["table", "csv", "json"] { keep(run(["audit", "--format", format])) }
        keep(run(["audit", "--event", "user.password_set_by_admin", "--event", "mfa.backup_codes_generated_by_admin", "--format", "csv"]))
        keep(run(["audit", "verify"]))
        keep(run(["audit", "verify", "--json"]))
        for id in [eli, fay, ben, gus] {
            keep(run(["case", "show", id]))
            keep(run(["case", "show", id, "--json"]))
        }
        keep(run(["case", "list"]))
        keep(run(["case", "list", "--json"]))
        keep(run(["directory", "list"]))
        for user in ["eli", "fay", "ben", "gus"] { keep(run(["directory", "show", "\(user)@demo.example"])) }

        XCTAssertEqual(Set(secrets).count, 22, "22 distinct secrets: 20 codes, 2 temporary passwords")
        let needles = secrets.flatMap { secret -> [String] in
            let bare = secret.replacingOccurrences(of: "-", with: "")
            return [secret, bare, secret.lowercased(), bare.lowercased()]
        }
        func assertClean(_ what: String, _ bytes: Data, file: StaticString = #filePath, line: UInt = #line) {
            for needle in needles where bytes.range(of: Data(needle.utf8)) != nil {
                XCTFail("\(what) holds a secret (\(needle))", file: file, line: line)
            }
        }
        for (what, text) in outputs { assertClean(what, Data(text.utf8)) }
        XCTAssertTrue(outputs.contains { $0.what.hasPrefix("handrail audit --format csv") })

        // Every file, with this process's connections open (the WAL holds the latest pages)...
        let open = try Self.files(in: h.folder)
        for name in ["handrail.db", "handrail.db-wal", "handrail.db-shm", "directory.db", "directory.db-wal", "directory.db-shm"] {
            XCTAssertTrue(open.keys.contains(name), "\(name) exists while the connections are open (found \(open.keys.sorted()))")
        }
        for (name, bytes) in open { assertClean("\(name) (connections open)", bytes) }
        XCTAssertGreaterThan(open["directory.db-wal", default: Data()].count + open["directory.db", default: Data()].count, 0)

        // ...and after every connection is closed (the WAL is kept beside the database file, and
        // the two together are the database).
        h.close()
        let closed = try Self.files(in: h.folder)
        XCTAssertTrue(closed.keys.contains("handrail.db") && closed.keys.contains("directory.db"))
        for (name, bytes) in closed { assertClean("\(name) (closed)", bytes) }

        // The search is not blind: it finds what it should in these same bytes.
        func database(_ name: String) -> Data { closed[name, default: Data()] + closed[name + "-wal", default: Data()] }
        XCTAssertNotNil(database("directory.db").range(of: Data("pbkdf2-sha256$".utf8)), "the directory stores hashes")
        XCTAssertNotNil(database("handrail.db").range(of: Data("user.password_set_by_admin".utf8)))
        XCTAssertTrue(generated.terminal.contains(display.secrets[0]), "the display itself, on the terminal, did show the codes")
        XCTAssertFalse(generated.out.contains(display.secrets[0]), "stdout never shows them")
    }

    /// Splits a command's stdout into the one-time display's secret lines and everything else.
    static func splitOneTimeDisplay(_ out: String) -> (secrets: [String], rest: String) {
        var secrets: [String] = []
        var rest: [Substring] = []
        var inDisplay = false
        for line in out.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("Shown once, never stored") {
                inDisplay = true
                rest.append(line)
            } else if inDisplay, line.hasPrefix("  ") {
                secrets.append(line.trimmingCharacters(in: .whitespaces))
            } else {
                inDisplay = false
                rest.append(line)
            }
        }
        return (secrets, rest.joined(separator: "\n"))
    }

    /// Every regular file in `folder` (recursively), by path relative to it.
    static func files(in folder: URL) throws -> [String: Data] {
        var out: [String: Data] = [:]
        let base = folder.resolvingSymlinksInPath().path
        guard let walker = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: [.isRegularFileKey]) else { return out }
        for case let url as URL in walker where (try url.resourceValues(forKeys: [.isRegularFileKey])).isRegularFile == true {
            var name = url.resolvingSymlinksInPath().path
            if name.hasPrefix(base + "/") { name.removeFirst(base.count + 1) }
            out[name] = try Data(contentsOf: url)
        }
        return out
    }
}

/// `handrail` run in this process (the same code paths as the binary), on the harness's files,
/// with its output captured.
struct InProcessCLI {
    struct Run {
        var arguments: [String]
        var status: Int32
        var out: String
        var err: String
        /// What went to the operator's terminal only.
        var terminal: String
    }

    let environment: [String: String]
    /// The harness's clock, when the in-process decisions before ran on it: the log only moves
    /// forward, so the command line must not be behind them.
    var clock: @Sendable () -> Date = WallClock.now

    init(folder: URL, database: String, directory: String, login: String = "alice") {
        environment = ["HOME": folder.path, "XDG_CONFIG_HOME": folder.appendingPathComponent("config").path, "TZ": "UTC",
                       "HANDRAIL_DB": database, "HANDRAIL_DIRECTORY": directory, "HANDRAIL_PLATFORM": "local",
                       "HANDRAIL_RUNBOOKS": ShippedRunbook.url.deletingLastPathComponent().path, "HANDRAIL_LOGIN": login]
    }

    func run(_ arguments: [String]) -> Run {
        let buffer = OutputBuffer()
        let output = CommandOutput(out: { buffer.append(out: $0) }, err: { buffer.append(err: $0) },
                                   terminal: { buffer.append(terminal: $0); return true })
        let status = HandrailCommandLine.run(arguments, environment: environment,
                                             executable: URL(fileURLWithPath: "/nonexistent/bin/handrail"), output: output, clock: clock)
        return Run(arguments: arguments, status: status, out: buffer.out, err: buffer.err, terminal: buffer.terminal)
    }
}

final class OutputBuffer: @unchecked Sendable {
    private let lock = NSLock()
    private var outText = ""
    private var errText = ""

    func append(out text: String) { lock.withLock { outText += text } }
    func append(err text: String) { lock.withLock { errText += text } }
    private var terminalText = ""
    func append(terminal text: String) { lock.withLock { terminalText += text } }
    var terminal: String { lock.withLock { terminalText } }
    var out: String { lock.withLock { outText } }
    var err: String { lock.withLock { errText } }
}

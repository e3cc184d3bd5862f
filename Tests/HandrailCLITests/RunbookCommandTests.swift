import Engine
import Foundation
import HandrailCLI
import Runbook
import XCTest

/// `handrail runbook list | show ID | check FILE...`, `--help` and the usage errors, run in
/// process against the shipped runbook and against small runbooks written to a temporary folder.
final class RunbookCommandTests: XCTestCase {

    // MARK: - check

    func testCheckOfTheShippedRunbookExitsZeroAndSaysOK() throws {
        let path = Self.shippedRunbook.path
        let run = handrail(["runbook", "check", path])
        XCTAssertEqual(run.status, 0)
        XCTAssertEqual(run.out, "\(path): ok: mfa-recovery v\(try Self.shipped().version), \(try Self.shipped().steps.count) steps\n")
        XCTAssertEqual(run.err, "")
    }

    func testCheckOfABrokenRunbookExitsThreeWithOneLinePerProblem() throws {
        let folder = try temporaryFolder()
        let file = folder.appendingPathComponent("broken.json5")
        try Self.tinyRunbook(id: "broken", title: "Broken").replacingOccurrences(of: "\"done\" }", with: "\"dne\" }")
            .write(to: file, atomically: true, encoding: .utf8)
        let run = handrail(["runbook", "check", file.path])
        XCTAssertEqual(run.status, 3)
        let lines = run.out.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.count, 3, run.out)
        XCTAssertTrue(lines[0].hasPrefix("\(file.path):"), lines[0])
        XCTAssertTrue(lines.contains { $0.hasSuffix(#"$.steps[0].transitions[0].to: transition names unknown step "dne" (did you mean "done"?)"#) }, run.out)
        XCTAssertTrue(lines.contains { $0.hasSuffix(#"$.steps[1]: step "done" is unreachable: no path from the start leads to it"#) }, run.out)
        XCTAssertEqual(lines.last, "\(file.path): 2 problems")
    }

    func testCheckUsageErrorsExitTwo() {
        let noFile = handrail(["runbook", "check"])
        XCTAssertEqual(noFile.status, 2)
        XCTAssertTrue(noFile.err.contains("name one or more runbook files"), noFile.err)

        let missing = handrail(["runbook", "check", "/nonexistent/runbook.json5"])
        XCTAssertEqual(missing.status, 2)
        XCTAssertEqual(missing.err, "/nonexistent/runbook.json5: no such file\n")
    }

    func testCheckOfAFolderChecksEachRunbookFileInItAndAnEmptyFolderIsAUsageError() throws {
        let folder = try temporaryFolder()
        try Self.tinyRunbook(id: "first", title: "First").write(to: folder.appendingPathComponent("a.json5"), atomically: true, encoding: .utf8)
        try Data("{\n  id: \"caf\u{E9}\",\n}\n".utf8).write(to: folder.appendingPathComponent("b.json5"))
        var latin1 = Data("{\n  id: \"caf".utf8)
        latin1.append(0xE9)
        latin1.append(contentsOf: Data("\",\n}\n".utf8))
        try latin1.write(to: folder.appendingPathComponent("c.json5"))
        try Data("not a runbook".utf8).write(to: folder.appendingPathComponent("notes.txt"))
        let run = handrail(["runbook", "check", folder.path])
        XCTAssertEqual(run.status, 3, run.err)
        XCTAssertEqual(run.err, "")
        let lines = run.out.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.first, "\(folder.path)/a.json5: ok: first v1, 2 steps")
        XCTAssertTrue(lines.contains { $0.hasPrefix("\(folder.path)/b.json5:1:1: $: missing required key") }, run.out)
        XCTAssertTrue(lines.contains("\(folder.path)/c.json5:2:11: $: invalid UTF-8 (byte 0xE9): save the file as UTF-8"), run.out)
        XCTAssertFalse(run.out.contains("notes.txt"), "only .json5 files are runbooks")
        XCTAssertFalse(run.out.contains("NSCocoaErrorDomain"))

        let empty = try temporaryFolder()
        let none = handrail(["runbook", "check", empty.path])
        XCTAssertEqual(none.status, 2)
        XCTAssertEqual(none.err, "\(empty.path): a folder with no .json5 runbook files in it\n")

        // The honest path: the shipped runbook folder checks clean.
        let shipped = handrail(["runbook", "check", Self.runbooksDirectory.path])
        XCTAssertEqual(shipped.status, 0, shipped.out + shipped.err)
        XCTAssertTrue(shipped.out.hasSuffix("/mfa-recovery.json5: ok: mfa-recovery v\(try Self.shipped().version), \(try Self.shipped().steps.count) steps\n"),
                      shipped.out)
    }

    func testNumbersNoRunbookCanMeanAreNamedWithTheirPlace() throws {
        let folder = try temporaryFolder()
        let file = folder.appendingPathComponent("numbers.json5")
        try Self.tinyRunbook(id: "numbers", title: "Numbers").replacingOccurrences(of: "version: 1,", with: "version: 1e99999,")
            .write(to: file, atomically: true, encoding: .utf8)
        let overflow = handrail(["runbook", "check", file.path])
        XCTAssertEqual(overflow.status, 3)
        XCTAssertTrue(overflow.out.contains(": $: syntax error: the number 1e99999 is too large: a number holds at most about 1.8e308\n"), overflow.out)
        for (written, found) in [("NaN", "NaN (not a number)"), ("-Infinity", "-Infinity"), ("1.5", "the number 1.5")] {
            try Self.tinyRunbook(id: "numbers", title: "Numbers").replacingOccurrences(of: "version: 1,", with: "version: \(written),")
                .write(to: file, atomically: true, encoding: .utf8)
            let run = handrail(["runbook", "check", file.path])
            XCTAssertEqual(run.status, 3, written)
            XCTAssertTrue(run.out.contains("$.version: expected a whole number, found \(found)\n"), run.out)
        }
    }

    // MARK: - list

    func testListListsTheShippedRunbook() throws {
        let runbook = try Self.shipped()
        for run in [handrail(["runbook", "list"]),
                    handrail(["runbook", "list", "--runbooks", Self.runbooksDirectory.path]),
                    handrail(["--runbooks=\(Self.runbooksDirectory.path)", "runbook", "list"]),
                    handrail(["runbook", "list"], environment: ["HANDRAIL_RUNBOOKS": Self.runbooksDirectory.path],
                             executable: URL(fileURLWithPath: "/nonexistent/bin/handrail"))] {
            XCTAssertEqual(run.status, 0, run.err)
            let rows = run.out.split(separator: "\n").map { $0.components(separatedBy: "  ").filter { !$0.isEmpty }.map { $0.trimmingCharacters(in: .whitespaces) } }
            XCTAssertEqual(rows.first, ["ID", "VERSION", "STEPS", "TITLE"])
            XCTAssertTrue(rows.contains(["mfa-recovery", "v\(runbook.version)", "\(runbook.steps.count)", runbook.title]), run.out)
        }
    }

    func testListNamesAFileWithProblemsAndExitsThree() throws {
        let folder = try temporaryFolder()
        try Self.tinyRunbook(id: "good", title: "Good one").write(to: folder.appendingPathComponent("good.json5"), atomically: true, encoding: .utf8)
        try "{ id: ".write(to: folder.appendingPathComponent("bad.json5"), atomically: true, encoding: .utf8)
        let run = handrail(["runbook", "list", "--runbooks", folder.path])
        XCTAssertEqual(run.status, 3)
        XCTAssertTrue(run.out.contains("good  v1       2      Good one"), run.out)
        XCTAssertTrue(run.out.contains("bad.json5: has problems; run handrail runbook check \(folder.appendingPathComponent("bad.json5").path)"), run.out)
    }

    /// A runbook folder named that is not there, or is a file: the setting is wrong (exit 2, the
    /// system's reason), not a fault of Handrail's (exit 1); a folder of a runbook file named
    /// `.json5` alone and other files is listed as empty.
    func testListOfAFolderThatCannotBeReadIsAUsageError() throws {
        let folder = try temporaryFolder()
        let missing = folder.appendingPathComponent("gone").path
        let run = handrail(["runbook", "list", "--runbooks", missing])
        XCTAssertEqual(run.status, 2, run.err)
        XCTAssertEqual(run.err, "handrail: cannot read the runbook folder \(missing): no such file or directory\n")
        let file = folder.appendingPathComponent("plain.txt")
        try "not a folder".write(to: file, atomically: true, encoding: .utf8)
        let notAFolder = handrail(["runbook", "list", "--runbooks", file.path])
        XCTAssertEqual(notAFolder.status, 2, notAFolder.err)
        XCTAssertEqual(notAFolder.err, "handrail: cannot read the runbook folder \(file.path): not a directory\n")
        try "{}".write(to: folder.appendingPathComponent(".json5"), atomically: true, encoding: .utf8)
        let empty = handrail(["runbook", "list", "--runbooks", folder.path])
        XCTAssertEqual(empty.status, 0, empty.err)
        XCTAssertTrue(empty.out.hasPrefix("No runbooks in \(folder.path)\n"), empty.out)
    }

    // MARK: - show

    /// Every step, numbered in the order a case meets them (ends last), each with its fields,
    /// gates, what it records, and a `→` line per transition naming the target's number.
    func testShowListsEveryStepInWalkOrderWithFieldsGatesAndNext() throws {
        let runbook = try Self.shipped()
        let run = handrail(["runbook", "show", "mfa-recovery"])
        XCTAssertEqual(run.status, 0, run.err)
        XCTAssertEqual(run.err, "")
        XCTAssertTrue(run.out.hasPrefix("\(runbook.title)  (mfa-recovery v\(runbook.version))\n"), run.out)

        let blocks = try Self.stepBlocks(run.out)
        XCTAssertEqual(blocks.map(\.id), [
            "verify_identity", "check_backup_codes", "choose_recovery", "force_reset", "await_enrolment", "follow_up",
            "set_temporary_password", "generate_backup_codes", "backup_code_self_service", "federated_self_service",
            "incident_suspend", "incident_notify", "incident_record", "incident_relink",
            "closed_recovered", "closed_self_service", "closed_incident",
        ])
        XCTAssertEqual(blocks.map(\.id).sorted(), runbook.steps.map(\.id).sorted(), "every step exactly once")
        let walk = runbook.stepsInWalkOrder
        XCTAssertEqual(blocks.map(\.id), (walk.filter { !$0.terminal } + walk.filter(\.terminal)).map(\.id))

        let markers = Dictionary(uniqueKeysWithValues: blocks.map { ($0.id, $0.marker) })
        for (i, block) in blocks.enumerated() {
            let step = try XCTUnwrap(runbook.step(block.id))
            XCTAssertEqual(block.marker, step.terminal ? "END" : "\(i + 1).", block.id)
            XCTAssertTrue(block.heading.contains("\(step.title)  [\(step.id)]"), block.heading)
            XCTAssertEqual(block.heading.hasSuffix("(start)"), step.id == runbook.start, block.heading)
            XCTAssertEqual(block.heading.hasSuffix("(incident entry)"), step.id == runbook.incidentEntry, block.heading)
            if step.terminal {
                XCTAssertEqual(block.lines.first, "   Closes the case: \(step.outcome ?? "")", block.id)
                continue
            }
            if let console = step.consolePath { XCTAssertTrue(block.lines.contains("   Console: \(console)"), block.id) }

            XCTAssertEqual(block.lines.contains("   Fields"), !step.fields.isEmpty, block.id)
            for field in step.fields {
                let prefix = "     \(field.id) (\(field.kind.rawValue)\(field.required ? "" : ", optional")): \(field.label)"
                XCTAssertTrue(block.lines.contains { $0.hasPrefix(prefix) }, "\(block.id): no line for field \(field.id)")
                for option in field.options {
                    XCTAssertTrue(block.lines.contains { $0.hasPrefix("         \(option.value): \(option.label)")
                        && $0.hasSuffix("NOT ACCEPTABLE") == !option.acceptable }, "\(block.id): option \(option.value)")
                }
            }

            XCTAssertEqual(block.lines.contains("   Gates"), !step.checks.isEmpty, block.id)
            let gateLines = block.lines.drop { $0 != "   Gates" }.dropFirst().prefix { $0.hasPrefix("     ") }
            XCTAssertEqual(gateLines.count, step.checks.count, block.id)
            for (line, check) in zip(gateLines, step.checks) {
                let label = try XCTUnwrap(CheckCatalog.check(named: check.name)?.label)
                XCTAssertTrue(line.hasPrefix("     \(label) (\(check.name))"), "\(block.id): \(line)")
            }

            if let action = step.action {
                XCTAssertTrue(block.lines.contains("   Action: \(action.name); records \(action.event).requested then \(action.event)"), block.id)
            } else {
                XCTAssertTrue(block.lines.contains("   Records: \(step.completionEvent)"), block.id)
            }
            if let awaited = step.awaits {
                XCTAssertTrue(block.lines.contains { $0.hasPrefix("   Waits for: \(awaited)") }, block.id)
            }

            let next = Array(block.lines.drop { $0 != "   Next" }.dropFirst())
            XCTAssertEqual(next.count, step.transitions.count, "\(block.id): \(next)")
            for (line, transition) in zip(next, step.transitions) {
                let target = try XCTUnwrap(markers[transition.to])
                XCTAssertTrue(line.hasPrefix("     → \(target) \(transition.to) "), "\(block.id): \(line)")
                if let label = transition.label { XCTAssertTrue(line.hasSuffix(": \(label)"), line) }
            }
        }

        let verify = try XCTUnwrap(blocks.first)
        XCTAssertTrue(verify.lines.contains(#"     → 10. federated_self_service when method = "federated": Federated identity: the user re-enrols themself"#),
                      verify.lines.joined(separator: "\n"))
        XCTAssertTrue(verify.lines.contains("     → 2. check_backup_codes otherwise: Verified: check for backup codes"))
        let checkCodes = try XCTUnwrap(blocks.first { $0.id == "check_backup_codes" })
        XCTAssertTrue(checkCodes.lines.contains("     → 9. backup_code_self_service when backupCodesRemaining > 0: Codes left: the user signs in with one"))
        let awaitStep = try XCTUnwrap(blocks.first { $0.id == "await_enrolment" })
        XCTAssertTrue(awaitStep.lines.contains("     → 6. follow_up always"), awaitStep.lines.joined(separator: "\n"))
    }

    func testShowOfAnUnknownRunbookExitsTwoNamingTheAvailableOnes() {
        let run = handrail(["runbook", "show", "nope"])
        XCTAssertEqual(run.status, 2)
        XCTAssertEqual(run.out, "")
        XCTAssertEqual(run.err, "handrail runbook show: no runbook \"nope\"; available: mfa-recovery\n")

        let noID = handrail(["runbook", "show"])
        XCTAssertEqual(noID.status, 2)
        XCTAssertTrue(noID.err.contains("which runbook?"), noID.err)
    }

    // MARK: - Usage

    func testUnknownSubcommandsCommandsAndOptionsExitTwo() {
        let sub = handrail(["runbook", "frobnicate"])
        XCTAssertEqual(sub.status, 2)
        XCTAssertTrue(sub.err.hasPrefix("handrail runbook: unknown subcommand \"frobnicate\""), sub.err)
        XCTAssertTrue(sub.err.contains("handrail runbook show ID"), "the runbook usage follows")

        let none = handrail(["runbook"])
        XCTAssertEqual(none.status, 2)
        XCTAssertTrue(none.err.contains("say list, show ID or check FILE"), none.err)

        let command = handrail(["frobnicate"])
        XCTAssertEqual(command.status, 2)
        XCTAssertEqual(command.err, "handrail: unknown command \"frobnicate\". Run 'handrail --help' for the commands.\n")

        let option = handrail(["runbook", "list", "--frob"])
        XCTAssertEqual(option.status, 2)
        XCTAssertEqual(option.err, "handrail runbook list: unknown option --frob\n")
    }

    func testHelpListsTheCommandsAndEveryExitCode() {
        // (No arguments at all opens the wizard; see WizardCommand.)
        for arguments in [["--help"], ["-h"], ["help"]] {
            let run = handrail(arguments)
            XCTAssertEqual(run.status, 0, "\(arguments)")
            XCTAssertEqual(run.err, "")
            XCTAssertTrue(run.out.contains("Exit codes:\n"), run.out)
            for code in ExitCode.allCases {
                XCTAssertTrue(run.out.contains("\n  \(code.rawValue)  \(code.meaning)\n"), "\(arguments): exit code \(code.rawValue) missing")
            }
            for usage in ["handrail runbook list", "handrail runbook show ID", "handrail runbook check FILE..."] {
                XCTAssertTrue(run.out.contains(usage), usage)
            }
            // Every command the dispatcher takes, with each of its subcommands: the demo's
            // `directory` commands too, which the first run points at.
            for usage in ["handrail open EMAIL", "handrail case open", "handrail case show", "handrail case do", "handrail case facts",
                          "handrail case attest", "handrail case list", "handrail case note", "handrail case release",
                          "handrail audit [", "handrail audit --follow", "handrail audit verify", "handrail anchor init | status",
                          "handrail init --senior", "handrail operator add", "handrail operator set", "handrail operator list",
                          "handrail train ", "handrail train results", "handrail train check", "handrail status", "handrail restore",
                          "handrail replication config", "handrail directory list | show EMAIL | seed",
                          "handrail directory simulate EMAIL signin", "handrail directory simulate EMAIL enrol"] {
                XCTAssertTrue(run.out.contains(usage), "--help does not list \(usage)")
            }
        }
        XCTAssertEqual(ExitCode.allCases.map(\.rawValue), [0, 1, 2, 3, 4, 5])
        let runbookHelp = handrail(["runbook", "help"])
        XCTAssertEqual(runbookHelp.status, 0)
        XCTAssertTrue(runbookHelp.out.contains("FILE:LINE:COLUMN: JSONPATH: MESSAGE"), runbookHelp.out)
        XCTAssertEqual(handrail(["--version"]).out, "handrail \(HandrailCommandLine.version)\n")
    }

    // MARK: - Data shown on the terminal

    /// A runbook is data: escape sequences in it (clear screen, OSC 52 clipboard writes, a one-byte
    /// C1 CSI, a right-to-left override hiding a file extension) are shown, never sent raw.
    func testShowAndListMakeEscapeSequencesInARunbookVisible() throws {
        let folder = try temporaryFolder()
        let hostileTitle = #"Reset \u001b[2J\u0007 now \u009b31m red \u202Egnp.exe"#
        let text = Self.tinyRunbook(id: "safe-text", title: hostileTitle)
            .replacingOccurrences(of: "title: \"Do it\"", with: #"title: "Step \u001b]52;c;ZXZpbA==\u0007 copied""#)
            .replacingOccurrences(of: "summary: \"\"", with: "summary: \"Raw \u{1B}[5m blink and \u{2066}isolate\u{2069}\"")
        try text.write(to: folder.appendingPathComponent("safe-text.json5"), atomically: true, encoding: .utf8)

        let show = handrail(["runbook", "show", "safe-text", "--runbooks", folder.path])
        XCTAssertEqual(show.status, 0, show.err)
        XCTAssertTrue(show.out.hasPrefix(#"Reset \e[2J\x07 now \x9B31m red \u{202E}gnp.exe  (safe-text v1)"#), show.out)
        XCTAssertTrue(show.out.contains(#"Step \e]52;c;ZXZpbA==\x07 copied  [only]"#), show.out)
        XCTAssertTrue(show.out.contains(#"Raw \e[5m blink and \u{2066}isolate\u{2069}"#), show.out)
        assertNothingRaw(show.out)

        let list = handrail(["runbook", "list", "--runbooks", folder.path])
        XCTAssertEqual(list.status, 0, list.err)
        XCTAssertTrue(list.out.contains(#"Reset \e[2J\x07 now \x9B31m red \u{202E}gnp.exe"#), list.out)
        assertNothingRaw(list.out)

        let unknown = handrail(["runbook", "show", "\u{1B}[31mnope\u{9B}", "--runbooks", folder.path])
        XCTAssertEqual(unknown.status, 2)
        XCTAssertEqual(unknown.err, "handrail runbook show: no runbook \"\\e[31mnope\\x9B\"; available: safe-text\n")
        assertNothingRaw(unknown.err)
    }

    func testCheckMakesEscapeSequencesInProblemsVisible() throws {
        let folder = try temporaryFolder()
        let file = folder.appendingPathComponent("keys.json5")
        try Self.tinyRunbook(id: "keys", title: "Keys").replacingOccurrences(of: "version: 1,", with: "version: 1, \"\u{1B}[2J\u{202E}\": 1,")
            .write(to: file, atomically: true, encoding: .utf8)
        let run = handrail(["runbook", "check", file.path])
        XCTAssertEqual(run.status, 3)
        XCTAssertTrue(run.out.contains(#"$["\e[2J\u{202E}"]: unknown key "\e[2J\u{202E}""#), run.out)
        assertNothingRaw(run.out)
    }

    // MARK: - Helpers

    struct Run {
        var status: Int32
        var out: String
        var err: String
    }

    /// Runs the command line in process. The executable path places the runbook library the way an
    /// installed or source-tree build finds it; the environment is empty unless given.
    private func handrail(_ arguments: [String], environment: [String: String] = [:],
                          executable: URL = RunbookCommandTests.repositoryRoot.appendingPathComponent(".build/debug/handrail")) -> Run {
        let buffer = OutputBuffer()
        let status = HandrailCommandLine.run(arguments, environment: environment, executable: executable,
                                             output: CommandOutput(out: { buffer.append(out: $0) }, err: { buffer.append(err: $0) }))
        return Run(status: status, out: buffer.out, err: buffer.err)
    }

    private func assertNothingRaw(_ text: String, file: StaticString = #filePath, line: UInt = #line) {
        for scalar in text.unicodeScalars {
            let v = scalar.value
            let raw = (v < 0x20 && scalar != "\n") || (0x7F...0x9F).contains(v) || (0x202A...0x202E).contains(v)
                || (0x2066...0x2069).contains(v) || v == 0x200E || v == 0x200F || v == 0x061C || v == 0x2028 || v == 0x2029
            if raw { return XCTFail("raw U+\(String(v, radix: 16, uppercase: true)) in output", file: file, line: line) }
        }
    }

    private func temporaryFolder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("handrail-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url
    }

    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let runbooksDirectory = repositoryRoot.appendingPathComponent("Runbooks")
    static let shippedRunbook = runbooksDirectory.appendingPathComponent("mfa-recovery.json5")

    static func shipped() throws -> Runbook {
        switch EngineVocabulary.load(try String(contentsOf: shippedRunbook, encoding: .utf8)) {
        case .valid(let runbook): return runbook
        case .invalid(let problems): throw ShippedRunbookInvalid(problems: problems)
        }
    }

    struct ShippedRunbookInvalid: Error {
        var problems: [RunbookProblem]
    }

    /// A valid two-step runbook; `title` is pasted into the JSON5 source as written.
    static func tinyRunbook(id: String, title: String) -> String {
        """
        {
          id: "\(id)", version: 1, title: "\(title)", summary: "", start: "only",
          templates: { reason: "Verified via {{verification.method}}", followUp: "Done; see the audit log." },
          steps: [
            { id: "only", title: "Do it", checks: ["noRefusalSignals"], transitions: [ { to: "done" } ] },
            { id: "done", title: "Done", terminal: true, outcome: "resolved" },
          ],
        }
        """
    }

    struct StepBlock {
        var marker: String
        var id: String
        var heading: String
        var lines: [String]
    }

    /// The step sections of `runbook show` output: a heading `N. Title  [id]` or `END Title  [id]`
    /// and the indented lines under it.
    static func stepBlocks(_ output: String) throws -> [StepBlock] {
        let heading = try NSRegularExpression(pattern: #"^(\d+\.|END) .*  \[([^\]]+)\](  \(.*\))?$"#)
        var blocks: [StepBlock] = []
        for line in output.components(separatedBy: "\n") {
            let range = NSRange(line.startIndex..., in: line)
            if let match = heading.firstMatch(in: line, range: range) {
                blocks.append(StepBlock(marker: String(line[Range(match.range(at: 1), in: line)!]),
                                        id: String(line[Range(match.range(at: 2), in: line)!]), heading: line, lines: []))
            } else if !blocks.isEmpty, line.hasPrefix("   ") {
                blocks[blocks.count - 1].lines.append(line)
            }
        }
        return blocks
    }
}

/// Collects what a command writes, for assertions.
final class OutputBuffer: @unchecked Sendable {
    private let lock = NSLock()
    private var outText = ""
    private var errText = ""

    func append(out text: String) { lock.withLock { outText += text } }
    func append(err text: String) { lock.withLock { errText += text } }
    var out: String { lock.withLock { outText } }
    var err: String { lock.withLock { errText } }
}

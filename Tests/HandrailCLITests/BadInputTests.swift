import Foundation
import HandrailTestSupport
import SQLiteCore
import Store
import XCTest

/// Bad input through the real `handrail` binary: malformed dates and phone numbers, a 10,000-character
/// reason, control characters and escape sequences in every kind of input, unknown names, and
/// databases that cannot be written or are not Handrail's. Each must give a clear message on stderr
/// and a documented exit code, write no raw control character to either stream, and leave what is
/// already recorded exactly as it was: the audit export byte for byte, the number of events in the
/// file, an intact chain, and any foreign file untouched.
final class BadInputTests: XCTestCase {
    private var handrail: HandrailProcess!
    /// Open at identity verification, every fact typed (a phone on file since 2024).
    private var verifying: ManualCase!
    /// Verified, no codes, lost device: at the force reset.
    private var resetting: ManualCase!
    /// A force reset requested and not yet attested.
    private var pending: ManualCase!
    private var baseline: Recorded!
    private let subject = "sam@example.com"

    /// What is recorded, as an auditor would check it.
    struct Recorded: Equatable {
        var auditJSON: Data
        var eventCount: Int64
    }

    override func setUpWithError() throws {
        handrail = try HandrailProcess(login: "alice")
        verifying = try ManualCase.open(handrail, subject: subject)
        try verifying.typeOrdinaryFacts(extra: ["phone=+15550199@2024-03-01"])
        resetting = try ManualCase.open(handrail, subject: "rae@example.com")
        try resetting.typeOrdinaryFacts()
        try resetting.verifyByVideo()
        try resetting.act(["check_backup_codes"])
        try resetting.act(["choose_recovery", "situation=device"])
        pending = try ManualCase.open(handrail, subject: "pat@example.com")
        try pending.typeOrdinaryFacts()
        try pending.verifyByVideo()
        try pending.act(["check_backup_codes"])
        try pending.act(["choose_recovery", "situation=device"])
        try pending.act(["force_reset", "--confirm", "pat@example.com"])
        baseline = try recorded()
    }

    override func tearDown() {
        verifying = nil
        resetting = nil
        pending = nil
        handrail = nil
    }

    // MARK: - Malformed dates and phone numbers

    func testMalformedDatesAreUsageErrors() throws {
        for fact in ["phone=+15550100@2026-02-30", "phone=+15550100@2026-02-30T10:00", "phone=+15550100@2026-13-01",
                     "phone=+15550100@30/01/2024", "phone=+15550100@yesterday", "factor=totp:Pixel@2026-02-29T10:00",
                     "factor=totp:Pixel@2026-11-01T25:00", "signins=failed:203.0.113.9@2026-11-01T10:61",
                     "federated=google@2024-00-10"] {
            try assertRejected(["case", "facts", verifying.id, fact], exit: 2, says: [Self.dateComplaint(fact)])
        }
        for (option, value) in [("--since", "yesterday"), ("--since", "2026-02-30"), ("--until", "2026-13-01"),
                                ("--since", "2026-02-30T00:00"), ("--until", "2026-11-01T24:00"), ("--since", "")] {
            try assertRejected(["audit", option, value], exit: 2, says: ["\(option) takes a date, YYYY-MM-DD or YYYY-MM-DDTHH:MM"])
        }
    }

    func testMalformedPhoneNumbers() throws {
        for (fact, complaint) in [("phone=abc@2024-01-01", "abc is not a phone number"),
                                  ("phone=+1@2024-01-01", "+1 is not a phone number"),
                                  ("phone=+1555010000000000@2024-01-01", "+1555010000000000 is not a phone number"),
                                  ("phone=+1 555 CALL ME@2024-01-01", "is not a phone number"),
                                  ("phone=+15550100", "write NUMBER@YYYY-MM-DD"),
                                  ("phone=@2024-01-01", "write NUMBER@YYYY-MM-DD")] {
            try assertRejected(["case", "facts", verifying.id, fact], exit: 2, says: [complaint])
        }
        // A field's value is judged with the step's gates: exit 3, the field named.
        for (field, value) in [("callback_number", "12345"), ("callback_number", "+1555abc0100"), ("caller_number", "+1 555 CALL ME"),
                               ("callback_number", "+1234567890123456")] {
            try assertRejected(["case", "do", verifying.id, "verify_identity", "method=callback", "\(field)=\(value)",
                                "callback_confirmed=yes", "reference=INC-1"], exit: 3,
                               says: ["must be a phone number of 7 to 15 digits"])
        }
    }

    func testTenThousandCharacterText() throws {
        let long = String(repeating: "Caller was insistent. ", count: 455).prefix(10_000)
        XCTAssertEqual(long.count, 10_000)
        let text = String(long)
        try assertRejected(["case", "do", verifying.id, "refuse", "pressure", "--reason", text], exit: 2, says: ["at most 2000"])
        try assertRejected(["case", "do", verifying.id, "pause", "--reason", text], exit: 2, says: ["at most 2000"])
        try assertRejected(["case", "note", verifying.id, text], exit: 2, says: ["at most 4000"])
        try assertRejected(["case", "do", resetting.id, "force_reset", "--confirm", "rae@example.com", "--reason", text],
                           exit: 3, says: ["Reason (recorded in the audit log)", "at most 500"])
        try assertRejected(["case", "do", verifying.id, "verify_identity", "method=video", "compared_against=hr_photo",
                            "video_match=yes", "reference=\(text)"], exit: 3, says: ["Support ticket for this call"])
        try assertRejected(["case", "attest", pending.id, text], exit: 2, says: ["The attestation is 10000 characters long"])
        try assertRejected(["case", "attest", pending.id, "--failed", text], exit: 2, says: ["The failure is 10000 characters long"])
        try assertRejected(["case", "facts", verifying.id, "name=\(text)"], exit: 2, says: ["give a name of 1 to 200 characters"])
        try assertRejected(["case", "open", "--subject", text + "@example.com"], exit: 2, says: ["is not an email address"])
    }

    // MARK: - Control characters and escape sequences

    static let hostile: [(name: String, text: String)] = [
        ("ESC [2J (clear screen)", "\u{1B}[2J"),
        ("OSC 52 (write the clipboard)", "\u{1B}]52;c;cm0gLXJmIH4=\u{07}"),
        ("BEL", "\u{07}"),
        ("C1 CSI 0x9B", "\u{9B}31m"),
        ("U+202E right-to-left override", "\u{202E}gpj.exe"),
        ("DEL", "\u{7F}"),
    ]

    /// Every kind of input, with every hostile sequence: refused with a message that shows the
    /// sequence (if it shows it at all) as visible text, and nothing recorded.
    func testControlCharactersAndEscapeSequencesInEveryKindOfInput() throws {
        for (name, bad) in Self.hostile {
            let v = verifying.id, r = resetting.id, p = pending.id
            let cases: [(args: [String], login: String?, exit: Int32, says: String)] = [
                // Field values, typed and confirmed.
                (["case", "do", v, "verify_identity", "method=video", "compared_against=hr_photo", "video_match=yes",
                  "reference=INC-1\(bad)"], nil, 3, "Support ticket for this call"),
                (["case", "do", v, "verify_identity", "method=video\(bad)"], nil, 3, "How did you verify the caller?"),
                (["case", "do", v, "verify_identity", "method=ticket", "vouching_ticket=HR-5", "ticket_opened_by=boss\(bad)@example.com",
                  "ticket_opener_role=manager", "reference=INC-1"], nil, 3, "Email of whoever opened that ticket"),
                (["case", "do", r, "force_reset", "--confirm", "rae@example.com\(bad)"], nil, 3, "Type the user's email to confirm"),
                // Reasons.
                (["case", "do", v, "refuse", "pressure", "--reason", "Caller kept pressing \(bad) hard"], nil, 2, "The reason contains"),
                (["case", "do", r, "force_reset", "--confirm", "rae@example.com",
                  "--reason", "Lost device; identity verified via video call \(handrail.today), see INC-1001 \(bad)"], nil, 3,
                 "Reason (recorded in the audit log)"),
                // Notes and attestations.
                (["case", "note", v, "Called back \(bad) later"], nil, 2, "The note contains"),
                (["case", "attest", p, "Reset done \(bad) in the modal"], nil, 2, "The attestation contains"),
                (["case", "attest", p, "--failed", "The modal said \(bad) no"], nil, 2, "The failure contains"),
                (["case", "do", r, "force_reset", "--confirm", "rae@example.com", "--attest", "Done \(bad)"], nil, 2,
                 "The attestation contains"),
                // Facts typed from the console.
                (["case", "facts", v, "name=Sam \(bad) Example"], nil, 2, "contains control characters"),
                (["case", "facts", v, "factor=totp:Pixel \(bad)@2026-01-01T10:00"], nil, 2, "contains control characters"),
                (["case", "facts", v, "signins=failed:203.0.113.9\(bad)@2026-01-01T10:00"], nil, 2, "contains control characters"),
                // The subject's email and login names.
                (["case", "open", "--subject", "sam\(bad)@example.com"], nil, 2, "is not an email address"),
                (["case", "do", v, "note"], "mal\(bad)", 2, "is not a login name"),
                (["case", "open", "--subject", "new@example.com"], "mal\(bad)", 2, "is not a login name"),
                (["operator", "add", "mal\(bad)", "--role", "agent"], nil, 2, "is not a login name"),
                // Names that are echoed back in the message.
                (["case", "do", v, "verify\(bad)"], nil, 2, "unknown action"),
                (["case", "do", v, "verify_identity", "col\(bad)our=red"], nil, 2, "has no field"),
                (["case", "do", v, "refuse", "press\(bad)", "--reason", "A reason long enough to review"], nil, 2, "Unknown refusal signal"),
                (["case", "do", v, "refuse", "press\(bad)", "--reason", "A reason long enough to review", "--json"], nil, 2,
                 "Unknown refusal signal"),
                (["case", "show", "HR-\(bad)"], nil, 2, "no case"),
                (["case", "do", "HR-\(bad)", "note"], nil, 2, "no case"),
                (["case", "list", "--status", "open\(bad)"], nil, 2, "unknown status"),
                (["case", "open", "--subject", "new@example.com", "--runbook", "mfa\(bad)"], nil, 2, "no runbook"),
                (["case", "frob\(bad)"], nil, 2, "unknown subcommand"),
                (["frob\(bad)"], nil, 2, "unknown command"),
                (["audit", "--format", "csv\(bad)"], nil, 2, "--format is table, csv or json"),
                (["audit", "--since", "2026\(bad)"], nil, 2, "takes a date"),
                (["case", "list", "--platform", "manual\(bad)"], nil, 2, "unknown platform"),
            ]
            for c in cases {
                try assertRejected(c.args, as: c.login, exit: c.exit, says: [c.says], context: name)
            }
            // Filters that match nothing are not errors; they print nothing raw either.
            for args in [["audit", "--actor", "mal\(bad)"], ["audit", "--subject", "x\(bad)@example.com", "--format", "csv"],
                         ["case", "list", "--subject", "x\(bad)@example.com"]] {
                let run = try handrail.run(args)
                XCTAssertEqual(run.status, 0, "\(name): \(run)")
                assertNoRawControls(run, allowCarriageReturn: args.contains("csv"), context: name)
            }
        }
        // No login carrying control characters was ever put on the roster.
        let roster = try handrail.run(["operator", "list"])
        XCTAssertEqual(roster.out.components(separatedBy: "\n").filter { !$0.isEmpty }.count, 2, "\(roster)")
    }

    /// A login carrying an escape sequence never becomes a brand-new database's senior admin (it
    /// would be the recorded actor of every event it wrote, escape sequence and all): `init`
    /// refuses it as senior, and a command it runs on the demo database does not enrol it.
    func testAnEscapeSequenceLoginIsNotEnrolledAsTheFirstOperator() throws {
        let fresh = handrail.path("fresh.db")
        let named = try handrail.run(["init", "--senior", "mal\u{1B}]52;c;eA==\u{07}", "--db", fresh])
        XCTAssertEqual(named.status, 2, "\(named)")
        XCTAssertFalse(FileManager.default.fileExists(atPath: fresh), "\(named)")
        assertNoRawControls(named)
        let demo = ["HANDRAIL_DB": ""]
        let run = try handrail.run(["case", "open", "--subject", "sam@example.com"], as: "mal\u{1B}]52;c;eA==\u{07}", environment: demo)
        XCTAssertEqual(run.status, 2, "\(run)")
        XCTAssertTrue(run.err.contains("is not a login name"), "\(run)")
        assertNoRawControls(run)
        let first = try handrail.run(["operator", "add", "bob", "--role", "agent"], as: "alice", environment: demo)
        XCTAssertEqual(first.status, 0, "\(first)")
        XCTAssertTrue(first.err.contains("alice is the first operator"), "the first valid login is: \(first)")
        let roster = try handrail.run(["operator", "list"], as: "alice", environment: demo)
        XCTAssertEqual(roster.status, 0, "\(roster)")
        XCTAssertFalse(roster.out.contains("mal"), "\(roster)")
    }

    // MARK: - Unknown subcommands, options, steps and fields

    func testUnknownSubcommandsOptionsStepsAndFields() throws {
        let v = verifying.id
        let cases: [(args: [String], exit: Int32, says: String)] = [
            (["frobnicate"], 2, "unknown command \"frobnicate\""),
            (["case", "frobnicate"], 2, "unknown subcommand \"frobnicate\""),
            (["case"], 2, "say open, show, do"),
            (["operator", "frobnicate"], 2, "unknown subcommand \"frobnicate\""),
            (["audit", "frobnicate"], 2, "did you mean handrail audit verify?"),
            (["audit", "--frobnicate"], 2, "unexpected \"--frobnicate\""),
            (["case", "list", "--frobnicate"], 2, "unknown option --frobnicate"),
            (["case", "open", "--subject", "a@example.com", "--frobnicate"], 2, "unknown option --frobnicate"),
            (["case", "do", v, "verify_identity", "--frobnicate", "x"], 2, "unknown option --frobnicate"),
            (["case", "do", v, "fly"], 2, "unknown action \"fly\"; available now: verify_identity"),
            (["case", "do", v], 2, "which action?"),
            (["case", "do", v, "verify_identity", "colour=red"], 2, "step verify_identity has no field \"colour\"; its fields: method"),
            (["case", "do", v, "verify_identity", "method"], 2, "\"method\" is not field=value"),
            (["case", "do", v, "refuse", "nosuch", "--reason", "A reason long enough to review"], 2,
             "Unknown refusal signal \"nosuch\"; known: cannot_verify"),
            (["case", "do", v, "refuse", "pressure"], 2, "refuse needs --reason TEXT"),
            (["case", "do", v, "verify_identity", "method=telepathy", "reference=INC-1"], 3, "must be one of: video, callback"),
            (["case", "facts", v, "colour=red"], 2, "unknown fact \"colour\"; known: name, codes"),
            (["case", "facts", v], 2, "type at least one fact"),
            (["case", "facts", v, "codes=many"], 2, "a whole number from 0"),
            (["case", "facts", v, "privileged=maybe"], 2, "yes or no"),
            (["case", "show", "HR-NOPE0000"], 2, "no case HR-NOPE0000"),
            (["case", "do", "HR-NOPE0000", "note"], 2, "no case HR-NOPE0000"),
            (["case", "attest", verifying.id, "Did it in the console"], 2, "No platform action is pending"),
            (["case", "list", "--status", "bogus"], 2, "unknown status \"bogus\""),
            (["case", "open", "--subject", "not-an-email"], 2, "is not an email address"),
            (["case", "open"], 2, "say whose case: --subject EMAIL"),
            (["case", "open", "--subject", "a@example.com", "--runbook", "nosuch"], 2, "no runbook \"nosuch\""),
            (["audit", "--format", "xml"], 2, "--format is table, csv or json"),
            (["operator", "add", "bob", "--role", "overlord"], 2, "--role is one of agent"),
            (["operator", "add"], 2, "whose login?"),
            (["case", "list", "--platform", "okta"], 2, "unknown platform \"okta\""),
        ]
        for c in cases {
            try assertRejected(c.args, exit: c.exit, says: [c.says])
        }
        // A real step the case has not reached: a refusal (3), not "someone moved it on" (5), and
        // the message says where the case is and what can be done there.
        try assertRejected(["case", "do", v, "force_reset", "--confirm", subject], exit: 3,
                           says: ["The case is at \"verify_identity\" (Verify identity out-of-band), not \"force_reset\"", "verify_identity"])
    }

    // MARK: - Databases that cannot be written, or are not Handrail's

    /// Root is not stopped by file modes, so the not-writable case is a path that cannot be created:
    /// inside /proc. Only `handrail init` creates a database: a command that writes says there is
    /// none there and how to make one (exit 2); `init` itself cannot create it (exit 1). Nothing created.
    func testDatabaseThatCannotBeCreated() throws {
        let path = "/proc/handrail.db"
        for args in [["case", "open", "--subject", subject, "--db", path], ["operator", "add", "bob", "--role", "agent", "--db", path]] {
            try assertRejected(args, exit: 2, says: ["no database at /proc/handrail.db", "handrail init --db /proc/handrail.db --senior LOGIN"])
        }
        try assertRejected(["init", "--senior", "alice", "--db", path], exit: 1, says: ["/proc/handrail.db"])
        // Commands that only read never create: a missing database is a usage error, never "ok: 0 events".
        for args in [["case", "list", "--db", path], ["audit", "verify", "--db", path], ["--db", path, "audit"]] {
            try assertRejected(args, exit: 2, says: ["no database at /proc/handrail.db"])
        }
        let viaEnvironment = try handrail.run(["case", "list"], environment: ["HANDRAIL_DB": path])
        XCTAssertEqual(viaEnvironment.status, 2, "\(viaEnvironment)")
        XCTAssertTrue(viaEnvironment.err.contains(path), "\(viaEnvironment)")
        XCTAssertFalse(FileManager.default.fileExists(atPath: path))
        // A folder where the file should be: the message names it too.
        try assertRejected(["case", "open", "--subject", subject, "--db", handrail.folder.path], exit: 1,
                           says: ["cannot open the database \(handrail.folder.path)"])
    }

    /// A database file that is truly read-only for root (the immutable attribute): reads work,
    /// every write exits 1 saying nothing can be recorded, and the file is unchanged. Needs
    /// `chattr` (e2fsprogs) and root on a file system with the immutable attribute (ext4, xfs,
    /// btrfs); fails, saying so, where it cannot set it.
    func testImmutableDatabaseFileCanBeReadButNotWritten() throws {
        let copy = handrail.path("immutable.db")
        try FileManager.default.copyItem(atPath: handrail.database, toPath: copy)
        for side in ["-wal", "-shm"] where FileManager.default.fileExists(atPath: handrail.database + side) {
            try FileManager.default.copyItem(atPath: handrail.database + side, toPath: copy + side)
        }
        let chattr = try Requirement.tool("chattr", install: "install e2fsprogs (Debian: apt-get install e2fsprogs)")
        guard Self.shell(chattr, ["+i", copy]) == 0 else {
            throw MissingRequirement("chattr +i \(copy) failed: this test needs root (CAP_LINUX_IMMUTABLE) and a temporary "
                                     + "folder on a file system with the immutable attribute (ext4, xfs, btrfs; not tmpfs or overlayfs)")
        }
        defer { _ = Self.shell(chattr, ["-i", copy]) }
        let before = try Data(contentsOf: URL(fileURLWithPath: copy))

        let list = try handrail.run(["case", "list", "--db", copy])
        XCTAssertEqual(list.status, 0, "reading works: \(list)")
        XCTAssertTrue(list.out.contains(verifying.id), "\(list)")
        XCTAssertEqual(try handrail.run(["audit", "verify", "--db", copy]).status, 0)
        for args in [["case", "open", "--subject", subject, "--db", copy], ["case", "note", verifying.id, "A note that cannot be kept", "--db", copy],
                     ["case", "facts", verifying.id, "codes=1", "--db", copy], ["operator", "add", "bob", "--role", "agent", "--db", copy]] {
            try assertRejected(args, exit: 1, says: ["immutable.db is read-only: nothing can be recorded"])
        }
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: copy)), before, "the read-only file is byte for byte unchanged")
    }

    func testTextFileIsNotAHandrailDatabase() throws {
        let path = handrail.path("notes.txt")
        let original = Data("Ticket INC-1001: Sam lost their phone.\nCall back tomorrow.\n".utf8)
        try original.write(to: URL(fileURLWithPath: path))
        try assertForeignFileLeftAlone(path, original: original)
    }

    func testAnotherApplicationsSQLiteDatabaseIsNotAHandrailDatabase() throws {
        let path = handrail.path("inventory.sqlite")
        do {
            let db = try Database(path: path, mode: .create)
            try db.execute("CREATE TABLE laptops (serial TEXT PRIMARY KEY, owner TEXT); INSERT INTO laptops VALUES ('C02X', 'sam')")
        }
        let original = try Data(contentsOf: URL(fileURLWithPath: path))
        XCTAssertTrue(original.starts(with: Data("SQLite format 3\0".utf8)))
        try assertForeignFileLeftAlone(path, original: original)
    }

    // MARK: - Helpers

    /// Every kind of command on `path`: exit 2, "is not a Handrail database", the file byte for byte
    /// as it was, and no journal or WAL file left beside it.
    private func assertForeignFileLeftAlone(_ path: String, original: Data, file: StaticString = #filePath, line: UInt = #line) throws {
        let name = URL(fileURLWithPath: path).lastPathComponent
        for args in [["case", "list"], ["case", "open", "--subject", subject], ["case", "show", "HR-NOPE0000"],
                     ["case", "facts", "HR-NOPE0000", "codes=0"], ["case", "do", "HR-NOPE0000", "note"], ["audit"],
                     ["audit", "--format", "csv"], ["audit", "verify"], ["operator", "add", "bob", "--role", "agent"],
                     ["operator", "list"]] {
            try assertRejected(args + ["--db", path], exit: 2, says: ["\(name) is not a Handrail database"], file: file, line: line)
            try assertRejected(["--db", path] + args, exit: 2, says: ["\(name) is not a Handrail database"], file: file, line: line)
            XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: path)), original, "\(args)", file: file, line: line)
        }
        let viaEnvironment = try handrail.run(["case", "list"], environment: ["HANDRAIL_DB": path])
        XCTAssertEqual(viaEnvironment.status, 2, "\(viaEnvironment)", file: file, line: line)
        for side in ["-wal", "-shm", "-journal"] {
            XCTAssertFalse(FileManager.default.fileExists(atPath: path + side), "\(path + side) was created", file: file, line: line)
        }
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: path)), original, file: file, line: line)
    }

    /// Runs a command that must be refused: its exit code, a message on stderr saying `says`, no
    /// raw control character on either stream, and nothing already recorded changed.
    @discardableResult
    private func assertRejected(_ args: [String], as login: String? = nil, exit: Int32, says: [String], context: String = "",
                                file: StaticString = #filePath, line: UInt = #line) throws -> HandrailProcess.Run {
        let run = try handrail.run(args, as: login)
        XCTAssertEqual(run.status, exit, "\(context) \(run)", file: file, line: line)
        XCTAssertFalse(run.err.isEmpty, "\(context): a refusal says why on stderr: \(run)", file: file, line: line)
        for text in says {
            XCTAssertTrue(run.err.contains(text), "\(context): stderr should say \(text.debugDescription): \(run)", file: file, line: line)
        }
        assertNoRawControls(run, context: context, file: file, line: line)
        XCTAssertEqual(try recorded(), baseline, "\(context): \(args) changed what was recorded", file: file, line: line)
        return run
    }

    private func assertNoRawControls(_ run: HandrailProcess.Run, allowCarriageReturn: Bool = false, context: String = "",
                                     file: StaticString = #filePath, line: UInt = #line) {
        for (stream, data) in [("stdout", run.stdout), ("stderr", run.stderr)] {
            let found = RawControls.find(in: data, allowCarriageReturn: allowCarriageReturn)
            XCTAssertTrue(found.isEmpty, "\(context): raw control characters on \(stream) (\(found)): \(run)", file: file, line: line)
        }
    }

    /// The audit export and the number of events in the database file, and a chain that verifies.
    private func recorded(file: StaticString = #filePath, line: UInt = #line) throws -> Recorded {
        let export = try handrail.run(["audit", "--format", "json"])
        XCTAssertEqual(export.status, 0, "\(export)", file: file, line: line)
        let verify = try handrail.run(["audit", "verify"])
        XCTAssertEqual(verify.status, 0, "\(verify)", file: file, line: line)
        let store = try HandrailStore(path: handrail.database, create: false, readOnly: true, now: Date.init)
        return Recorded(auditJSON: export.stdout, eventCount: try store.eventCount())
    }

    private static func dateComplaint(_ fact: String) -> String {
        fact.hasPrefix("phone=") || fact.hasPrefix("federated=") ? "is not a date" : "@YYYY-MM-DDTHH:MM"
    }

    static func shell(_ tool: String, _ arguments: [String]) -> Int32 {
        guard FileManager.default.isExecutableFile(atPath: tool) else { return -1 }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { return -1 }
        process.waitUntilExit()
        return process.terminationStatus
    }
}

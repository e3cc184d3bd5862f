import Foundation
import HandrailTestSupport
import XCTest
@testable import HandrailCLI

/// The controls that hold on every deployment, locked or not, each with the attack it stops:
/// the runbook and platform pinned to the case, duplicate runbook ids, databases created only by
/// `init`, reads that need a role, audited roster changes, and unverified identities said so.
final class PinningAndAttributionTests: XCTestCase {
    var handrail: HandrailProcess!

    override func setUpWithError() throws {
        handrail = try HandrailProcess()
    }

    /// A private copy of the shipped runbooks the test may edit.
    private func runbookCopy() throws -> URL {
        let folder = URL(fileURLWithPath: handrail.path("runbooks"))
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        for file in try FileManager.default.contentsOfDirectory(atPath: HandrailProcess.runbooks.path) where file.hasSuffix(".json5") {
            try FileManager.default.copyItem(atPath: HandrailProcess.runbooks.appendingPathComponent(file).path,
                                             toPath: folder.appendingPathComponent(file).path)
        }
        return folder
    }

    // MARK: - The runbook pinned to the case

    func testACaseIsDecidedOnlyOnTheRunbookFileItWasOpenedOn() throws {
        let folder = try runbookCopy()
        let env = ["HANDRAIL_RUNBOOKS": folder.path]
        let open = try handrail.run(["case", "open", "--subject", "sam@example.com"], environment: env)
        XCTAssertEqual(open.status, 0, "\(open)")
        let id = open.out.trimmingCharacters(in: .whitespacesAndNewlines)
        let show = try handrail.run(["case", "show", id], environment: env)
        let file = folder.appendingPathComponent("mfa-recovery.json5")
        let digest = try XCTUnwrap(handrail.run(["case", "show", id, "--json"], environment: env).out.isEmpty ? nil : show.out)
        XCTAssertTrue(digest.contains("Runbook: mfa-recovery.json5 sha256:"), digest)
        let audit = try handrail.run(["audit", "--case", id], environment: env)
        XCTAssertTrue(audit.out.contains("[runbook sha256:"), "\(audit)")

        // The attack: the runbook's gates edited (here, any byte changed) after the case was opened.
        let original = try String(contentsOf: file, encoding: .utf8)
        try (original + "\n// gates removed\n").write(to: file, atomically: true, encoding: .utf8)
        let events = try handrail.eventTypes(id)
        let note = try handrail.run(["case", "note", id, "A note after the runbook file was edited"], environment: env)
        XCTAssertEqual(note.status, 3, "\(note)")
        XCTAssertTrue(note.err.contains("the runbook changed since the case was opened"), "\(note)")
        XCTAssertEqual(try handrail.eventTypes(id), events, "nothing recorded")
        // The file as it was: the case goes on.
        try original.write(to: file, atomically: true, encoding: .utf8)
        XCTAssertEqual(try handrail.run(["case", "note", id, "A note after the runbook file was restored"], environment: env).status, 0)
    }

    /// A case whose runbook file changed goes on only after a senior admin who did not open it
    /// moves it onto the new file, with a reason, as a chained and audited `runbook.migrated`
    /// event (old and new hash). The agent's attempt is refused and records nothing.
    func testASeniorMigratesACaseOntoItsChangedRunbookAndAnAgentCannot() throws {
        let folder = try runbookCopy()
        let env = ["HANDRAIL_RUNBOOKS": folder.path]
        XCTAssertEqual(try handrail.run(["operator", "add", "bob", "--role", "senior"], environment: env).status, 0)
        XCTAssertEqual(try handrail.run(["operator", "add", "carol", "--role", "agent"], environment: env).status, 0)
        let open = try handrail.run(["case", "open", "--subject", "sam@example.com"], as: "carol", environment: env)
        XCTAssertEqual(open.status, 0, "\(open)")
        let id = open.out.trimmingCharacters(in: .whitespacesAndNewlines)
        // The agent lets the case go for the senior, as for an approval.
        XCTAssertEqual(try handrail.run(["case", "release", id], as: "carol", environment: env).status, 0)
        let unchanged = try handrail.run(["case", "migrate-runbook", id, "--reason", "Nothing changed, just trying"], as: "bob", environment: env)
        XCTAssertNotEqual(unchanged.status, 0, "\(unchanged)")
        XCTAssertTrue(unchanged.err.contains("has not changed"), "\(unchanged)")

        let file = folder.appendingPathComponent("mfa-recovery.json5")
        try (try String(contentsOf: file, encoding: .utf8) + "\n// callback wording corrected\n").write(to: file, atomically: true, encoding: .utf8)
        let refused = try handrail.run(["case", "note", id, "A note on the changed runbook"], as: "carol", environment: env)
        XCTAssertEqual(refused.status, 3, "\(refused)")
        XCTAssertTrue(refused.err.contains("handrail case migrate-runbook \(id)"), "the refusal says who can move it: \(refused)")
        let events = try handrail.eventTypes(id)
        // The attacks: an agent, and a senior without a reason.
        let agent = try handrail.run(["case", "migrate-runbook", id, "--reason", "I want to go on with my case"], as: "carol", environment: env)
        XCTAssertEqual(agent.status, 4, "\(agent)")
        XCTAssertEqual(try handrail.run(["case", "migrate-runbook", id], as: "bob", environment: env).status, 2)
        XCTAssertEqual(try handrail.eventTypes(id), events, "nothing recorded")

        let moved = try handrail.run(["case", "migrate-runbook", id, "--reason", "The callback wording was corrected; gates unchanged"],
                                     as: "bob", environment: env)
        XCTAssertEqual(moved.status, 0, "\(moved)")
        let migration = try XCTUnwrap(try handrail.audit(["--case", id]).last)
        XCTAssertEqual(migration["event"] as? String, "runbook.migrated")
        XCTAssertEqual(migration["actor"] as? String, "bob")
        let payload = "\(migration)"
        XCTAssertTrue(payload.contains("from") && payload.contains("to") && payload.contains("gates unchanged"), payload)
        XCTAssertEqual(try handrail.run(["case", "note", id, "A note on the moved case"], as: "carol", environment: env).status, 0,
                       "decisions now use the new file")
        XCTAssertEqual(try handrail.run(["audit", "verify"], environment: env).status, 0)
    }

    func testTwoRunbookFilesWithOneIdAreRefused() throws {
        let folder = try runbookCopy()
        let copy = folder.appendingPathComponent("zz-mine.json5")
        try FileManager.default.copyItem(at: folder.appendingPathComponent("mfa-recovery.json5"), to: copy)
        let check = try handrail.run(["runbook", "check", folder.appendingPathComponent("mfa-recovery.json5").path, copy.path])
        XCTAssertEqual(check.status, 3, "\(check)")
        XCTAssertTrue(check.out.contains("duplicate runbook id"), "\(check)")
        let open = try handrail.run(["case", "open", "--subject", "sam@example.com"], environment: ["HANDRAIL_RUNBOOKS": folder.path])
        XCTAssertEqual(open.status, 2, "\(open)")
        XCTAssertTrue(open.err.contains("declared by mfa-recovery.json5 and zz-mine.json5"), "\(open)")
    }

    // MARK: - The platform pinned to the case

    func testAnotherPlatformOnACaseIsAUsageErrorNotAnInternalOne() throws {
        let open = try handrail.run(["case", "open", "--subject", "sam@example.com", "--platform", "manual"])
        let id = open.out.trimmingCharacters(in: .whitespacesAndNewlines)
        XCTAssertEqual(open.status, 0, "\(open)")
        let show = try handrail.run(["case", "show", id], environment: ["HANDRAIL_PLATFORM": "local"])
        XCTAssertEqual(show.status, 2, "\(show)")
        XCTAssertTrue(show.err.contains("was opened on the manual platform and stays on it"), "\(show)")
        XCTAssertEqual(try handrail.run(["case", "show", id]).status, 0)
    }

    // MARK: - Databases come from init only

    func testAZeroByteFileOrAMissingFolderNeverBecomesADatabase() throws {
        let empty = handrail.path("empty.db")
        XCTAssertTrue(FileManager.default.createFile(atPath: empty, contents: Data()))
        let run = try handrail.run(["case", "open", "--subject", "sam@example.com", "--db", empty])
        XCTAssertEqual(run.status, 2, "\(run)")
        XCTAssertTrue(run.err.contains("is an empty file"), "\(run)")
        XCTAssertEqual(try FileManager.default.attributesOfItem(atPath: empty)[.size] as? Int, 0)
        let missing = handrail.path("no-such-folder/handrail.db")
        let typo = try handrail.run(["case", "open", "--subject", "sam@example.com", "--db", missing])
        XCTAssertEqual(typo.status, 2, "\(typo)")
        XCTAssertFalse(FileManager.default.fileExists(atPath: missing))
        let verify = try handrail.run(["audit", "verify", "--db", handrail.path("mistyped.db")])
        XCTAssertEqual(verify.status, 2, "a mistyped path is not \"ok: 0 events\": \(verify)")
        XCTAssertFalse(FileManager.default.fileExists(atPath: handrail.path("mistyped.db")))
    }

    func testInitCreatesADatabaseWithItsSeniorAndNeverAdoptsOne() throws {
        let path = handrail.path("new.db")
        let created = try handrail.run(["init", "--senior", "carol", "--db", path])
        XCTAssertEqual(created.status, 0, "\(created)")
        let roster = try handrail.run(["operator", "list", "--db", path], as: "carol")
        XCTAssertTrue(roster.out.contains("carol") && roster.out.contains("senior"), "\(roster)")
        XCTAssertEqual(try handrail.run(["init", "--senior", "mallory", "--db", path]).status, 2)
    }

    func testTheFirstRunOnAPersonalMachineGoesToALabelledDemoDatabase() throws {
        let run = try handrail.run(["case", "open", "--subject", "sam@example.com"], environment: ["HANDRAIL_DB": ""])
        XCTAssertEqual(run.status, 0, "\(run)")
        XCTAssertTrue(run.err.contains("is a DEMO database"), "\(run)")
        XCTAssertTrue(FileManager.default.fileExists(atPath: handrail.path("handrail/demo.db")))
        XCTAssertFalse(FileManager.default.fileExists(atPath: handrail.path("handrail/handrail.db")))
    }

    // MARK: - Reading needs a role

    func testUnknownLoginsReadNothingAndTraineesSeeNoRealQueue() throws {
        let c = try ManualCase.open(handrail, subject: "sam@example.com")
        for args in [["case", "list"], ["case", "show", c.id], ["audit"], ["audit", "--format", "csv"]] {
            let stranger = try handrail.run(args, as: "zed")
            XCTAssertEqual(stranger.status, 4, "\(stranger)")
            XCTAssertFalse(stranger.out.contains("sam@example.com"), "\(stranger)")
        }
        XCTAssertEqual(try handrail.run(["operator", "add", "tina", "--role", "trainee"]).status, 0)
        for args in [["case", "list"], ["audit", "--format", "json"]] {
            let trainee = try handrail.run(args, as: "tina")
            XCTAssertEqual(trainee.status, 4, "\(trainee)")
            XCTAssertFalse(trainee.out.contains("sam@example.com"), "\(trainee)")
        }
    }

    // MARK: - The roster is audited

    func testRosterChangesAreChainedEventsAndNobodyChangesTheirOwnRole() throws {
        _ = try ManualCase.open(handrail, subject: "sam@example.com")
        XCTAssertEqual(try handrail.run(["operator", "add", "bob", "--role", "agent"]).status, 0)
        XCTAssertEqual(try handrail.run(["operator", "add", "carol", "--role", "senior"]).status, 0)
        let own = try handrail.run(["operator", "set", "alice", "--role", "agent"])
        XCTAssertEqual(own.status, 4, "\(own)")
        // Two seniors now: promoting bob takes both.
        let request = try handrail.run(["operator", "set", "bob", "--role", "senior"])
        XCTAssertTrue(request.out.contains("Requested"), "\(request)")
        XCTAssertEqual(try handrail.run(["operator", "set", "bob", "--role", "senior"]).status, 4)
        XCTAssertEqual(try handrail.run(["operator", "set", "bob", "--role", "senior"], as: "carol").status, 0)
        XCTAssertEqual(try handrail.run(["operator", "remove", "bob"], as: "carol").status, 0)
        let roster = try handrail.audit(["--event", "operator.changed"])
        // alice: named senior by `handrail init`, the first roster event.
        XCTAssertEqual(roster.map { $0["subject"] as? String }, ["alice", "bob", "carol", "bob", "bob"])
        XCTAssertEqual(try handrail.audit(["--event", "operator.promotion_requested"]).count, 1)
        let verify = try handrail.run(["audit", "verify"])
        XCTAssertEqual(verify.status, 0, "\(verify)")
    }

    // MARK: - Unverified identities are said so

    func testUnlockedCaseShowAndEveryEventSayIdentitiesAreNotVerified() throws {
        let c = try ManualCase.open(handrail, subject: "sam@example.com")
        let show = try handrail.run(["case", "show", c.id])
        XCTAssertTrue(show.out.contains("Identities not verified"), "\(show)")
        let opened = try XCTUnwrap(handrail.audit(["--case", c.id]).first)
        let envelope = (opened["payload"] as? [String: Any])?["envelope"] as? [String: Any]
        XCTAssertEqual(envelope?["mode"] as? String, "unlocked")
        XCTAssertEqual(envelope?["role"] as? String, "senior")
        XCTAssertEqual((opened["payload"] as? [String: Any])?["platform"] as? String, "manual")
    }

    // MARK: - Locked entry, as pure functions

    func testLockedEntryRefusesTheVariablesAndOptionsThatChooseFilesIdentityOrZone() {
        for name in ["HANDRAIL_LOGIN", "HANDRAIL_DB", "HANDRAIL_RUNBOOKS", "TZ", "XDG_CONFIG_HOME", "XDG_DATA_HOME"] {
            XCTAssertEqual(LockedEntry.forbiddenVariable(in: [name: "x", "PATH": "/usr/bin"]), name)
        }
        XCTAssertNil(LockedEntry.forbiddenVariable(in: ["PATH": "/usr/bin", "XDG_SESSION_ID": "3", "XDG_RUNTIME_DIR": "/run/user/1", "LANG": "C"]))
        XCTAssertEqual(LockedEntry.forbiddenOption(in: ["case", "list", "--db", "x"]), "--db")
        XCTAssertEqual(LockedEntry.forbiddenOption(in: ["--runbooks=./mine", "case", "list"]), "--runbooks")
        XCTAssertEqual(LockedEntry.forbiddenOption(in: ["--platform", "manual"]), "--platform")
        XCTAssertNil(LockedEntry.forbiddenOption(in: ["case", "note", "ID", "--", "--db"]))
    }

    func testTheSSHCommandGrammarSplitsWordsAndExpandsNothing() throws {
        XCTAssertEqual(try SSHCommandGrammar.parse(""), [])
        XCTAssertEqual(try SSHCommandGrammar.parse("case do HR-1 note 'two words' \"say \\\"hi\\\"\""),
                       ["case", "do", "HR-1", "note", "two words", "say \"hi\""])
        XCTAssertEqual(try SSHCommandGrammar.parse("case note HR-1 $(id) `id` ;"), ["case", "note", "HR-1", "$(id)", "`id`", ";"])
        XCTAssertThrowsError(try SSHCommandGrammar.parse("sh -c id"))
        XCTAssertThrowsError(try SSHCommandGrammar.parse("case list 'open"))
        XCTAssertThrowsError(try SSHCommandGrammar.parse("case list\u{1B}[2J"))
        XCTAssertThrowsError(try SSHCommandGrammar.parse("case list --db /tmp/x.db"))
    }

    func testAConfigurationFileOthersCanWriteIsRefused() throws {
        let folder = handrail.path("etc")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let path = folder + "/handrail.json5"
        try "{ database: \"/x/h.db\", runbooks: \"/x/r\", platform: \"manual\", timeZone: \"Europe/Berlin\", serviceAccount: \"handrail\" }"
            .write(toFile: path, atomically: true, encoding: .utf8)
        chmod(path, 0o666)
        XCTAssertThrowsError(try SystemConfiguration.load(path: path)) { XCTAssertTrue("\($0)".contains("must not be writable"), "\($0)") }
        XCTAssertNil(try SystemConfiguration.load(path: folder + "/absent.json5"), "no file: unlocked")
        let parsed = try SystemConfiguration.parse("{ database: \"/x/h.db\", runbooks: \"/x/r\", platform: \"manual\", timeZone: \"Europe/Berlin\", serviceAccount: \"handrail\", anchorSinks: [{ syslog: \"authpriv\" }] }", path: path)
        XCTAssertEqual(parsed.timeZone.identifier, "Europe/Berlin")
        XCTAssertEqual(parsed.anchorSinks.count, 1)
        XCTAssertThrowsError(try SystemConfiguration.parse("{ database: \"relative.db\", runbooks: \"/x\", platform: \"manual\", timeZone: \"UTC\", serviceAccount: \"h\" }", path: path))
    }

    /// The attack: whoever holds the service account writes its user configuration to add a
    /// staff domain (a vouching ticket from their own mail server) or to unlist a privileged
    /// account. Locked, that file is never read; the system configuration's settings apply.
    func testLockedTheOrganisationsSettingsComeOnlyFromTheSystemConfiguration() throws {
        try handrail.configure("{ organisationDomains: [\"attacker.example\"], defaultCountryCode: \"+1\", privilegedAccounts: [] }")
        let environment = handrail.environment(login: "alice").merging(["XDG_CONFIG_HOME": handrail.path(".config")]) { $1 }
        let system = try SystemConfiguration.parse("""
            { database: "/x/h.db", runbooks: "/x/r", platform: "manual", timeZone: "Europe/Berlin", serviceAccount: "handrail",
              organisationDomains: ["Example.com"], defaultCountryCode: "+49", privilegedAccounts: ["Root@example.com"],
              replica: "/srv/backup/handrail", replicationWarnSeconds: 60 }
            """, path: "/etc/handrail/handrail.json5")
        let locked = HandrailConfig.effective(locked: system, environment: environment)
        XCTAssertEqual(locked.organisationDomains, ["example.com"])
        XCTAssertEqual(locked.defaultCountryCode, "+49")
        XCTAssertEqual(locked.privilegedAccounts, ["root@example.com"])
        XCTAssertNil(locked.database, "nothing else of the user's file either")
        XCTAssertEqual(locked.replica, "/srv/backup/handrail")
        XCTAssertEqual(locked.replicationWarnSeconds, 60)
        // The honest path unlocked: the user's own file is the configuration.
        let unlocked = HandrailConfig.effective(locked: nil, environment: environment)
        XCTAssertEqual(unlocked.organisationDomains, ["attacker.example"])
        XCTAssertEqual(unlocked.defaultCountryCode, "+1")
        // The system configuration checks them as the user's file does.
        for bad in ["organisationDomains: [\"not a domain\"]", "defaultCountryCode: \"49x\"", "privilegedAccounts: [\"nobody\"]",
                    "anchorAccount: \"anchor\""] {
            XCTAssertThrowsError(try SystemConfiguration.parse("{ database: \"/x/h.db\", runbooks: \"/x/r\", platform: \"manual\", timeZone: \"UTC\", serviceAccount: \"h\", \(bad) }", path: "/e.json5"), bad)
        }
    }

    /// The attack: `SUDO_USER=alice` in the environment made whoever set it the senior alice
    /// (it was trusted whenever getlogin failed). Unlocked, the login is HANDRAIL_LOGIN or the
    /// real user id's account name, never SUDO_USER.
    func testSudoUserNeverNamesTheOperator() throws {
        XCTAssertEqual(try handrail.run(["operator", "add", "bob", "--role", "agent"]).status, 0, "alice is the senior")
        let account = try XCTUnwrap(getpwuid(getuid()).map { String(cString: $0.pointee.pw_name) })
        XCTAssertNotEqual(account, "alice")
        let spoofed = try handrail.run(["operator", "add", "mallory", "--role", "senior"], environment: ["HANDRAIL_LOGIN": "", "SUDO_USER": "alice"])
        XCTAssertEqual(spoofed.status, 4, "\(spoofed)")
        XCTAssertTrue(spoofed.err.contains("\(account) is not on this database's roster"), "\(spoofed)")
        XCTAssertFalse(try handrail.run(["operator", "list"]).out.contains("mallory"))
        // The honest path: the account's own name, when it is on the roster.
        XCTAssertEqual(try handrail.run(["operator", "add", account, "--role", "agent"]).status, 0)
        let own = try handrail.run(["case", "list"], environment: ["HANDRAIL_LOGIN": "", "SUDO_USER": "alice"])
        XCTAssertEqual(own.status, 0, "\(own)")
    }
}

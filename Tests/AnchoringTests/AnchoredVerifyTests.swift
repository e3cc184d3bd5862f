import Anchoring
import Engine
import Foundation
import Hashing
import SQLiteCore
import XCTest

/// `audit verify --anchors FILE --anchor-key K0` against the attacks of an insider who can write
/// the database file. Each attack first passes the plain `audit verify` (what the log alone
/// could say), then fails the anchored one, naming the first checkpoint it contradicts.
final class AnchoredVerifyTests: XCTestCase {
    var handrail: AnchoredHandrail!

    override func setUpWithError() throws {
        handrail = try AnchoredHandrail()
        try handrail.initialiseAnchor()
    }

    override func tearDown() {
        handrail = nil
    }

    func testAnHonestLogVerifiesAgainstItsCheckpoints() {
        handrail.resetCase("sam@example.com")
        handrail.resetCase("kim@example.com")
        // init, and one checkpoint per reset (the attested completion).
        XCTAssertEqual(handrail.checkpoints().map(\.epoch), [0, 1, 2])
        let result = handrail.verifyAnchored()
        XCTAssertEqual(result.status, 0, "\(result)")
        XCTAssertTrue(result.out.contains("3 checkpoints from K0 verified"), "\(result)")
        XCTAssertTrue(result.out.contains("2 cases: each row equals the replay of its events"), "\(result)")
    }

    func testTheRechainAttackIsCaught() throws {
        let victim = handrail.resetCase("sam@example.com")
        handrail.resetCase("kim@example.com")
        try handrail.rechainWithout(caseID: victim)

        let plain = handrail.run(["audit", "verify"])
        XCTAssertEqual(plain.status, 0, "the re-chained log verifies on its own: \(plain)")
        let anchored = handrail.verifyAnchored()
        XCTAssertEqual(anchored.status, 3, "\(anchored)")
        XCTAssertTrue(anchored.err.contains("checkpoint epoch 1"), "names the first checkpoint the log contradicts: \(anchored)")
        XCTAssertTrue(anchored.err.contains("rewritten or re-chained"), "\(anchored)")
    }

    /// The attack: times walked back in steps each within the skew allowance of the event before
    /// (what a clock set back a little before each command did while the guard looked at the last
    /// event only), here written around Handrail and re-chained. `audit verify` names the event.
    func testATimeRegressionInStepsIsReportedWithItsEventSeq() throws {
        handrail.resetCase("sam@example.com")
        handrail.resetCase("kim@example.com")
        XCTAssertEqual(handrail.run(["audit", "verify"]).status, 0, "the honest log has no regression")
        let last = try handrail.head().seq
        let db = try Database(path: handrail.database, mode: .readOnly)
        let base = try XCTUnwrap(db.scalarString("SELECT time FROM events WHERE seq = ?1", [.integer(last - 3)]).flatMap(EventTime.parse))
        try handrail.rechainWithTimes([last - 2: EventTime.format(base.addingTimeInterval(-100)),
                                       last - 1: EventTime.format(base.addingTimeInterval(-200))])
        let verify = handrail.run(["audit", "verify"])
        XCTAssertEqual(verify.status, 3, "\(verify)")
        XCTAssertTrue((verify.out + verify.err).contains("event #\(last - 1) is dated \(EventTime.format(base.addingTimeInterval(-200)))"), "\(verify)")
        XCTAssertTrue((verify.out + verify.err).contains("before an earlier event (\(EventTime.format(base)))"), "\(verify)")
    }

    func testRollbackToAnOlderBackupIsCaughtAndAlarmsTheNextOperator() throws {
        handrail.resetCase("sam@example.com")
        let backup = handrail.folder.appendingPathComponent("backup.db").path
        try handrail.backup(to: backup)
        handrail.resetCase("kim@example.com")
        try handrail.restore(from: backup)

        XCTAssertEqual(handrail.run(["audit", "verify"]).status, 0, "the older copy verifies on its own")
        let anchored = handrail.verifyAnchored()
        XCTAssertEqual(anchored.status, 3, "\(anchored)")
        XCTAssertTrue(anchored.err.contains("checkpoint epoch 2"), "\(anchored)")
        XCTAssertTrue(anchored.err.contains("truncated or rolled back"), "\(anchored)")

        // The next anchored commit sees the log below what was anchored, and says so on screen.
        let next = handrail.run(["operator", "add", "bob", "--role", "agent"])
        XCTAssertTrue(next.err.contains("ALARM"), "\(next)")
        XCTAssertTrue(next.err.contains("rolled back"), "\(next)")
    }

    func testAnEditedCheckpointLineIsCaught() throws {
        handrail.resetCase("sam@example.com")
        var text = try String(contentsOfFile: handrail.checkpointFile, encoding: .utf8)
        let last = handrail.checkpoints().last!
        // The head of the last checkpoint edited to whatever a rewritten log would need.
        text = text.replacingOccurrences(of: "head=\(last.head.hexString)", with: "head=\(SHA256.hash([1]).hexString)")
        try text.write(toFile: handrail.checkpointFile, atomically: true, encoding: .utf8)
        let result = handrail.verifyAnchored()
        XCTAssertEqual(result.status, 3, "\(result)")
        XCTAssertTrue(result.err.contains("checkpoint epoch 1"), "\(result)")
        XCTAssertTrue(result.err.contains("forged or edited"), "\(result)")
    }

    func testAForgedCheckpointLineIsCaught() throws {
        handrail.resetCase("sam@example.com")
        let last = handrail.checkpoints().last!
        // Appended with a made-up MAC (no key at all).
        var forged = Checkpoint(databaseID: last.databaseID, seq: last.seq, head: last.head, timeMilliseconds: last.timeMilliseconds + 1000,
                                epoch: last.epoch + 1, previous: last.hash, key: [])
        forged.mac = SHA256.hash(Array("guess".utf8))
        let file = try FileHandle(forWritingTo: URL(fileURLWithPath: handrail.checkpointFile))
        try file.seekToEnd()
        try file.write(contentsOf: Data((forged.line + "\n").utf8))
        try file.close()
        let result = handrail.verifyAnchored()
        XCTAssertEqual(result.status, 3, "\(result)")
        XCTAssertTrue(result.err.contains("checkpoint epoch \(forged.epoch)"), "\(result)")
    }

    /// The insider re-chains the log, steals the key file as it is today (K(n)), and re-signs the
    /// earlier checkpoints over the rewritten log with it. K(n) is not K(1): the auditor's K0 says so.
    func testCheckpointsForgedWithALaterEpochsKeyForEarlierEpochsAreCaught() throws {
        let victim = handrail.resetCase("sam@example.com")
        handrail.resetCase("kim@example.com")
        handrail.resetCase("lee@example.com")
        let stolenText = try String(contentsOfFile: handrail.keyFile, encoding: .utf8)
        let stolen = try XCTUnwrap(stolenText.split(separator: "\n").first { $0.hasPrefix("key=") }.flatMap { [UInt8](hex: String($0.dropFirst(4))) })
        XCTAssertFalse(stolenText.contains(handrail.k0), "the machine no longer holds K0")
        try handrail.rechainWithout(caseID: victim)

        // Every checkpoint after epoch 0 re-signed with the stolen key over the rewritten log.
        let real = handrail.checkpoints()
        let head = try handrail.head()
        var forged = [real[0]]
        for c in real.dropFirst() {
            let seq = min(c.seq, head.seq)
            let hash = try hashOfEvent(seq)
            forged.append(Checkpoint(databaseID: c.databaseID, seq: seq, head: hash, timeMilliseconds: c.timeMilliseconds, epoch: c.epoch,
                                     previous: forged.last!.hash, key: stolen))
        }
        try forged.map { $0.line + "\n" }.joined().write(toFile: handrail.checkpointFile, atomically: true, encoding: .utf8)

        let result = handrail.verifyAnchored()
        XCTAssertEqual(result.status, 3, "\(result)")
        XCTAssertTrue(result.err.contains("checkpoint epoch 1"), "\(result)")
        XCTAssertTrue(result.err.contains("MAC does not verify under the key of epoch 1"), "\(result)")
    }

    func testATamperedProjectionRowIsCaught() throws {
        let id = handrail.resetCase("sam@example.com")
        // Hides the case from the overdue list: it is waiting for the user to enrol.
        try handrail.sql("UPDATE cases SET status = 'closed' WHERE id = '\(id)'")
        XCTAssertEqual(handrail.run(["audit", "verify"]).status, 0, "the chain is untouched")
        let result = handrail.verifyAnchored()
        XCTAssertEqual(result.status, 3, "\(result)")
        XCTAssertTrue(result.err.contains("case \(id)"), "\(result)")
        XCTAssertTrue(result.err.contains("status is closed, the events say awaiting_enrolment"), "\(result)")
        // Also without anchors, on request.
        XCTAssertEqual(handrail.run(["audit", "verify", "--projections"]).status, 3)
    }

    func testExpectHoldsWhileTheLogGrowsAndFailsWhenHistoryChanges() throws {
        let victim = handrail.resetCase("sam@example.com")
        let kept = try handrail.head()
        handrail.resetCase("kim@example.com")
        handrail.must(["case", "note", victim, "Called the user back on the number on file"])

        let grown = handrail.run(["audit", "verify", "--expect", "\(kept.seq):\(kept.hash)"])
        XCTAssertEqual(grown.status, 0, "legitimate growth after the kept hash: \(grown)")
        XCTAssertEqual(handrail.run(["audit", "verify", "--expect", "\(kept.seq):\(kept.hash.uppercased())", "--expect", "0:" + String(repeating: "0", count: 64)]).status, 0)

        try handrail.rechainWithout(caseID: "nothing-to-delete")
        XCTAssertEqual(handrail.run(["audit", "verify", "--expect", "\(kept.seq):\(kept.hash)"]).status, 0, "a re-chain that changed nothing changes no hash")

        let kim = try XCTUnwrap(handrail.run(["case", "list", "--subject", "kim@example.com"]).out.split(separator: "\n").dropFirst().first?.split(separator: " ").first)
        try handrail.rechainWithout(caseID: String(kim))
        XCTAssertEqual(handrail.run(["audit", "verify", "--expect", "\(kept.seq):\(kept.hash)"]).status, 0, "history up to the kept event is unchanged")
        try handrail.rechainWithout(caseID: victim)
        let changed = handrail.run(["audit", "verify", "--expect", "\(kept.seq):\(kept.hash)"])
        XCTAssertEqual(changed.status, 3, "\(changed)")
        XCTAssertTrue(changed.err.contains("history up to \(kept.seq) changed") || changed.err.contains("truncated or rolled back"), "\(changed)")
    }

    func testMalformedExpectationsAreUsageErrors() {
        for bad in [["--expect", "12"], ["--expect", "x:\(String(repeating: "a", count: 64))"], ["--expect", "5:abc"], ["--expect", "-1:\(String(repeating: "a", count: 64))"],
                    ["--expect-head", "not-a-hash"], ["--anchors", handrail.checkpointFile], ["--anchors", handrail.checkpointFile, "--anchor-key", "short"],
                    ["--anchors", handrail.folder.appendingPathComponent("missing").path, "--anchor-key", handrail.k0]] {
            let result = handrail.run(["audit", "verify"] + bad)
            XCTAssertEqual(result.status, 2, "\(result)")
        }
    }

    func testAFailingSyslogSinkIsReportedOnScreenAndInVerifyAndTheActionStillSucceeds() throws {
        let broken = try AnchoredHandrail(syslogSocket: "/nonexistent/handrail-test.sock")
        try broken.initialiseAnchor()
        let id = broken.must(["case", "open", "--subject", "sam@example.com"]).out.trimmingCharacters(in: .whitespacesAndNewlines)
        broken.must(["case", "facts", id, "name=Sam", "signins=none", "suspended=no", "codes=0", "privileged=no", "federated=none"])
        broken.must(["case", "do", id, "verify_identity", "method=video", "compared_against=hr_photo", "video_match=yes", "reference=INC-1"])
        broken.must(["case", "do", id, "check_backup_codes"])
        broken.must(["case", "do", id, "choose_recovery", "situation=device"])
        broken.must(["case", "do", id, "force_reset", "--confirm", "sam@example.com"])
        let attested = broken.must(["case", "attest", id, "done"])
        XCTAssertTrue(attested.out.contains("Recorded mfa.factor_admin_reset"), "\(attested)")
        XCTAssertTrue(attested.err.contains("checkpoint not delivered to syslog"), "on screen: \(attested)")
        XCTAssertTrue(attested.err.contains("2 waiting"), "init's and this one: \(attested)")

        let verify = broken.verifyAnchored()
        XCTAssertEqual(verify.status, 0, "the file sink has every checkpoint: \(verify)")
        XCTAssertTrue(verify.err.contains("WARNING: 2 checkpoint(s) from epoch 0 were not delivered to syslog"), "\(verify)")
        let json = broken.verifyAnchored(["--json"])
        XCTAssertTrue(json.out.contains("\"warnings\""), "\(json)")
    }

    func testRosterChangesAreAnchoredAndHeartbeatsComeWhileTheLogGrows() throws {
        let beating = try AnchoredHandrail(heartbeatMinutes: 5)
        try beating.initialiseAnchor()
        beating.must(["operator", "add", "bob", "--role", "agent"])
        XCTAssertEqual(beating.checkpoints().count, 2, "init and the roster change")

        let id = beating.must(["case", "open", "--subject", "sam@example.com"]).out.trimmingCharacters(in: .whitespacesAndNewlines)
        beating.must(["case", "note", id, "First note: the caller will ring back later"])
        XCTAssertEqual(beating.checkpoints().count, 2, "no heartbeat within five minutes")
        beating.clock.advance(6 * 60)
        beating.must(["case", "note", id, "Second note: the caller rang back as agreed"])
        XCTAssertEqual(beating.checkpoints().count, 3, "a heartbeat: older than five minutes and the log grew")
        XCTAssertEqual(beating.checkpoints().last?.seq, try beating.head().seq)
        beating.clock.advance(6 * 60)
        beating.must(["case", "show", id])
        XCTAssertEqual(beating.checkpoints().count, 3, "nothing new in the log: no heartbeat")
        XCTAssertEqual(beating.verifyAnchored().status, 0)
    }

    func testOCSFRecordsCarryTheCaseAndTheEventHash() throws {
        let id = handrail.resetCase("sam@example.com")
        let ocsf = handrail.must(["audit", "--format", "ocsf"])
        let records = ocsf.out.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        XCTAssertEqual(records.count, 1, "the reset is the one account change: \(ocsf)")
        let reset = try XCTUnwrap(records.first)
        XCTAssertEqual(reset["class_uid"] as? Int, 3001)
        XCTAssertEqual(reset["activity_id"] as? Int, 11)
        XCTAssertEqual(reset["type_uid"] as? Int, 300111)
        let metadata = try XCTUnwrap(reset["metadata"] as? [String: Any])
        XCTAssertEqual(metadata["correlation_uid"] as? String, id)
        let json = handrail.must(["audit", "--format", "json", "--event", "mfa.factor_admin_reset"])
        let exported = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(json.out.utf8)) as? [[String: Any]])
        XCTAssertEqual(metadata["uid"] as? String, exported.first?["hash"] as? String)
        XCTAssertEqual((reset["user"] as? [String: Any])?["email_addr"] as? String, "sam@example.com")
    }

    private func hashOfEvent(_ seq: Int64) throws -> [UInt8] {
        let result = handrail.run(["audit", "--format", "json"])
        let rows = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(result.out.utf8)) as? [[String: Any]])
        let hex = try XCTUnwrap(rows.first { ($0["seq"] as? Int).map(Int64.init) == seq }?["hash"] as? String)
        return try XCTUnwrap([UInt8](hex: hex))
    }
}

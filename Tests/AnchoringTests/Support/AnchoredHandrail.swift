import Anchoring
import Foundation
import HandrailCLI
import HandrailTestSupport
import SQLiteCore
import Store
import XCTest

/// A clock for in-process commands: moves 10 ms each time it is read, and jumps when told.
final class SteppingClock: @unchecked Sendable {
    private let lock = NSLock()
    private var current: Date

    init(_ start: Date) { current = start }

    func now() -> Date {
        lock.withLock {
            current = current.addingTimeInterval(0.01)
            return current
        }
    }

    func advance(_ seconds: TimeInterval) {
        lock.withLock { current = current.addingTimeInterval(seconds) }
    }
}

final class TextBuffer: @unchecked Sendable {
    private let lock = NSLock()
    private var storage = ""
    func append(_ s: String) { lock.withLock { storage += s } }
    var text: String { lock.withLock { storage } }
}

/// One anchored database in a fresh folder, driven through `handrail` in-process on the
/// ManualConsole platform, with a configuration of its own (syslog off unless a socket is given),
/// and the attacks an insider with the database file would try, written with a connection of
/// their own.
final class AnchoredHandrail {
    struct Run: CustomStringConvertible {
        var arguments: [String]
        var status: Int32
        var out: String
        var err: String
        var description: String { "handrail \(arguments.joined(separator: " ")) → \(status)\n--- out\n\(out)\n--- err\n\(err)" }
    }

    let folder: URL
    let database: String
    let clock = SteppingClock(Date(timeIntervalSince1970: 1_779_000_000)) // 2026-05-17T06:40Z
    var k0 = ""

    var checkpointFile: String { database + ".checkpoints" }
    var keyFile: String { database + ".anchor-key" }

    init(syslogSocket: String? = nil, heartbeatMinutes: Int? = nil) throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("handrail-anchored-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("handrail"), withIntermediateDirectories: true)
        database = folder.appendingPathComponent("handrail.db").path
        var settings = ["syslogSocket: \"\(syslogSocket ?? "off")\""]
        if let heartbeatMinutes { settings.append("anchorHeartbeatMinutes: \"\(heartbeatMinutes)\"") }
        try "{ \(settings.joined(separator: ", ")) }\n".write(to: folder.appendingPathComponent("handrail/config.json5"), atomically: true, encoding: .utf8)
    }

    deinit {
        try? FileManager.default.removeItem(at: folder)
    }

    var environment: [String: String] {
        ["HANDRAIL_DB": database, "HANDRAIL_RUNBOOKS": PackagePaths.runbooks.path, "HANDRAIL_PLATFORM": "manual",
         "HOME": folder.path, "XDG_CONFIG_HOME": folder.path, "XDG_DATA_HOME": folder.path, "TZ": "UTC"]
    }

    @discardableResult
    func run(_ arguments: [String], as login: String = "alice") -> Run {
        let out = TextBuffer(), err = TextBuffer()
        var env = environment
        env["HANDRAIL_LOGIN"] = login
        let clock = self.clock
        // Only `handrail init` creates a database: the first command's login is its senior admin.
        if arguments.first != "init", !FileManager.default.fileExists(atPath: database) {
            _ = HandrailCommandLine.run(["init", "--senior", login], environment: env, output: CommandOutput(out: { _ in }, err: { err.append($0) }),
                                        clock: { clock.now() })
        }
        let status = HandrailCommandLine.run(arguments, environment: env, output: CommandOutput(out: { out.append($0) }, err: { err.append($0) }),
                                             clock: { clock.now() })
        return Run(arguments: arguments, status: status, out: out.text, err: err.text)
    }

    /// `run`, which must exit `expect`.
    @discardableResult
    func must(_ arguments: [String], expect: Int32 = 0, file: StaticString = #filePath, line: UInt = #line) -> Run {
        let result = run(arguments)
        XCTAssertEqual(result.status, expect, "\(result)", file: file, line: line)
        return result
    }

    /// `handrail anchor init`, keeping the K0 it prints (as the auditor would, offline).
    func initialiseAnchor(file: StaticString = #filePath, line: UInt = #line) throws {
        let result = must(["anchor", "init"], file: file, line: line)
        let hex = result.out.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.first { $0.count == 64 && [UInt8](hex: $0) != nil }
        k0 = try XCTUnwrap(hex, "anchor init printed no K0: \(result)", file: file, line: line)
    }

    /// A force reset on a new case for `subject`: verification by video, the reset attested.
    /// Returns the case id; the case waits for enrolment.
    @discardableResult
    func resetCase(_ subject: String, file: StaticString = #filePath, line: UInt = #line) -> String {
        let id = must(["case", "open", "--subject", subject], file: file, line: line).out.trimmingCharacters(in: .whitespacesAndNewlines)
        must(["case", "facts", id, "name=Sam Example", "signins=none", "suspended=no", "codes=0", "privileged=no", "federated=none"], file: file, line: line)
        must(["case", "do", id, "verify_identity", "method=video", "compared_against=hr_photo", "video_match=yes", "reference=INC-1"], file: file, line: line)
        must(["case", "do", id, "check_backup_codes"], file: file, line: line)
        must(["case", "do", id, "choose_recovery", "situation=device"], file: file, line: line)
        must(["case", "do", id, "force_reset", "--confirm", subject], file: file, line: line)
        must(["case", "attest", id, "Force MFA reset confirmed in the modal"], file: file, line: line)
        return id
    }

    func verifyAnchored(_ extra: [String] = [], anchors: String? = nil) -> Run {
        run(["audit", "verify", "--anchors", anchors ?? checkpointFile, "--anchor-key", k0] + extra, as: "alice")
    }

    func checkpoints(in path: String? = nil) -> [Checkpoint] {
        let text = (try? String(contentsOfFile: path ?? checkpointFile, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").compactMap {
            if case .checkpoint(let c) = Checkpoint.find(in: $0) { return c }
            return nil
        }
    }

    func head() throws -> (seq: Int64, hash: String) {
        let store = try HandrailStore(path: database, readOnly: true, now: { Date(timeIntervalSince1970: 0) })
        let head = try store.chainHead()
        return (head.seq, head.hash.map { String(format: "%02x", $0) }.joined())
    }

    // MARK: - Attacks, as an insider with the file and SQLite would write them

    /// Drops the triggers, deletes one case's events and row, and re-chains every later event
    /// (gapless sequence numbers, each hash recomputed over the canonical bytes, the head moved):
    /// a log that verifies on its own.
    func rechainWithout(caseID: String) throws {
        try rewrite { db in
            let delete = try db.prepare("DELETE FROM events WHERE case_id = ?1")
            try delete.run([.text(caseID)])
            let deleteRow = try db.prepare("DELETE FROM cases WHERE id = ?1")
            try deleteRow.run([.text(caseID)])
        }
    }

    /// Puts `times` (seq → time) on events and re-chains: a log written around Handrail whose
    /// chain still verifies.
    func rechainWithTimes(_ times: [Int64: String]) throws {
        try rewrite { db in
            let update = try db.prepare("UPDATE events SET time = ?1 WHERE seq = ?2")
            for (seq, time) in times {
                try update.run([.text(time), .integer(seq)])
            }
        }
    }

    /// Drops the triggers, applies `edit`, and re-chains every event from the first.
    private func rewrite(_ edit: (Database) throws -> Void) throws {
        let db = try Database(path: database, mode: .readWrite)
        try db.execute("""
        DROP TRIGGER IF EXISTS events_are_append_only_update; DROP TRIGGER IF EXISTS events_are_append_only_delete;
        DROP TRIGGER IF EXISTS events_advance_chain_head; DROP TRIGGER IF EXISTS chain_head_moves_forward;
        """)
        try db.execute("BEGIN IMMEDIATE")
        try edit(db)
        let rows = try db.prepare("SELECT seq, case_seq, time, actor, case_id, subject, type, reason, payload FROM events ORDER BY seq")
        struct Row { var seq: Int64; var caseSeq: Int64; var time, actor, caseID, subject, type: String; var reason: String?; var payload: String }
        var all: [Row] = []
        while try rows.step() {
            all.append(Row(seq: rows.int64(0), caseSeq: rows.int64(1), time: rows.string(2), actor: rows.string(3), caseID: rows.string(4),
                           subject: rows.string(5), type: rows.string(6), reason: rows.optionalString(7), payload: rows.string(8)))
        }
        let hashing = EventHashing()
        var previous = EventHashing.genesis
        let update = try db.prepare("UPDATE events SET seq = ?1, prev_hash = ?2, hash = ?3 WHERE seq = ?4")
        for (i, row) in all.enumerated() {
            let seq = Int64(i + 1)
            let hash = hashing.hash(previous: previous, seq: seq, caseSeq: row.caseSeq, time: row.time, actor: row.actor, caseID: row.caseID,
                                    subject: row.subject, type: row.type, reason: row.reason, payload: row.payload)
            try update.run([.integer(seq), .blob(previous), .blob(hash), .integer(row.seq)])
            previous = hash
        }
        let head = try db.prepare("UPDATE chain_head SET seq = ?1, hash = ?2 WHERE id = 1")
        try head.run([.integer(Int64(all.count)), .blob(previous)])
        try db.execute("COMMIT")
    }

    /// A copy of the database as it is now (`VACUUM INTO`, https://sqlite.org/lang_vacuum.html#vacuuminto).
    func backup(to path: String) throws {
        let db = try Database(path: database, mode: .readOnly)
        try db.execute("VACUUM INTO '\(path)'")
    }

    /// The database replaced by an older copy.
    func restore(from path: String) throws {
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: database + suffix) }
        try FileManager.default.copyItem(atPath: path, toPath: database)
    }

    func sql(_ text: String) throws {
        try Database(path: database, mode: .readWrite).execute(text)
    }
}

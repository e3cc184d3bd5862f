import Engine
import Foundation
import Runbook
import Store

/// Writes a realistic, correctly chained audit log of `events` events straight into a fresh
/// Handrail database: cases of ten events each (opened … reset … enrolled … closed), spread
/// over eighteen months, so a six-month filter selects about a third of the resets.
struct AuditLogGenerator {
    let path: String
    let events: Int

    static let caseEvents: [(type: String, reason: String?)] = [
        ("case.opened", nil), ("facts.recorded", nil), ("verification.recorded", nil), ("backup_codes.checked", nil),
        ("recovery.chosen", nil), ("mfa.factor_admin_reset.requested", "Lost device; identity verified via video call DATE, see SUP-NUM"),
        ("mfa.factor_admin_reset", "Lost device; identity verified via video call DATE, see SUP-NUM"), ("mfa.factor_enrolled", nil),
        ("followup.sent", nil), ("case.closed", nil),
    ]

    func generate() {
        let started = Date()
        FileHandle.standardError.write(Data("generating \(events) events into \(path)…\n".utf8))
        let store = try! HandrailStore(path: path)
        _ = try! store.enrolFirstOperator("bench", at: Date())
        let db = store.db
        try! db.execute("PRAGMA synchronous = OFF") // generation only; the benchmark reads
        let insert = try! db.prepare("""
        INSERT INTO events (seq, time, actor, case_id, case_seq, subject, type, reason, payload, prev_hash, hash)
        VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
        """)
        let start = EventTime.parse("2025-05-01T00:00:00.000Z")!.timeIntervalSince1970
        let span = EventTime.parse("2026-11-01T00:00:00.000Z")!.timeIntervalSince1970 - start
        let cases = events / Self.caseEvents.count
        let hashing = EventHashing()
        var previous = EventHashing.genesis
        var seq: Int64 = 0
        let actors = ["alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi"]
        try! db.execute("BEGIN")
        for c in 0..<cases {
            let caseID = String(format: "HR-%08X", c)
            let subject = "user\(c % 40_000)@example.com"
            let actor = actors[c % actors.count]
            let caseStart = start + span * Double(c) / Double(cases)
            let day = CalendarDay(Date(timeIntervalSince1970: caseStart), in: TimeZone(identifier: "UTC")!).description
            for (i, spec) in Self.caseEvents.enumerated() {
                seq += 1
                let time = EventTime.format(Date(timeIntervalSince1970: caseStart + Double(i) * 37))
                let reason = spec.reason.map { $0.replacingOccurrences(of: "DATE", with: day).replacingOccurrences(of: "NUM", with: String(c)) }
                let payload = "{\"next\":\"step_\(i + 1)\",\"step\":\"step_\(i)\",\"values\":{\"reference\":\"SUP-\(c)\"}}"
                let hash = hashing.hash(previous: previous, seq: seq, caseSeq: Int64(i + 1), time: time, actor: actor, caseID: caseID,
                                        subject: subject, type: spec.type, reason: reason, payload: payload)
                try! insert.run([.integer(seq), .text(time), .text(actor), .text(caseID), .integer(Int64(i + 1)), .text(subject),
                                 .text(spec.type), reason.map(SQLValue.text) ?? .null, .text(payload), .blob(previous), .blob(hash)])
                previous = hash
            }
            if c % 20_000 == 19_999 {
                try! db.execute("COMMIT")
                try! db.execute("BEGIN")
                FileHandle.standardError.write(Data("\r  \(seq) events".utf8))
            }
        }
        try! db.execute("COMMIT")
        try! db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        FileHandle.standardError.write(Data(String(format: "\rgenerated %lld events in %.0f s\n", seq, Date().timeIntervalSince(started)).utf8))
    }
}

extension AuditLogGenerator {
    /// Writes, for every event, exactly the bytes its hash covers (previous hash ‖ canonical
    /// event), concatenated: the input `sha256sum` is timed on, so both hash the same bytes.
    static func writeHashedBytes(database path: String, to output: String) {
        let db = try! Database(path: path, mode: .readOnly)
        let statement = try! db.prepare("""
        SELECT seq, case_seq, time, actor, case_id, subject, type, reason, payload, prev_hash FROM events ORDER BY seq
        """)
        _ = FileManager.default.createFile(atPath: output, contents: nil)
        let handle = FileHandle(forWritingAtPath: output)!
        defer { try? handle.close() }
        let hashing = EventHashing()
        var chunk = Data()
        while try! statement.step() {
            statement.withBytes(9) { prev in statement.withBytes(2) { time in statement.withBytes(3) { actor in
                statement.withBytes(4) { caseID in statement.withBytes(5) { subject in statement.withBytes(6) { type in
                    statement.withBytes(8) { payload in
                        let reason: UnsafeRawBufferPointer? = statement.isNull(7) ? nil : statement.withBytes(7) { $0 }
                        hashing.withCanonicalBytes(previous: prev, .init(seq: statement.int64(0), caseSeq: statement.int64(1), time: time,
                                                                         actor: actor, caseID: caseID, subject: subject, type: type,
                                                                         reason: reason, payload: payload)) { chunk.append(contentsOf: $0) }
                    }
                } } }
            } } }
            if chunk.count > 1 << 22 {
                handle.write(chunk)
                chunk.removeAll(keepingCapacity: true)
            }
        }
        handle.write(chunk)
    }
}

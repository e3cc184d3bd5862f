import Engine
import Foundation
import Runbook
import Store

/// Writes a realistic, correctly chained audit log of `events` events into a fresh Handrail
/// database, through the store's bulk append (one transaction per 20,000 cases): cases of ten events each (opened … reset … enrolled … closed), spread
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
        let store = try! HandrailStore(path: path, now: Date.init)
        _ = try! store.enrolFirstOperator("bench", at: Date())
        let start = EventTime.parse("2025-05-01T00:00:00.000Z")!.timeIntervalSince1970
        let span = EventTime.parse("2026-11-01T00:00:00.000Z")!.timeIntervalSince1970 - start
        let cases = events / Self.caseEvents.count
        // A case's events 37 s apart, closer when the cases come thicker than that: time in the
        // log only moves forward (the store refuses an event dated before the latest one).
        let step = min(37, span / Double(cases) / Double(Self.caseEvents.count))
        var appended = 0
        let actors = ["alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi"]
        var batch: [CaseAppend] = []
        for c in 0..<cases {
            let caseID = String(format: "HR-%08X", c)
            let subject = "user\(c % 40_000)@example.com"
            let actor = actors[c % actors.count]
            let caseStart = start + span * Double(c) / Double(cases)
            let day = CalendarDay(Date(timeIntervalSince1970: caseStart), in: TimeZone(identifier: "UTC")!).description
            let events = Self.caseEvents.enumerated().map { i, spec in
                CaseEvent(type: spec.type, caseID: caseID, subject: subject, actor: actor,
                          time: Date(timeIntervalSince1970: caseStart + Double(i) * step),
                          reason: spec.reason.map { $0.replacingOccurrences(of: "DATE", with: day).replacingOccurrences(of: "NUM", with: String(c)) },
                          payload: ["step": .string("step_\(i)"), "next": .string("step_\(i + 1)"),
                                    "values": .object(["reference": .string("SUP-\(c)")])])
            }
            // The log only, as an archive holds it: the audit reads events, not the queue.
            batch.append(CaseAppend(caseID: caseID, events: events, projection: nil))
            if batch.count == 20_000 || c == cases - 1 {
                appended += try! store.appendBulk(batch)
                batch.removeAll(keepingCapacity: true)
                FileHandle.standardError.write(Data("\r  \(appended) events".utf8))
            }
        }
        try! store.checkpoint()
        FileHandle.standardError.write(Data(String(format: "\rgenerated %d events in %.0f s\n", appended, Date().timeIntervalSince(started)).utf8))
    }
}

extension AuditLogGenerator {
    /// Writes, for every event, exactly the bytes its hash covers (previous hash ‖ canonical
    /// event), concatenated: the input `sha256sum` is timed on, so both hash the same bytes.
    static func writeHashedBytes(database path: String, to output: String) {
        let store = try! HandrailStore(path: path, readOnly: true, now: Date.init)
        _ = FileManager.default.createFile(atPath: output, contents: nil)
        let handle = FileHandle(forWritingAtPath: output)!
        defer { try? handle.close() }
        var chunk = Data()
        try! store.hashedBytes { bytes in
            chunk.append(contentsOf: bytes)
            if chunk.count > 1 << 22 {
                handle.write(chunk)
                chunk.removeAll(keepingCapacity: true)
            }
        }
        handle.write(chunk)
    }
}

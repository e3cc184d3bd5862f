import Engine
import Foundation
import Runbook
import SQLiteCore

/// Events about the desk rather than a case — sessions and the roster — chained into the same
/// log under pseudo-case ids that no case can have (`~sessions`, `~roster`).
extension HandrailStore {
    public static let sessionsCaseID = "~sessions"
    public static let rosterCaseID = "~roster"

    /// Whether `caseID` is one of the desk's pseudo-cases: events with no case row to project.
    public static func isDeskCase(_ caseID: String) -> Bool { caseID.hasPrefix("~") }

    /// Appends one desk event at the end of its pseudo-case, chained like every other.
    @discardableResult
    public func appendDeskEvent(_ event: CaseEvent) throws(StoreError) -> StoredEvent {
        try write { try appendDeskEventInTransaction(event) }
    }

    func appendDeskEventInTransaction(_ event: CaseEvent) throws -> StoredEvent {
        var event = event
        if event.stamp == nil { event.stamp = eventStamp?(event.actor) }
        let head = try db.cached("SELECT seq, hash FROM chain_head WHERE id = 1")
        guard try head.step() else { throw StoreError.notAHandrailDatabase(path) }
        let seq = head.int64(0) + 1
        let previous = head.bytes(1)
        head.reset()
        try requireForwardTime([event.time])
        let caseSeq = (try db.scalarInt("SELECT max(case_seq) FROM events WHERE case_id = ?1", [.text(event.caseID)]) ?? 0) + 1
        let time = EventTime.format(event.time)
        let payload = JSONValue.object(event.payload).canonicalText
        let hash = hashing.hash(previous: previous, seq: seq, caseSeq: caseSeq, time: time, actor: event.actor, caseID: event.caseID,
                                subject: event.subject, type: event.type, reason: event.reason, payload: payload)
        let insert = try db.cached("""
        INSERT INTO events (seq, time, actor, case_id, case_seq, subject, type, reason, payload, prev_hash, hash)
        VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
        """)
        try insert.run([.integer(seq), .text(time), .text(event.actor), .text(event.caseID), .integer(caseSeq), .text(event.subject),
                        .text(event.type), event.reason.map(SQLValue.text) ?? .null, .text(payload), .blob(previous), .blob(hash)])
        return StoredEvent(seq: seq, caseSeq: Int(caseSeq), event: event, payloadText: payload, previousHash: previous, hash: hash)
    }

    /// Refuses times earlier than the log's latest time by more than the skew allowance. The
    /// latest, not the last event's: measured against the last event only, a clock set back a
    /// little less than the allowance before each command walks the log back as far as it likes.
    /// (`events_by_time` answers max(time) from the index.)
    func requireForwardTime(_ times: [Date]) throws {
        guard let earliest = times.min(),
              let lastText = try db.scalarString("SELECT max(time) FROM events"),
              let last = EventTime.parse(lastText) else { return }
        if earliest < last.addingTimeInterval(-Self.clockSkewAllowance) {
            throw StoreError.timeWentBackwards(last: last, attempted: earliest)
        }
    }

    /// Events dated earlier than the latest event before them by more than the skew allowance: a
    /// clock set back, or a row written around Handrail. Against the running maximum (a window
    /// function, https://sqlite.org/windowfunctions.html), so a walk back in small steps is found
    /// as surely as one jump. `previousTime` is that latest earlier time.
    public func timeRegressions(limit: Int = 20) throws(StoreError) -> [(seq: Int64, time: String, previousTime: String)] {
        try read {
            let statement = try db.prepare("""
            SELECT seq, time, latest FROM (
              SELECT seq, time, max(time) OVER (ORDER BY seq ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS latest FROM events)
            WHERE latest IS NOT NULL AND (julianday(latest) - julianday(time)) * 86400.0 > ?1 ORDER BY seq LIMIT ?2
            """)
            try statement.bind([.real(Self.clockSkewAllowance), .integer(Int64(limit))])
            var out: [(Int64, String, String)] = []
            while try statement.step() { out.append((statement.int64(0), statement.string(1), statement.string(2))) }
            return out
        }
    }

    /// Whether the database has any operator yet.
    public func hasOperators() throws(StoreError) -> Bool {
        try read { (try db.scalarInt("SELECT count(*) FROM operators") ?? 0) > 0 }
    }

    /// Changes the roster and records the change, chained, in one transaction. `to` nil removes.
    @discardableResult
    public func changeOperator(_ login: String, to role: Role?, by actor: String, at time: Date, reason: String?) throws(StoreError) -> StoredEvent {
        try write {
            let before = try db.scalarString("SELECT role FROM operators WHERE login = ?1", [.text(login)]).flatMap(Role.init(rawValue:))
            if let role {
                let statement = try db.prepare("""
                INSERT INTO operators (login, role, added_by, added_at) VALUES (?1, ?2, ?3, ?4)
                ON CONFLICT (login) DO UPDATE SET role = excluded.role
                """)
                try statement.run([.text(login), .text(role.rawValue), .text(actor), .text(EventTime.format(time))])
            } else {
                try db.prepare("DELETE FROM operators WHERE login = ?1").run([.text(login)])
            }
            return try appendDeskEventInTransaction(CaseEvent(.rosterChanged(RosterChange(login: login, from: before, to: role)),
                                                              caseID: Self.rosterCaseID, subject: login, actor: actor, time: time, reason: reason))
        }
    }

    /// The pending promotion request for `login` (its requester), if the last roster event about
    /// `login` is a request.
    public func pendingPromotion(of login: String) throws(StoreError) -> String? {
        try read {
            let statement = try db.prepare("SELECT type, actor FROM events WHERE case_id = ?1 AND subject = ?2 ORDER BY case_seq DESC LIMIT 1")
            try statement.bind([.text(Self.rosterCaseID), .text(login)])
            guard try statement.step(), statement.string(0) == EventCodec.Name.promotionRequested else { return nil }
            return statement.string(1)
        }
    }
}

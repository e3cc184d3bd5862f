import Engine
import Foundation
import Runbook
import SQLiteCore

/// A request to hold a case for an operator while acting on it.
public struct LeaseRequest: Sendable, Equatable {
    public var login: String
    public var now: Date
    public var duration: TimeInterval
    /// A senior's take-over: the hold is taken from exactly this operator (and from nobody
    /// else: if someone else took the case meanwhile, the take-over is refused as held).
    public var takingOverFrom: String?

    public init(login: String, now: Date, duration: TimeInterval, takingOverFrom: String? = nil) {
        self.login = login
        self.now = now
        self.duration = duration
        self.takingOverFrom = takingOverFrom
    }
}

/// The event log and what is kept beside it: cases, their events (the audit log), the queue
/// projection, leases and the roster, in one SQLite file shared by every operator on the host.
/// The connection stays inside: everything that reads or writes the log goes through here, so
/// the hash chain cannot be bypassed by a caller with SQL of its own.
public final class HandrailStore {
    let db: Database
    public let path: String
    public let isReadOnly: Bool
    let hashing = EventHashing()
    /// What to record in each appended event's envelope for its actor (mode, role at the
    /// time); nil records none, as before envelopes existed.
    public var eventStamp: (@Sendable (String) -> EventStamp?)?
    /// How far an append may be dated before the last event (clocks of two terminals are not
    /// exactly equal); anything earlier is refused: time in the log only moves forward.
    public static let clockSkewAllowance: TimeInterval = 120

    /// Opens (and, with `create`, creates and migrates) the database at `path`. With `readOnly`
    /// the file is opened read-only (SQLITE_OPEN_READONLY), which holds even for root, whom file
    /// permissions do not stop; nothing is created or migrated and every write is refused.
    ///
    /// - Parameter now: the caller's clock, read once to date the migrations this opening applies.
    public init(path: String, create: Bool = true, readOnly: Bool = false, now: () -> Date) throws(StoreError) {
        self.path = path
        do {
            db = try SQLiteFile.open(path: path, applicationID: Migrations.applicationID, migrations: Migrations.all,
                                     mode: readOnly ? .readOnly : create ? .create : .readWrite, now: now())
        } catch {
            throw StoreError(error, path: path)
        }
        isReadOnly = db.isReadOnly
    }

    static func translate(_ error: Error, path: String) -> StoreError {
        StoreError(error, path: path)
    }

    /// Runs `body` as one write transaction, mapping SQLite failures to `StoreError`.
    func write<T>(_ body: () throws -> T) throws(StoreError) -> T {
        if isReadOnly { throw .readOnly(path) }
        do {
            return try db.transaction(.immediate, body)
        } catch {
            throw Self.translate(error, path: path)
        }
    }

    /// Runs `body` as one read transaction: all it reads comes from one snapshot, however many
    /// statements it takes, while other connections go on appending.
    func read<T>(_ body: () throws -> T) throws(StoreError) -> T {
        do {
            return try db.read(body)
        } catch {
            throw Self.translate(error, path: path)
        }
    }

    // MARK: - Appending

    /// Appends a case's new events and its projection in one transaction, if the case still
    /// has exactly `expectedLastCaseSeq` events: two terminals acting on one step can never
    /// both succeed.
    ///
    /// With `lease`, the case is also held for its operator, in the same transaction: one
    /// decision is one durable commit.
    ///
    /// With `subjectMark` (a new case), the person's history must still end where it did when it
    /// was read (`subjectHistory`): two operators opening a case for the same person at once
    /// cannot both succeed, as the write lock puts one commit after the other.
    @discardableResult
    public func append(_ events: [CaseEvent], caseID: String, expectedLastCaseSeq: Int,
                       projection: CaseProjection, lease: LeaseRequest? = nil, subjectMark: SubjectMark? = nil) throws(StoreError) -> [StoredEvent] {
        try write {
            if let subjectMark, try subjectMarkInTransaction(subjectMark.subject) != subjectMark.lastSeq {
                throw StoreError.subjectChanged(subject: subjectMark.subject)
            }
            let stored = try appendInTransaction(events, caseID: caseID, expectedLastCaseSeq: expectedLastCaseSeq, projection: projection)
            if let lease { try holdInTransaction(caseID: caseID, lease) }
            return stored
        }
    }

    /// Appends many cases' events at once, each case hash-chained onto the log exactly as
    /// `append` does, in one transaction for the whole batch: for importing a log, or generating
    /// one to measure, where one durable commit per case would cost one disk flush per case.
    /// Every case must still hold its `expectedLastCaseSeq` events (0 for a new case), or
    /// nothing of the batch is written.
    ///
    /// - Returns: the number of events appended.
    @discardableResult
    public func appendBulk(_ batch: [CaseAppend]) throws(StoreError) -> Int {
        try write {
            var count = 0
            for c in batch {
                count += try appendInTransaction(c.events, caseID: c.caseID, expectedLastCaseSeq: c.expectedLastCaseSeq,
                                                 projection: c.projection).count
            }
            return count
        }
    }

    /// Copies the write-ahead log into the database file and truncates it
    /// (https://sqlite.org/pragma.html#pragma_wal_checkpoint): after a bulk append, so the next
    /// connection does not start by indexing a long log.
    public func checkpoint() throws(StoreError) {
        if isReadOnly { throw .readOnly(path) }
        do {
            try db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        } catch {
            throw Self.translate(error, path: path)
        }
    }

    /// Reads a case's history, lets `decide` turn it into events, and appends them, all under
    /// the write lock: concurrent commands on one case are applied one after another, each
    /// deciding on the history the previous one left.
    ///
    /// With `lease`, the case must not be held by another operator, and is held (or renewed) for
    /// this one in the same transaction.
    ///
    /// `knownHistory`, the case's events as the caller last saw them, is used instead of reading
    /// them again when the case still has exactly that many events (the common case for an operator
    /// working one case): the check is made under the write lock, so it cannot be stale.
    public func modifyCase<R>(_ caseID: String, lease: LeaseRequest? = nil, knownHistory: [StoredEvent]? = nil,
                              _ decide: ([StoredEvent]) throws -> (events: [CaseEvent], projection: CaseProjection?, result: R)) throws -> (stored: [StoredEvent], result: R) {
        if isReadOnly { throw StoreError.readOnly(path) }
        do {
            return try db.transaction(.immediate) {
                if let lease { try holdInTransaction(caseID: caseID, lease) }
                let history: [StoredEvent]
                if let knownHistory, !knownHistory.isEmpty,
                   try db.scalarInt("SELECT last_case_seq FROM cases WHERE id = ?1", [.text(caseID)]) == Int64(knownHistory.count) {
                    history = knownHistory
                } else {
                    history = try eventsInTransaction(caseID: caseID)
                }
                let decided = try decide(history)
                guard let projection = decided.projection, !decided.events.isEmpty else { return ([], decided.result) }
                let stored = try appendInTransaction(decided.events, caseID: caseID, expectedLastCaseSeq: history.count,
                                                     projection: projection)
                return (stored, decided.result)
            }
        } catch let error as SQLiteError {
            throw Self.translate(error, path: path)
        }
    }

    private func appendInTransaction(_ events: [CaseEvent], caseID: String, expectedLastCaseSeq: Int,
                                     projection: CaseProjection?) throws -> [StoredEvent] {
        let actual = try db.scalarInt("SELECT last_case_seq FROM cases WHERE id = ?1", [.text(caseID)]).map(Int.init) ?? 0
        guard actual == expectedLastCaseSeq else {
            throw StoreError.caseChanged(caseID: caseID, expected: expectedLastCaseSeq, actual: actual)
        }
        let head = try db.cached("SELECT seq, hash FROM chain_head WHERE id = 1")
        guard try head.step() else { throw StoreError.notAHandrailDatabase(path) }
        var seq = head.int64(0)
        var previous = head.bytes(1)
        head.reset()
        try requireForwardTime(events.map(\.time))

        let insert = try db.cached("""
        INSERT INTO events (seq, time, actor, case_id, case_seq, subject, type, reason, payload, prev_hash, hash)
        VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
        """)
        var stored: [StoredEvent] = []
        var caseSeq = expectedLastCaseSeq
        for var event in events {
            if event.stamp == nil { event.stamp = eventStamp?(event.actor) }
            seq += 1
            caseSeq += 1
            let time = EventTime.format(event.time)
            let payload = JSONValue.object(event.payload).canonicalText
            let hash = hashing.hash(previous: previous, seq: seq, caseSeq: Int64(caseSeq), time: time, actor: event.actor,
                                    caseID: caseID, subject: event.subject, type: event.type, reason: event.reason, payload: payload)
            try insert.run([.integer(seq), .text(time), .text(event.actor), .text(caseID), .integer(Int64(caseSeq)),
                            .text(event.subject), .text(event.type), event.reason.map(SQLValue.text) ?? .null,
                            .text(payload), .blob(previous), .blob(hash)])
            stored.append(StoredEvent(seq: seq, caseSeq: caseSeq, event: event, payloadText: payload, previousHash: previous, hash: hash))
            previous = hash
        }
        if let projection { try upsert(projection) }
        return stored
    }

    private func upsert(_ p: CaseProjection) throws {
        let statement = try db.cached("""
        INSERT INTO cases (id, runbook, runbook_version, subject, status, step, outcome, opened_by, opened_at,
                           updated_at, overdue_at, last_case_seq, linked_from)
        VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)
        ON CONFLICT (id) DO UPDATE SET
            status = excluded.status, step = excluded.step, outcome = excluded.outcome,
            updated_at = excluded.updated_at, overdue_at = excluded.overdue_at, last_case_seq = excluded.last_case_seq
        """)
        try statement.run([.text(p.id), .text(p.runbook), .integer(Int64(p.runbookVersion)), .text(p.subject), .text(p.status.rawValue),
                           .text(p.step), p.outcome.map(SQLValue.text) ?? .null, .text(p.openedBy),
                           .text(EventTime.format(p.openedAt)), .text(EventTime.format(p.updatedAt)),
                           p.overdueAt.map { .text(EventTime.format($0)) } ?? .null, .integer(Int64(p.lastCaseSeq)),
                           p.linkedFrom.map(SQLValue.text) ?? .null])
    }

    // MARK: - Reading

    public func events(caseID: String) throws(StoreError) -> [StoredEvent] {
        try read { try eventsInTransaction(caseID: caseID) }
    }

    private func eventsInTransaction(caseID: String) throws -> [StoredEvent] {
        let statement = try db.cached("""
        SELECT seq, case_seq, time, actor, subject, type, reason, payload, prev_hash, hash
        FROM events WHERE case_id = ?1 ORDER BY case_seq
        """)
        defer { statement.reset() }
        try statement.bind(caseID, at: 1)
        var out: [StoredEvent] = []
        while try statement.step() {
            let payloadText = statement.string(7)
            let payload = (try? JSON5Parser.parse(payloadText))?.plain.objectValue ?? [:]
            let event = CaseEvent(type: statement.string(5), caseID: caseID, subject: statement.string(4), actor: statement.string(3),
                                  time: EventTime.parse(statement.string(2)) ?? .distantPast, reason: statement.optionalString(6),
                                  payload: payload)
            out.append(StoredEvent(seq: statement.int64(0), caseSeq: statement.int(1), event: event, payloadText: payloadText,
                                   previousHash: statement.bytes(8), hash: statement.bytes(9)))
        }
        return out
    }

    public func caseRecord(_ id: String) throws(StoreError) -> CaseRecord? {
        try read {
            let statement = try db.cached("SELECT \(Self.caseColumns) FROM cases WHERE id = ?1")
            defer { statement.reset() }
            try statement.bind(id, at: 1)
            return try statement.step() ? Self.caseRecord(from: statement) : nil
        }
    }

    /// Cases for the queue, most recently updated first (ties by id): at most `limit`, after the
    /// case `after` in that order when given (a page's continuation; `caseNotFound` when there is
    /// no such case). Read from the front of the `cases_by_update_order` indexes, so a page costs
    /// O(log n + limit) however many cases there are.
    public func cases(statuses: [String]? = nil, subject: String? = nil, limit: Int = 500, after: String? = nil) throws(StoreError) -> [CaseRecord] {
        try read {
            var conditions: [String] = []
            var values: [SQLValue] = []
            if let after {
                guard let from = try caseRecordInTransaction(after) else { throw StoreError.caseNotFound(after) }
                // Later in (updated_at DESC, id) order: earlier updates, or the same moment and a
                // greater id. Written as a range on updated_at (the index's first column) with the
                // ties filtered, rather than an OR, which SQLite would not read in index order.
                values += [.text(EventTime.format(from.projection.updatedAt)), .text(after)]
                conditions.append("updated_at <= ?1 AND NOT (updated_at = ?1 AND id <= ?2)")
            }
            if let statuses, !statuses.isEmpty {
                let first = values.count + 1
                conditions.append("status IN (\(statuses.indices.map { "?\($0 + first)" }.joined(separator: ", ")))")
                values += statuses.map(SQLValue.text)
            }
            if let subject {
                values.append(.text(subject))
                conditions.append("subject = ?\(values.count)")
            }
            values.append(.integer(Int64(limit)))
            let whereClause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
            let statement = try db.prepare("SELECT \(Self.caseColumns) FROM cases \(whereClause) ORDER BY updated_at DESC, id LIMIT ?\(values.count)")
            try statement.bind(values)
            var out: [CaseRecord] = []
            while try statement.step() { out.append(Self.caseRecord(from: statement)) }
            return out
        }
    }

    static let caseColumns = """
    id, runbook, runbook_version, subject, status, step, outcome, opened_by, opened_at, updated_at, overdue_at,
    last_case_seq, linked_from, holder, lease_expires_at
    """

    static func caseRecord(from s: Statement) -> CaseRecord {
        let projection = CaseProjection(id: s.string(0), runbook: s.string(1), runbookVersion: s.int(2), subject: s.string(3),
                                        status: CaseStatus(rawValue: s.string(4)) ?? .open, step: s.string(5), outcome: s.optionalString(6), openedBy: s.string(7),
                                        openedAt: EventTime.parse(s.string(8)) ?? .distantPast,
                                        updatedAt: EventTime.parse(s.string(9)) ?? .distantPast,
                                        overdueAt: s.optionalString(10).flatMap(EventTime.parse), lastCaseSeq: s.int(11),
                                        linkedFrom: s.optionalString(12))
        return CaseRecord(projection: projection, holder: s.optionalString(13),
                          leaseExpiresAt: s.optionalString(14).flatMap(EventTime.parse))
    }

    // MARK: - Leases

    /// Takes or renews `login`'s hold on a case until `now + duration`. Fails with `caseHeld`
    /// while someone else's lease has not expired.
    public func acquireLease(caseID: String, login: String, now: Date, duration: TimeInterval) throws(StoreError) {
        try write { try holdInTransaction(caseID: caseID, LeaseRequest(login: login, now: now, duration: duration)) }
    }

    private func holdInTransaction(caseID: String, _ lease: LeaseRequest) throws {
        guard let record = try caseRecordInTransaction(caseID) else { throw StoreError.caseNotFound(caseID) }
        if record.heldBySomeoneElse(than: lease.login, at: lease.now), lease.takingOverFrom == nil || record.holder != lease.takingOverFrom {
            throw StoreError.caseHeld(caseID: caseID, holder: record.holder!, until: record.leaseExpiresAt!)
        }
        let statement = try db.cached("UPDATE cases SET holder = ?2, lease_expires_at = ?3 WHERE id = ?1")
        try statement.run([.text(caseID), .text(lease.login), .text(EventTime.format(lease.now.addingTimeInterval(lease.duration)))])
    }

    /// Gives up `login`'s hold; someone else's hold is left alone.
    public func releaseLease(caseID: String, login: String) throws(StoreError) {
        try write {
            let statement = try db.cached("UPDATE cases SET holder = NULL, lease_expires_at = NULL WHERE id = ?1 AND holder = ?2")
            try statement.run([.text(caseID), .text(login)])
        }
    }

    private func caseRecordInTransaction(_ id: String) throws -> CaseRecord? {
        let statement = try db.cached("SELECT \(Self.caseColumns) FROM cases WHERE id = ?1")
        defer { statement.reset() }
        try statement.bind(id, at: 1)
        return try statement.step() ? Self.caseRecord(from: statement) : nil
    }
}

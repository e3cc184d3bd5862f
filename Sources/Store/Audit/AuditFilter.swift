import Engine
import Foundation
import SQLiteCore

/// What an auditor asks for: "every mfa.factor_admin_reset since May". Every field narrows.
public struct AuditFilter: Sendable, Equatable {
    public var eventTypes: [String] = []
    /// Parts of event types, lower-case: an event whose type contains any of them matches too
    /// (with `eventTypes`, either kind of match will do).
    public var eventTypeFragments: [String] = []
    public var actor: String?
    public var subject: String?
    public var caseID: String?
    /// Inclusive lower bound on the event time.
    public var since: Date?
    /// Exclusive upper bound on the event time.
    public var until: Date?
    /// Only events after this sequence number (a follower's position).
    public var afterSeq: Int64?
    /// At most this many events (a follower's bounded poll).
    public var limit: Int?

    public init(eventTypes: [String] = [], actor: String? = nil, subject: String? = nil, caseID: String? = nil,
                since: Date? = nil, until: Date? = nil) {
        self.eventTypes = eventTypes
        self.actor = actor
        self.subject = subject
        self.caseID = caseID
        self.since = since
        self.until = until
    }

    /// The WHERE clause and its values. Times compare as text: stored times are fixed-width UTC.
    func sql() -> (clause: String, values: [SQLValue]) {
        var conditions: [String] = []
        var values: [SQLValue] = []
        func add(_ condition: (Int) -> String, _ value: SQLValue) {
            values.append(value)
            conditions.append(condition(values.count))
        }
        var typeConditions: [String] = []
        if !eventTypes.isEmpty {
            let first = values.count + 1
            values += eventTypes.map(SQLValue.text)
            typeConditions.append("type IN (\((first..<(first + eventTypes.count)).map { "?\($0)" }.joined(separator: ", ")))")
        }
        for fragment in eventTypeFragments {
            // instr() rather than LIKE: "_" and "%" in a typed term are letters, not wildcards.
            values.append(.text(fragment))
            typeConditions.append("instr(lower(type), ?\(values.count)) > 0")
        }
        if !typeConditions.isEmpty { conditions.append("(" + typeConditions.joined(separator: " OR ") + ")") }
        if let actor { add({ "actor = ?\($0)" }, .text(actor)) }
        if let subject { add({ "subject = ?\($0)" }, .text(subject)) }
        if let caseID { add({ "case_id = ?\($0)" }, .text(caseID)) }
        if let since { add({ "time >= ?\($0)" }, .text(EventTime.format(since))) }
        if let until { add({ "time < ?\($0)" }, .text(EventTime.format(until))) }
        if let afterSeq { add({ "seq > ?\($0)" }, .integer(afterSeq)) }
        return (conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND "), values)
    }
}

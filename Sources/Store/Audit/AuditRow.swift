/// One audit-log line as exported: the stored columns, as text, exactly as recorded.
public struct AuditRow: Sendable, Equatable {
    public var seq: Int64
    public var time: String
    public var actor: String
    public var caseID: String
    public var subject: String
    public var type: String
    public var reason: String?
    public var payload: String
    public var hash: String

    public static let columnNames = ["seq", "time", "actor", "case", "subject", "event", "reason", "payload", "hash"]
}

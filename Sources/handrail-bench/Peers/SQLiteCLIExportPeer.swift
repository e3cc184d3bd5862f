/// The peer of `handrail audit --format csv|json`: the sqlite3 command-line shell running the
/// same query as the export on the same file, writing CSV with a header, or JSON (`-json`).
enum SQLiteCLIExportPeer {
    static let columns = "SELECT seq, time, actor, case_id, subject, type, reason, payload, lower(hex(hash)) FROM events "

    /// The command line: resets of the period `since` ..< `until` (calendar days, UTC).
    static func arguments(database: String, event: String, since: String, until: String) -> [String] {
        ["sqlite3", "-csv", "-header", database, query(event: event, since: since, until: until)]
    }

    /// The same rows as JSON; every event when `event`, `since` and `until` are nil.
    static func jsonArguments(database: String, event: String?, since: String?, until: String?) -> [String] {
        ["sqlite3", "-json", database, query(event: event, since: since, until: until)]
    }

    static func query(event: String?, since: String?, until: String?) -> String {
        var conditions: [String] = []
        if let event { conditions.append("type = '\(event)'") }
        if let since { conditions.append("time >= '\(since)T00:00:00.000Z'") }
        if let until { conditions.append("time < '\(until)T00:00:00.000Z'") }
        return columns + (conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")) + " ORDER BY seq"
    }
}

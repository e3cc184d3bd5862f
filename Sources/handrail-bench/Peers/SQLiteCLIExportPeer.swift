/// The peer of `handrail audit --format csv`: the sqlite3 command-line shell running the same
/// query as the export on the same file, writing CSV with a header.
enum SQLiteCLIExportPeer {
    /// The command line: resets of the period `since` ..< `until` (calendar days, UTC).
    static func arguments(database: String, event: String, since: String, until: String) -> [String] {
        let query = "SELECT seq, time, actor, case_id, subject, type, reason, payload, lower(hex(hash)) FROM events "
            + "WHERE type = '\(event)' AND time >= '\(since)T00:00:00.000Z' AND time < '\(until)T00:00:00.000Z' ORDER BY seq"
        return ["sqlite3", "-csv", "-header", database, query]
    }
}

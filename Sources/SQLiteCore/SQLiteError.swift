import CSQLite

/// An error from SQLite, keeping its result codes (https://sqlite.org/rescode.html) so callers
/// can tell a busy database from a read-only one from a file that is not a database at all.
public struct SQLiteError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The primary result code (`SQLITE_BUSY`, `SQLITE_READONLY`, …): the low byte of `extendedCode`.
    public var code: Int32 { extendedCode & 0xFF }
    /// The extended result code (`SQLITE_BUSY_SNAPSHOT`, `SQLITE_READONLY_DBMOVED`, …).
    public var extendedCode: Int32
    public var message: String
    /// The statement that failed, when there was one.
    public var sql: String?

    public init(extendedCode: Int32, message: String, sql: String? = nil) {
        self.extendedCode = extendedCode
        self.message = message
        self.sql = sql
    }

    /// A failure that did not come from SQLite itself, reported as SQLITE_ERROR ("generic error").
    public init(message: String) {
        self.init(extendedCode: SQLITE_ERROR, message: message)
    }

    init(database: OpaquePointer?, code: Int32, sql: String? = nil) {
        let extended = database.map { sqlite3_extended_errcode($0) } ?? code
        let message = database.flatMap { sqlite3_errmsg($0) }.map { String(cString: $0) } ?? String(cString: sqlite3_errstr(code))
        self.init(extendedCode: extended & 0xFF == code & 0xFF ? extended : code, message: message, sql: sql)
    }

    public var isBusy: Bool { code == SQLITE_BUSY || code == SQLITE_LOCKED }
    public var isReadOnly: Bool { code == SQLITE_READONLY }
    public var isNotADatabase: Bool { code == SQLITE_NOTADB }
    public var isConstraint: Bool { code == SQLITE_CONSTRAINT }

    public var description: String {
        "\(message) (SQLite \(String(cString: sqlite3_errstr(extendedCode))), code \(extendedCode))"
    }
}

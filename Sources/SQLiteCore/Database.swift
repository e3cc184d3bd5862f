import CSQLite
import CSQLiteVFS
import Foundation

/// One connection to an SQLite database file. Not shared between threads: each process,
/// and each thread that needs one, opens its own (https://sqlite.org/threadsafe.html).
public final class Database {
    let handle: OpaquePointer
    public let path: String
    private var statementCache: [String: Statement] = [:]

    public enum Mode: Sendable {
        case readOnly
        case readWrite
        /// Create the file (mode 0600) if it does not exist.
        case create
    }

    /// How long a writer waits for another process's transaction before giving up with SQLITE_BUSY.
    public static let busyTimeoutMilliseconds: Int32 = 10_000

    /// This connection's way of waiting for a lock; SQLite holds an unretained pointer to it.
    public let busyWait = BusyWait(budget: .milliseconds(Int(Database.busyTimeoutMilliseconds)))

    public init(path: String, mode: Mode) throws(SQLiteError) {
        if mode == .create { try Self.createPrivately(path) }
        var flags = SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE
        switch mode {
        case .readOnly: flags |= SQLITE_OPEN_READONLY
        case .readWrite: flags |= SQLITE_OPEN_READWRITE
        case .create: flags |= SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE
        }
        var handle: OpaquePointer?
        // Through the shim over the default VFS (CSQLiteVFS; https://sqlite.org/vfs.html): the
        // kept write-ahead log is opened without "create", so this connection's first commit syncs
        // the log only, not its folder as well. Nil, the default VFS, if it could not be registered.
        let rc = sqlite3_open_v2(path, &handle, flags, handrail_sqlite_vfs())
        guard rc == SQLITE_OK, let handle else {
            let error = SQLiteError(database: handle, code: rc)
            sqlite3_close_v2(handle)
            throw error
        }
        self.handle = handle
        self.path = path
        sqlite3_extended_result_codes(handle, 1)
        // Waits instead of failing when another process holds a lock, for up to
        // `busyTimeoutMilliseconds`, every waiter trying as often as every other (`BusyWait`;
        // https://sqlite.org/c3ref/busy_handler.html).
        sqlite3_busy_handler(handle, { context, count in
            guard let context else { return 0 }
            return Unmanaged<BusyWait>.fromOpaque(context).takeUnretainedValue().tryAgain(after: count) ? 1 : 0
        }, Unmanaged.passUnretained(busyWait).toOpaque())
        // Defensive mode stops `PRAGMA writable_schema` and similar from corrupting the file
        // through this connection (https://sqlite.org/c3ref/c_dbconfig_defensive.html).
        _ = handrail_sqlite_db_config_defensive(handle, 1)
    }

    deinit {
        statementCache.removeAll()
        // Held open until the connection is closed: closing any descriptor of a file drops every
        // POSIX lock the process holds on it, SQLite's included (fcntl(2), "Advisory record locking").
        let probe = truncateLongWriteAheadLog()
        sqlite3_close_v2(handle)
        if probe >= 0 { close(probe) }
    }

    /// Creates an empty file readable and writable by its owner only, before SQLite opens it:
    /// SQLite gives its -wal and -shm files the same permissions as the database file
    /// (https://sqlite.org/tempfiles.html), so the whole database stays private.
    private static func createPrivately(_ path: String) throws(SQLiteError) {
        guard path != ":memory:", !FileManager.default.fileExists(atPath: path) else { return }
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true,
                                                     attributes: [.posixPermissions: 0o700])
        }
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        if fd >= 0 {
            close(fd)
        } else if errno != EEXIST {
            throw SQLiteError(extendedCode: SQLITE_CANTOPEN, message: "cannot create \(path): \(String(cString: strerror(errno)))")
        }
    }

    // MARK: Executing

    /// Runs one or more statements that return no rows.
    public func execute(_ sql: String) throws(SQLiteError) {
        var message: UnsafeMutablePointer<CChar>?
        let rc = sqlite3_exec(handle, sql, nil, nil, &message)
        if rc != SQLITE_OK {
            let text = message.map { String(cString: $0) } ?? String(cString: sqlite3_errstr(rc))
            sqlite3_free(message)
            throw SQLiteError(extendedCode: sqlite3_extended_errcode(handle), message: text, sql: sql)
        }
    }

    public func prepare(_ sql: String) throws(SQLiteError) -> Statement {
        try Statement(database: self, sql: sql)
    }

    /// A prepared statement kept for reuse: the hot paths (append, lease) skip re-parsing SQL.
    public func cached(_ sql: String) throws(SQLiteError) -> Statement {
        if let statement = statementCache[sql] {
            statement.reset()
            return statement
        }
        let statement = try prepare(sql)
        statementCache[sql] = statement
        return statement
    }

    /// The first column of the first row, as an integer.
    public func scalarInt(_ sql: String, _ values: [SQLValue] = []) throws(SQLiteError) -> Int64? {
        let statement = try prepare(sql)
        try statement.bind(values)
        guard try statement.step(), !statement.isNull(0) else { return nil }
        return statement.int64(0)
    }

    public func scalarString(_ sql: String, _ values: [SQLValue] = []) throws(SQLiteError) -> String? {
        let statement = try prepare(sql)
        try statement.bind(values)
        guard try statement.step() else { return nil }
        return statement.optionalString(0)
    }

    public var changes: Int { Int(sqlite3_changes(handle)) }

    // MARK: Transactions

    public enum TransactionKind: String, Sendable {
        case deferred = "DEFERRED"
        /// Takes the write lock at BEGIN. In WAL mode a deferred transaction that reads and then
        /// writes can fail with SQLITE_BUSY_SNAPSHOT without the busy handler being consulted
        /// (https://sqlite.org/lang_transaction.html, https://sqlite.org/wal.html); starting
        /// writers as IMMEDIATE makes them queue on the busy timeout instead.
        case immediate = "IMMEDIATE"
    }

    /// Runs `body` in a transaction: committed if it returns, rolled back if it throws.
    public func transaction<T>(_ kind: TransactionKind = .immediate, _ body: () throws -> T) throws -> T {
        try control("BEGIN \(kind.rawValue)")
        do {
            let result = try body()
            try control("COMMIT")
            return result
        } catch {
            try? control("ROLLBACK")
            throw error
        }
    }

    /// BEGIN, COMMIT and ROLLBACK through statements prepared once per connection: a command runs
    /// several transactions, and `sqlite3_exec` would parse each of these words again every time.
    private func control(_ sql: String) throws(SQLiteError) {
        try cached(sql).run()
    }

    /// Runs `body` in one read transaction, so everything it reads comes from one snapshot of
    /// the database: without it each statement sees the latest commit, and two reads can straddle
    /// another connection's write (https://sqlite.org/isolation.html). DEFERRED takes no lock at
    /// BEGIN; the snapshot starts at the first read and holds until COMMIT
    /// (https://sqlite.org/lang_transaction.html). Inside a transaction already, `body` simply
    /// runs in it.
    public func read<T>(_ body: () throws -> T) throws -> T {
        if isInTransaction { return try body() }
        return try transaction(.deferred, body)
    }

    public var isInTransaction: Bool { sqlite3_get_autocommit(handle) == 0 }

    /// Keeps the write-ahead log, and its index, when this connection is the last to close.
    ///
    /// By default the last connection to close a WAL database checkpoints it and deletes the
    /// log (https://sqlite.org/wal.html#the_wal_file): every command-line process is the last
    /// one, so each paid a checkpoint (the log and the database file synced) on top of its own
    /// commit, and the next process created the log again, whose header is synced on its own
    /// before the first commit. SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE skips the checkpoint at close
    /// and with it the deletion (https://sqlite.org/c3ref/c_dbconfig_defensive.html);
    /// SQLITE_FCNTL_PERSIST_WAL alone would keep the file but still checkpoint and restart it
    /// (https://sqlite.org/c3ref/c_fcntl_begin_atomic_write.html#sqlitefcntlpersistwal).
    /// Nothing committed depends on it: each commit is durable in the log when it returns
    /// (synchronous = FULL), the next connection reads the log as it is, and the automatic
    /// checkpoint still copies it into the database every 1,000 pages
    /// (https://sqlite.org/pragma.html#pragma_wal_autocheckpoint).
    ///
    /// One thing the checkpoint at close did is still needed: a process that opens the database
    /// alone rebuilds the log's index from the log itself (https://sqlite.org/walformat.html,
    /// "Recovery"), and with it forgets how much of the log was already copied, so no later
    /// process would ever start the log afresh and every one would read all of it. So a log longer
    /// than `truncateAboveBytes` is checkpointed and truncated when this connection closes alone
    /// (`PRAGMA wal_checkpoint(TRUNCATE)`, https://sqlite.org/pragma.html#pragma_wal_checkpoint):
    /// once every few dozen decisions, not at every exit.
    public func keepWriteAheadLogOnClose(truncateAboveBytes: Int = Database.writeAheadLogLimitBytes) throws(SQLiteError) {
        let rc = handrail_sqlite_db_config_no_checkpoint_on_close(handle, 1)
        guard rc == SQLITE_OK else { throw SQLiteError(database: handle, code: rc) }
        logLimitBytes = truncateAboveBytes
    }

    /// How long the kept log may grow before a closing connection checkpoints and truncates it:
    /// a log is read whole by a process that opens the database alone, so it is kept short.
    public static let writeAheadLogLimitBytes = 1 << 20

    private var logLimitBytes: Int?

    /// At close: the log checkpointed into the database and truncated, when it has grown past
    /// its limit and no other process has the database open. Another process's connection
    /// (another operator's command, Litestream) keeps the log's index alive, and with it SQLite's
    /// own checkpoints, and would make this one wait; so only a connection alone with the file
    /// truncates, and it has nobody to wait for. Best effort, a short wait at most: the decision
    /// is already committed and its operator is waiting to be told.
    ///
    /// - Returns: the descriptor the check opened (to be closed after the connection), or -1.
    private func truncateLongWriteAheadLog() -> Int32 {
        guard let limit = logLimitBytes, !isReadOnly else { return -1 }
        var info = stat()
        guard stat(path + "-wal", &info) == 0, Int(info.st_size) > limit else { return -1 }
        let probe = open(path, O_RDONLY | O_CLOEXEC)
        guard probe >= 0 else { return -1 }
        // Every connection holds a shared lock in the database file's lock range while it is open
        // (https://sqlite.org/lockingv3.html; the range starts two bytes past the pending byte at
        // 1 GiB, and spans 510 bytes: https://sqlite.org/fileformat.html#the_lock_byte_page).
        // F_GETLK reports a lock there held by any other process.
        var lock = flock()
        lock.l_type = Int16(F_WRLCK)
        lock.l_whence = Int16(SEEK_SET)
        lock.l_start = 0x4000_0002
        lock.l_len = 510
        guard fcntl(probe, F_GETLK, &lock) == 0, lock.l_type == Int16(F_UNLCK) else { return probe }
        sqlite3_busy_timeout(handle, 200)
        _ = sqlite3_wal_checkpoint_v2(handle, "main", SQLITE_CHECKPOINT_TRUNCATE, nil, nil)
        return probe
    }

    /// Whether the connection cannot write: opened read-only, or opened read-write on a file
    /// the operating system lets this process only read (https://sqlite.org/c3ref/open.html,
    /// https://sqlite.org/c3ref/db_readonly.html).
    public var isReadOnly: Bool { sqlite3_db_readonly(handle, "main") == 1 }
}

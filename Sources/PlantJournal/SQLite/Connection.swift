internal import CSQLite

/// One SQLite connection: owns its `sqlite3*`, used from one thread at a time (hence not `Sendable`).
///
/// Shape follows GRDB's `Database`: `execute` for SQL without results, `prepare` for statements,
/// `withCachedStatement` for hot paths (prepared once, reset after every use so no statement keeps
/// a read snapshot open and starves WAL checkpoints), `transaction` for atomic work.
public final class Connection {
    /// How to open the file.
    public enum OpenMode: Sendable {
        /// Read and write; create the file when it does not exist.
        case readWriteCreate
        /// Read and write an existing file.
        case readWrite
        /// Read only; the file must exist. Works on a WAL database another process is writing.
        case readOnly
    }

    /// How a transaction takes its locks.
    public enum TransactionKind: String, Sendable {
        /// Takes locks when first needed: right for read transactions.
        case deferred = "DEFERRED"
        /// Takes the write lock at BEGIN, so a writer never fails half-way with SQLITE_BUSY.
        case immediate = "IMMEDIATE"
        case exclusive = "EXCLUSIVE"
    }

    /// WAL checkpoint modes (`sqlite3_wal_checkpoint_v2`).
    public enum CheckpointMode: Sendable {
        /// Copies what it can without waiting for readers or blocking the writer.
        case passive
        case full
        case restart
        /// Like restart, then truncates the WAL file to zero bytes.
        case truncate

        var raw: Int32 {
            switch self {
            case .passive: SQLITE_CHECKPOINT_PASSIVE
            case .full: SQLITE_CHECKPOINT_FULL
            case .restart: SQLITE_CHECKPOINT_RESTART
            case .truncate: SQLITE_CHECKPOINT_TRUNCATE
            }
        }
    }

    /// The result of a WAL checkpoint: frames in the WAL and frames copied back into the database.
    public struct CheckpointResult: Sendable, Hashable {
        public let walFrames: Int
        public let checkpointedFrames: Int
    }

    /// The file this connection opened.
    public let path: String
    let handle: OpaquePointer
    private var statementCache: [String: Statement] = [:]

    public init(path: String, mode: OpenMode = .readWriteCreate) throws(SQLiteError) {
        self.path = path
        var flags: Int32 = SQLITE_OPEN_NOMUTEX  // one thread at a time: skip SQLite's own mutexes
        switch mode {
        case .readWriteCreate: flags |= SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE
        case .readWrite: flags |= SQLITE_OPEN_READWRITE
        case .readOnly: flags |= SQLITE_OPEN_READONLY
        }
        var db: OpaquePointer?
        let rc = sqlite3_open_v2(path, &db, flags, nil)
        guard rc == SQLITE_OK, let db else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? String(cString: sqlite3_errstr(rc))
            let code = db.map { sqlite3_extended_errcode($0) } ?? rc
            sqlite3_close_v2(db)
            throw SQLiteError(code: code, message: message)
        }
        sqlite3_extended_result_codes(db, 1)
        handle = db
    }

    private var isClosed = false

    deinit { close() }

    /// Closes the connection now (the last connection to a WAL database checkpoints and removes
    /// the WAL). Idempotent; the connection must not be used afterwards.
    public func close() {
        guard !isClosed else { return }
        isClosed = true
        statementCache.removeAll()  // finalise cached statements before closing
        sqlite3_close_v2(handle)
    }

    // MARK: Running SQL

    /// Runs one or more SQL statements that return no rows of interest.
    public func execute(_ sql: String) throws(SQLiteError) {
        let rc = sqlite3_exec(handle, sql, nil, nil, nil)
        if rc != SQLITE_OK { throw error(rc, sql: sql) }
    }

    /// Prepares a statement owned by the caller (finalised when released).
    public func prepare(_ sql: String) throws(SQLiteError) -> Statement {
        var stmt: OpaquePointer?
        let rc = sqlite3_prepare_v3(handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &stmt, nil)
        guard rc == SQLITE_OK, let stmt else { throw error(rc, sql: sql) }
        return Statement(handle: stmt)
    }

    /// Runs `body` with a statement prepared once per connection and kept for reuse; the statement
    /// is reset and its bindings cleared afterwards, whatever `body` does.
    public func withCachedStatement<T>(_ sql: String, _ body: (Statement) throws -> T) throws -> T {
        let statement: Statement
        if let cached = statementCache[sql] {
            statement = cached
        } else {
            statement = try prepare(sql)
            statementCache[sql] = statement
        }
        defer {
            statement.reset()
            statement.clearBindings()
        }
        return try body(statement)
    }

    /// Runs `body` in a transaction: committed when it returns, rolled back when it throws.
    /// Writers should use `.immediate` (the default) so the write lock is taken at BEGIN.
    public func transaction<T>(_ kind: TransactionKind = .immediate, _ body: () throws -> T) throws -> T {
        try execute("BEGIN \(kind.rawValue)")
        let value: T
        do {
            value = try body()
            try execute("COMMIT")
        } catch {
            rollbackIfNeeded()
            throw error
        }
        return value
    }

    /// Rolls back an open transaction, if any. Errors are ignored: SQLite may already have rolled
    /// back on its own (after SQLITE_FULL, for instance).
    public func rollbackIfNeeded() {
        if isInTransaction { sqlite3_exec(handle, "ROLLBACK", nil, nil, nil) }
    }

    /// Whether a transaction is open.
    public var isInTransaction: Bool { sqlite3_get_autocommit(handle) == 0 }

    /// Rows changed by the most recent INSERT, UPDATE or DELETE.
    public var changes: Int { Int(sqlite3_changes64(handle)) }

    /// Rowid of the most recent successful INSERT.
    public var lastInsertRowID: Int64 { sqlite3_last_insert_rowid(handle) }

    // MARK: Settings

    /// How long a statement waits for another connection's lock before failing with SQLITE_BUSY.
    public func setBusyTimeout(milliseconds: Int) {
        sqlite3_busy_timeout(handle, Int32(clamping: milliseconds))
    }

    /// Reads a pragma whose value is an integer (`PRAGMA application_id`).
    public func pragmaInteger(_ name: String) throws -> Int64 {
        try withCachedStatement("PRAGMA \(name)") { statement in
            guard try statement.step() else { return 0 }
            return statement.int64(at: 0)
        }
    }

    /// Reads a pragma whose value is text (`PRAGMA journal_mode`).
    public func pragmaText(_ name: String) throws -> String? {
        try withCachedStatement("PRAGMA \(name)") { statement in
            guard try statement.step() else { return nil }
            return statement.optionalString(at: 0)
        }
    }

    /// Sets a pragma and returns the value SQLite reports back (some pragmas, like `journal_mode`,
    /// answer with the mode actually in force).
    @discardableResult
    public func setPragma(_ name: String, _ value: String) throws -> String? {
        let statement = try prepare("PRAGMA \(name) = \(value)")
        guard try statement.step() else { return nil }
        return statement.optionalString(at: 0)
    }

    /// Runs a WAL checkpoint on the main database.
    public func walCheckpoint(_ mode: CheckpointMode) throws(SQLiteError) -> CheckpointResult {
        var log: Int32 = 0
        var done: Int32 = 0
        let rc = sqlite3_wal_checkpoint_v2(handle, nil, mode.raw, &log, &done)
        if rc != SQLITE_OK { throw error(rc, sql: "wal_checkpoint") }
        return CheckpointResult(walFrames: Int(log), checkpointedFrames: Int(done))
    }

    /// Runs `PRAGMA integrity_check` and returns its lines (`["ok"]` for a sound database).
    public func integrityCheck() throws -> [String] {
        let statement = try prepare("PRAGMA integrity_check")
        var lines: [String] = []
        while try statement.step() { lines.append(statement.string(at: 0)) }
        return lines
    }

    /// Builds the error for a failed call, from the connection's current error state.
    func error(_ rc: Int32, sql: String?) -> SQLiteError {
        Connection.error(rc, db: handle, sql: sql)
    }

    static func error(_ rc: Int32, db: OpaquePointer?, sql: String?) -> SQLiteError {
        guard let db else { return SQLiteError(code: rc, message: String(cString: sqlite3_errstr(rc)), sql: sql) }
        let extended = sqlite3_extended_errcode(db)
        // sqlite3_exec/step report the primary code; the connection holds the extended one.
        let code = (extended & 0xFF) == (rc & 0xFF) ? extended : rc
        return SQLiteError(code: code, message: String(cString: sqlite3_errmsg(db)), sql: sql)
    }
}

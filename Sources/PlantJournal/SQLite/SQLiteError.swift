internal import CSQLite

/// An error reported by SQLite: the extended result code, SQLite's message and the SQL that failed.
///
/// Bound values are never part of the error: they may be production data.
/// Match codes in `catch` clauses: `catch SQLiteError.full { … }`. A primary code (`.ioErr`) matches
/// every extended code in its family (`.ioErrFsync`); an extended code matches only itself.
public struct SQLiteError: Error, Sendable, Hashable, CustomStringConvertible {
    /// An SQLite result code, primary or extended. Opaque on purpose: callers compare with the
    /// named constants instead of raw numbers.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        let rawValue: Int32

        init(_ rawValue: Int32) { self.rawValue = rawValue }

        /// The primary code of this (possibly extended) code.
        public var primary: Code { Code(rawValue & 0xFF) }

        /// Whether this is an extended code (more specific than its primary code).
        public var isExtended: Bool { rawValue > 0xFF }

        /// The numeric value, for logs only.
        public var number: Int { Int(rawValue) }

        /// SQLite's English text for the code, e.g. "database or disk is full".
        public var meaning: String { String(cString: sqlite3_errstr(rawValue)) }

        public var description: String { "\(rawValue) (\(meaning))" }

        /// True when `error` is an `SQLiteError` whose code is this one, or in this primary family.
        public func matches(_ error: any Error) -> Bool {
            guard let error = error as? SQLiteError else { return false }
            return isExtended ? error.code == self : error.code.primary == self
        }

        public static func ~= (pattern: Code, error: any Error) -> Bool { pattern.matches(error) }
    }

    /// The extended result code.
    public let code: Code
    /// SQLite's message (`sqlite3_errmsg`) at the time of the failure.
    public let message: String
    /// The SQL being prepared or run, when there was one. Never includes bound values.
    public let sql: String?

    init(code: Int32, message: String, sql: String? = nil) {
        self.code = Code(code)
        self.message = message
        self.sql = sql
    }

    public var description: String {
        var text = "SQLite error \(code.number): \(message)"
        if let sql { text += " (while running: \(sql))" }
        return text
    }

    public static let error = Code(SQLITE_ERROR)
    public static let `internal` = Code(SQLITE_INTERNAL)
    public static let permission = Code(SQLITE_PERM)
    public static let abort = Code(SQLITE_ABORT)
    public static let busy = Code(SQLITE_BUSY)
    public static let locked = Code(SQLITE_LOCKED)
    public static let noMemory = Code(SQLITE_NOMEM)
    public static let readOnly = Code(SQLITE_READONLY)
    public static let interrupt = Code(SQLITE_INTERRUPT)
    public static let ioErr = Code(SQLITE_IOERR)
    public static let corrupt = Code(SQLITE_CORRUPT)
    public static let full = Code(SQLITE_FULL)
    public static let cantOpen = Code(SQLITE_CANTOPEN)
    public static let `protocol` = Code(SQLITE_PROTOCOL)
    public static let schema = Code(SQLITE_SCHEMA)
    public static let tooBig = Code(SQLITE_TOOBIG)
    public static let constraint = Code(SQLITE_CONSTRAINT)
    public static let mismatch = Code(SQLITE_MISMATCH)
    public static let misuse = Code(SQLITE_MISUSE)
    public static let range = Code(SQLITE_RANGE)
    public static let notADatabase = Code(SQLITE_NOTADB)

    // Extended codes the journal reacts to (Swift cannot import the C macros that build them).
    public static let ioErrFsync = Code(SQLITE_IOERR | (4 << 8))
    public static let ioErrWrite = Code(SQLITE_IOERR | (3 << 8))
    public static let ioErrShortRead = Code(SQLITE_IOERR | (2 << 8))
    public static let ioErrDirFsync = Code(SQLITE_IOERR | (5 << 8))
    public static let busySnapshot = Code(SQLITE_BUSY | (2 << 8))
    public static let constraintUnique = Code(SQLITE_CONSTRAINT | (8 << 8))
    public static let constraintPrimaryKey = Code(SQLITE_CONSTRAINT | (6 << 8))
    public static let readOnlyDatabaseMoved = Code(SQLITE_READONLY | (4 << 8))
}

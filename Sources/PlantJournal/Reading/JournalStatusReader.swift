#if canImport(Glibc)
    import Glibc
#else
    import Darwin
#endif

/// Read-only view of a journal for `plantsync status`: works whether or not an agent holds the
/// journal open and is writing, and never writes (no migrations, no checkpoints).
///
/// Not `Sendable`: one connection, used by one thread.
public final class JournalStatusReader {
    public let path: String
    private let db: Connection

    /// Opens the journal at `path` read-only. Throws `.notFound` when there is no file, and the
    /// same identity errors as `Journal.open` (not SQLite, corrupt, foreign, newer schema).
    public init(path: String, options: JournalOptions = JournalOptions()) throws(JournalError) {
        var info = stat()
        guard stat(path, &info) == 0 else { throw .notFound(path: path) }
        self.path = path
        self.db = try JournalSchema.openReader(path: path, options: options)
    }

    public func epoch() throws(JournalError) -> String { try read { try JournalQueries.epoch($0) } }

    public func streams() throws(JournalError) -> [String] { try read { try JournalQueries.streams($0) } }

    public func backlog() throws(JournalError) -> [StreamBacklog] { try read { try JournalQueries.backlog($0) } }

    public func deadLetterCount() throws(JournalError) -> Int64 {
        try read { try JournalQueries.count($0, table: "dead_letters") }
    }

    public func deadLetters(limit: Int) throws(JournalError) -> [DeadLetter] {
        try read { try JournalQueries.deadLetters($0, limit: limit) }
    }

    public func quarantineCount() throws(JournalError) -> Int64 {
        try read { try JournalQueries.count($0, table: "quarantine") }
    }

    public func quarantined(limit: Int) throws(JournalError) -> [QuarantineEntry] {
        try read { try JournalQueries.quarantined($0, limit: limit) }
    }

    public func backlogHistory(since: Int64) throws(JournalError) -> [BacklogSample] {
        try read { try JournalQueries.backlogHistory($0, since: since) }
    }

    public func checkpoint(_ key: String) throws(JournalError) -> [UInt8]? {
        try read { try JournalQueries.checkpoint($0, key: key) }
    }

    private func read<T>(_ body: (Connection) throws -> T) throws(JournalError) -> T {
        do {
            return try body(db)
        } catch {
            throw JournalSchema.openError(error, path: path)
        }
    }
}

/// The agent's durable event journal: SQLite in WAL mode, one writer thread committing in groups,
/// read connections for everyone else.
///
/// Every method may be called from any thread; all block (commits and queries are blocking I/O),
/// so call them from dedicated threads, never from Swift's cooperative pool (invariant 6).
/// Every error thrown is a `JournalError`.
public final class Journal: Sendable {
    /// The database file.
    public let path: String
    /// Random id made when the database was created; a new epoch tells the hub numbering restarted.
    public let epoch: String
    private let options: JournalOptions
    private let writer: JournalWriter
    private let readers: ReadConnectionPool

    private init(
        path: String, epoch: String, options: JournalOptions, writer: JournalWriter,
        readers: ReadConnectionPool
    ) {
        self.path = path
        self.epoch = epoch
        self.options = options
        self.writer = writer
        self.readers = readers
    }

    deinit { close() }

    /// Opens the journal at `path`, creating it (with a new epoch) when missing, and migrating it.
    /// Refuses, naming the file: a non-SQLite file, a corrupt database, another application's
    /// database, a journal with a newer schema.
    public static func open(path: String, options: JournalOptions = JournalOptions()) throws(JournalError)
        -> Journal
    {
        let writer = try JournalWriter(path: path, options: options)
        let readers = ReadConnectionPool(path: path, options: options)
        do {
            let epoch = try readers.withConnection { try JournalQueries.epoch($0) }
            return Journal(path: path, epoch: epoch, options: options, writer: writer, readers: readers)
        } catch {
            writer.close()
            throw error
        }
    }

    /// Committed events that were missing at open and accepted (`JournalOptions.acceptLostCommits`),
    /// one text per stream ("inventory seqs 1201–1260"); the caller reports them. Empty normally.
    public var lostCommits: [String] { writer.lostCommits.map(\.description) }

    /// Flushes queued work, closes every connection. Later calls throw `JournalError.closed`.
    public func close() {
        // Readers first: the writer's connection, closing last, checkpoints and removes the WAL.
        readers.close()
        writer.close()
    }

    // MARK: Writing

    /// Journals `records` (in order, each stream numbered 1, 2, 3… without gaps) and sets
    /// `checkpoints` in the same transaction, then returns once that transaction is durable.
    ///
    /// A record whose id is already journaled is not stored again: its outcome is `.duplicate`.
    /// If the group commit fails, nothing of this call is stored and the error is thrown
    /// (`.diskFull`, `.fsyncFailed`, `.diskBudgetExceeded`, `.sqlite`…).
    @discardableResult
    public func append(_ records: [JournalRecord], checkpoints: [String: [UInt8]] = [:]) throws(JournalError)
        -> [AppendOutcome]
    {
        if records.isEmpty, checkpoints.isEmpty { return [] }
        for (index, record) in records.enumerated() {
            if record.stream.isEmpty { throw .invalidRecord(index: index, reason: "empty stream name") }
            if record.id.isEmpty { throw .invalidRecord(index: index, reason: "empty event id") }
            if record.type.isEmpty { throw .invalidRecord(index: index, reason: "empty event type") }
        }
        let request = AppendRequest(records: records, checkpoints: checkpoints, priorities: options.streamPriorities)
        return try mapped { try writer.append(request) }
    }

    /// Marks `stream` acknowledged through `seq` (never moves back; a lower seq is ignored) and
    /// records the time. Throws `.acknowledgedBeyondEnd` past the last journaled seq.
    public func acknowledge(stream: String, through seq: Int64) throws(JournalError) {
        let now = options.clock()
        try mapped { try writer.perform { try $0.acknowledge(stream: stream, through: seq, now: now) } }
    }

    /// Moves the event at `seq` into the dead letters (with `reason`) and puts `tombstone` in its
    /// place: same seq, the tombstone's id, type and body. The original id stays known: appending
    /// it again reports `.duplicate` at this seq.
    public func deadLetter(stream: String, seq: Int64, reason: String, tombstone: JournalRecord) throws(JournalError) {
        let now = options.clock()
        try mapped {
            try writer.perform {
                try $0.deadLetter(stream: stream, seq: seq, reason: reason, tombstone: tombstone, now: now)
            }
        }
    }

    /// Records bad input (invariant 4). `excerpt` is cut to `options.maxQuarantineExcerpt` bytes.
    public func quarantine(input: String, reason: String, excerpt: [UInt8], location: String) throws(JournalError) {
        let now = options.clock()
        try mapped {
            try writer.perform {
                try $0.quarantine(input: input, reason: reason, excerpt: excerpt, location: location, now: now)
            }
        }
    }

    /// Deletes acknowledged events journaled more than `retention` before `now`, `batchSize` per
    /// transaction so appends go on in between. Never deletes unacknowledged events.
    /// Returns how many were deleted.
    @discardableResult
    public func pruneAcknowledged(olderThan retention: Duration, now: Int64, batchSize: Int = 1_000)
        throws(JournalError) -> Int
    {
        let cutoff = now - retention.wholeMilliseconds
        let batch = max(1, batchSize)
        var total = 0
        while true {
            let deleted = try mapped {
                try writer.perform { try $0.pruneAcknowledged(journaledBefore: cutoff, batchSize: batch) }
            }
            total += deleted
            if deleted < batch { return total }
        }
    }

    /// Records every stream's backlog at `now` in `backlog_history` and drops samples older than
    /// `keep`. The agent calls it once a minute.
    public func sampleBacklog(now: Int64, keep: Duration = .seconds(48 * 3_600)) throws(JournalError) {
        let keepMilliseconds = keep.wholeMilliseconds
        try mapped { try writer.perform { try $0.sampleBacklog(now: now, keepMilliseconds: keepMilliseconds) } }
    }

    /// Truncates the WAL now if no reader is in the way; returns whether it did.
    @discardableResult
    public func truncateWAL() throws(JournalError) -> Bool {
        try mapped { try writer.perform { $0.truncateWAL() } }
    }

    /// Whether appends are accepted, or refused for disk full / fsync failure.
    public var health: JournalHealth { writer.health.withLock { $0 } }

    // MARK: Reading (read connections; never wait for the writer)

    /// Events of `stream` after `seq`, in seq order: at most `limit`, and no more body bytes than
    /// `maxBytes` (but always at least one event when there is one).
    public func pending(stream: String, after seq: Int64, limit: Int, maxBytes: Int = .max) throws(JournalError)
        -> [StoredEvent]
    {
        try readers.withConnection {
            try JournalQueries.pending($0, stream: stream, after: seq, limit: limit, maxBytes: maxBytes)
        }
    }

    /// The checkpoint stored under `key`, if any.
    public func checkpoint(_ key: String) throws(JournalError) -> [UInt8]? {
        try readers.withConnection { try JournalQueries.checkpoint($0, key: key) }
    }

    /// Every checkpoint, by key.
    public func checkpoints() throws(JournalError) -> [String: [UInt8]] {
        try readers.withConnection { try JournalQueries.checkpoints($0) }
    }

    /// Stream names, sorted.
    public func streams() throws(JournalError) -> [String] {
        try readers.withConnection { try JournalQueries.streams($0) }
    }

    /// Backlog figures of every stream, sorted by name.
    public func backlog() throws(JournalError) -> [StreamBacklog] {
        try readers.withConnection { try JournalQueries.backlog($0) }
    }

    /// The most recent dead letters, newest first.
    public func deadLetters(limit: Int) throws(JournalError) -> [DeadLetter] {
        try readers.withConnection { try JournalQueries.deadLetters($0, limit: limit) }
    }

    public func deadLetterCount() throws(JournalError) -> Int64 {
        try readers.withConnection { try JournalQueries.count($0, table: "dead_letters") }
    }

    /// The most recent quarantine entries, newest first.
    public func quarantined(limit: Int) throws(JournalError) -> [QuarantineEntry] {
        try readers.withConnection { try JournalQueries.quarantined($0, limit: limit) }
    }

    public func quarantineCount() throws(JournalError) -> Int64 {
        try readers.withConnection { try JournalQueries.count($0, table: "quarantine") }
    }

    /// Backlog samples taken at or after `since`, oldest first.
    public func backlogHistory(since: Int64) throws(JournalError) -> [BacklogSample] {
        try readers.withConnection { try JournalQueries.backlogHistory($0, since: since) }
    }

    // MARK: Testing hooks

    /// Runs `body` with the write connection on the writer thread (tests: simulate a full disk).
    func withWriteConnection<T: Sendable>(_ body: @escaping @Sendable (Connection) throws -> T) throws -> T {
        try writer.perform { try body($0.db) }
    }

    /// Runs `body` with the writer's session on the writer thread, between group commits: for
    /// module-internal writes (DeadLetterRetry) and tests that inject failures. A body that moves
    /// a stream's seq must call `forgetCursors()`.
    func withWriterSession<T: Sendable>(_ body: @escaping @Sendable (WriterSession) throws -> T) throws -> T {
        try writer.perform(body)
    }

    private func mapped<T>(_ body: () throws -> T) throws(JournalError) -> T {
        do {
            return try body()
        } catch let error as JournalError {
            throw error
        } catch let error as SQLiteError {
            throw .sqlite(path: path, error)
        } catch {
            throw .sqlite(path: path, SQLiteError(code: 1, message: "\(error)"))
        }
    }
}

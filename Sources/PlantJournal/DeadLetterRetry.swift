/// Sending a dead letter again (`plantsync dead-letters retry ID`).
///
/// A dead letter is an event the hub refused for good (422, 413, not encodable). Its tombstone
/// holds its old seq, so the stream stays gapless. Retrying journals the original event again at
/// the end of its stream — a new seq, the same id, type, time and body — and removes it from the
/// dead letters in the same transaction, so the id is free for it. The hub never stored the
/// refused event, so the same id is right: if the hub had stored it after all, its id dedup
/// answers with an ack and no second copy.
///
/// Each retry leaves an audit record in the checkpoints table under
/// `deadletter/retry/<id>/<new seq>`: JSON with the id, stream, old and new seq, the old reason,
/// who asked and when. `deadLetterRetries()` lists them.

/// What a retry did.
public struct DeadLetterRetry: Sendable, Hashable {
    public let id: String
    public let stream: String
    /// The seq the event held before (its tombstone keeps it).
    public let originalSeq: Int64
    /// The seq it is journaled at now.
    public let newSeq: Int64
    /// Why it was dead-lettered.
    public let reason: String
    /// Who asked for the retry (an operator's user name, `agent-endpoint:<user>`…).
    public let requestedBy: String
    /// When, ms since the Unix epoch.
    public let retriedAt: Int64

    public init(
        id: String, stream: String, originalSeq: Int64, newSeq: Int64, reason: String, requestedBy: String,
        retriedAt: Int64
    ) {
        self.id = id
        self.stream = stream
        self.originalSeq = originalSeq
        self.newSeq = newSeq
        self.reason = reason
        self.requestedBy = requestedBy
        self.retriedAt = retriedAt
    }

    /// Checkpoint key prefix of the audit records.
    public static let auditKeyPrefix = "deadletter/retry/"

    /// The audit record as stored: one JSON object, keys sorted.
    public var auditRecord: [UInt8] {
        var text = "{\"at_ms\":\(retriedAt),\"by\":\(Self.quoted(requestedBy)),\"id\":\(Self.quoted(id))"
        text += ",\"new_seq\":\(newSeq),\"original_seq\":\(originalSeq),\"reason\":\(Self.quoted(reason))"
        text += ",\"stream\":\(Self.quoted(stream))}"
        return Array(text.utf8)
    }

    static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}

/// Why a retry was refused.
public enum DeadLetterRetryError: Error, Sendable, Hashable, CustomStringConvertible {
    /// No dead letter has that id (never dead-lettered, or already retried).
    case notFound(id: String)
    /// The id is journaled as a live event already (retried before, and not refused again).
    case alreadyJournaled(id: String, stream: String, seq: Int64)
    case journal(JournalError)

    public var description: String {
        switch self {
        case let .notFound(id):
            "no dead letter with id \"\(id)\"; 'plantsync dead-letters list' shows them"
        case let .alreadyJournaled(id, stream, seq):
            "event \"\(id)\" is already journaled at seq \(seq) of stream \"\(stream)\" (retried before?)"
        case let .journal(error):
            error.description
        }
    }
}

extension Journal {
    /// Journals the dead letter `id` again at the end of its stream and removes it from the dead
    /// letters, recording `requestedBy` and the time (see the file's comment). Durable on return.
    /// The caller wakes the forwarder for `result.stream`.
    ///
    /// Only the process that owns the journal (the agent, or a tool while no agent runs) may call
    /// this: the writer caches each stream's last seq, so a second writing process would collide.
    public func retryDeadLetter(id: String, requestedBy: String) throws(DeadLetterRetryError) -> DeadLetterRetry {
        let path = self.path
        let outcome: Result<DeadLetterRetry, DeadLetterRetryError>
        do {
            outcome = try withWriterSession { session in
                Result { () throws(DeadLetterRetryError) in try session.retryDeadLetter(id: id, by: requestedBy) }
            }
        } catch let error as JournalError {
            throw .journal(error)
        } catch let error as SQLiteError {
            throw .journal(.sqlite(path: path, error))
        } catch {
            throw .journal(.sqlite(path: path, SQLiteError(code: 1, message: "\(error)")))
        }
        return try outcome.get()
    }

    /// The dead letter `id`, if there is one.
    public func deadLetter(id: String) throws(JournalError) -> DeadLetter? {
        try withReadConnection { try DeadLetterQueries.deadLetter($0, id: id) }
    }

    /// Every dead letter, oldest first (for `dead-letters export`).
    public func allDeadLetters() throws(JournalError) -> [DeadLetter] {
        try withReadConnection { try DeadLetterQueries.all($0) }
    }

    /// The audit records of retries, oldest first, as stored (JSON bytes).
    public func deadLetterRetries() throws(JournalError) -> [[UInt8]] {
        try withReadConnection { try DeadLetterQueries.retries($0) }
    }

    private func withReadConnection<T>(_ body: (Connection) throws -> T) throws(JournalError) -> T {
        let path = self.path
        do {
            let db = try Connection(path: path, mode: .readOnly)
            db.setBusyTimeout(milliseconds: 5_000)
            return try body(db)
        } catch let error as JournalError {
            throw error
        } catch {
            throw JournalSchema.openError(error, path: path)
        }
    }
}

extension JournalStatusReader {
    /// The dead letter `id`, if there is one.
    public func deadLetter(id: String) throws(JournalError) -> DeadLetter? {
        try readDeadLetters { try DeadLetterQueries.deadLetter($0, id: id) }
    }

    /// Every dead letter, oldest first.
    public func allDeadLetters() throws(JournalError) -> [DeadLetter] {
        try readDeadLetters { try DeadLetterQueries.all($0) }
    }

    /// The audit records of retries, oldest first (JSON bytes).
    public func deadLetterRetries() throws(JournalError) -> [[UInt8]] {
        try readDeadLetters { try DeadLetterQueries.retries($0) }
    }

    private func readDeadLetters<T>(_ body: (Connection) throws -> T) throws(JournalError) -> T {
        let path = self.path
        do {
            return try body(try JournalSchema.openReader(path: path, options: JournalOptions()))
        } catch {
            throw JournalSchema.openError(error, path: path)
        }
    }
}

enum DeadLetterQueries {
    private static let columns =
        "SELECT s.name, d.seq, d.id, d.type, d.occurred_at, d.body, d.journaled_at, d.reason, d.dead_lettered_at "
        + "FROM dead_letters d JOIN streams s ON s.id = d.stream_id "

    private static func row(_ statement: Statement) -> DeadLetter {
        DeadLetter(
            stream: statement.string(at: 0), seq: statement.int64(at: 1), id: statement.string(at: 2),
            type: statement.string(at: 3), occurredAt: statement.int64(at: 4), body: statement.bytes(at: 5),
            journaledAt: statement.int64(at: 6), reason: statement.string(at: 7),
            deadLetteredAt: statement.int64(at: 8))
    }

    static func deadLetter(_ db: Connection, id: String) throws -> DeadLetter? {
        let statement = try db.prepare(columns + "WHERE d.id = ?1")
        statement.bind(id, at: 1)
        return try statement.step() ? row(statement) : nil
    }

    static func all(_ db: Connection) throws -> [DeadLetter] {
        let statement = try db.prepare(columns + "ORDER BY d.rowid")
        var rows: [DeadLetter] = []
        while try statement.step() { rows.append(row(statement)) }
        return rows
    }

    static func retries(_ db: Connection) throws -> [[UInt8]] {
        let statement = try db.prepare(
            "SELECT value FROM checkpoints WHERE key >= ?1 AND key < ?2 ORDER BY updated_at, key")
        statement.bind(DeadLetterRetry.auditKeyPrefix, at: 1)
        statement.bind(String(DeadLetterRetry.auditKeyPrefix.dropLast()) + "0", at: 2)  // '0' follows '/'
        var rows: [[UInt8]] = []
        while try statement.step() { rows.append(statement.bytes(at: 0)) }
        return rows
    }
}

extension WriterSession {
    /// One transaction: take the dead letter out, journal it at the stream's end, record the audit.
    func retryDeadLetter(id: String, by requestedBy: String) throws(DeadLetterRetryError) -> DeadLetterRetry {
        let now = options.clock()
        let retry: DeadLetterRetry
        do {
            retry = try db.transaction(.immediate) { () throws -> DeadLetterRetry in
                guard let letter = try DeadLetterQueries.deadLetter(db, id: id) else {
                    throw DeadLetterRetryError.notFound(id: id)
                }
                let journaled = try db.prepare(
                    "SELECT s.name, e.seq FROM events e JOIN streams s ON s.id = e.stream_id WHERE e.id = ?1")
                journaled.bind(id, at: 1)
                if try journaled.step() {
                    throw DeadLetterRetryError.alreadyJournaled(
                        id: id, stream: journaled.string(at: 0), seq: journaled.int64(at: 1))
                }
                let stream = try db.prepare("SELECT id, last_seq FROM streams WHERE name = ?1")
                stream.bind(letter.stream, at: 1)
                guard try stream.step() else { throw JournalError.unknownStream(letter.stream) }
                let streamID = stream.int64(at: 0)
                let newSeq = stream.int64(at: 1) + 1

                let remove = try db.prepare("DELETE FROM dead_letters WHERE id = ?1")
                remove.bind(id, at: 1)
                try remove.execute()
                let insert = try db.prepare(
                    "INSERT INTO events (stream_id, seq, id, type, occurred_at, journaled_at, body) "
                        + "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)")
                insert.bind(streamID, at: 1)
                insert.bind(newSeq, at: 2)
                insert.bind(letter.id, at: 3)
                insert.bind(letter.type, at: 4)
                insert.bind(letter.occurredAt, at: 5)
                insert.bind(now, at: 6)
                insert.bind(letter.body, at: 7)
                try insert.execute()
                let advance = try db.prepare(
                    "UPDATE streams SET last_seq = ?2, pending_bytes = pending_bytes + ?3 WHERE id = ?1")
                advance.bind(streamID, at: 1)
                advance.bind(newSeq, at: 2)
                advance.bind(Int64(letter.body.count), at: 3)
                try advance.execute()

                let retry = DeadLetterRetry(
                    id: letter.id, stream: letter.stream, originalSeq: letter.seq, newSeq: newSeq,
                    reason: letter.reason, requestedBy: requestedBy, retriedAt: now)
                let audit = try db.prepare(
                    "INSERT INTO checkpoints (key, value, updated_at) VALUES (?1, ?2, ?3) "
                        + "ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at")
                audit.bind(DeadLetterRetry.auditKeyPrefix + id + "/" + String(newSeq), at: 1)
                audit.bind(retry.auditRecord, at: 2)
                audit.bind(now, at: 3)
                try audit.execute()
                return retry
            }
        } catch let error as DeadLetterRetryError {
            throw error
        } catch {
            forgetCursors()
            throw .journal(classify(error, now: now))
        }
        // The group-commit path caches each stream's last seq; this transaction moved one.
        forgetCursors()
        deadLetterCount = max(0, deadLetterCount - 1)
        return retry
    }
}

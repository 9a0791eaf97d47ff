/// The read queries, shared by the journal's read pool and `JournalStatusReader`.
/// Each is one SQL statement, so it sees one consistent snapshot.
enum JournalQueries {
    static func epoch(_ db: Connection) throws -> String {
        try db.withCachedStatement("SELECT value FROM meta WHERE key = 'epoch'") {
            try $0.step() ? $0.string(at: 0) : ""
        }
    }

    static func pending(_ db: Connection, stream: String, after seq: Int64, limit: Int, maxBytes: Int) throws
        -> [StoredEvent]
    {
        try db.withCachedStatement(
            "SELECT seq, id, type, occurred_at, body, journaled_at FROM events "
                + "WHERE stream_id = (SELECT id FROM streams WHERE name = ?1) AND seq > ?2 ORDER BY seq LIMIT ?3"
        ) { statement in
            statement.bind(stream, at: 1)
            statement.bind(seq, at: 2)
            statement.bind(limit, at: 3)
            var events: [StoredEvent] = []
            var bytes = 0
            while try statement.step() {
                let body = statement.bytes(at: 4)
                // Always at least one event, so an oversized event still moves.
                if !events.isEmpty, bytes + body.count > maxBytes { break }
                bytes += body.count
                events.append(
                    StoredEvent(
                        seq: statement.int64(at: 0), id: statement.string(at: 1), type: statement.string(at: 2),
                        occurredAt: statement.int64(at: 3), body: body, journaledAt: statement.int64(at: 5)))
            }
            return events
        }
    }

    static func checkpoint(_ db: Connection, key: String) throws -> [UInt8]? {
        try db.withCachedStatement("SELECT value FROM checkpoints WHERE key = ?1") {
            $0.bind(key, at: 1)
            return try $0.step() ? $0.bytes(at: 0) : nil
        }
    }

    static func checkpoints(_ db: Connection) throws -> [String: [UInt8]] {
        try db.withCachedStatement("SELECT key, value FROM checkpoints") { statement in
            var all: [String: [UInt8]] = [:]
            while try statement.step() { all[statement.string(at: 0)] = statement.bytes(at: 1) }
            return all
        }
    }

    static func streams(_ db: Connection) throws -> [String] {
        try db.withCachedStatement("SELECT name FROM streams ORDER BY name") { statement in
            var names: [String] = []
            while try statement.step() { names.append(statement.string(at: 0)) }
            return names
        }
    }

    static func backlog(_ db: Connection) throws -> [StreamBacklog] {
        try db.withCachedStatement(
            """
            SELECT s.name, s.last_seq, s.acked_seq, s.acked_at, s.pending_bytes,
                   (SELECT e.journaled_at FROM events e WHERE e.stream_id = s.id AND e.seq = s.acked_seq + 1),
                   (SELECT count(*) FROM dead_letters d WHERE d.stream_id = s.id)
            FROM streams s ORDER BY s.name
            """
        ) { statement in
            var rows: [StreamBacklog] = []
            while try statement.step() {
                let lastSeq = statement.int64(at: 1)
                let ackedSeq = statement.int64(at: 2)
                rows.append(
                    StreamBacklog(
                        stream: statement.string(at: 0), lastSeq: lastSeq, acknowledgedSeq: ackedSeq,
                        acknowledgedAt: statement.optionalInt64(at: 3), pendingCount: lastSeq - ackedSeq,
                        pendingBytes: statement.int64(at: 4), oldestPendingJournaledAt: statement.optionalInt64(at: 5),
                        deadLetterCount: statement.int64(at: 6)))
            }
            return rows
        }
    }

    static func deadLetters(_ db: Connection, limit: Int) throws -> [DeadLetter] {
        try db.withCachedStatement(
            "SELECT s.name, d.seq, d.id, d.type, d.occurred_at, d.body, d.journaled_at, d.reason, d.dead_lettered_at "
                + "FROM dead_letters d JOIN streams s ON s.id = d.stream_id ORDER BY d.rowid DESC LIMIT ?1"
        ) { statement in
            statement.bind(limit, at: 1)
            var rows: [DeadLetter] = []
            while try statement.step() {
                rows.append(
                    DeadLetter(
                        stream: statement.string(at: 0), seq: statement.int64(at: 1), id: statement.string(at: 2),
                        type: statement.string(at: 3), occurredAt: statement.int64(at: 4), body: statement.bytes(at: 5),
                        journaledAt: statement.int64(at: 6), reason: statement.string(at: 7),
                        deadLetteredAt: statement.int64(at: 8)))
            }
            return rows
        }
    }

    static func count(_ db: Connection, table: String) throws -> Int64 {
        try db.withCachedStatement("SELECT count(*) FROM \(table)") {
            try $0.step()
            return $0.int64(at: 0)
        }
    }

    static func quarantined(_ db: Connection, limit: Int) throws -> [QuarantineEntry] {
        try db.withCachedStatement(
            "SELECT number, input, reason, excerpt, location, quarantined_at FROM quarantine "
                + "ORDER BY number DESC LIMIT ?1"
        ) { statement in
            statement.bind(limit, at: 1)
            var rows: [QuarantineEntry] = []
            while try statement.step() {
                rows.append(
                    QuarantineEntry(
                        number: statement.int64(at: 0), input: statement.string(at: 1),
                        reason: statement.string(at: 2), excerpt: statement.bytes(at: 3),
                        location: statement.string(at: 4), quarantinedAt: statement.int64(at: 5)))
            }
            return rows
        }
    }

    static func backlogHistory(_ db: Connection, since: Int64) throws -> [BacklogSample] {
        try db.withCachedStatement(
            "SELECT h.sampled_at, s.name, h.pending_count, h.pending_bytes, h.oldest_pending_age "
                + "FROM backlog_history h JOIN streams s ON s.id = h.stream_id WHERE h.sampled_at >= ?1 "
                + "ORDER BY h.sampled_at, s.name"
        ) { statement in
            statement.bind(since, at: 1)
            var rows: [BacklogSample] = []
            while try statement.step() {
                rows.append(
                    BacklogSample(
                        sampledAt: statement.int64(at: 0), stream: statement.string(at: 1),
                        pendingCount: statement.int64(at: 2), pendingBytes: statement.int64(at: 3),
                        oldestPendingAge: statement.optionalInt64(at: 4)))
            }
            return rows
        }
    }
}

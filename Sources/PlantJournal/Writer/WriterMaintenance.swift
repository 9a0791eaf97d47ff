/// Writes other than appends: acknowledgements, dead letters, quarantine, retention, backlog samples.
/// Each runs in its own transaction on the writer thread, between group commits.
extension WriterSession {
    private func streamRow(_ name: String) throws -> (id: Int64, lastSeq: Int64, ackedSeq: Int64) {
        let row = try db.withCachedStatement("SELECT id, last_seq, acked_seq FROM streams WHERE name = ?1") {
            $0.bind(name, at: 1)
            return try $0.step() ? ($0.int64(at: 0), $0.int64(at: 1), $0.int64(at: 2)) : nil
        }
        guard let row else { throw JournalError.unknownStream(name) }
        return row
    }

    /// Moves the stream's acknowledged seq forward (never back) and records when.
    func acknowledge(stream: String, through seq: Int64, now: Int64) throws {
        try db.transaction(.immediate) {
            let row = try streamRow(stream)
            if seq > row.lastSeq {
                throw JournalError.acknowledgedBeyondEnd(stream: stream, through: seq, lastSeq: row.lastSeq)
            }
            guard seq > row.ackedSeq else { return }
            let bytes = try db.withCachedStatement(
                "SELECT COALESCE(SUM(length(body)), 0) FROM events WHERE stream_id = ?1 AND seq > ?2 AND seq <= ?3"
            ) { statement in
                statement.bind(row.id, at: 1)
                statement.bind(row.ackedSeq, at: 2)
                statement.bind(seq, at: 3)
                try statement.step()
                return statement.int64(at: 0)
            }
            try db.withCachedStatement(
                "UPDATE streams SET acked_seq = ?2, acked_at = ?3, pending_bytes = pending_bytes - ?4 WHERE id = ?1"
            ) { statement in
                statement.bind(row.id, at: 1)
                statement.bind(seq, at: 2)
                statement.bind(now, at: 3)
                statement.bind(bytes, at: 4)
                try statement.execute()
            }
        }
    }

    /// Copies the event at `seq` into dead_letters and puts the tombstone in its place.
    func deadLetter(stream: String, seq: Int64, reason: String, tombstone: JournalRecord, now: Int64) throws {
        guard tombstone.stream == stream else {
            throw JournalError.invalidRecord(
                index: 0, reason: "tombstone is for stream \"\(tombstone.stream)\", not \"\(stream)\"")
        }
        try db.transaction(.immediate) {
            let row = try streamRow(stream)
            let original = try db.withCachedStatement(
                "SELECT id, type, occurred_at, journaled_at, body FROM events WHERE stream_id = ?1 AND seq = ?2"
            ) { statement in
                statement.bind(row.id, at: 1)
                statement.bind(seq, at: 2)
                guard try statement.step() else { return nil as StoredEvent? }
                return StoredEvent(
                    seq: seq, id: statement.string(at: 0), type: statement.string(at: 1),
                    occurredAt: statement.int64(at: 2), body: statement.bytes(at: 4),
                    journaledAt: statement.int64(at: 3))
            }
            guard let original else { throw JournalError.noSuchEvent(stream: stream, seq: seq) }
            let already = try db.withCachedStatement("SELECT 1 FROM dead_letters WHERE stream_id = ?1 AND seq = ?2") {
                $0.bind(row.id, at: 1)
                $0.bind(seq, at: 2)
                return try $0.step()
            }
            if already { throw JournalError.alreadyDeadLettered(stream: stream, seq: seq) }
            let taken = try db.withCachedStatement("SELECT 1 FROM events WHERE id = ?1") {
                $0.bind(tombstone.id, at: 1)
                return try $0.step()
            }
            if taken {
                throw JournalError.invalidRecord(
                    index: 0, reason: "tombstone id \"\(tombstone.id)\" is already journaled")
            }
            let insert = try db.prepare(
                "INSERT INTO dead_letters (stream_id, seq, id, type, occurred_at, journaled_at, body, reason, "
                    + "dead_lettered_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)")
            insert.bind(row.id, at: 1)
            insert.bind(seq, at: 2)
            insert.bind(original.id, at: 3)
            insert.bind(original.type, at: 4)
            insert.bind(original.occurredAt, at: 5)
            insert.bind(original.journaledAt, at: 6)
            insert.bind(original.body, at: 7)
            insert.bind(reason, at: 8)
            insert.bind(now, at: 9)
            try insert.execute()
            let replace = try db.prepare(
                "UPDATE events SET id = ?3, type = ?4, occurred_at = ?5, body = ?6 WHERE stream_id = ?1 AND seq = ?2")
            replace.bind(row.id, at: 1)
            replace.bind(seq, at: 2)
            replace.bind(tombstone.id, at: 3)
            replace.bind(tombstone.type, at: 4)
            replace.bind(tombstone.occurredAt, at: 5)
            replace.bind(tombstone.body, at: 6)
            try replace.execute()
            if seq > row.ackedSeq {
                let adjust = try db.prepare("UPDATE streams SET pending_bytes = pending_bytes + ?2 WHERE id = ?1")
                adjust.bind(row.id, at: 1)
                adjust.bind(Int64(tombstone.body.count - original.body.count), at: 2)
                try adjust.execute()
            }
        }
        deadLetterCount += 1
    }

    /// Records bad input with the reason, where it was, and (part of) the offending bytes.
    func quarantine(input: String, reason: String, excerpt: [UInt8], location: String, now: Int64) throws {
        try db.withCachedStatement(
            "INSERT INTO quarantine (input, reason, excerpt, location, quarantined_at) VALUES (?1, ?2, ?3, ?4, ?5)"
        ) { statement in
            statement.bind(input, at: 1)
            statement.bind(reason, at: 2)
            statement.bind(Array(excerpt.prefix(options.maxQuarantineExcerpt)), at: 3)
            statement.bind(location, at: 4)
            statement.bind(now, at: 5)
            try statement.execute()
        }
    }

    /// Deletes up to `batchSize` acknowledged events journaled before `cutoff`, oldest first, in one
    /// transaction. Unacknowledged events are never touched. Returns how many were deleted.
    func pruneAcknowledged(journaledBefore cutoff: Int64, batchSize: Int) throws -> Int {
        try db.transaction(.immediate) {
            let streams = try db.withCachedStatement("SELECT id, acked_seq FROM streams ORDER BY id") { statement in
                var rows: [(Int64, Int64)] = []
                while try statement.step() { rows.append((statement.int64(at: 0), statement.int64(at: 1))) }
                return rows
            }
            var deleted = 0
            for (streamID, ackedSeq) in streams where deleted < batchSize {
                try db.withCachedStatement(
                    "DELETE FROM events WHERE stream_id = ?1 AND seq IN (SELECT seq FROM events WHERE stream_id = ?1 "
                        + "AND seq <= ?2 AND journaled_at < ?3 ORDER BY seq LIMIT ?4)"
                ) { statement in
                    statement.bind(streamID, at: 1)
                    statement.bind(ackedSeq, at: 2)
                    statement.bind(cutoff, at: 3)
                    statement.bind(batchSize - deleted, at: 4)
                    try statement.execute()
                }
                deleted += db.changes
            }
            if deleted > 0 { usage.invalidate() }  // freed pages count as free again
            return deleted
        }
    }

    /// Adds one backlog_history row per stream at `now` and drops rows older than `keepMilliseconds`.
    func sampleBacklog(now: Int64, keepMilliseconds: Int64) throws {
        try db.transaction(.immediate) {
            try db.withCachedStatement(
                """
                INSERT OR REPLACE INTO backlog_history
                    (sampled_at, stream_id, pending_count, pending_bytes, oldest_pending_age)
                SELECT ?1, s.id, s.last_seq - s.acked_seq, s.pending_bytes,
                       ?1 - (SELECT e.journaled_at FROM events e WHERE e.stream_id = s.id AND e.seq = s.acked_seq + 1)
                FROM streams s
                """
            ) { statement in
                statement.bind(now, at: 1)
                try statement.execute()
            }
            try db.withCachedStatement("DELETE FROM backlog_history WHERE sampled_at < ?1") { statement in
                statement.bind(now - keepMilliseconds, at: 1)
                try statement.execute()
            }
        }
    }
}

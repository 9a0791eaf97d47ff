/// The write connection and everything the writer thread caches about it. Lives on the writer
/// thread only; every write to the journal goes through here.
final class WriterSession {
    /// A stream's row id and highest seq, as committed (or as the open transaction has it).
    private struct StreamCursor {
        let id: Int64
        var lastSeq: Int64
        var addedBytes: Int64 = 0
        var touched = false
    }

    let path: String
    let options: JournalOptions
    private(set) var db: Connection
    private let budget: DiskBudget
    var usage: DiskUsageTracker
    private var cursors: [StreamCursor] = []
    private var cursorIndex: [String: Int] = [:]
    /// Dead letters recorded; while zero, appends skip the dead-letter id lookup.
    var deadLetterCount: Int64
    /// Published for `Journal.health`.
    let health: Locked<JournalHealth>
    private var retryAt: Int64 = 0
    private var needsReopen = false
    /// Set after a commit; cleared once an idle TRUNCATE checkpoint succeeded.
    private(set) var walDirty = false
    private let highWater: CommitHighWater
    /// Commits the previous run made that the journal no longer holds (opened with
    /// `acceptLostCommits`); empty otherwise.
    let lostCommits: [CommitHighWater.Loss]

    init(path: String, options: JournalOptions, health: Locked<JournalHealth>) throws(JournalError) {
        self.path = path
        self.options = options
        self.health = health
        self.budget = DiskBudget(path: path, options: options)
        self.usage = DiskUsageTracker(interval: options.diskMeasureInterval)
        self.db = try JournalSchema.openWriter(path: path, options: options)
        let epoch: String
        var journaled: [String: Int64] = [:]
        do {
            deadLetterCount = try db.withCachedStatement("SELECT count(*) FROM dead_letters") {
                try $0.step()
                return $0.int64(at: 0)
            }
            epoch = try JournalQueries.epoch(db)
            try db.withCachedStatement("SELECT name, last_seq FROM streams") { statement in
                while try statement.step() { journaled[statement.string(at: 0)] = statement.int64(at: 1) }
            }
        } catch {
            db.close()
            throw JournalSchema.openError(error, path: path)
        }
        let markPath = CommitHighWater.path(forJournal: path)
        var losses: [CommitHighWater.Loss] = []
        // A mark of another epoch belongs to a journal that was moved aside: nothing to compare.
        if let mark = CommitHighWater.read(path: markPath), mark.epoch == epoch {
            for (stream, committed) in mark.seqs.sorted(by: { $0.key < $1.key })
            where journaled[stream, default: 0] < committed {
                losses.append(
                    CommitHighWater.Loss(
                        stream: stream, journaledThrough: journaled[stream, default: 0], committedThrough: committed))
            }
        }
        if !losses.isEmpty && !options.acceptLostCommits {
            db.close()
            throw JournalError.lostCommits(path: path, losses: losses.map(\.description))
        }
        lostCommits = losses
        highWater = CommitHighWater(path: markPath, epoch: epoch, seqs: journaled)
    }

    // MARK: Group commit

    /// Commits the calls of one group in one transaction and resolves every caller.
    func commit(_ group: [AppendRequest]) {
        let now = options.clock()
        if let refusal = refusalWhileUnhealthy(now: now) {
            for request in group { request.completion.resolve(.failure(refusal)) }
            return
        }
        var accepted = group
        if budget.isActive {
            accepted = []
            do {
                var usage = try self.usage.current(db, path: path)
                for request in group {
                    if let refusal = budget.refusal(
                        adding: request.estimatedBytes, priority: request.priority,
                        stream: request.priorityStream, usage: usage)
                    {
                        request.completion.resolve(.failure(JournalError.diskBudgetExceeded(refusal)))
                    } else {
                        usage.journalBytes += request.estimatedBytes
                        usage.freeBytes -= request.estimatedBytes
                        accepted.append(request)
                    }
                }
            } catch {
                fail(group, with: error, now: now)
                return
            }
        }
        guard !accepted.isEmpty else { return }
        do {
            var committedSeqs: [(stream: String, seq: Int64)] = []
            let outcomes = try db.transaction(.immediate) {
                let outcomes = try accepted.map { try insert($0, journaledAt: now) }
                committedSeqs = try updateTouchedStreams()
                return outcomes
            }
            walDirty = true
            highWater.record(committedSeqs)
            usage.add(accepted.reduce(0) { $0 + $1.estimatedBytes })
            if retryAt != 0 {
                retryAt = 0
                health.withLock { $0 = .ok }
            }
            for (request, outcome) in zip(accepted, outcomes) { request.completion.resolve(.success(outcome)) }
        } catch {
            fail(accepted, with: error, now: now)
        }
    }

    private func insert(_ request: AppendRequest, journaledAt: Int64) throws -> [AppendOutcome] {
        var outcomes: [AppendOutcome] = []
        outcomes.reserveCapacity(request.records.count)
        try db.withCachedStatement(
            "INSERT INTO events (stream_id, seq, id, type, occurred_at, journaled_at, body) "
                + "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT (id) DO NOTHING"
        ) { statement in
            var lastStream = ""
            var index = -1
            for record in request.records {
                if index < 0 || record.stream != lastStream {
                    index = try cursor(for: record.stream)
                    lastStream = record.stream
                }
                if deadLetterCount > 0, let existing = try deadLetteredSeq(of: record.id) {
                    outcomes.append(.duplicate(existingSeq: existing.seq, stream: existing.stream))
                    continue
                }
                let seq = cursors[index].lastSeq + 1
                statement.bind(cursors[index].id, at: 1)
                statement.bind(seq, at: 2)
                statement.bind(record.id, at: 3)
                statement.bind(record.type, at: 4)
                statement.bind(record.occurredAt, at: 5)
                statement.bind(journaledAt, at: 6)
                statement.bind(record.body, at: 7)
                try statement.step()
                statement.reset()
                if db.changes == 1 {
                    cursors[index].lastSeq = seq
                    cursors[index].addedBytes += Int64(record.body.count)
                    cursors[index].touched = true
                    outcomes.append(.appended(seq: seq))
                } else {
                    let existing = try journaledSeq(of: record.id)
                    outcomes.append(.duplicate(existingSeq: existing.seq, stream: existing.stream))
                }
            }
        }
        for (key, value) in request.checkpoints {
            try db.withCachedStatement(
                "INSERT INTO checkpoints (key, value, updated_at) VALUES (?1, ?2, ?3) "
                    + "ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at"
            ) { statement in
                statement.bind(key, at: 1)
                statement.bind(value, at: 2)
                statement.bind(journaledAt, at: 3)
                try statement.execute()
            }
        }
        return outcomes
    }

    /// Writes the touched streams' last seqs; returns them by name.
    private func updateTouchedStreams() throws -> [(stream: String, seq: Int64)] {
        var updated: [(stream: String, seq: Int64)] = []
        for (name, index) in cursorIndex where cursors[index].touched {
            updated.append((name, cursors[index].lastSeq))
            try db.withCachedStatement(
                "UPDATE streams SET last_seq = ?2, pending_bytes = pending_bytes + ?3 WHERE id = ?1"
            ) { statement in
                statement.bind(cursors[index].id, at: 1)
                statement.bind(cursors[index].lastSeq, at: 2)
                statement.bind(cursors[index].addedBytes, at: 3)
                try statement.execute()
            }
            cursors[index].touched = false
            cursors[index].addedBytes = 0
        }
        return updated
    }

    /// The cursor of `name`, loading it or creating the stream (inside the open transaction).
    private func cursor(for name: String) throws -> Int {
        if let index = cursorIndex[name] { return index }
        let loaded = try db.withCachedStatement("SELECT id, last_seq FROM streams WHERE name = ?1") { statement in
            statement.bind(name, at: 1)
            return try statement.step()
                ? StreamCursor(id: statement.int64(at: 0), lastSeq: statement.int64(at: 1)) : nil
        }
        let cursor: StreamCursor
        if let loaded {
            cursor = loaded
        } else {
            try db.withCachedStatement("INSERT INTO streams (name) VALUES (?1)") { statement in
                statement.bind(name, at: 1)
                try statement.execute()
            }
            cursor = StreamCursor(id: db.lastInsertRowID, lastSeq: 0)
        }
        cursors.append(cursor)
        cursorIndex[name] = cursors.count - 1
        return cursors.count - 1
    }

    /// Forgets cached stream state: after a rollback it may describe rows that were never committed.
    func forgetCursors() {
        cursors.removeAll()
        cursorIndex.removeAll()
    }

    private func journaledSeq(of id: String) throws -> (seq: Int64, stream: String) {
        try db.withCachedStatement(
            "SELECT e.seq, s.name FROM events e JOIN streams s ON s.id = e.stream_id WHERE e.id = ?1"
        ) { statement in
            statement.bind(id, at: 1)
            guard try statement.step() else {
                // ON CONFLICT fired, so the id exists; reaching here means the database changed under us.
                throw SQLiteError(code: 1, message: "event id vanished during duplicate lookup")
            }
            return (statement.int64(at: 0), statement.string(at: 1))
        }
    }

    private func deadLetteredSeq(of id: String) throws -> (seq: Int64, stream: String)? {
        try db.withCachedStatement(
            "SELECT d.seq, s.name FROM dead_letters d JOIN streams s ON s.id = d.stream_id WHERE d.id = ?1"
        ) { statement in
            statement.bind(id, at: 1)
            return try statement.step() ? (statement.int64(at: 0), statement.string(at: 1)) : nil
        }
    }

    // MARK: Failure states

    /// While in a disk-full or fsync-failed state, refuses until the retry time; at the retry time
    /// lets one group through (on a fresh connection after an fsync failure).
    private func refusalWhileUnhealthy(now: Int64) -> JournalError? {
        guard retryAt != 0 else { return nil }
        let state = health.withLock { $0 }
        if now < retryAt {
            switch state {
            case let .diskFull(_, message): return .diskFull(path: path, detail: message)
            case let .fsyncFailed(_, message): return .fsyncFailed(path: path, detail: message)
            case .ok: return nil
            }
        }
        if needsReopen {
            // After a failed fsync the kernel may have dropped the dirty pages: never trust the old
            // file descriptors again; a fresh connection re-reads what is really on disk.
            do {
                db = try JournalSchema.openWriter(path: path, options: options)
                needsReopen = false
                forgetCursors()
            } catch {
                retryAt = now + options.failureRetryInterval.wholeMilliseconds
                return .fsyncFailed(path: path, detail: "\(error)")
            }
        }
        return nil
    }

    /// Fails every caller of a group with the error, entering a failure state where it calls for one.
    private func fail(_ requests: [AppendRequest], with error: any Error, now: Int64) {
        forgetCursors()
        usage.invalidate()
        let failure = classify(error, now: now)
        for request in requests { request.completion.resolve(.failure(failure)) }
    }

    /// Maps an error to what callers see, and records disk-full / fsync-failed states.
    func classify(_ error: any Error, now: Int64) -> JournalError {
        switch error {
        case let error as JournalError:
            return error
        case let error as SQLiteError where SQLiteError.full.matches(error):
            enterFailure(.diskFull(since: now, message: error.message), now: now)
            return .diskFull(path: path, detail: error.message)
        case let error as SQLiteError
        where SQLiteError.ioErrFsync.matches(error)
            || SQLiteError.ioErrDirFsync.matches(error):
            needsReopen = true
            enterFailure(.fsyncFailed(since: now, message: error.message), now: now)
            return .fsyncFailed(path: path, detail: error.message)
        case let error as SQLiteError:
            return .sqlite(path: path, error)
        default:
            return .sqlite(path: path, SQLiteError(code: 1, message: "\(error)"))
        }
    }

    private func enterFailure(_ state: JournalHealth, now: Int64) {
        retryAt = now + max(1, options.failureRetryInterval.wholeMilliseconds)
        health.withLock { current in
            // Keep the first `since` while the same condition persists.
            switch (current, state) {
            case (.diskFull, .diskFull), (.fsyncFailed, .fsyncFailed): break
            default: current = state
            }
        }
    }

    // MARK: WAL

    /// Checkpoints, then closes the write connection.
    func close() {
        truncateWAL()
        db.close()
        highWater.close()
    }

    /// TRUNCATE checkpoint without waiting for readers; false when a reader was in the way.
    @discardableResult
    func truncateWAL() -> Bool {
        db.setBusyTimeout(milliseconds: 0)
        defer { db.setBusyTimeout(milliseconds: Int(options.busyTimeout.wholeMilliseconds)) }
        do {
            _ = try db.walCheckpoint(.truncate)
            walDirty = false
            return true
        } catch {
            return false
        }
    }
}

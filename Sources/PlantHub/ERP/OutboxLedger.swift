import PlantJournal

/// One (plant, stream) of the hub's feed.
public struct FeedStreamKey: Sendable, Hashable, CustomStringConvertible {
    public var plant: String
    public var stream: String

    public init(plant: String, stream: String) {
        self.plant = plant
        self.stream = stream
    }

    public var description: String { "\(plant)/\(stream)" }
}

/// A posting an ERP refused for good; its stream waits for an operator's `retry` or `skip`.
public struct ParkedPosting: Sendable, Hashable {
    public var connector: String
    public var plant: String
    public var stream: String
    /// Feed position of the refused event.
    public var position: Int64
    public var eventID: String
    public var eventType: String
    /// The ERP's own message (HTTP status and body, or Tryton's error), or the unmapped value.
    public var message: String
    public var parkedAt: Int64
}

/// An operator's decision about a parked posting.
public struct ERPDecision: Sendable, Hashable {
    public enum Action: String, Sendable, Hashable {
        /// Post the same event again (after the cause was fixed in the ERP).
        case retry
        /// Give up on this event for this connector and carry on with the next.
        case skip
    }

    public var action: Action
    public var connector: String
    public var plant: String
    public var stream: String
    public var position: Int64
    public var eventID: String
    public var decidedBy: String
    public var reason: String
    /// The ERP's message the posting was parked with.
    public var message: String
    public var decidedAt: Int64
}

/// A connector's progress on one stream.
public struct ERPStreamProgress: Sendable, Hashable {
    public var connector: String
    public var plant: String
    public var stream: String
    /// Last feed position the ERP accepted (0: none).
    public var position: Int64
    /// The stream's feed end.
    public var feedThrough: Int64
    /// Events accepted by the ERP so far.
    public var delivered: Int64
    /// Consecutive transient failures, and the last one.
    public var failures: Int64
    public var lastError: String?
    public var lastErrorAt: Int64?

    public var pending: Int64 { max(0, feedThrough - position) }
}

/// The outbox tables on one connection (see `OutboxSchema`). Not `Sendable`: each outbox worker
/// and each CLI run owns its own.
final class OutboxLedger {
    let db: Connection
    let path: String

    init(path: String, synchronousFull: Bool, now: Int64) throws(HubStoreError) {
        self.path = path
        db = try OutboxSchema.open(path: path, synchronousFull: synchronousFull, now: now)
    }

    func close() { db.close() }

    /// Every (plant, stream) the hub has stored events for, with its feed end.
    func feedStreams() throws -> [(key: FeedStreamKey, feedThrough: Int64)] {
        try db.withCachedStatement(
            "SELECT p.name, s.name, s.feed_through FROM streams s JOIN plants p ON p.plant_key = s.plant_key "
                + "ORDER BY p.name, s.name"
        ) { query in
            var streams: [(key: FeedStreamKey, feedThrough: Int64)] = []
            while try query.step() {
                streams.append(
                    (FeedStreamKey(plant: query.string(at: 0), stream: query.string(at: 1)), query.int64(at: 2)))
            }
            return streams
        }
    }

    func cursor(_ connector: String, _ key: FeedStreamKey) throws -> Int64 {
        try db.withCachedStatement(
            "SELECT position FROM erp_cursors WHERE connector = ?1 AND plant = ?2 AND stream = ?3"
        ) { query in
            query.bind(connector, at: 1)
            query.bind(key.plant, at: 2)
            query.bind(key.stream, at: 3)
            return try query.step() ? query.int64(at: 0) : 0
        }
    }

    /// Moves the cursor to `position` after the ERP accepted `count` more events; clears the failures.
    func advance(_ connector: String, _ key: FeedStreamKey, to position: Int64, count: Int, now: Int64) throws {
        try db.withCachedStatement(
            """
            INSERT INTO erp_cursors (connector, plant, stream, position, delivered, updated_at, failures)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, 0)
            ON CONFLICT (connector, plant, stream) DO UPDATE SET position = ?4, delivered = delivered + ?5,
                updated_at = ?6, failures = 0
            """
        ) { statement in
            statement.bind(connector, at: 1)
            statement.bind(key.plant, at: 2)
            statement.bind(key.stream, at: 3)
            statement.bind(position, at: 4)
            statement.bind(count, at: 5)
            statement.bind(now, at: 6)
            try statement.execute()
        }
    }

    /// Records a transient failure (shown on the status page until the next success).
    func recordFailure(_ connector: String, _ key: FeedStreamKey, message: String, now: Int64) throws {
        try db.withCachedStatement(
            """
            INSERT INTO erp_cursors (connector, plant, stream, failures, last_error, last_error_at)
            VALUES (?1, ?2, ?3, 1, ?4, ?5)
            ON CONFLICT (connector, plant, stream) DO UPDATE SET failures = failures + 1, last_error = ?4,
                last_error_at = ?5
            """
        ) { statement in
            statement.bind(connector, at: 1)
            statement.bind(key.plant, at: 2)
            statement.bind(key.stream, at: 3)
            statement.bind(message, at: 4)
            statement.bind(now, at: 5)
            try statement.execute()
        }
    }

    func park(_ posting: ParkedPosting) throws {
        try db.withCachedStatement(
            """
            INSERT OR REPLACE INTO erp_parked (connector, plant, stream, position, event_id, event_type, message, parked_at)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
            """
        ) { statement in
            statement.bind(posting.connector, at: 1)
            statement.bind(posting.plant, at: 2)
            statement.bind(posting.stream, at: 3)
            statement.bind(posting.position, at: 4)
            statement.bind(posting.eventID, at: 5)
            statement.bind(posting.eventType, at: 6)
            statement.bind(posting.message, at: 7)
            statement.bind(posting.parkedAt, at: 8)
            try statement.execute()
        }
    }

    /// Parked postings, of one connector or all, ordered by connector, plant, stream.
    func parked(connector: String? = nil) throws -> [ParkedPosting] {
        try db.withCachedStatement(
            """
            SELECT connector, plant, stream, position, event_id, event_type, message, parked_at FROM erp_parked
            WHERE ?1 IS NULL OR connector = ?1 ORDER BY connector, plant, stream
            """
        ) { query in
            query.bind(connector, at: 1)
            var postings: [ParkedPosting] = []
            while try query.step() {
                postings.append(
                    ParkedPosting(
                        connector: query.string(at: 0), plant: query.string(at: 1), stream: query.string(at: 2),
                        position: query.int64(at: 3), eventID: query.string(at: 4), eventType: query.string(at: 5),
                        message: query.string(at: 6), parkedAt: query.int64(at: 7)))
            }
            return postings
        }
    }

    /// Every connector's progress on every stream it has touched, joined with the feed ends.
    func progress() throws -> [ERPStreamProgress] {
        try db.withCachedStatement(
            """
            SELECT c.connector, c.plant, c.stream, c.position, c.delivered, c.failures, c.last_error, c.last_error_at,
                   COALESCE((SELECT s.feed_through FROM streams s JOIN plants p ON p.plant_key = s.plant_key
                             WHERE p.name = c.plant AND s.name = c.stream), 0)
            FROM erp_cursors c ORDER BY c.connector, c.plant, c.stream
            """
        ) { query in
            var rows: [ERPStreamProgress] = []
            while try query.step() {
                rows.append(
                    ERPStreamProgress(
                        connector: query.string(at: 0), plant: query.string(at: 1), stream: query.string(at: 2),
                        position: query.int64(at: 3), feedThrough: query.int64(at: 8), delivered: query.int64(at: 4),
                        failures: query.int64(at: 5), lastError: query.optionalString(at: 6),
                        lastErrorAt: query.optionalInt64(at: 7)))
            }
            return rows
        }
    }

    /// Records the decision and releases the parked posting in one transaction: `retry` leaves the
    /// cursor (the event is posted again), `skip` moves the cursor past the event. Nil when nothing
    /// is parked there.
    func decide(
        _ action: ERPDecision.Action, connector: String, key: FeedStreamKey, by: String, reason: String, now: Int64
    ) throws -> ERPDecision? {
        try db.transaction(.immediate) { () throws -> ERPDecision? in
            guard
                let posting = try parked(connector: connector).first(where: {
                    $0.plant == key.plant && $0.stream == key.stream
                })
            else { return nil }
            let decision = ERPDecision(
                action: action, connector: connector, plant: key.plant, stream: key.stream, position: posting.position,
                eventID: posting.eventID, decidedBy: by, reason: reason, message: posting.message, decidedAt: now)
            let insert = try db.prepare(
                """
                INSERT INTO erp_decisions (connector, plant, stream, position, event_id, action, decided_by, reason,
                    message, decided_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
                """)
            insert.bind(connector, at: 1)
            insert.bind(key.plant, at: 2)
            insert.bind(key.stream, at: 3)
            insert.bind(posting.position, at: 4)
            insert.bind(posting.eventID, at: 5)
            insert.bind(action.rawValue, at: 6)
            insert.bind(by, at: 7)
            insert.bind(reason, at: 8)
            insert.bind(posting.message, at: 9)
            insert.bind(now, at: 10)
            try insert.execute()
            let release = try db.prepare("DELETE FROM erp_parked WHERE connector = ?1 AND plant = ?2 AND stream = ?3")
            release.bind(connector, at: 1)
            release.bind(key.plant, at: 2)
            release.bind(key.stream, at: 3)
            try release.execute()
            if action == .skip {
                // The skipped event counts as passed; nothing else is counted as delivered.
                try advance(connector, key, to: posting.position, count: 0, now: now)
            }
            return decision
        }
    }

    /// Decisions, newest first.
    func decisions(limit: Int = 100) throws -> [ERPDecision] {
        let query = try db.prepare(
            """
            SELECT action, connector, plant, stream, position, event_id, decided_by, reason, message, decided_at
            FROM erp_decisions ORDER BY decision_key DESC LIMIT ?1
            """)
        query.bind(limit, at: 1)
        var decisions: [ERPDecision] = []
        while try query.step() {
            decisions.append(
                ERPDecision(
                    action: ERPDecision.Action(rawValue: query.string(at: 0)) ?? .retry, connector: query.string(at: 1),
                    plant: query.string(at: 2), stream: query.string(at: 3), position: query.int64(at: 4),
                    eventID: query.string(at: 5), decidedBy: query.string(at: 6), reason: query.string(at: 7),
                    message: query.string(at: 8), decidedAt: query.int64(at: 9)))
        }
        return decisions
    }
}

import Foundation
import PlantJournal

/// A consumer's acknowledged position on one (plant, stream), with the stream's feed end.
public struct ConsumerPosition: Sendable, Hashable {
    public var consumer: String
    public var plant: String
    public var stream: String
    /// Last feed position the consumer acknowledged (0: none).
    public var position: Int64
    public var feedThrough: Int64
    public var ackedAt: Int64?

    /// Events stored but not yet acknowledged by this consumer.
    public var lag: Int64 { max(0, feedThrough - position) }
}

/// Why an acknowledgement was refused.
public enum ConsumerAckFailure: Error, Sendable, Hashable, CustomStringConvertible {
    /// The position lies past the stream's feed end.
    case beyondFeed(position: Int64, feedThrough: Int64)
    /// The position is behind the stored one; send `"rewind": true` to move back on purpose.
    case behind(position: Int64, stored: Int64)

    public var description: String {
        switch self {
        case let .beyondFeed(position, feedThrough):
            "position \(position) is past the end of the feed (feed_through \(feedThrough))"
        case let .behind(position, stored):
            "position \(position) is behind the acknowledged position \(stored); send \"rewind\": true to move back"
        }
    }
}

/// The named consumers' acknowledged positions (`consumer_cursors`), written by the read API's
/// connection threads; also the outbox figures the status page and `/metrics` show.
///
/// `@unchecked Sendable`: the one write connection is only used under `lock` (acks are tiny and
/// rare next to the feed reads, so one connection serialised is plenty).
public final class ConsumerCursors: @unchecked Sendable {
    private let lock = NSLock()
    private let ledger: OutboxLedger

    public init(storePath: String, now: Int64) throws(HubStoreError) {
        ledger = try OutboxLedger(path: storePath, synchronousFull: true, now: now)
    }

    public func close() {
        lock.lock()
        ledger.close()
        lock.unlock()
    }

    /// Stores `position` as `consumer`'s acknowledged position on (plant, stream).
    public func acknowledge(
        consumer: String, plant: String, stream: String, position: Int64, rewind: Bool, now: Int64
    ) throws -> Result<ConsumerPosition, ConsumerAckFailure> {
        lock.lock()
        defer { lock.unlock() }
        let db = ledger.db
        return try db.transaction(.immediate) { () throws -> Result<ConsumerPosition, ConsumerAckFailure> in
            let feedThrough =
                try ledger.feedStreams().first { $0.key.plant == plant && $0.key.stream == stream }?
                .feedThrough ?? 0
            if position > feedThrough { return .failure(.beyondFeed(position: position, feedThrough: feedThrough)) }
            let stored = try db.withCachedStatement(
                "SELECT position FROM consumer_cursors WHERE consumer = ?1 AND plant = ?2 AND stream = ?3"
            ) { query in
                query.bind(consumer, at: 1)
                query.bind(plant, at: 2)
                query.bind(stream, at: 3)
                return try query.step() ? query.int64(at: 0) : 0
            }
            if position < stored && !rewind { return .failure(.behind(position: position, stored: stored)) }
            try db.withCachedStatement(
                """
                INSERT INTO consumer_cursors (consumer, plant, stream, position, acked_at) VALUES (?1, ?2, ?3, ?4, ?5)
                ON CONFLICT (consumer, plant, stream) DO UPDATE SET position = ?4, acked_at = ?5
                """
            ) { statement in
                statement.bind(consumer, at: 1)
                statement.bind(plant, at: 2)
                statement.bind(stream, at: 3)
                statement.bind(position, at: 4)
                statement.bind(now, at: 5)
                try statement.execute()
            }
            return .success(
                ConsumerPosition(
                    consumer: consumer, plant: plant, stream: stream, position: position, feedThrough: feedThrough,
                    ackedAt: now))
        }
    }

    /// Every connector's progress per stream and every parked posting (status page, `/metrics`).
    public func outboxStatus() throws -> (progress: [ERPStreamProgress], parked: [ParkedPosting]) {
        lock.lock()
        defer { lock.unlock() }
        return try ledger.db.transaction(.deferred) { (try ledger.progress(), try ledger.parked()) }
    }

    /// Positions of `consumers` on every stream of the feed (0 where never acknowledged), by
    /// consumer, plant, stream.
    public func positions(consumers: [String]) throws -> [ConsumerPosition] {
        lock.lock()
        defer { lock.unlock() }
        let streams = try ledger.feedStreams()
        var stored: [String: (Int64, Int64)] = [:]
        try ledger.db.withCachedStatement("SELECT consumer, plant, stream, position, acked_at FROM consumer_cursors") {
            query in
            while try query.step() {
                stored["\(query.string(at: 0))\u{0}\(query.string(at: 1))\u{0}\(query.string(at: 2))"] = (
                    query.int64(at: 3), query.int64(at: 4)
                )
            }
        }
        var positions: [ConsumerPosition] = []
        for consumer in consumers.sorted() {
            for (key, feedThrough) in streams {
                let row = stored["\(consumer)\u{0}\(key.plant)\u{0}\(key.stream)"]
                positions.append(
                    ConsumerPosition(
                        consumer: consumer, plant: key.plant, stream: key.stream, position: row?.0 ?? 0,
                        feedThrough: feedThrough, ackedAt: row?.1))
            }
        }
        return positions
    }
}

import Foundation
import PlantJournal

/// Read-only queries on the hub store, from any thread (the read API's connection threads).
/// WAL readers never block the commit thread, and each query reads one consistent snapshot.
///
/// `@unchecked Sendable`: idle connections sit in `idle` under `lock`; a connection taken out is
/// used by exactly one thread until it is put back, so no connection is ever shared.
public final class HubStoreReader: @unchecked Sendable {
    public let path: String
    private let maxIdle: Int
    private let lock = NSLock()
    private var idle: [Connection] = []
    private var closed = false

    /// The store must exist (open the `HubStore` first). Keeps up to `maxIdle` connections.
    public init(path: String, maxIdle: Int = 8) {
        self.path = path
        self.maxIdle = maxIdle
    }

    /// Every plant in `configured` and every plant the store knows, by name, with its streams.
    public func plantStatuses(configured: [String]) throws(HubStoreError) -> [PlantStatus] {
        try withSnapshot { db in
            var plants: [String: PlantStatus] = [:]
            for name in configured { plants[name] = PlantStatus(plant: name, lastSeenAt: nil, streams: []) }
            let query = try db.prepare(
                """
                SELECT p.name, p.last_seen_at, s.name, s.feed_through, s.last_batch_at,
                       s.backlog_pending, s.backlog_oldest_age_s, s.backlog_reported_at, e.epoch, e.acked_through,
                       (SELECT occurred_at FROM events WHERE record = (s.stream_key << \(FeedRecord.positionBits)) | s.feed_through)
                FROM plants p
                LEFT JOIN streams s ON s.plant_key = p.plant_key
                LEFT JOIN epochs e ON e.epoch_key = s.current_epoch_key
                ORDER BY p.name, s.name
                """)
            while try query.step() {
                let name = query.string(at: 0)
                var plant = plants[name] ?? PlantStatus(plant: name, lastSeenAt: nil, streams: [])
                plant.lastSeenAt = query.optionalInt64(at: 1)
                if !query.isNull(at: 2) {
                    let backlog = query.optionalInt64(at: 5).map {
                        ReportedBacklog(
                            pending: $0, oldestAgeSeconds: query.optionalInt64(at: 6),
                            reportedAt: query.optionalInt64(at: 7) ?? 0)
                    }
                    plant.streams.append(
                        StreamStatus(
                            stream: query.string(at: 2), epoch: query.optionalString(at: 8),
                            ackedThrough: query.optionalInt64(at: 9) ?? 0, feedThrough: query.int64(at: 3),
                            lastBatchAt: query.optionalInt64(at: 4), lastOccurredAt: query.optionalInt64(at: 10),
                            backlog: backlog))
                }
                plants[name] = plant
            }
            return plants.values.sorted { $0.plant.utf8.lexicographicallyPrecedes($1.plant.utf8) }
        }
    }

    /// Up to `limit` events of (plant, stream) after feed position `after`, in order. Nil when the
    /// store has never heard of the plant.
    public func feed(plant: String, stream: String, after: Int64, limit: Int) throws(HubStoreError) -> FeedPage? {
        try withSnapshot { db -> FeedPage? in
            let plantQuery = try db.prepare("SELECT plant_key FROM plants WHERE name = ?1")
            plantQuery.bind(plant, at: 1)
            guard try plantQuery.step() else { return nil }
            let plantKey = plantQuery.int64(at: 0)
            let streamQuery = try db.prepare(
                "SELECT stream_key, feed_through FROM streams WHERE plant_key = ?1 AND name = ?2")
            streamQuery.bind(plantKey, at: 1)
            streamQuery.bind(stream, at: 2)
            guard try streamQuery.step() else {
                return FeedPage(plant: plant, stream: stream, events: [], feedThrough: 0, nextAfter: after)
            }
            let streamKey = streamQuery.int64(at: 0)
            let feedThrough = streamQuery.int64(at: 1)
            let events = try db.prepare(
                """
                SELECT e.record, p.epoch, e.seq, e.id, e.type, e.occurred_at, e.received_at, e.canonical
                FROM events e JOIN epochs p ON p.epoch_key = e.epoch_key
                WHERE e.record > ?1 AND e.record <= ?2
                ORDER BY e.record LIMIT ?3
                """)
            let range = FeedRecord.range(streamKey: streamKey, after: max(0, min(after, FeedRecord.positionMask)))
            events.bind(range.lower, at: 1)
            events.bind(range.upper, at: 2)
            events.bind(limit, at: 3)
            var page: [FeedEvent] = []
            page.reserveCapacity(min(limit, 1024))
            while try events.step() {
                page.append(
                    FeedEvent(
                        position: FeedRecord.position(events.int64(at: 0)), epoch: events.string(at: 1),
                        seq: events.int64(at: 2),
                        id: events.string(at: 3), type: events.string(at: 4), occurredAt: events.int64(at: 5),
                        receivedAt: events.int64(at: 6), canonical: events.bytes(at: 7)))
            }
            return FeedPage(
                plant: plant, stream: stream, events: page, feedThrough: feedThrough,
                nextAfter: page.last?.position ?? after)
        }
    }

    /// Closes idle connections; later reads throw `.closed`.
    public func close() {
        lock.lock()
        closed = true
        idle.removeAll()
        lock.unlock()
    }

    /// Runs `body` in one read transaction (one snapshot) on a pooled connection.
    private func withSnapshot<T>(_ body: (Connection) throws -> T) throws(HubStoreError) -> T {
        lock.lock()
        if closed {
            lock.unlock()
            throw .closed(path: path)
        }
        let reused = idle.popLast()
        lock.unlock()
        let db: Connection
        if let reused { db = reused } else { db = try HubSchema.openReader(path: path) }
        defer {
            lock.lock()
            if !closed, idle.count < maxIdle { idle.append(db) }
            lock.unlock()
        }
        do {
            return try db.transaction(.deferred) { try body(db) }
        } catch let error as HubStoreError {
            throw error
        } catch let error as SQLiteError {
            throw .sqlite(path: path, error)
        } catch {
            throw .cannotOpen(path: path, detail: "\(error)")
        }
    }
}

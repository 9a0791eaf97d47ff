/// One plant's sync state as the hub sees it (`GET /v1/plants`).
public struct PlantStatus: Sendable, Hashable {
    public var plant: String
    /// When the plant last sent a batch (accepted or not), ms since the Unix epoch.
    public var lastSeenAt: Int64?
    /// Its streams, by name.
    public var streams: [StreamStatus]

    public init(plant: String, lastSeenAt: Int64?, streams: [StreamStatus]) {
        self.plant = plant
        self.lastSeenAt = lastSeenAt
        self.streams = streams
    }
}

/// The backlog an agent reported for one stream with its latest batch.
public struct ReportedBacklog: Sendable, Hashable {
    public var pending: Int64
    public var oldestAgeSeconds: Int64?
    /// When the hub received the report, ms since the Unix epoch.
    public var reportedAt: Int64

    public init(pending: Int64, oldestAgeSeconds: Int64?, reportedAt: Int64) {
        self.pending = pending
        self.oldestAgeSeconds = oldestAgeSeconds
        self.reportedAt = reportedAt
    }
}

/// One stream of a plant.
public struct StreamStatus: Sendable, Hashable {
    public var stream: String
    /// The epoch of the latest accepted batch (nil before the first one).
    public var epoch: String?
    /// Highest seq stored for `epoch`.
    public var ackedThrough: Int64
    /// Events of this stream in the feed (the last feed position).
    public var feedThrough: Int64
    /// When the latest batch was accepted.
    public var lastBatchAt: Int64?
    /// `occurred_at` of the newest event in the feed.
    public var lastOccurredAt: Int64?
    public var backlog: ReportedBacklog?

    public init(
        stream: String, epoch: String?, ackedThrough: Int64, feedThrough: Int64, lastBatchAt: Int64?,
        lastOccurredAt: Int64?, backlog: ReportedBacklog?
    ) {
        self.stream = stream
        self.epoch = epoch
        self.ackedThrough = ackedThrough
        self.feedThrough = feedThrough
        self.lastBatchAt = lastBatchAt
        self.lastOccurredAt = lastOccurredAt
        self.backlog = backlog
    }

    /// How far behind the hub is for this stream, in whole seconds: the age of the oldest event
    /// the agent has not delivered, estimated from its last report (the reported age plus the
    /// time since the report). 0 when the agent reported nothing pending; nil without a report.
    public func lagSeconds(now: Int64) -> Int64? {
        guard let backlog else { return nil }
        guard backlog.pending > 0 else { return 0 }
        return (backlog.oldestAgeSeconds ?? 0) + max(0, now - backlog.reportedAt) / 1000
    }
}

/// One event of the feed (`GET /v1/events`).
public struct FeedEvent: Sendable, Hashable {
    /// The feed cursor: 1, 2, 3 … per (plant, stream), never reused, across the agent's epochs.
    public var position: Int64
    public var epoch: String
    public var seq: Int64
    public var id: String
    public var type: String
    public var occurredAt: Int64
    public var receivedAt: Int64
    /// The event's canonical JSON, as the agent sent it.
    public var canonical: [UInt8]

    public init(
        position: Int64, epoch: String, seq: Int64, id: String, type: String, occurredAt: Int64, receivedAt: Int64,
        canonical: [UInt8]
    ) {
        self.position = position
        self.epoch = epoch
        self.seq = seq
        self.id = id
        self.type = type
        self.occurredAt = occurredAt
        self.receivedAt = receivedAt
        self.canonical = canonical
    }
}

/// A page of the feed after a cursor.
public struct FeedPage: Sendable, Hashable {
    public var plant: String
    public var stream: String
    public var events: [FeedEvent]
    /// The last position in the feed at the time of reading (more may follow when larger than the
    /// last event's position).
    public var feedThrough: Int64
    /// The cursor for the next page: the last event's position, or the requested one.
    public var nextAfter: Int64

    public init(plant: String, stream: String, events: [FeedEvent], feedThrough: Int64, nextAfter: Int64) {
        self.plant = plant
        self.stream = stream
        self.events = events
        self.feedThrough = feedThrough
        self.nextAfter = nextAfter
    }
}

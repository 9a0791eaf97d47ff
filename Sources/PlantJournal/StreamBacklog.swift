/// Sync backlog of one stream, as `plantsync status` and the forwarder report it.
public struct StreamBacklog: Sendable, Hashable {
    public let stream: String
    /// Highest seq journaled (0 when none).
    public let lastSeq: Int64
    /// Highest seq the hub acknowledged (0 when none).
    public let acknowledgedSeq: Int64
    /// When `acknowledgedSeq` last moved, ms since the Unix epoch.
    public let acknowledgedAt: Int64?
    /// Events journaled but not yet acknowledged.
    public let pendingCount: Int64
    /// Body bytes of those events.
    public let pendingBytes: Int64
    /// When the oldest pending event was journaled, ms since the Unix epoch.
    public let oldestPendingJournaledAt: Int64?
    /// Dead letters ever recorded for this stream.
    public let deadLetterCount: Int64

    public init(
        stream: String, lastSeq: Int64, acknowledgedSeq: Int64, acknowledgedAt: Int64?, pendingCount: Int64,
        pendingBytes: Int64, oldestPendingJournaledAt: Int64?, deadLetterCount: Int64
    ) {
        self.stream = stream
        self.lastSeq = lastSeq
        self.acknowledgedSeq = acknowledgedSeq
        self.acknowledgedAt = acknowledgedAt
        self.pendingCount = pendingCount
        self.pendingBytes = pendingBytes
        self.oldestPendingJournaledAt = oldestPendingJournaledAt
        self.deadLetterCount = deadLetterCount
    }

    /// Age of the oldest pending event at `now` (ms), nil when nothing is pending.
    public func oldestPendingAge(now: Int64) -> Int64? {
        oldestPendingJournaledAt.map { max(0, now - $0) }
    }
}

/// One row of `backlog_history`: a stream's backlog at a sampling moment.
public struct BacklogSample: Sendable, Hashable {
    public let sampledAt: Int64
    public let stream: String
    public let pendingCount: Int64
    public let pendingBytes: Int64
    /// Age of the oldest pending event at `sampledAt` (ms), nil when nothing was pending.
    public let oldestPendingAge: Int64?

    public init(sampledAt: Int64, stream: String, pendingCount: Int64, pendingBytes: Int64, oldestPendingAge: Int64?) {
        self.sampledAt = sampledAt
        self.stream = stream
        self.pendingCount = pendingCount
        self.pendingBytes = pendingBytes
        self.oldestPendingAge = oldestPendingAge
    }
}

/// Whether the journal accepts appends.
public enum JournalHealth: Sendable, Hashable {
    case ok
    /// SQLite reported SQLITE_FULL; appends are refused until a retry succeeds.
    case diskFull(since: Int64, message: String)
    /// An fsync failed; appends are refused until a retry (on a fresh connection) succeeds.
    case fsyncFailed(since: Int64, message: String)
}

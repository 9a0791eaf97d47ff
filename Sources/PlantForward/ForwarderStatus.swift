/// What the forwarder is doing, for the agent's status endpoint and `plantsync status`.
/// A snapshot: values, safe to hand to any thread. Times are ms since the Unix epoch.
public struct ForwarderStatus: Sendable, Equatable {
    public var hub: HubReachability
    /// The most recent failure of any kind, with its time.
    public var lastError: ForwarderFailure?
    /// One entry per forwarded stream, sorted by name.
    public var streams: [StreamForwardingStatus]

    public init(hub: HubReachability, lastError: ForwarderFailure?, streams: [StreamForwardingStatus]) {
        self.hub = hub
        self.lastError = lastError
        self.streams = streams
    }

    /// The entry of `stream`, if it is forwarded.
    public subscript(stream: String) -> StreamForwardingStatus? {
        streams.first { $0.stream == stream }
    }
}

/// Whether the hub answers, as seen by the latest request of any stream.
public enum HubReachability: Sendable, Equatable {
    /// No request has completed yet.
    case unknown
    /// The latest request got an HTTP answer.
    case reachable(since: Int64)
    /// Connections fail (refused, reset, timed out, TLS handshake).
    case unreachable(since: Int64, reason: String)
    /// The hub answers 401/403: the token is wrong or not for this plant.
    case authenticationFailed(since: Int64, reason: String)
    /// The hub's certificate does not verify against the configured CA or host name.
    case certificateFailed(since: Int64, reason: String)

    /// Short name for status tables: "reachable", "unreachable", "auth failure"…
    public var label: String {
        switch self {
        case .unknown: "unknown"
        case .reachable: "reachable"
        case .unreachable: "unreachable"
        case .authenticationFailed: "auth failure"
        case .certificateFailed: "certificate failure"
        }
    }
}

/// A failure with its time and scope.
public struct ForwarderFailure: Sendable, Equatable, CustomStringConvertible {
    public var at: Int64
    /// The stream whose request failed; nil for failures not tied to one stream.
    public var stream: String?
    public var message: String

    public init(at: Int64, stream: String?, message: String) {
        self.at = at
        self.stream = stream
        self.message = message
    }

    public var description: String { (stream.map { "stream \"\($0)\": " } ?? "") + message }
}

/// One stream's forwarding figures.
public struct StreamForwardingStatus: Sendable, Equatable {
    public var stream: String
    public var state: StreamForwardingState
    /// Highest seq sent to the hub (in this run of the forwarder; 0 before the first send).
    public var lastSentSeq: Int64
    /// Highest seq the hub acknowledged.
    public var acknowledgedSeq: Int64
    /// Seqs of the batch on the wire, if any.
    public var inFlight: ClosedRange<Int64>?
    /// Events acknowledged per second, averaged over the last minute.
    public var drainRate: Double
    /// Events journaled but not yet acknowledged (as last known: it may lag by a few seconds).
    public var pending: Int64
    /// Age of the oldest unacknowledged event in seconds; nil when nothing is pending.
    public var oldestPendingAgeSeconds: Int64?
    /// Events this forwarder dead-lettered (replaced by tombstones) since it started.
    public var deadLettered: Int

    public init(
        stream: String, state: StreamForwardingState, lastSentSeq: Int64, acknowledgedSeq: Int64,
        inFlight: ClosedRange<Int64>?, drainRate: Double, pending: Int64, oldestPendingAgeSeconds: Int64?,
        deadLettered: Int
    ) {
        self.stream = stream
        self.state = state
        self.lastSentSeq = lastSentSeq
        self.acknowledgedSeq = acknowledgedSeq
        self.inFlight = inFlight
        self.drainRate = drainRate
        self.pending = pending
        self.oldestPendingAgeSeconds = oldestPendingAgeSeconds
        self.deadLettered = deadLettered
    }
}

/// Where a stream's forwarding stands.
public enum StreamForwardingState: Sendable, Equatable {
    /// Sending, or waiting for new events.
    case ok
    /// A retryable failure (connection, 5xx, 429, journal read); the next attempt is at `until`.
    case backingOff(until: Int64, reason: String)
    /// The hub refused the token (401/403); retried slowly, next at `nextAttemptAt`.
    case authenticationFailed(reason: String, nextAttemptAt: Int64)
    /// The hub's certificate did not verify; retried slowly, next at `nextAttemptAt`.
    case certificateFailed(reason: String, nextAttemptAt: Int64)
    /// The hub holds different events at our seqs (`sequence_conflict`), or the journal cannot
    /// give what the hub asks for. The stream is stopped: nothing is overwritten or dropped;
    /// a person must look.
    case conflict(reason: String)
    /// The forwarder was stopped.
    case stopped

    /// Short name for status tables.
    public var label: String {
        switch self {
        case .ok: "ok"
        case .backingOff: "backing off"
        case .authenticationFailed: "auth failure"
        case .certificateFailed: "certificate failure"
        case .conflict: "conflict"
        case .stopped: "stopped"
        }
    }
}

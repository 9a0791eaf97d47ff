import PlantModel
import Synchronization

/// Counters of one telemetry feed since it started, beyond what `InputHealth` shows.
public struct TelemetryFeedStatistics: Sendable, Hashable {
    /// Bytes read from all connections.
    public var bytes: Int64 = 0
    /// Lines framed (good or refused; blank lines and comments not counted).
    public var lines: Int64 = 0
    /// Samples handed to the aggregator (= `InputHealth.received`).
    public var samplesDelivered: Int64 = 0
    /// Valid samples the tag filter dropped.
    public var samplesFiltered: Int64 = 0
    /// Quarantine records made: refused lines and refused values (= `InputHealth.quarantined`).
    public var quarantined: Int64 = 0
    /// Samples that passed the raw stream's deadband and minimum interval (0 while it is off).
    public var rawKept: Int64 = 0
    /// Kept samples journaled on the `telemetry` stream (= `InputHealth.journaled`).
    public var rawJournaled: Int64 = 0
    /// Kept samples the journal already held (the same tag and source time read again, e.g. after a reconnect).
    public var rawDuplicates: Int64 = 0
    /// Kept samples dropped without being journaled: the journal refused them (disk budget, disk full: raw
    /// telemetry is shed first), the hand-off queue was full, or the input was stopping.
    public var rawShed: Int64 = 0
    /// Connections established (dialled or accepted).
    public var connectionsOpened: Int64 = 0
    /// Listen mode: gateways refused because `max_connections` were connected.
    public var connectionsRefused: Int64 = 0
    /// Connections open now.
    public var activeConnections = 0

    public init() {}
}

/// The feed's shared, lock-protected state: health and statistics. Connection threads update it once per
/// read (not per sample), so the lock is cheap.
final class FeedState: Sendable {
    private struct Values {
        var health = InputHealth()
        var statistics = TelemetryFeedStatistics()
        var listeningPort: UInt16?
    }

    private let values = Mutex(Values())
    let now: @Sendable () -> Timestamp

    init(now: @escaping @Sendable () -> Timestamp) {
        self.now = now
    }

    var health: InputHealth { values.withLock { $0.health } }
    var statistics: TelemetryFeedStatistics { values.withLock { $0.statistics } }
    var listeningPort: UInt16? { values.withLock { $0.listeningPort } }

    func setConnection(_ connection: InputHealth.Connection) {
        values.withLock { $0.health.connection = connection }
    }

    func setListeningPort(_ port: UInt16?) {
        values.withLock { $0.listeningPort = port }
    }

    /// What one read produced.
    struct ReadCounts {
        var bytes = 0
        var lines = 0
        var delivered = 0
        var filtered = 0
        var rawKept = 0
    }

    func record(_ counts: ReadCounts) {
        let time = now()
        values.withLock { values in
            values.statistics.bytes += Int64(counts.bytes)
            values.statistics.lines += Int64(counts.lines)
            values.statistics.samplesDelivered += Int64(counts.delivered)
            values.statistics.samplesFiltered += Int64(counts.filtered)
            values.statistics.rawKept += Int64(counts.rawKept)
            values.health.received += Int64(counts.delivered)
            if counts.bytes > 0 { values.health.lastData = time }
        }
    }

    /// What one raw-stream commit (or hand-off) did with kept samples; `error` is the reason when some were shed.
    struct RawCounts {
        var journaled = 0
        var duplicates = 0
        var shed = 0
    }

    func recordRaw(_ counts: RawCounts, error: String? = nil) {
        let time = error == nil ? nil : now()
        values.withLock { values in
            values.statistics.rawJournaled += Int64(counts.journaled)
            values.statistics.rawDuplicates += Int64(counts.duplicates)
            values.statistics.rawShed += Int64(counts.shed)
            values.health.journaled += Int64(counts.journaled)
            if let error {
                values.health.lastError = error
                values.health.lastErrorAt = time
            }
        }
    }

    func recordQuarantine(_ problem: InputProblem) {
        let time = now()
        values.withLock { values in
            values.statistics.quarantined += 1
            values.health.quarantined += 1
            values.health.lastError = "\(problem.location): \(problem.reason)"
            values.health.lastErrorAt = time
        }
    }

    func recordError(_ message: String) {
        let time = now()
        values.withLock { values in
            values.health.lastError = message
            values.health.lastErrorAt = time
        }
    }

    /// A connection opened; in listen mode the input counts as connected while any gateway is.
    func connectionOpened() {
        values.withLock { values in
            values.statistics.connectionsOpened += 1
            values.statistics.activeConnections += 1
            values.health.connection = .connected
        }
    }

    /// A connection ended; `idle` is the state to show when none is left.
    func connectionClosed(idle: InputHealth.Connection) {
        values.withLock { values in
            values.statistics.activeConnections -= 1
            if values.statistics.activeConnections == 0 && values.health.connection != .stopped {
                values.health.connection = idle
            }
        }
    }

    /// Admits one more listen-mode connection unless `limit` are open.
    func admit(limit: Int) -> Bool {
        values.withLock { values in
            if values.statistics.activeConnections >= limit {
                values.statistics.connectionsRefused += 1
                return false
            }
            values.statistics.connectionsOpened += 1
            values.statistics.activeConnections += 1
            values.health.connection = .connected
            return true
        }
    }
}

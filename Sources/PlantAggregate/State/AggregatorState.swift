import PlantModel

/// Everything a line's aggregator remembers between samples: the last accepted reading per tag (the
/// key to never counting twice), the machine state, the current order, and the open part's
/// accumulators. Checkpoint it (`encoded()`) in the same journal transaction as the events emitted with
/// it, and periodically in between; give it back to `LineAggregator.init` after a restart.
public struct AggregatorState: Sendable, Hashable {
    /// Last accepted reading per tag, keyed by tag name (so a renamed tag starts afresh).
    var tracks: [String: TagTrack] = [:]
    var machineState: MachineState?
    var reason: String?
    /// State time before this instant has been booked.
    var accountedTo: Int64 = .min
    var order: String?
    var operation: String?
    /// Flags waiting for the next confirmation with counts in it.
    var pendingResetTags: [String] = []
    var pendingGapMilliseconds: Int64 = 0
    /// Negative scrap (total − good) not yet offset, carried so that scrap is never negative.
    var scrapCarry: Int64 = 0
    var excluded = ExclusionCounts()
    var part: OpenPart?

    public init() {}
}

/// The last accepted reading of one tag.
struct TagTrack: Sendable, Hashable {
    var time: Int64
    var reading: TelemetryValue
    /// The register value for counters (0 for other tags).
    var raw: UInt64
}

extension TelemetryValue {
    /// The value as the configuration's value maps spell it: "3", "1.5", "true", "RUN".
    var text: String { description }
}

/// Accumulators of the part being built: a period (window cut at shift starts), or the piece of it
/// since the last order change or shutdown.
struct OpenPart: Sendable, Hashable {
    var periodStart: Int64
    var periodEnd: Int64
    /// Where this part begins: the period start, an order change or a restart after a partial.
    var start: Int64
    /// 1 + order changes so far in this period.
    var number: Int = 1
    /// Partial confirmations already emitted for this part (at shutdowns).
    var partials: Int = 0
    var good: UInt64 = 0
    var scrap: UInt64 = 0
    var total: UInt64 = 0
    var rework: UInt64 = 0
    var runningMilliseconds: Int64 = 0
    var idleMilliseconds: Int64 = 0
    var downMilliseconds: Int64 = 0
    var downtime: [DowntimePiece] = []
    var stateChanged = false

    var hasProduction: Bool { good | scrap | total | rework != 0 }
}

/// A stretch of downtime inside a part.
struct DowntimePiece: Sendable, Hashable {
    var start: Int64
    var end: Int64
    var reason: String
}

/// Samples left out of the count since the last report, by why.
public struct ExclusionCounts: Sendable, Hashable, CustomStringConvertible {
    /// Quality bad.
    public var bad: Int = 0
    /// Quality uncertain.
    public var uncertain: Int = 0
    /// Older than the last accepted sample of the same tag (or as old, with another value).
    public var outOfOrder: Int = 0
    /// The same tag, time and value again.
    public var duplicates: Int = 0
    /// Values that cannot be read: a counter that is not an integer within the counter width, a state
    /// value missing from the value map.
    public var invalid: Int = 0

    public init() {}

    public var isEmpty: Bool { bad == 0 && uncertain == 0 && outOfOrder == 0 && duplicates == 0 && invalid == 0 }

    public var description: String {
        "bad \(bad), uncertain \(uncertain), out of order \(outOfOrder), duplicates \(duplicates), invalid \(invalid)"
    }
}

import PlantModel

/// The `raw_stream:` settings: whether raw samples are kept for the low-priority telemetry stream, and how
/// they are thinned first. Off by default: the aggregator needs every sample, the WAN does not.
public struct RawTelemetrySettings: Sendable, Hashable {
    public var enabled: Bool
    /// A numeric sample is kept only when it differs from the last kept one of its tag by at least this.
    public var deadband: DecimalNumber
    /// At most one kept sample per tag in this much source time (quality changes excepted).
    public var minInterval: Duration

    public static let defaultDeadband = DecimalNumber("0.5")!

    public init(enabled: Bool = false, deadband: DecimalNumber = defaultDeadband, minInterval: Duration = .seconds(1)) {
        self.enabled = enabled
        self.deadband = deadband
        self.minInterval = minInterval
    }
}

/// Deadband and minimum interval per tag, over source time (deterministic, replayable):
/// - the first sample of a tag is kept;
/// - a sample stamped with the same source time as the last kept one is not (its event id, which is made of
///   the tag and the source time, would be the same: the journal would keep only the first);
/// - a sample whose quality differs from the last kept one is kept (a tag going bad is news);
/// - otherwise it is kept when at least `minInterval` has passed since the last kept sample and its value
///   moved: numbers by at least `deadband` (any change when the deadband is 0), booleans and strings by
///   any change. Dropped samples never become the reference; the next sample is compared with the last kept.
public struct RawTelemetryFilter: Sendable {
    public let deadband: DecimalNumber
    public let minIntervalMilliseconds: Int64
    private var lastKept: [String: TelemetrySample] = [:]
    private let capacity: Int

    public init(settings: RawTelemetrySettings, capacity: Int = 65_536) {
        deadband = settings.deadband
        let (seconds, attoseconds) = settings.minInterval.components
        minIntervalMilliseconds = seconds * 1000 + attoseconds / 1_000_000_000_000_000
        self.capacity = capacity
    }

    /// Whether `sample` goes to the raw stream; remembers it when it does.
    public mutating func keep(_ sample: TelemetrySample) -> Bool {
        guard let last = lastKept[sample.tag] else { return remember(sample) }
        if sample.sourceTime == last.sourceTime { return false }
        if sample.quality != last.quality { return remember(sample) }
        guard sample.sourceTime.milliseconds(since: last.sourceTime) >= minIntervalMilliseconds else { return false }
        switch (sample.value, last.value) {
        case (.number(let now), .number(let before)):
            guard let delta = try? now.subtracting(before).magnitude() else { return remember(sample) }
            if delta.isZero || delta < deadband { return false }
        default:
            if sample.value == last.value { return false }
        }
        return remember(sample)
    }

    private mutating func remember(_ sample: TelemetrySample) -> Bool {
        if lastKept.count >= capacity && lastKept[sample.tag] == nil { lastKept.removeAll(keepingCapacity: true) }
        lastKept[sample.tag] = sample
        return true
    }
}

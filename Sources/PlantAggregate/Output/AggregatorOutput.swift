import PlantModel

/// What the aggregator hands its driver: events to journal (together with the state checkpoint) and
/// notes to log.
public enum AggregatorOutput: Sendable, Hashable {
    case confirmation(LineConfirmation)
    case downtime(DowntimeRecord)
    case note(AggregatorNote)

    /// The event to journal: the confirmation's or the downtime record's; nil for a note.
    public var event: Event? {
        switch self {
        case .confirmation(let confirmation): try? confirmation.event()
        case .downtime(let record): try? record.event()
        case .note: nil
        }
    }
}

extension [AggregatorOutput] {
    /// The events among the outputs, in order: what goes into one journal append with the checkpoint.
    public var events: [Event] { compactMap(\.event) }
}

/// A production confirmation: what one line produced for one order and operation in one part of a
/// window. Quantities are deltas: the confirmations of an order add up to its production.
public struct LineConfirmation: Sendable, Hashable {
    /// Deterministic: the same input always yields the same id (see README, "Event ids").
    public var id: EventID
    public var plant: String
    public var line: String
    public var workCenter: String
    /// The order the quantities belong to; "UNASSIGNED" when the line had none.
    public var order: String
    /// "-" when the line does not report operations.
    public var operation: String
    /// The window (cut at shift starts) this confirmation belongs to.
    public var windowStart: Timestamp
    public var windowEnd: Timestamp
    /// What this confirmation covers: the window, or the part of it before/after an order change or
    /// a restart.
    public var from: Timestamp
    public var to: Timestamp
    /// 1, or 2, 3… after order changes within the window.
    public var part: Int
    /// False for a partial confirmation emitted at shutdown; the rest of the window follows later.
    public var final: Bool
    public var good: DecimalNumber
    public var scrap: DecimalNumber
    public var rework: DecimalNumber
    public var unit: String
    public var runningMilliseconds: Int64
    public var idleMilliseconds: Int64
    public var downMilliseconds: Int64
    /// Downtime per reason code, sorted by reason.
    public var downtimeByReason: [ReasonDuration]
    /// Counters that were reset (PLC restart, cleared) since the previous confirmation: the counts here
    /// were taken from the new value on.
    public var counterResetTags: [String]
    /// When nonzero, part of these quantities were produced during a gap in the feed this long.
    public var gapMilliseconds: Int64

    public var counterReset: Bool { !counterResetTags.isEmpty }

    /// The `production_confirmation` event, occurring at the end of what it covers. The aggregator only
    /// emits confirmations whose event validates, so this throws only for hand-made values.
    public func event() throws(EventFieldError) -> Event {
        let payload = ProductionConfirmation(
            plant: plant, line: line, workCenter: workCenter, order: order, operation: operation, yield: good,
            scrap: scrap, rework: rework, unit: unit, runtimeMilliseconds: runningMilliseconds,
            downtimeMilliseconds: Dictionary(
                uniqueKeysWithValues: downtimeByReason.map { ($0.reason, $0.milliseconds) }),
            windowStart: windowStart, windowEnd: windowEnd, isFinal: final, counterReset: counterReset,
            gapBridgedMilliseconds: gapMilliseconds > 0 ? gapMilliseconds : nil, part: part > 1 ? part : nil)
        return try Event(id: id, occurredAt: to, payload: .productionConfirmation(payload))
    }
}

/// Downtime of one reason, in milliseconds.
public struct ReasonDuration: Sendable, Hashable {
    public var reason: String
    public var milliseconds: Int64
}

/// One stretch of downtime, cut at window edges (and at order changes and restarts).
public struct DowntimeRecord: Sendable, Hashable {
    public var id: EventID
    public var plant: String
    public var line: String
    public var workCenter: String
    public var order: String
    public var reason: String
    public var start: Timestamp
    public var end: Timestamp

    public var milliseconds: Int64 { end.milliseconds(since: start) }

    /// The `downtime` event, occurring at its end.
    public func event() throws(EventFieldError) -> Event {
        try Event(
            id: id, occurredAt: end,
            payload: .downtime(Downtime(plant: plant, line: line, reason: reason, start: start, end: end)))
    }
}

/// Something the driver should log (one line each) and count.
public enum AggregatorNote: Sendable, Hashable, CustomStringConvertible {
    /// A counter dropped by more than a rollover explains; counting resumes from the new value.
    case counterReset(line: String, tag: String, from: UInt64, to: UInt64, at: Timestamp)
    /// Samples were left out of the count during a window.
    case samplesExcluded(line: String, windowStart: Timestamp, counts: ExclusionCounts)
    /// A quantity did not fit a decimal (only with absurd counter scales); the raw count was confirmed.
    case quantityOverflow(line: String, detail: String)
    /// An event could not be made (an id or a field the model refuses); nothing was emitted for it.
    case eventRefused(line: String, detail: String)

    public var description: String {
        switch self {
        case let .counterReset(line, tag, from, to, at):
            return "line \(line): counter \(tag) reset at \(at) (from \(from) to \(to)); counting resumes from \(to)"
        case let .samplesExcluded(line, windowStart, counts):
            return "line \(line): samples excluded in window \(windowStart): \(counts)"
        case let .quantityOverflow(line, detail):
            return "line \(line): quantity overflow: \(detail)"
        case let .eventRefused(line, detail):
            return "line \(line): event not emitted: \(detail)"
        }
    }
}

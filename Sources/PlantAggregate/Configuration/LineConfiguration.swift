import PlantModel

/// How one production line's telemetry becomes confirmations: which tags carry its counters, machine
/// state and current order, and how time is cut into windows. Built by `LineConfiguration.decode` from
/// the `lines:` block of agent.yaml, or directly in code and tests.
public struct LineConfiguration: Sendable, Hashable {
    /// The line id; it goes into every event id, so it must stay stable across restarts.
    public var line: String
    /// The ERP work center the confirmations are booked against.
    public var workCenter: String
    /// Unit of measure of the quantities, e.g. "PCE" or "KG".
    public var unit: String

    /// Cumulative counter of good parts.
    public var goodCounterTag: String
    /// Where scrap comes from.
    public var scrap: ScrapSource
    /// Optional cumulative counter of reworked parts.
    public var reworkCounterTag: String?
    /// Register width of every counter of the line; rollovers happen at 2^width.
    public var counterWidth: CounterWidth
    /// Quantity per counter step (1 for pieces, e.g. 0.25 when one count is a quarter kilogram).
    public var counterScale: DecimalNumber
    /// Largest counter step that a drop may be explained by (a rollover); a bigger one is a reset.
    /// nil: one sixteenth of the counter range (4096 for 16 bit).
    public var maxRolloverStep: UInt64?

    /// Machine state tag and its value map; nil when the line has none (no runtime / downtime).
    public var machineState: MachineStateSource?
    /// Where the current order and operation come from.
    public var order: OrderSource

    /// Window length in milliseconds; windows are aligned to the plant's clock (15m: :00, :15, :30, :45).
    public var windowMilliseconds: Int64
    /// The plant's clock for window alignment and the shift calendar.
    public var timeZone: PlantTimeZone
    /// Shift starts as minutes after local midnight (06:00 → 360), ascending; empty: no shift calendar.
    public var shiftStarts: [Int]
    /// `tick(now:)` closes a window only when its end ≤ now − this, so late samples still land in it.
    public var latenessMilliseconds: Int64
    /// A counter increase after more than this since the counter's previous sample is flagged as bridging
    /// a gap (feed or agent down) with the gap's length.
    public var gapMilliseconds: Int64

    public init(
        line: String, workCenter: String, unit: String = "PCE",
        goodCounterTag: String, scrap: ScrapSource = .none, reworkCounterTag: String? = nil,
        counterWidth: CounterWidth = .bits32, counterScale: DecimalNumber = DecimalNumber(1),
        maxRolloverStep: UInt64? = nil,
        machineState: MachineStateSource? = nil, order: OrderSource,
        windowMilliseconds: Int64 = 15 * 60_000, timeZone: PlantTimeZone = .utc, shiftStarts: [Int] = [],
        latenessMilliseconds: Int64 = 10_000, gapMilliseconds: Int64 = 120_000
    ) {
        self.line = line
        self.workCenter = workCenter
        self.unit = unit
        self.goodCounterTag = goodCounterTag
        self.scrap = scrap
        self.reworkCounterTag = reworkCounterTag
        self.counterWidth = counterWidth
        self.counterScale = counterScale
        self.maxRolloverStep = maxRolloverStep
        self.machineState = machineState
        self.order = order
        self.windowMilliseconds = windowMilliseconds
        self.timeZone = timeZone
        self.shiftStarts = shiftStarts
        self.latenessMilliseconds = latenessMilliseconds
        self.gapMilliseconds = gapMilliseconds
    }

    /// The rollover tolerance in effect.
    var effectiveMaxRolloverStep: UInt64 {
        maxRolloverStep ?? (counterWidth.mask >> 4)
    }
}

/// Register width of a PLC counter.
public enum CounterWidth: Int, Sendable, Hashable, CaseIterable {
    case bits16 = 16
    case bits32 = 32
    case bits64 = 64

    /// 2^width − 1: the largest raw value.
    public var mask: UInt64 {
        self == .bits64 ? .max : (UInt64(1) << UInt64(rawValue)) - 1
    }
}

/// Where a line's scrap quantity comes from.
public enum ScrapSource: Sendable, Hashable {
    /// The line reports no scrap.
    case none
    /// A cumulative scrap counter.
    case counter(tag: String)
    /// A cumulative total counter: scrap = total − good.
    case totalMinusGood(totalTag: String)
}

/// Where a line's current order and operation come from.
public enum OrderSource: Sendable, Hashable {
    /// Tags the PLC or MES writes; `operationTag` nil: the operation is not tracked.
    case tags(orderTag: String, operationTag: String?)
    /// A fixed order for lines without one (e.g. a kanban line booked on a standing order).
    case fixed(order: String, operation: String?)
}

/// The three states runtime and downtime are measured in.
public enum MachineState: String, Sendable, Hashable, CaseIterable {
    case running
    case idle
    case down
}

/// A machine state tag with the map from its values to states, and an optional reason-code tag.
public struct MachineStateSource: Sendable, Hashable {
    public var tag: String
    /// Keys are the value as text: numbers in canonical form ("3", "1.5"), booleans "true" / "false",
    /// strings as they are.
    public var values: [String: MachineState]
    public var reasonTag: String?

    public init(tag: String, values: [String: MachineState], reasonTag: String? = nil) {
        self.tag = tag
        self.values = values
        self.reasonTag = reasonTag
    }
}

/// The plant's clock: a fixed UTC offset or a time zone name (daylight saving time applies).
public enum PlantTimeZone: Sendable, Hashable {
    case fixed(offsetSeconds: Int)
    case named(String)

    public static let utc = PlantTimeZone.fixed(offsetSeconds: 0)
}

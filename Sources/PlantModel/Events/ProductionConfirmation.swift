/// Good, scrap and rework counted on a line for an order operation over one time window: what the ERP books
/// as an operation confirmation. Produced by the aggregator from counter telemetry.
public struct ProductionConfirmation: Sendable, Hashable {
    public var plant: String
    public var line: String
    public var workCenter: String?
    public var order: String
    public var operation: String
    /// Good quantity in `unit`.
    public var yield: DecimalNumber
    public var scrap: DecimalNumber
    public var rework: DecimalNumber
    /// ERP unit of measure, e.g. "PCE", "KG".
    public var unit: String
    /// Time the line ran in the window.
    public var runtimeMilliseconds: Int64
    /// Downtime in the window by reason code.
    public var downtimeMilliseconds: [String: Int64]
    public var windowStart: Timestamp
    public var windowEnd: Timestamp
    /// False for a partial confirmation (at shutdown, id ending `#p<k>`). Quantities are always deltas: a
    /// later confirmation of the same window adds to it, never replaces it.
    public var isFinal: Bool
    /// A counter went backwards in the window (reset, rollover, PLC swap) and was bridged.
    public var counterReset: Bool
    /// The feed (or the agent) was silent this long before these counts; cumulative counters carried what
    /// was produced meanwhile into this confirmation. Nothing is interpolated.
    public var gapBridgedMilliseconds: Int64?
    /// 1, 2, … when an order change split the window and this order ran in it more than once.
    public var part: Int?

    public init(
        plant: String, line: String, workCenter: String? = nil, order: String, operation: String,
        yield: DecimalNumber, scrap: DecimalNumber = .zero, rework: DecimalNumber = .zero, unit: String,
        runtimeMilliseconds: Int64, downtimeMilliseconds: [String: Int64] = [:],
        windowStart: Timestamp, windowEnd: Timestamp, isFinal: Bool = true, counterReset: Bool = false,
        gapBridgedMilliseconds: Int64? = nil, part: Int? = nil
    ) {
        self.plant = plant
        self.line = line
        self.workCenter = workCenter
        self.order = order
        self.operation = operation
        self.yield = yield
        self.scrap = scrap
        self.rework = rework
        self.unit = unit
        self.runtimeMilliseconds = runtimeMilliseconds
        self.downtimeMilliseconds = downtimeMilliseconds
        self.windowStart = windowStart
        self.windowEnd = windowEnd
        self.isFinal = isFinal
        self.counterReset = counterReset
        self.gapBridgedMilliseconds = gapBridgedMilliseconds
        self.part = part
    }
}

extension ProductionConfirmation: CanonicalPayload {
    static let fieldNames = [
        "counter_reset", "downtime", "final", "gap_bridged_ms", "line", "operation", "order", "part", "plant",
        "rework", "runtime_s", "scrap", "unit", "window_end", "window_start", "work_center", "yield",
    ]

    init(reading data: FieldReader) throws(EventFieldError) {
        self.init(
            plant: try data.string("plant"), line: try data.string("line"),
            workCenter: try data.optionalString("work_center"), order: try data.string("order"),
            operation: try data.string("operation"), yield: try data.decimal("yield"), scrap: try data.decimal("scrap"),
            rework: try data.decimal("rework"), unit: try data.string("unit"),
            runtimeMilliseconds: try data.seconds("runtime_s"),
            downtimeMilliseconds: try data.secondsByName("downtime"),
            windowStart: try data.timestamp("window_start"), windowEnd: try data.timestamp("window_end"),
            isFinal: try data.bool("final"), counterReset: try data.bool("counter_reset"),
            gapBridgedMilliseconds: try data.optionalInteger("gap_bridged_ms", minimum: 0),
            part: try data.optionalInteger("part", minimum: 1).map { Int($0) })
    }

    func validate() throws(EventFieldError) {
        try requireNonEmpty(
            ("plant", plant), ("line", line), ("order", order), ("operation", operation),
            ("unit", unit), ("work_center", workCenter))
        try requireNonNegative(("yield", yield), ("scrap", scrap), ("rework", rework))
        try requireNonNegative("runtime_s", runtimeMilliseconds)
        for (reason, milliseconds) in downtimeMilliseconds {
            if reason.isEmpty { throw invalid("downtime", "expected non-empty reason names") }
            try requireNonNegative("downtime.\(reason)", milliseconds)
        }
        if windowEnd <= windowStart {
            throw invalid("window_end", "expected a time after window_start \(windowStart), found \(windowEnd)")
        }
        if let gapBridgedMilliseconds { try requireNonNegative("gap_bridged_ms", gapBridgedMilliseconds) }
        if let part, part < 1 { throw invalid("part", "expected an integer ≥ 1, found \(part)") }
    }

    func writeFields(into writer: inout JSONWriter) {
        writer.member("counter_reset", bool: counterReset)
        writer.key("downtime")
        writer.bytes.append(UInt8(ascii: "{"))
        for reason in downtimeMilliseconds.keys.sorted(by: { compareUTF8($0, $1) < 0 }) {
            if writer.bytes.last != UInt8(ascii: "{") { writer.bytes.append(UInt8(ascii: ",")) }
            writer.writeString(reason)
            writer.bytes.append(UInt8(ascii: ":"))
            writer.writeSeconds(downtimeMilliseconds[reason]!)
        }
        writer.bytes.append(UInt8(ascii: "}"))
        writer.member("final", bool: isFinal)
        writer.member("gap_bridged_ms", integer: gapBridgedMilliseconds)
        writer.member("line", string: line)
        writer.member("operation", string: operation)
        writer.member("order", string: order)
        writer.member("part", integer: part.map { Int64($0) })
        writer.member("plant", string: plant)
        writer.member("rework", decimalString: rework)
        writer.member("runtime_s", secondsFromMilliseconds: runtimeMilliseconds)
        writer.member("scrap", decimalString: scrap)
        writer.member("unit", string: unit)
        writer.member("window_end", timestamp: windowEnd)
        writer.member("window_start", timestamp: windowStart)
        writer.member("work_center", string: workCenter)
        writer.member("yield", decimalString: yield)
    }
}

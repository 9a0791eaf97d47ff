/// A line stood still from `start` to `end` for `reason` (from the PLC's stop code or the aggregator's
/// "no counts" rule).
public struct Downtime: Sendable, Hashable {
    public var plant: String
    public var line: String
    public var reason: String
    public var start: Timestamp
    public var end: Timestamp
    /// Standstill time; `end - start` unless part of the interval was bridged or excluded.
    public var durationMilliseconds: Int64

    /// `durationMilliseconds` defaults to `end - start`.
    public init(
        plant: String, line: String, reason: String, start: Timestamp, end: Timestamp,
        durationMilliseconds: Int64? = nil
    ) {
        self.plant = plant
        self.line = line
        self.reason = reason
        self.start = start
        self.end = end
        self.durationMilliseconds = durationMilliseconds ?? end.milliseconds(since: start)
    }
}

extension Downtime: CanonicalPayload {
    static let fieldNames = ["duration_s", "end", "line", "plant", "reason", "start"]

    init(reading data: FieldReader) throws(EventFieldError) {
        self.init(
            plant: try data.string("plant"), line: try data.string("line"), reason: try data.string("reason"),
            start: try data.timestamp("start"), end: try data.timestamp("end"),
            durationMilliseconds: try data.seconds("duration_s"))
    }

    func validate() throws(EventFieldError) {
        try requireNonEmpty(("plant", plant), ("line", line), ("reason", reason))
        if end < start { throw invalid("end", "expected a time not before start \(start), found \(end)") }
        let interval = end.milliseconds(since: start)
        if durationMilliseconds < 0 || durationMilliseconds > interval {
            throw invalid(
                "duration_s",
                "expected 0 to \(DecimalNumber.stripped(interval, scale: 3)) seconds "
                    + "(end - start), found \(DecimalNumber.stripped(durationMilliseconds, scale: 3))")
        }
    }

    func writeFields(into writer: inout JSONWriter) {
        writer.member("duration_s", secondsFromMilliseconds: durationMilliseconds)
        writer.member("end", timestamp: end)
        writer.member("line", string: line)
        writer.member("plant", string: plant)
        writer.member("reason", string: reason)
        writer.member("start", timestamp: start)
    }
}

/// One tag value a telemetry input kept for the low-priority `telemetry` stream (after its deadband and
/// minimum interval): raw telemetry for replay and analysis, not a business fact. Travels as `telemetry_sample`.
///
/// The value keeps its type: numbers are exact decimals (as JSON strings, like quantities), booleans and strings
/// are what the source sent. The quality is the normalised class; `qualityCode` the source's OPC UA
/// StatusCode, when it sent one, whose severity must agree with the class.
public struct RawTelemetrySample: Sendable, Hashable {
    public var plant: String
    /// The agent input (its `name:`) the sample arrived through.
    public var input: String
    /// The tag's name after the input's `rename:`.
    public var tag: String
    public var value: TelemetryValue
    public var quality: SampleQuality
    /// The source's OPC UA StatusCode, when it sent one.
    public var qualityCode: UInt32?
    /// When the source says the value was measured.
    public var sourceTime: Timestamp

    public init(
        plant: String, input: String, tag: String, value: TelemetryValue, quality: SampleQuality,
        qualityCode: UInt32? = nil, sourceTime: Timestamp
    ) {
        self.plant = plant
        self.input = input
        self.tag = tag
        self.value = value
        self.quality = quality
        self.qualityCode = qualityCode
        self.sourceTime = sourceTime
    }

    /// The sample as the input read it (tag already renamed), from plant `plant` and input `input`.
    public init(plant: String, input: String, sample: TelemetrySample) {
        self.init(
            plant: plant, input: input, tag: sample.tag, value: sample.value, quality: sample.quality,
            qualityCode: sample.qualityCode, sourceTime: sample.sourceTime)
    }

    /// The signal again, as the aggregator would see it.
    public var sample: TelemetrySample {
        TelemetrySample(tag: tag, value: value, quality: quality, qualityCode: qualityCode, sourceTime: sourceTime)
    }

    /// The JSON `value_type`: how `value` (always a JSON string) is to be read.
    enum ValueType: String, CaseIterable {
        case number
        case bool
        case string
    }
}

extension Event {
    /// The `telemetry_sample` event of a kept sample: id `tele/<plant>/<input>/<tag>/<source time>`, occurring
    /// at the source time, so the same sample read twice is the same event. Errors have paths ("id", "data.tag").
    public static func telemetrySample(
        plant: String, input: String, sample: TelemetrySample
    ) throws(EventFieldError) -> Event {
        let id: EventID
        do {
            id = try EventID.telemetrySample(plant: plant, input: input, tag: sample.tag, sourceTime: sample.sourceTime)
        } catch {
            throw EventFieldError(path: "id", message: error.description)
        }
        return try Event(
            id: id, occurredAt: sample.sourceTime,
            payload: .telemetrySample(RawTelemetrySample(plant: plant, input: input, sample: sample)))
    }
}

extension RawTelemetrySample: CanonicalPayload {
    static let fieldNames = ["input", "plant", "quality", "quality_code", "source_time", "tag", "value", "value_type"]

    init(reading data: FieldReader) throws(EventFieldError) {
        let value: TelemetryValue
        switch try data.enumeration("value_type", ValueType.self) {
        case .number:
            value = .number(try data.decimal("value"))
        case .bool:
            let text = try data.possiblyEmptyString("value")
            guard text == "true" || text == "false" else {
                throw data.fail("value", "expected \"true\" or \"false\" for value_type bool, found \"\(text)\"")
            }
            value = .bool(text == "true")
        case .string:
            value = .string(try data.possiblyEmptyString("value"))
        }
        self.init(
            plant: try data.string("plant"), input: try data.string("input"), tag: try data.string("tag"),
            value: value, quality: try data.enumeration("quality", SampleQuality.self),
            qualityCode: try data.optionalInteger("quality_code", in: 0...Int64(UInt32.max)).map { UInt32($0) },
            sourceTime: try data.timestamp("source_time"))
    }

    func validate() throws(EventFieldError) {
        try requireNonEmpty(("plant", plant), ("input", input), ("tag", tag))
        if let qualityCode, SampleQuality.fromStatusCode(qualityCode) != quality {
            let severity = qualityCode >> 30
            throw invalid(
                "quality",
                "expected \(SampleQuality.fromStatusCode(qualityCode).rawValue) for quality_code \(qualityCode) "
                    + "(severity bits 31-30 = \(severity >> 1)\(severity & 1)), found \(quality.rawValue)")
        }
    }

    func writeFields(into writer: inout JSONWriter) {
        writer.member("input", string: input)
        writer.member("plant", string: plant)
        writer.member("quality", string: quality.rawValue)
        writer.member("quality_code", integer: qualityCode.map { Int64($0) })
        writer.member("source_time", timestamp: sourceTime)
        writer.member("tag", string: tag)
        switch value {
        case .number(let number):
            writer.member("value", decimalString: number)
            writer.member("value_type", string: ValueType.number.rawValue)
        case .bool(let flag):
            writer.member("value", string: flag ? "true" : "false")
            writer.member("value_type", string: ValueType.bool.rawValue)
        case .string(let text):
            writer.member("value", string: text)
            writer.member("value_type", string: ValueType.string.rawValue)
        }
    }
}

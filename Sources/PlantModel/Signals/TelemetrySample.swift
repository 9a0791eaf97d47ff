/// One value read from a telemetry feed (OPC-style tag). A signal: it feeds the aggregator and is never
/// journaled as a business event (raw telemetry, when kept, goes to the lowest-priority "telemetry" stream).
public struct TelemetrySample: Sendable, Hashable {
    /// The tag's name as configured, e.g. "L3.Press.GoodCount".
    public var tag: String
    public var value: TelemetryValue
    public var quality: SampleQuality
    /// The source's original OPC UA StatusCode, when it sent one.
    public var qualityCode: UInt32?
    /// When the source says the value was measured.
    public var sourceTime: Timestamp

    public init(
        tag: String, value: TelemetryValue, quality: SampleQuality, qualityCode: UInt32? = nil,
        sourceTime: Timestamp
    ) {
        self.tag = tag
        self.value = value
        self.quality = quality
        self.qualityCode = qualityCode
        self.sourceTime = sourceTime
    }

    /// A sample whose quality is derived from an OPC UA StatusCode.
    public init(tag: String, value: TelemetryValue, statusCode: UInt32, sourceTime: Timestamp) {
        self.init(
            tag: tag, value: value, quality: SampleQuality.fromStatusCode(statusCode), qualityCode: statusCode,
            sourceTime: sourceTime)
    }
}

/// A telemetry value. Numbers are exact decimals: counters stay integers, analog values keep their digits.
public enum TelemetryValue: Sendable, Hashable, CustomStringConvertible {
    case number(DecimalNumber)
    case bool(Bool)
    case string(String)

    public var numberValue: DecimalNumber? {
        if case .number(let value) = self { return value }
        return nil
    }

    public var description: String {
        switch self {
        case .number(let value): return value.description
        case .bool(let value): return value ? "true" : "false"
        case .string(let value): return value
        }
    }
}

/// How far a sample can be trusted, as OPC UA classes it.
public enum SampleQuality: String, Sendable, Hashable, CaseIterable {
    case good
    case uncertain
    case bad

    /// From an OPC UA StatusCode's severity (bits 31-30): 00 good, 01 uncertain, 10 and 11 bad.
    public static func fromStatusCode(_ code: UInt32) -> SampleQuality {
        switch code >> 30 {
        case 0: return .good
        case 1: return .uncertain
        default: return .bad
        }
    }
}

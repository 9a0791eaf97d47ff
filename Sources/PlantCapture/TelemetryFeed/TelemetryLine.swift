import PlantModel

/// What one line of a telemetry feed yielded: its samples (tags as the source names them, before the tag
/// filter) and the reasons for values of the line that were refused while the others were kept.
public struct TelemetryLine: Sendable, Hashable {
    public var samples: [TelemetrySample]
    /// One reason per refused value, naming the field: `values[2].q: expected true or false, found number 1`.
    public var rejectedValues: [String]

    public init(samples: [TelemetrySample], rejectedValues: [String] = []) {
        self.samples = samples
        self.rejectedValues = rejectedValues
    }
}

/// Why a whole line was refused: what was wrong, where in the line, what was expected.
public struct TelemetryLineError: Error, Sendable, Hashable, CustomStringConvertible {
    public let reason: String

    public init(_ reason: String) {
        self.reason = reason
    }

    public var description: String { reason }
}

/// The wire formats a feed can speak.
public enum TelemetryFormat: String, Sendable, Hashable, CaseIterable {
    /// Kepware IoT Gateway standard template, one JSON message per line.
    case kepwareJSON = "kepware_json"
    /// `tag,value,quality,timestamp`.
    case lines

    /// Parses one line (without its newline) in this format.
    public func parse(_ line: UnsafeRawBufferPointer) throws(TelemetryLineError) -> TelemetryLine {
        switch self {
        case .kepwareJSON: return try KepwareJSONParser.parse(line)
        case .lines: return try TelemetryLineParser.parse(line)
        }
    }

    public func parse(_ line: [UInt8]) throws(TelemetryLineError) -> TelemetryLine {
        try line.withUnsafeBytes { bytes in Result { () throws(TelemetryLineError) in try parse(bytes) } }.get()
    }
}

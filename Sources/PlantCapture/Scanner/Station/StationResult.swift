import PlantModel

/// What a station made of one scan.
public enum StationResult: Sendable, Hashable {
    /// A business fact that happened `at` the scan, to journal; the caller gives it its id
    /// (`scan/<station>/<sequence>`).
    case record(EventPayload, at: Timestamp)
    /// The sequence changed (a location was scanned, the sequence ended or was cancelled); nothing to journal.
    case prompt(StationPrompt)
    /// The scan cannot be booked here; the reason goes into the quarantine record.
    case rejected(StationRejection)
}

/// A change of the station's sequence state, for the log.
public enum StationPrompt: Sendable, Hashable, CustomStringConvertible {
    /// Which location a scanned location fills.
    public enum Role: String, Sendable, Hashable {
        case from = "from-location"
        case to = "to-location"
        case at = "location"
    }

    case locationSet(Role, String)
    /// The end code: `items` scans were booked in the sequence that ended.
    case sequenceEnded(items: Int)
    /// The clear code: the sequence was cancelled.
    case cleared

    public var description: String {
        switch self {
        case .locationSet(let role, let location): return "\(role.rawValue) set to \"\(location)\""
        case .sequenceEnded(let items): return "sequence ended after \(items) item scan\(items == 1 ? "" : "s")"
        case .cleared: return "sequence cleared"
        }
    }
}

/// Why a station refused a scan, in words for the operator and the quarantine record.
public struct StationRejection: Error, Sendable, Hashable, CustomStringConvertible {
    public let reason: String

    public init(_ reason: String) {
        self.reason = reason
    }

    public var description: String { reason }
}

// What a scanner's station does with each scan: the movement it books, the fixed locations, the line whose
// running order receives issues, and the codes that steer multi-scan sequences.
import PlantModel

/// The business fact a station records for each item scan.
public enum StationMovement: String, Sendable, Hashable, CaseIterable {
    /// Goods arrive: into the configured `to_location` or the location scanned last.
    case receipt
    /// Goods go to the order currently running on the station's line, out of `from_location` or the scanned one.
    case issue
    /// Goods move from one location to another (configured, scanned, or one of each).
    case transfer
    /// Finished goods from the line's current order arrive in `to_location` or the scanned location.
    case productionReceipt = "production_receipt"
    /// The scanned quantity is what was counted at `to_location` or the scanned location.
    case cycleCount = "cycle_count"
    /// The scanned goods are blocked for use (`reason` says why), optionally at a location.
    case qualityHold = "quality_hold"
    /// The scanned goods are released again.
    case qualityRelease = "quality_release"

    /// Whether the station needs the order running on a line.
    public var needsLine: Bool { self == .issue || self == .productionReceipt }
    /// Whether the station books a quality hold or release (which carry a `reason`).
    public var isQuality: Bool { self == .qualityHold || self == .qualityRelease }
}

/// The settings of one station. Built by `ScannerConfiguration`'s decoding (which reports every problem
/// with file, line and key path) or directly in code and tests.
public struct StationConfiguration: Sendable, Hashable {
    /// Names the station in event ids (`scan/<id>/<sequence>`) and in `station` of each event. Two inputs
    /// must not share it: their sequences would produce the same ids.
    public var id: String
    public var movement: StationMovement
    /// Fixed source location (issue, transfer); a scanned location replaces it until the sequence ends.
    public var fromLocation: String?
    /// Fixed destination (receipt, transfer, production receipt, cycle count); a scanned location replaces it.
    public var toLocation: String?
    /// Fixed location of quality holds and releases (optional for them).
    public var location: String?
    /// The line whose running order receives issues and production receipts.
    public var line: String?
    /// Why goods are held or released (quality movements only).
    public var reason: String?
    /// Unit of counts (GS1 AI 30, 37) and of the default quantity.
    public var unit: String
    /// Quantity booked when the scan carries none (and is not a whole SSCC).
    public var defaultQuantity: DecimalNumber
    /// A plain code starting with this is a location; the location is the rest (`LOC-A-01-03` -> `A-01-03`).
    /// GS1 scans with AI (414) are locations too.
    public var locationPrefix: String
    /// Ends a sequence: scanned locations are forgotten and the configured ones apply again.
    public var endCode: String
    /// Cancels a sequence: as `endCode`, reported as cancelled (e.g. after a wrong location scan).
    public var clearCode: String

    /// Longest plain code taken as an item number; longer ones are refused (noise, a wrong barcode).
    public static let maxItemLength = 64

    public init(
        id: String, movement: StationMovement, fromLocation: String? = nil, toLocation: String? = nil,
        location: String? = nil, line: String? = nil, reason: String? = nil, unit: String = "EA",
        defaultQuantity: DecimalNumber = DecimalNumber(1), locationPrefix: String = "LOC-", endCode: String = "END",
        clearCode: String = "CLEAR"
    ) {
        self.id = id
        self.movement = movement
        self.fromLocation = fromLocation
        self.toLocation = toLocation
        self.location = location
        self.line = line
        self.reason = reason
        self.unit = unit
        self.defaultQuantity = defaultQuantity
        self.locationPrefix = locationPrefix
        self.endCode = endCode
        self.clearCode = clearCode
    }

    /// The settings a movement uses, for "not used by movement …" problems.
    static func uses(_ key: String, _ movement: StationMovement) -> Bool {
        switch key {
        case "from_location": return movement == .issue || movement == .transfer
        case "to_location":
            return movement == .receipt || movement == .transfer || movement == .productionReceipt
                || movement == .cycleCount
        case "location", "reason": return movement.isQuality
        case "line": return movement.needsLine
        default: return true
        }
    }
}

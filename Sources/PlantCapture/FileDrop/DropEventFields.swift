/// The event a drop folder's rows become (`event:`).
public enum DropEventType: String, Sendable, Hashable, CaseIterable {
    case inventoryMovement = "inventory_movement"
    case productionConfirmation = "production_confirmation"
    case qualityHold = "quality_hold"

    /// The event fields `columns:` may map for this type, in the order the README lists them.
    public var fields: [DropField] {
        switch self {
        case .inventoryMovement:
            [
                .occurredAt, .kind, .plant, .item, .gtin, .lot, .serial, .sscc, .quantity, .unit, .fromLocation,
                .toLocation, .order, .station,
            ]
        case .qualityHold:
            [.occurredAt, .plant, .item, .gtin, .lot, .sscc, .location, .quantity, .unit, .reason, .station]
        case .productionConfirmation:
            [
                .occurredAt, .plant, .line, .workCenter, .order, .operation, .yield, .scrap, .rework, .unit,
                .runtime, .windowStart, .windowEnd, .final,
            ]
        }
    }

    /// Fields every configuration of this type must map (the rest are optional or have defaults).
    public var requiredFields: [DropField] {
        switch self {
        case .inventoryMovement: [.occurredAt, .kind, .plant]
        case .qualityHold: [.occurredAt, .plant, .reason]
        case .productionConfirmation: [.plant, .line, .order, .operation, .yield, .windowStart, .windowEnd]
        }
    }
}

/// One event field a column (or constant) can feed. The raw value is the key under `columns:`.
public enum DropField: String, Sendable, Hashable, CaseIterable {
    case occurredAt = "occurred_at"
    case kind, plant, item, gtin, lot, serial, sscc, quantity, unit
    case fromLocation = "from_location"
    case toLocation = "to_location"
    case order, station, location, reason, line
    case workCenter = "work_center"
    case operation, yield, scrap, rework
    case runtime = "runtime_s"
    case windowStart = "window_start"
    case windowEnd = "window_end"
    case final

    /// Position in per-record lookup tables (a switch: this is on the per-row hot path).
    var slot: Int {
        switch self {
        case .occurredAt: 0
        case .kind: 1
        case .plant: 2
        case .item: 3
        case .gtin: 4
        case .lot: 5
        case .serial: 6
        case .sscc: 7
        case .quantity: 8
        case .unit: 9
        case .fromLocation: 10
        case .toLocation: 11
        case .order: 12
        case .station: 13
        case .location: 14
        case .reason: 15
        case .line: 16
        case .workCenter: 17
        case .operation: 18
        case .yield: 19
        case .scrap: 20
        case .rework: 21
        case .runtime: 22
        case .windowStart: 23
        case .windowEnd: 24
        case .final: 25
        }
    }
}

/// Where a field's value comes from: a column of the file (a CSV header name, a JSON key) or a constant
/// written in the configuration as `=value` (`plant: "=P100"`).
public enum DropFieldSource: Sendable, Hashable, CustomStringConvertible {
    case column(String)
    case constant(String)

    /// `=P100` is the constant "P100" (everything after the first `=`); anything else names a column.
    public init(_ text: String) {
        if text.hasPrefix("=") {
            self = .constant(String(text.dropFirst()))
        } else {
            self = .column(text)
        }
    }

    public var description: String {
        switch self {
        case .column(let name): "column \"\(name)\""
        case .constant(let value): "constant \"\(value)\""
        }
    }
}

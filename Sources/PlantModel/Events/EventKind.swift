/// The canonical event types, as spelled in JSON `"type"`.
public enum EventKind: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    case productionConfirmation = "production_confirmation"
    case downtime = "downtime"
    case inventoryMovement = "inventory_movement"
    case qualityHold = "quality_hold"
    case qualityRelease = "quality_release"
    case deadLettered = "dead_lettered"
    case telemetrySample = "telemetry_sample"

    public var description: String { rawValue }

    /// The journal stream this type travels in. Nil for `deadLettered`: a tombstone travels in the stream of
    /// the event it replaces (see `Event.stream`).
    public var defaultStream: String? {
        switch self {
        case .productionConfirmation, .downtime: return StreamName.production
        case .inventoryMovement: return StreamName.inventory
        case .qualityHold, .qualityRelease: return StreamName.quality
        case .telemetrySample: return StreamName.telemetry
        case .deadLettered: return nil
        }
    }
}

/// Journal stream names. Each stream has its own gapless sequence and is forwarded in order.
public enum StreamName {
    public static let production = "production"
    public static let inventory = "inventory"
    public static let quality = "quality"
    /// Raw telemetry kept for replay; the first thing shed when the disk budget is reached.
    public static let telemetry = "telemetry"

    /// Shedding priority under disk pressure: lower is shed first. Raw telemetry is 0; business streams are
    /// 100 and are never shed silently.
    public static func priority(of stream: String) -> Int {
        stream == telemetry ? 0 : 100
    }
}

import PlantConfig

/// The `tryton` connector (work in progress): see docs/erp.md.
public final class TrytonConnector: ERPConnector {
    public let settings: TrytonSettings

    public init(settings: TrytonSettings) throws {
        self.settings = settings
    }

    public var maxEventsPerPosting: Int { 1 }

    public func deliver(_ events: [OutboxEvent]) -> DeliveryOutcome {
        DeliveryOutcome(accepted: 0, failure: .transient("the tryton connector is not implemented yet"))
    }

    public func close() {}
}

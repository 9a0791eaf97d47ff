import PlantConfig

/// The one list of connector types: how each is made from its `hub.yaml` settings.
public enum ERPConnectors {
    public static func factory(
        for settings: ERPConnectorSettings, clock: @escaping @Sendable () -> Int64
    ) -> ERPOutbox.ConnectorFactory {
        switch settings.kind {
        case .webhook(let webhook):
            return { try WebhookConnector(settings: webhook, clock: clock) }
        case .tryton(let tryton):
            return { try TrytonConnector(settings: tryton) }
        }
    }
}

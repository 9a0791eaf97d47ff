import PlantConfig

/// Every input type the agent knows, listed explicitly: adding an adapter is one line here.
public enum InputRegistry {
    public static let types: [InputType] = [
        TelemetryFeed.inputType,
        FileDrop.inputType,
        ScannerInput.serialInputType,
        ScannerInput.tcpInputType,
    ]

    /// The settings decoders keyed by `type:`, for `AgentConfiguration.load`.
    public static var decoders: [String: InputSettingsDecoder] {
        Dictionary(uniqueKeysWithValues: types.map { ($0.name, $0.decode) })
    }

    /// The adapter for one configured input, or nil for a type this build does not know.
    public static func adapter(for section: InputSection, context: InputContext) -> (any InputAdapter)? {
        types.first { $0.name == section.type }?.make(section.name, section.settings, context)
    }
}

import PlantAggregate
import PlantCapture
import PlantConfig

/// Loads agent.yaml with every module's decoders: the inputs of the capture registry and the
/// aggregator's `lines:`. `check-config`, `status` and `agent` all load through here, so they
/// accept and refuse exactly the same files.
public enum AgentConfigurationLoader {
    public static let sectionDecoders: [String: SectionDecoder] = [
        "lines": { LineConfiguration.decodeList($0) }
    ]

    public static func load(
        path: String, environment: [String: String] = ProcessEnvironment.variables
    ) -> Result<AgentConfiguration, ConfigErrors> {
        AgentConfiguration.load(
            path: path, environment: environment, inputDecoders: InputRegistry.decoders,
            sectionDecoders: sectionDecoders)
    }

    public static func parse(
        text: String, file: String, environment: [String: String] = ProcessEnvironment.variables
    ) -> Result<AgentConfiguration, ConfigErrors> {
        AgentConfiguration.parse(
            text: text, file: file, environment: environment, inputDecoders: InputRegistry.decoders,
            sectionDecoders: sectionDecoders)
    }
}

extension AgentConfiguration {
    /// The production lines whose telemetry the aggregator turns into confirmations.
    public var lines: [LineConfiguration] { sections["lines"] as? [LineConfiguration] ?? [] }
}

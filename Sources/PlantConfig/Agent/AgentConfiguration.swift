/// Decodes one top-level section owned by another module (e.g. the aggregator's `lines:`) from the
/// root map: it asks for its own key, records every problem in the map, and returns nil when unusable.
public typealias SectionDecoder = @Sendable (ConfigMap) -> (any Sendable)?

/// Everything an agent is configured with (`/etc/plantsync/agent.yaml`). See `Config/agent.yaml`
/// for every setting with its default.
public struct AgentConfiguration: Sendable {
    public static let defaultDataDirectory = "/var/lib/plantsync"

    /// The plant id: `[A-Za-z0-9_-]{1,32}`.
    public var plant: String
    public var dataDirectory: String
    public var durability: Durability
    /// Largest size of the journal on disk; past it the agent sheds by priority.
    public var diskBudget: ByteSize
    /// Free space always left on the file system for the WAL and checkpoints.
    public var diskReserve: ByteSize
    /// How long acknowledged events are kept locally.
    public var retention: Duration
    public var log: LogSettings
    public var hub: AgentHubSettings
    public var status: StatusSettings
    public var inputs: [InputSection]
    /// Top-level sections owned by other modules (the aggregator's `lines:`), as their decoders
    /// returned them, keyed like `sectionDecoders`.
    public var sections: [String: any Sendable] = [:]

    public init(
        plant: String, dataDirectory: String = AgentConfiguration.defaultDataDirectory,
        durability: Durability = .full, diskBudget: ByteSize = .gibibytes(4),
        diskReserve: ByteSize = .mebibytes(256), retention: Duration = .seconds(7 * 86_400),
        log: LogSettings = LogSettings(), hub: AgentHubSettings, status: StatusSettings = StatusSettings(),
        inputs: [InputSection] = []
    ) {
        self.plant = plant
        self.dataDirectory = dataDirectory
        self.durability = durability
        self.diskBudget = diskBudget
        self.diskReserve = diskReserve
        self.retention = retention
        self.log = log
        self.hub = hub
        self.status = status
        self.inputs = inputs
    }

    /// Reads and validates the agent configuration at `path`. Every problem in the file, including
    /// those in input sections (decoded by `inputDecoders`, keyed by input type), comes back in one
    /// `ConfigErrors`, sorted by position, naming the file as `path` is written.
    /// Reads files with blocking calls (the configuration and its `*_file` secrets): call it at
    /// startup, before the pipeline runs, or from a dedicated thread.
    public static func load(
        path: String,
        environment: [String: String] = ProcessEnvironment.variables,
        inputDecoders: [String: InputSettingsDecoder],
        sectionDecoders: [String: SectionDecoder] = [:],
        files: any ConfigFileReader = SystemConfigFiles()
    ) -> Result<AgentConfiguration, ConfigErrors> {
        ConfigMap.decode(path: path, environment: environment, files: files) {
            AgentConfiguration($0, inputDecoders: inputDecoders, sectionDecoders: sectionDecoders)
        }
    }

    /// Like `load`, from text already in memory; `file` is the name errors show.
    public static func parse(
        text: String,
        file: String,
        environment: [String: String] = ProcessEnvironment.variables,
        inputDecoders: [String: InputSettingsDecoder],
        sectionDecoders: [String: SectionDecoder] = [:],
        files: any ConfigFileReader = SystemConfigFiles()
    ) -> Result<AgentConfiguration, ConfigErrors> {
        ConfigMap.decode(text: text, file: file, environment: environment, files: files) {
            AgentConfiguration($0, inputDecoders: inputDecoders, sectionDecoders: sectionDecoders)
        }
    }

    /// Decodes the top-level map; nil (with every problem recorded in `map`) when unusable.
    public init?(
        _ map: ConfigMap, inputDecoders: [String: InputSettingsDecoder], sectionDecoders: [String: SectionDecoder] = [:]
    ) {
        let plant = map.required("plant", .identifier(maxLength: 32))
        dataDirectory = map.optional("data_dir", .absolutePath, default: Self.defaultDataDirectory)
        durability = map.optional("durability", .word(), default: .full)
        diskBudget = map.optional("disk_budget", .size(in: .mebibytes(16)...(.max)), default: .gibibytes(4))
        diskReserve = map.optional("disk_reserve", .size(), default: .mebibytes(256))
        retention = map.optional(
            "retention", .duration(in: .zero...(.seconds(3_650 * 86_400))), default: .seconds(7 * 86_400))
        log = LogSettings(map.section("log"))
        let hub = AgentHubSettings(map.section("hub", required: true))
        status = StatusSettings(map.section("status"))
        let inputs = InputSections.decode(map, decoders: inputDecoders)
        var sectionsComplete = true
        for (key, decode) in sectionDecoders.sorted(by: { $0.key < $1.key }) {
            if let value = decode(map) { sections[key] = value } else { sectionsComplete = false }
        }
        guard let plant, let hub, let inputs, sectionsComplete else { return nil }
        self.plant = plant
        self.hub = hub
        self.inputs = inputs
    }
}

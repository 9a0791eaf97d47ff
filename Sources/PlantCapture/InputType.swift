import PlantConfig

/// What the agent gives every input beyond its own settings.
public struct InputContext: Sendable {
    /// The plant id every event carries.
    public var plant: String
    /// The order running on a line now (the aggregator knows it), or nil when none is known.
    public var currentOrder: @Sendable (_ line: String) -> String?

    public init(plant: String, currentOrder: @escaping @Sendable (_ line: String) -> String? = { _ in nil }) {
        self.plant = plant
        self.currentOrder = currentOrder
    }
}

/// One kind of input: its `type:` word, how its settings decode, and how an adapter is made.
public struct InputType: Sendable {
    public let name: String
    public let decode: InputSettingsDecoder
    /// Makes the adapter from the input's name, the settings `decode` returned, and the agent's context.
    public let make:
        @Sendable (_ name: String, _ settings: any Sendable, _ context: InputContext) -> (any InputAdapter)?

    /// An input type whose adapters need the agent's context (plant id, current orders).
    public init<Settings: Sendable>(
        name: String,
        decode: @escaping @Sendable (ConfigMap) -> Settings?,
        make: @escaping @Sendable (_ name: String, _ settings: Settings, _ context: InputContext) -> any InputAdapter
    ) {
        self.name = name
        self.decode = { decode($0) }
        self.make = { inputName, settings, context in
            (settings as? Settings).map { make(inputName, $0, context) }
        }
    }

    /// An input type whose adapters need nothing but their settings.
    public init<Settings: Sendable>(
        name: String,
        decode: @escaping @Sendable (ConfigMap) -> Settings?,
        make: @escaping @Sendable (_ name: String, _ settings: Settings) -> any InputAdapter
    ) {
        self.init(name: name, decode: decode) { inputName, settings, _ in make(inputName, settings) }
    }
}

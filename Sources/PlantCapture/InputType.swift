import PlantConfig

/// One kind of input: its `type:` word, how its settings decode, and how an adapter is made.
public struct InputType: Sendable {
    public let name: String
    public let decode: InputSettingsDecoder
    /// Makes the adapter from the input's name and the settings `decode` returned.
    public let make: @Sendable (_ name: String, _ settings: any Sendable) -> (any InputAdapter)?

    public init<Settings: Sendable>(
        name: String,
        decode: @escaping @Sendable (ConfigMap) -> Settings?,
        make: @escaping @Sendable (_ name: String, _ settings: Settings) -> any InputAdapter
    ) {
        self.name = name
        self.decode = { decode($0) }
        self.make = { inputName, settings in
            (settings as? Settings).map { make(inputName, $0) }
        }
    }
}

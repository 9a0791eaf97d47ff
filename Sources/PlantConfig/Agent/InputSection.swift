/// Decodes the settings of one input type from its section of `inputs:`. The capture module
/// provides one per adapter type, keyed by the `type:` word: `["scanner_serial": { ScannerSerial.Configuration($0) }]`.
///
/// The map holds the whole input section; `name` and `type` are already read (and count as known
/// keys). The decoder reads its own settings, records every problem in the map, and returns nil
/// when the settings are unusable. Keys it does not ask for are reported as unknown.
public typealias InputSettingsDecoder = @Sendable (ConfigMap) -> (any Sendable)?

/// One entry of the agent's `inputs:` list.
public struct InputSection: Sendable {
    /// Unique among the inputs: `[A-Za-z0-9_-]{1,64}`.
    public var name: String
    /// The adapter type, one of the keys of the input decoders.
    public var type: String
    /// What that type's decoder returned; the capture module casts it back to its own type.
    public var settings: any Sendable
    /// Where the section starts in the file, for later messages about this input.
    public var position: SourcePosition

    public init(name: String, type: String, settings: any Sendable, position: SourcePosition) {
        self.name = name
        self.type = type
        self.settings = settings
        self.position = position
    }

    /// The settings as the type their decoder produced, or nil.
    public func settings<Settings>(as type: Settings.Type) -> Settings? {
        settings as? Settings
    }
}

enum InputSections {
    /// Decodes `inputs:`: names unique, types known, each section's settings by its type's decoder.
    static func decode(_ map: ConfigMap, decoders: [String: InputSettingsDecoder]) -> [InputSection]? {
        var sections: [InputSection] = []
        var firstUse: [String: ConfigMap] = [:]
        var complete = true
        let knownTypes = decoders.keys.sorted()
        for item in map.sectionList("inputs") {
            let name = item.required("name", .identifier(maxLength: 64))
            let type = item.required("type", .nonEmptyString)
            if let name {
                if let first = firstUse[name] {
                    item.report(
                        "duplicate input name \(MessageText.quoted(name)); first used by \(first.path) "
                            + "on line \(first.position.line)", at: "name")
                } else {
                    firstUse[name] = item
                }
            }
            guard let type else {
                item.ignoreRemainingKeys()
                complete = false
                continue
            }
            guard let decoder = decoders[type] else {
                item.report(unknownTypeMessage(type, knownTypes: knownTypes), at: "type")
                item.ignoreRemainingKeys()
                complete = false
                continue
            }
            let problemsBefore = item.problemCount
            let settings = decoder(item)
            if settings == nil && item.problemCount == problemsBefore {
                item.report("the settings of input type \(MessageText.quoted(type)) were refused")
            }
            if let name, let settings {
                sections.append(InputSection(name: name, type: type, settings: settings, position: item.position))
            } else {
                complete = false
            }
        }
        return complete ? sections : nil
    }

    private static func unknownTypeMessage(_ type: String, knownTypes: [String]) -> String {
        var message = "unknown input type \(MessageText.quoted(type))"
        guard !knownTypes.isEmpty else { return message + "; no input types are available" }
        if let suggestion = Suggestions.closest(to: type, among: knownTypes) {
            message += "; did you mean \(MessageText.quoted(suggestion))? Known types: "
        } else {
            message += "; known types: "
        }
        return message + knownTypes.joined(separator: ", ")
    }
}

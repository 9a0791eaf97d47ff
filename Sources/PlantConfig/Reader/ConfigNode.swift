/// One value of a configuration document, with where it was written.
public struct ConfigNode: Sendable {
    public enum Content: Sendable {
        /// Nothing after `key:` or `-`, or a plain `null` / `~`: the setting is not given.
        case empty
        case scalar(ConfigScalar)
        /// Entries in file order; keys are unique (the reader refuses duplicates).
        case map([ConfigEntry])
        case list([ConfigNode])
    }

    public var content: Content
    /// The first character of the value (the opening quote of a quoted scalar). For an empty value,
    /// the key or list dash it belongs to.
    public var position: SourcePosition

    public init(_ content: Content, at position: SourcePosition) {
        self.content = content
        self.position = position
    }

    /// How the value is named in "found …" parts of messages.
    var foundDescription: String {
        switch content {
        case .empty: "nothing"
        case .scalar(let scalar): MessageText.quoted(scalar.text)
        case .map: "a map"
        case .list: "a list"
        }
    }
}

/// A scalar's text after quotes and escapes are removed. Quoting never changes a value's type: the
/// decoding accessor decides whether `"8080"` or `8080` must be an integer, a string or a port.
public struct ConfigScalar: Sendable, Hashable {
    public enum Style: Sendable, Hashable {
        case plain
        case singleQuoted
        case doubleQuoted
    }

    public var text: String
    public var style: Style

    public init(_ text: String, style: Style) {
        self.text = text
        self.style = style
    }
}

/// `key: value` in a map.
public struct ConfigEntry: Sendable {
    public var key: String
    public var keyPosition: SourcePosition
    public var value: ConfigNode

    public init(key: String, keyPosition: SourcePosition, value: ConfigNode) {
        self.key = key
        self.keyPosition = keyPosition
        self.value = value
    }
}

/// A parsed configuration file: its name (as given, used in every error) and its top-level node.
public struct ConfigDocument: Sendable {
    public var file: String
    public var root: ConfigNode

    public init(file: String, root: ConfigNode) {
        self.file = file
        self.root = root
    }
}

/// A place in a configuration file: 1-based line and column. Columns count Unicode scalars, so a
/// non-ASCII character before the problem counts as one column, as editors show it.
public struct SourcePosition: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var line: Int
    public var column: Int

    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    /// The start of a file; where problems about the whole document are reported.
    public static let start = SourcePosition(line: 1, column: 1)

    public static func < (lhs: SourcePosition, rhs: SourcePosition) -> Bool {
        (lhs.line, lhs.column) < (rhs.line, rhs.column)
    }

    public var description: String { "\(line):\(column)" }
}

/// Where a value sits in the configuration tree, written as users read it: `hub.url`,
/// `inputs[2].port` (list indices count from 0). A key that is not a plain word is quoted:
/// `labels["line 3"]`.
public struct ConfigPath: Sendable, Hashable, CustomStringConvertible {
    public enum Component: Sendable, Hashable {
        case key(String)
        case index(Int)
    }

    public var components: [Component]

    public init(_ components: [Component] = []) {
        self.components = components
    }

    /// The top of the document (an empty path).
    public static let root = ConfigPath()

    public var isRoot: Bool { components.isEmpty }

    public func appending(_ key: String) -> ConfigPath {
        ConfigPath(components + [.key(key)])
    }

    public func appending(index: Int) -> ConfigPath {
        ConfigPath(components + [.index(index)])
    }

    public var description: String {
        var text = ""
        for component in components {
            switch component {
            case .key(let key) where Self.isPlainWord(key):
                if !text.isEmpty { text += "." }
                text += key
            case .key(let key):
                text += "[\(MessageText.quoted(key, limit: .max))]"
            case .index(let index):
                text += "[\(index)]"
            }
        }
        return text
    }

    private static func isPlainWord(_ key: String) -> Bool {
        !key.isEmpty
            && key.unicodeScalars.allSatisfy { scalar in
                switch scalar {
                case "a"..."z", "A"..."Z", "0"..."9", "_", "-": true
                default: false
                }
            }
    }
}

/// How the journal (agent) or store (hub) commits: `full` survives a power cut (`synchronous=FULL`),
/// `normal` survives a process crash only. See DESIGN.md, "The journal".
public enum Durability: String, Sendable, Hashable, CaseIterable {
    case full
    case normal
}

/// The `log:` section, shared by agent and hub.
public struct LogSettings: Sendable, Hashable {
    public enum Format: String, Sendable, Hashable, CaseIterable {
        case logfmt
        case json
    }

    public enum Level: String, Sendable, Hashable, CaseIterable {
        case debug
        case info
        case notice
        case warning
        case error
    }

    public var format: Format
    public var level: Level

    public init(format: Format = .logfmt, level: Level = .info) {
        self.format = format
        self.level = level
    }

    /// `format` (logfmt | json, default logfmt), `level` (debug | info | notice | warning | error,
    /// default info).
    public init(_ map: ConfigMap) {
        format = map.optional("format", .word(), default: .logfmt)
        level = map.optional("level", .word(), default: .info)
    }
}

extension ConfigConversion where Value == [UInt8] {
    /// A SHA-256 digest as 64 hexadecimal digits (either case).
    public static var sha256Hex: ConfigConversion<[UInt8]> {
        ConfigConversion(expecting: "64 hexadecimal digits (a SHA-256 digest)") { text in
            let digits = Array(text.unicodeScalars)
            guard digits.count == 64, digits.allSatisfy(\.properties.isASCIIHexDigit) else { return nil }
            return stride(from: 0, to: 64, by: 2).map { offset in
                UInt8(String(String.UnicodeScalarView(digits[offset..<offset + 2])), radix: 16)!
            }
        }
    }
}

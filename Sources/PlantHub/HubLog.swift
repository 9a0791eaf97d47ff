import Foundation

/// The hub's log lines: logfmt, one line each, to standard error (journald adds the time).
public enum HubLog {
    public static let standardError: @Sendable (String) -> Void = { line in
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }

    /// `level=warning msg="..." plant=P100 …` with values quoted when they need it.
    static func line(_ level: String, _ message: String, _ fields: KeyValuePairs<String, String> = [:]) -> String {
        var text = "level=\(level) msg=\(quoted(message))"
        for (key, value) in fields { text += " \(key)=\(quoted(value))" }
        return text
    }

    static func quoted(_ value: String) -> String {
        let plain = !value.isEmpty && value.utf8.allSatisfy { $0 > 0x20 && $0 < 0x7F && $0 != 0x22 && $0 != 0x3D }
        if plain { return value }
        var out = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}

/// Prometheus text exposition format 0.0.4: `# HELP` and `# TYPE` before each family, label values
/// escaped, counters named `…_total`. The agent's and the hub's `/metrics` both write through it.
public struct PrometheusText: Sendable {
    public enum Kind: String, Sendable {
        case counter, gauge
    }

    public typealias Sample = (labels: [(String, String)], value: String)

    public private(set) var text = ""

    public init() {}

    public mutating func family(_ name: String, _ kind: Kind, _ help: String, _ samples: [Sample]) {
        precondition(kind != .counter || name.hasSuffix("_total"), "counter \(name) must end in _total")
        text += "# HELP \(name) \(Self.escape(help, quotes: false))\n# TYPE \(name) \(kind.rawValue)\n"
        for sample in samples {
            text += name
            if !sample.labels.isEmpty {
                text +=
                    "{" + sample.labels.map { "\($0.0)=\"\(Self.escape($0.1, quotes: true))\"" }.joined(separator: ",")
                    + "}"
            }
            text += " \(sample.value)\n"
        }
    }

    public mutating func single(_ name: String, _ kind: Kind, _ help: String, _ value: String) {
        family(name, kind, help, [([], value)])
    }

    /// Milliseconds since the epoch as seconds with millisecond precision (`1795000000.25`).
    public static func seconds(milliseconds: Int64) -> String {
        let sign = milliseconds < 0 ? "-" : ""
        let magnitude = milliseconds.magnitude
        let fraction = magnitude % 1000
        if fraction == 0 { return "\(sign)\(magnitude / 1000)" }
        let digits = String(fraction)
        return "\(sign)\(magnitude / 1000).\(String(repeating: "0", count: 3 - digits.count))\(digits)"
    }

    /// Backslash and newline always; double quotes only in label values.
    static func escape(_ value: String, quotes: Bool) -> String {
        var out = ""
        for character in value {
            switch character {
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\"" where quotes: out += "\\\""
            default: out.append(character)
            }
        }
        return out
    }
}

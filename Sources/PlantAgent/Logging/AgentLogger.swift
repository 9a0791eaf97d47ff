import Foundation
import PlantConfig
import PlantModel
import Synchronization

/// One line per happening to stderr (journald picks it up), as logfmt or JSON.
///
/// Repeated messages are rate-limited: the same component and message within `repeatWindow` is
/// counted instead of written, and the count is reported with the next line that gets through.
/// Secrets never reach here: callers log paths and reasons, never tokens or event payloads.
public final class AgentLogger: Sendable {
    public enum Level: Int, Sendable, Comparable {
        case debug, info, warning, error

        var word: String { ["debug", "info", "warning", "error"][rawValue] }
        public static func < (lhs: Level, rhs: Level) -> Bool { lhs.rawValue < rhs.rawValue }
    }

    private struct Repeats {
        var lastWritten: [String: Int64] = [:]
        var suppressed: [String: Int] = [:]
    }

    private let format: LogSettings.Format
    private let minimum: Level
    private let repeatWindowMilliseconds: Int64
    private let write: @Sendable (String) -> Void
    private let clock: @Sendable () -> Int64
    private let repeats = Mutex(Repeats())

    public init(
        settings: LogSettings, repeatWindow: Duration = .seconds(10),
        write: @escaping @Sendable (String) -> Void = AgentLogger.standardError,
        clock: @escaping @Sendable () -> Int64 = { Timestamp.now().millisecondsSinceEpoch }
    ) {
        self.format = settings.format
        self.minimum = Level(settings.level)
        self.repeatWindowMilliseconds = Int64(repeatWindow.components.seconds * 1000)
        self.write = write
        self.clock = clock
    }

    public func log(_ level: Level, _ component: String, _ message: String, _ fields: [(String, String)] = []) {
        guard level >= minimum else { return }
        let now = clock()
        let key = component + "\u{0}" + message
        let suppressed: Int? = repeats.withLock { state in
            if let last = state.lastWritten[key], now - last < repeatWindowMilliseconds {
                state.suppressed[key, default: 0] += 1
                return nil
            }
            state.lastWritten[key] = now
            if state.lastWritten.count > 4096 { state.lastWritten.removeAll() }
            return state.suppressed.removeValue(forKey: key) ?? 0
        }
        guard let suppressed else { return }
        var all = fields
        if suppressed > 0 { all.append(("repeated", String(suppressed))) }
        write(render(level, component, message, all, at: now))
    }

    public func info(_ component: String, _ message: String, _ fields: [(String, String)] = []) {
        log(.info, component, message, fields)
    }

    public func warning(_ component: String, _ message: String, _ fields: [(String, String)] = []) {
        log(.warning, component, message, fields)
    }

    public func error(_ component: String, _ message: String, _ fields: [(String, String)] = []) {
        log(.error, component, message, fields)
    }

    func render(_ level: Level, _ component: String, _ message: String, _ fields: [(String, String)], at: Int64)
        -> String
    {
        let time = Timestamp(millisecondsSinceEpoch: at).description
        let pairs = [("ts", time), ("level", level.word), ("component", component), ("msg", message)] + fields
        switch format {
        case .logfmt:
            return pairs.map { "\($0.0)=\(Self.logfmtValue($0.1))" }.joined(separator: " ")
        case .json:
            var object = JSONObject()
            for (key, value) in pairs { object[key] = .string(value) }
            return String(decoding: JSONWriter.encode(.object(object)), as: UTF8.self)
        }
    }

    static func logfmtValue(_ value: String) -> String {
        let plain =
            !value.isEmpty
            && value.unicodeScalars.allSatisfy { $0.value > 0x20 && $0 != "\"" && $0 != "=" && $0 != "\\" }
        if plain { return value }
        var quoted = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": quoted += "\\\""
            case "\\": quoted += "\\\\"
            case "\n": quoted += "\\n"
            case "\r": quoted += "\\r"
            case "\t": quoted += "\\t"
            default: quoted.unicodeScalars.append(scalar)
            }
        }
        return quoted + "\""
    }

    public static let standardError: @Sendable (String) -> Void = { line in
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}

extension AgentLogger.Level {
    init(_ level: LogSettings.Level) {
        switch level.rawValue {
        case "debug": self = .debug
        case "warning", "warn": self = .warning
        case "error": self = .error
        default: self = .info
        }
    }
}

/// One log line from the forwarder. The agent hands in the real logger; the forwarder logs once
/// per state change (hub unreachable, back, token refused, conflict…), never once per retry.
public struct ForwarderLogRecord: Sendable, Equatable, CustomStringConvertible {
    public enum Level: Sendable, Equatable, Comparable {
        case info, warning, error
    }

    public var level: Level
    /// The stream concerned; nil for hub-wide conditions.
    public var stream: String?
    public var message: String

    public init(level: Level, stream: String?, message: String) {
        self.level = level
        self.stream = stream
        self.message = message
    }

    public var description: String {
        let scope = stream.map { "stream \"\($0)\": " } ?? ""
        return "[\(level)] forwarder: \(scope)\(message)"
    }
}

/// Receives the forwarder's log records; called from the forwarder's threads.
public typealias ForwarderLogger = @Sendable (ForwarderLogRecord) -> Void

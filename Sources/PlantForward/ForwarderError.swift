import PlantJournal

/// Why a forwarder cannot be created or started.
public enum ForwarderError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The settings are unusable; every problem found, each naming the setting.
    case invalidSettings([String])
    /// The TLS files could not be loaded (names the file and OpenSSL's reason).
    case tls(String)
    /// The journal could not be read at start.
    case journal(JournalError)

    public var description: String {
        switch self {
        case .invalidSettings(let problems): "forwarder settings: " + problems.joined(separator: "; ")
        case .tls(let message): "forwarder TLS setup: \(message)"
        case .journal(let error): "forwarder: \(error)"
        }
    }
}

/// How `Forwarder.stop` ended.
public struct ForwarderStopReport: Sendable, Equatable {
    /// Streams whose batch on the wire was given up at the deadline. Safe: those events are not
    /// acknowledged, so the next run sends them again and the hub deduplicates.
    public var abandonedStreams: [String]

    public init(abandonedStreams: [String]) {
        self.abandonedStreams = abandonedStreams
    }

    public var finishedCleanly: Bool { abandonedStreams.isEmpty }
}

extension ForwarderSettings {
    /// Every problem with these settings (empty when usable). No I/O.
    func problems() -> [String] {
        var problems: [String] = []
        let scheme = hubURL.prefix { $0 != ":" }.lowercased()
        if scheme != "https" && scheme != "http" {
            problems.append("hub URL \"\(hubURL)\": expected https://host[:port][/path] (or http:// for tests)")
        }
        if plant.isEmpty { problems.append("plant id is empty") }
        if token.isEmpty { problems.append("token is empty") }
        if token.utf8.contains(where: { $0 < 0x20 || $0 == 0x7F }) {
            problems.append("token contains control characters (a stray newline in the token file?)")
        }
        if maxBatchEvents < 1 { problems.append("max batch events must be at least 1, found \(maxBatchEvents)") }
        if maxBatchBytes < 1 { problems.append("max batch bytes must be at least 1, found \(maxBatchBytes)") }
        if let rate = catchUpEventsPerSecond, rate < 1 {
            problems.append("catch-up rate must be at least 1 event/s, found \(rate)")
        }
        if backoffBase <= .zero { problems.append("backoff base must be positive") }
        if backoffCap < backoffBase { problems.append("backoff cap must not be below the backoff base") }
        if authRetryInterval <= .zero { problems.append("auth retry interval must be positive") }
        if let streams, streams.contains(where: \.isEmpty) { problems.append("stream names must not be empty") }
        return problems
    }
}

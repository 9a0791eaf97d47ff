import PlantModel

/// One way facts reach the agent: a telemetry feed, a scanner, a drop folder.
///
/// An adapter owns its own thread(s) for blocking I/O (DESIGN invariant 6). It hands what it
/// captured to the `CaptureSink` and acknowledges upstream (archives a file, advances a scanner
/// sequence) only after the sink has returned, which means the events are durable.
public protocol InputAdapter: AnyObject, Sendable {
    /// The `name:` of the input's section, unique within the agent.
    var name: String { get }
    /// The `type:` word it was configured with.
    var type: String { get }
    /// Starts capturing; returns once the adapter's threads run. Failures to reach a device or
    /// peer are not errors here: the adapter retries and reports them through `health`.
    func start(sink: any CaptureSink)
    /// Stops capturing and joins the adapter's threads; no calls into the sink after it returns.
    func stop()
    /// A snapshot for the status page and `plantsync status`.
    var health: InputHealth { get }
}

/// Where adapters hand their captures. The agent implements it over the journal and the aggregator.
public protocol CaptureSink: Sendable {
    /// Journals business events durably, with the adapter's checkpoints in the same transaction.
    /// Returns only once the commit is durable; throws when the journal refuses (disk budget,
    /// disk full, I/O failure), in which case the adapter must not acknowledge upstream.
    func journal(_ events: [Event], checkpoints: [String: [UInt8]]) throws -> [JournalOutcome]
    /// Hands telemetry samples on to the aggregator. Blocks while the aggregator is behind,
    /// which pushes back on the feed instead of growing memory.
    func deliver(_ samples: [TelemetrySample], from input: String)
    /// Records bad input (DESIGN invariant 4): one log line, a counter, a quarantine record.
    func quarantine(_ problem: InputProblem)
    /// A checkpoint this agent journaled earlier (scanner sequence, file digests), or nil.
    func checkpoint(_ key: String) -> [UInt8]?
    /// One log line about this input (connection state changes, device gone, file archived).
    func log(_ level: LogLevel, _ message: String, input: String)
}

/// What the journal did with one event.
public enum JournalOutcome: Sendable, Equatable {
    /// Stored at this sequence number of its stream.
    case appended(seq: Int64)
    /// An event with the same id was already journaled; nothing was stored.
    case duplicate
}

public enum LogLevel: String, Sendable, Comparable {
    case debug, info, warning, error

    private var rank: Int {
        switch self {
        case .debug: 0
        case .info: 1
        case .warning: 2
        case .error: 3
        }
    }

    public static func < (lhs: LogLevel, rhs: LogLevel) -> Bool { lhs.rank < rhs.rank }
}

import PlantModel

/// What the status page shows for one input.
public struct InputHealth: Sendable, Equatable {
    public enum Connection: String, Sendable {
        /// Connected to its peer or device, or watching its folder.
        case connected
        /// Trying to reach its peer or device.
        case connecting
        /// The device or folder is gone; the input retries and says when it is back.
        case unavailable
        case stopped
    }

    public var connection: Connection
    /// When the input last received data.
    public var lastData: Timestamp?
    /// Counters since start: signals read, events journaled, problems quarantined.
    public var received: Int64
    public var journaled: Int64
    public var quarantined: Int64
    /// The last problem, in words, and when it happened.
    public var lastError: String?
    public var lastErrorAt: Timestamp?

    public init(
        connection: Connection = .stopped, lastData: Timestamp? = nil, received: Int64 = 0, journaled: Int64 = 0,
        quarantined: Int64 = 0, lastError: String? = nil, lastErrorAt: Timestamp? = nil
    ) {
        self.connection = connection
        self.lastData = lastData
        self.received = received
        self.journaled = journaled
        self.quarantined = quarantined
        self.lastError = lastError
        self.lastErrorAt = lastErrorAt
    }
}

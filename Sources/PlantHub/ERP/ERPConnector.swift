/// One stored event on its way to an ERP: the canonical event exactly as stored, and where it sits
/// in the hub's feed.
public struct OutboxEvent: Sendable, Hashable {
    public var plant: String
    public var stream: String
    /// Feed position (1, 2, 3 … per plant and stream, never reused).
    public var position: Int64
    public var id: String
    public var type: String
    public var canonical: [UInt8]

    public init(plant: String, stream: String, position: Int64, id: String, type: String, canonical: [UInt8]) {
        self.plant = plant
        self.stream = stream
        self.position = position
        self.id = id
        self.type = type
        self.canonical = canonical
    }
}

/// Why a posting did not (fully) go through.
public enum DeliveryFailure: Sendable, Hashable {
    /// Worth trying again later (network, timeouts, 408/429/5xx, ERP busy); `retryAfter` when the
    /// ERP said how long to wait.
    case transient(String, retryAfter: Duration? = nil)
    /// The ERP refused the event for good (bad master data, an unmapped value): the stream is
    /// parked for this connector with this message until an operator decides.
    case permanent(String)
}

/// What a connector made of a run of events of one stream: the first `accepted` events went
/// through (in order); if `failure` is set, the event after them did not.
public struct DeliveryOutcome: Sendable, Hashable {
    public var accepted: Int
    public var failure: DeliveryFailure?

    public init(accepted: Int, failure: DeliveryFailure? = nil) {
        self.accepted = accepted
        self.failure = failure
    }

    public static func all(_ count: Int) -> DeliveryOutcome { DeliveryOutcome(accepted: count) }
}

/// Hands events to one ERP. Each outbox worker thread makes its own connector and calls it from
/// that thread only, so implementations may block (HTTP) and need not be `Sendable`.
public protocol ERPConnector: AnyObject {
    /// Most events passed to one `deliver` call.
    var maxEventsPerPosting: Int { get }
    /// Posts `events` (consecutive positions of one stream, in order). Must be idempotent per event:
    /// after a crash the same events may come again.
    func deliver(_ events: [OutboxEvent]) -> DeliveryOutcome
    /// Releases connections.
    func close()
}

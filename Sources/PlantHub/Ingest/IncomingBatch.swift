/// One event of a batch, as the hub stores it.
public struct IncomingEvent: Sendable, Hashable {
    public var seq: Int64
    public var id: String
    public var type: String
    /// Milliseconds since the Unix epoch.
    public var occurredAt: Int64
    /// The event's canonical JSON (without its seq): what the feed hands on, and what a resent
    /// seq or a repeated id is compared against.
    public var canonical: [UInt8]

    public init(seq: Int64, id: String, type: String, occurredAt: Int64, canonical: [UInt8]) {
        self.seq = seq
        self.id = id
        self.type = type
        self.occurredAt = occurredAt
        self.canonical = canonical
    }
}

/// What an agent reported about one of its streams' backlog when it sent a batch.
public struct BacklogReport: Sendable, Hashable {
    public var stream: String
    public var pending: Int64
    /// Age of the oldest unacknowledged event, in seconds (nil when nothing is pending).
    public var oldestAgeSeconds: Int64?

    public init(stream: String, pending: Int64, oldestAgeSeconds: Int64?) {
        self.stream = stream
        self.pending = pending
        self.oldestAgeSeconds = oldestAgeSeconds
    }
}

/// An authenticated, well-formed batch: events with consecutive seqs from `firstSeq`.
public struct IncomingBatch: Sendable, Hashable {
    public var plant: String
    public var stream: String
    public var epoch: String
    public var firstSeq: Int64
    public var events: [IncomingEvent]
    public var backlog: [BacklogReport]

    public init(
        plant: String, stream: String, epoch: String, firstSeq: Int64, events: [IncomingEvent],
        backlog: [BacklogReport] = []
    ) {
        self.plant = plant
        self.stream = stream
        self.epoch = epoch
        self.firstSeq = firstSeq
        self.events = events
        self.backlog = backlog
    }
}

/// Why the hub refuses one event for good (422). The agent dead-letters the event with this
/// reason and sends a `dead_lettered` tombstone in its seq.
public struct EventRejection: Sendable, Hashable {
    public enum Reason: String, Sendable, Hashable, CaseIterable {
        /// The type is not one the hub knows.
        case unknownEventType = "unknown_event_type"
        /// The id is empty, too long, or holds control characters.
        case invalidEventID = "invalid_event_id"
        /// The event's canonical JSON is larger than the hub accepts.
        case eventTooLarge = "event_too_large"
        /// The event itself is not a valid event (missing or malformed fields).
        case invalidEvent = "invalid_event"
        /// The hub already holds an event with this id and different content.
        case eventIDConflict = "event_id_conflict"
    }

    public var seq: Int64
    public var id: String
    public var reason: Reason
    /// A sentence for the dead letter and the log: what was wrong and what was expected.
    public var message: String

    public init(seq: Int64, id: String, reason: Reason, message: String) {
        self.seq = seq
        self.id = id
        self.reason = reason
        self.message = message
    }
}

/// What the store decided about one batch. Only `.accepted` changed anything.
public enum BatchOutcome: Sendable, Hashable {
    /// Stored (or already held): every seq up to `ackedThrough` in this epoch is stored.
    case accepted(ackedThrough: Int64)
    /// The batch starts after a hole: resend from `expectedSeq`.
    case gap(expectedSeq: Int64, ackedThrough: Int64)
    /// A seq already stored arrived with another event id or other content.
    case conflict(SequenceConflict)
    /// Some events can never be accepted; nothing of the batch was stored.
    case unprocessable([EventRejection], ackedThrough: Int64)
}

/// A seq the hub holds, received again with a different event.
public struct SequenceConflict: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable {
        /// Another event id than the stored one.
        case idDiffers = "id_differs"
        /// Same id, other content.
        case contentDiffers = "content_differs"
    }

    public var seq: Int64
    public var kind: Kind
    public var storedID: String
    public var receivedID: String
    public var ackedThrough: Int64

    public init(seq: Int64, kind: Kind, storedID: String, receivedID: String, ackedThrough: Int64) {
        self.seq = seq
        self.kind = kind
        self.storedID = storedID
        self.receivedID = receivedID
        self.ackedThrough = ackedThrough
    }
}

extension BatchOutcome {
    /// True for `.accepted`.
    public var isAccepted: Bool {
        if case .accepted = self { return true }
        return false
    }
}

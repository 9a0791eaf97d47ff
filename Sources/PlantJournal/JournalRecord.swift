/// One event handed to the journal. The journal does not interpret `body`: it is the event's
/// canonical JSON, produced by the caller.
public struct JournalRecord: Sendable, Hashable {
    /// The stream the event belongs to ("production", "inventory", "telemetry"…): the unit of
    /// ordering and sequence numbering.
    public var stream: String
    /// Deterministic event id (invariant 3). Unique across the whole journal.
    public var id: String
    /// Event type ("production_confirmation"…).
    public var type: String
    /// When the event happened, ms since the Unix epoch.
    public var occurredAt: Int64
    /// The event's canonical JSON.
    public var body: [UInt8]

    public init(stream: String, id: String, type: String, occurredAt: Int64, body: [UInt8]) {
        self.stream = stream
        self.id = id
        self.type = type
        self.occurredAt = occurredAt
        self.body = body
    }
}

/// What `Journal.append` did with one record, in the order the records were given.
public enum AppendOutcome: Sendable, Hashable {
    /// Stored durably at this seq of its stream.
    case appended(seq: Int64)
    /// The id was already journaled (or dead-lettered) at `existingSeq` of `stream`; nothing stored.
    case duplicate(existingSeq: Int64, stream: String)

    /// The seq the record now holds, new or existing.
    public var seq: Int64 {
        switch self {
        case let .appended(seq): seq
        case let .duplicate(seq, _): seq
        }
    }
}

/// An event as stored in the journal.
public struct StoredEvent: Sendable, Hashable {
    public let seq: Int64
    public let id: String
    public let type: String
    public let occurredAt: Int64
    public let body: [UInt8]
    /// When the group commit holding it began, ms since the Unix epoch.
    public let journaledAt: Int64

    public init(seq: Int64, id: String, type: String, occurredAt: Int64, body: [UInt8], journaledAt: Int64) {
        self.seq = seq
        self.id = id
        self.type = type
        self.occurredAt = occurredAt
        self.body = body
        self.journaledAt = journaledAt
    }
}

/// An event taken out of the flow (the hub can never accept it), kept with the reason.
public struct DeadLetter: Sendable, Hashable {
    public let stream: String
    /// The seq it held; a tombstone holds that seq now.
    public let seq: Int64
    public let id: String
    public let type: String
    public let occurredAt: Int64
    public let body: [UInt8]
    public let journaledAt: Int64
    public let reason: String
    public let deadLetteredAt: Int64

    public init(
        stream: String, seq: Int64, id: String, type: String, occurredAt: Int64, body: [UInt8], journaledAt: Int64,
        reason: String, deadLetteredAt: Int64
    ) {
        self.stream = stream
        self.seq = seq
        self.id = id
        self.type = type
        self.occurredAt = occurredAt
        self.body = body
        self.journaledAt = journaledAt
        self.reason = reason
        self.deadLetteredAt = deadLetteredAt
    }
}

/// Bad input kept aside with the reason (invariant 4).
public struct QuarantineEntry: Sendable, Hashable {
    /// Row id in the quarantine table, increasing.
    public let number: Int64
    /// The input that produced it ("filedrop:receipts", "scanner:dock-3").
    public let input: String
    public let reason: String
    /// The offending bytes, possibly cut short (see `JournalOptions.maxQuarantineExcerpt`).
    public let excerpt: [UInt8]
    /// Where in the input: "receipts-0412.csv:17", "byte 4096".
    public let location: String
    public let quarantinedAt: Int64

    public init(number: Int64, input: String, reason: String, excerpt: [UInt8], location: String, quarantinedAt: Int64)
    {
        self.number = number
        self.input = input
        self.reason = reason
        self.excerpt = excerpt
        self.location = location
        self.quarantinedAt = quarantinedAt
    }
}

/// How much a stream matters when disk space runs short (invariant 5).
public enum StreamPriority: Int, Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Shed first: raw telemetry.
    case low = 0
    /// Business events: refused only at the full budget or the reserve.
    case normal = 1

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }

    public var description: String { self == .low ? "low" : "normal" }
}

/// A batch as the hub receives it: the header, and each event with the exact canonical bytes the agent
/// journaled (the wire form minus `seq`), ready to hash and store.
public struct BatchRequest: Sendable, Hashable {
    public struct Limits: Sendable, Equatable {
        public var maxBytes: Int
        public var maxEvents: Int

        public init(maxBytes: Int = 8 << 20, maxEvents: Int = 10_000) {
            self.maxBytes = maxBytes
            self.maxEvents = maxEvents
        }
    }

    public var plant: String
    public var stream: String
    /// The agent journal's epoch: a new one means the plant's numbering restarted.
    public var epoch: String
    public var firstSeq: Int64
    /// Seqs firstSeq, firstSeq+1, … in order (checked by `decode`).
    public var events: [WireEvent]
    public var backlog: [String: StreamBacklog]

    static let fieldNames = ["backlog", "epoch", "events", "first_seq", "plant", "stream"]

    /// Decodes and checks the envelope: header fields, contiguous seqs from `first_seq`, and per event a
    /// seq, an id, a type and an occurred_at. Payloads are not checked here; see `invalidEvents()`.
    ///
    /// A body in the shape `BatchEncoder` writes takes a single-pass fast path (`CanonicalBatchReader`) that
    /// keeps each event's bytes instead of re-encoding them and already runs the typed checks; any other body
    /// (whitespace, other key orders, escapes, non-canonical events, errors) takes the full decoder. Both give
    /// the same batch, the same canonical bytes and the same errors.
    public static func decode(_ body: [UInt8], limits: Limits = Limits()) throws(BatchDecodingError) -> BatchRequest {
        try checkSize(body, limits)
        if let batch = decodeCanonical(body, limits: limits) { return batch }
        return try decodeFull(body, limits: limits)
    }

    /// The fast path alone: nil when the body is not in `BatchEncoder`'s canonical shape or has any problem.
    static func decodeCanonical(_ body: [UInt8], limits: Limits) -> BatchRequest? {
        body.withUnsafeBytes { bytes in
            var reader = CanonicalBatchReader(body: bytes, limits: limits)
            return reader.read()
        }
    }

    /// The full decoder alone: a JSON tree, events re-encoded canonically, exact errors.
    static func decodeFull(_ body: [UInt8], limits: Limits) throws(BatchDecodingError) -> BatchRequest {
        try checkSize(body, limits)
        let json: JSONValue
        do {
            json = try JSONParser(limits: .init(maxDepth: 16, maxBytes: limits.maxBytes)).parse(body)
        } catch {
            throw BatchDecodingError(code: .malformed, path: "", message: error.description)
        }
        do {
            return try decode(json, limits: limits)
        } catch {
            throw BatchDecodingError(code: .malformed, path: error.path, message: error.message)
        }
    }

    private static func checkSize(_ body: [UInt8], _ limits: Limits) throws(BatchDecodingError) {
        guard body.count <= limits.maxBytes else {
            throw BatchDecodingError(
                code: .tooLarge, path: "",
                message: "body of \(body.count) bytes exceeds the limit of \(limits.maxBytes) bytes")
        }
    }

    private static func decode(_ json: JSONValue, limits: Limits) throws(EventFieldError) -> BatchRequest {
        let header = try FieldReader(json, path: "", fields: fieldNames)
        let firstSeq = try header.integer("first_seq", minimum: 1)
        var backlog: [String: StreamBacklog] = [:]
        if let value = header.value("backlog") {
            guard case .object(let streams) = value else {
                throw header.fail(
                    "backlog", "expected an object of stream → {pending, oldest_age_s}, found \(value.typeName)")
            }
            for member in streams {
                let entry = try FieldReader(
                    member.value, path: "backlog.\(member.key)",
                    fields: ["oldest_age_s", "pending"])
                backlog[member.key] = StreamBacklog(
                    pending: try entry.integer("pending", minimum: 0),
                    oldestAgeSeconds: try entry.integer("oldest_age_s", minimum: 0))
            }
        }
        let eventsValue = try header.required("events", "an array of events")
        guard case .array(let elements) = eventsValue else {
            throw header.fail("events", "expected an array of events, found \(eventsValue.typeName)")
        }
        guard elements.count <= limits.maxEvents else {
            throw header.fail("events", "\(elements.count) events exceed the limit of \(limits.maxEvents) per batch")
        }
        var events: [WireEvent] = []
        events.reserveCapacity(elements.count)
        for (k, element) in elements.enumerated() {
            events.append(try WireEvent(element, index: k, firstSeq: firstSeq))
        }
        return BatchRequest(
            plant: try header.string("plant"), stream: try header.string("stream"), epoch: try header.string("epoch"),
            firstSeq: firstSeq, events: events, backlog: backlog)
    }

    /// Strict typed validation of every event's payload: the `invalid_events` (422) list, empty when all
    /// events are acceptable.
    public func invalidEvents() -> [InvalidEvent] {
        events.compactMap { event -> InvalidEvent? in
            do throws(EventFieldError) {
                try event.validate()
                return nil
            } catch {
                return InvalidEvent(seq: event.seq, reason: error.description)
            }
        }
    }
}

/// One event of a batch as received.
public struct WireEvent: Sendable, Hashable {
    public let seq: Int64
    public let id: EventID
    /// The `type` text (not checked against known types here; `decodeEvent()` does).
    public let type: String
    /// `type` as a known event type; nil for a type this hub does not know.
    public let kind: EventKind?
    public let occurredAt: Timestamp
    /// The event re-encoded canonically without `seq`: byte-identical to what the agent journaled.
    public let canonical: [UInt8]
    /// The fast decoder's typed checks already proved `decodeEvent()` succeeds. A cache of a property of
    /// `canonical`, so not part of the value (`==` and `hash` ignore it).
    let certified: Bool

    init(
        seq: Int64, id: EventID, type: String, kind: EventKind?, occurredAt: Timestamp, canonical: [UInt8],
        certified: Bool
    ) {
        self.seq = seq
        self.id = id
        self.type = type
        self.kind = kind
        self.occurredAt = occurredAt
        self.canonical = canonical
        self.certified = certified
    }

    init(_ value: JSONValue, index: Int, firstSeq: Int64) throws(EventFieldError) {
        let path = "events[\(index)]"
        let (expectedSeq, overflow) = firstSeq.addingReportingOverflow(Int64(index))
        guard !overflow else { throw EventFieldError(path: path, message: "seq exceeds the 64-bit range") }
        guard case .object(var object) = value else {
            throw EventFieldError(path: path, message: "expected an event object, found \(value.typeName)")
        }
        let fields = try FieldReader(lenient: value, path: path)  // other keys are the payload check's business
        let seq = try fields.integer("seq", minimum: 1)
        guard seq == expectedSeq else {
            throw fields.fail("seq", "expected \(expectedSeq) (first_seq + \(index)), found \(seq)")
        }
        let idText = try fields.string("id")
        do {
            id = try EventID(idText)
        } catch {
            throw fields.fail("id", error.description)
        }
        type = try fields.string("type")
        kind = EventKind(rawValue: type)
        occurredAt = try fields.timestamp("occurred_at")
        _ = try fields.required("data", "an object")
        self.seq = seq
        object["seq"] = nil
        canonical = JSONWriter.encode(.object(object))
        certified = false
    }

    /// Strictly decodes the typed event (unknown type, fields or rules are errors with paths).
    public func decodeEvent() throws(EventFieldError) -> Event {
        try Event(canonicalJSON: canonical)
    }

    /// Throws exactly what `decodeEvent()` throws, without decoding again when the batch decoder already
    /// certified the event (the hub's per-event rules: only refused events pay for a full decode).
    public func validate() throws(EventFieldError) {
        if certified { return }
        _ = try decodeEvent()
    }

    public static func == (lhs: WireEvent, rhs: WireEvent) -> Bool {
        lhs.seq == rhs.seq && lhs.id == rhs.id && lhs.type == rhs.type && lhs.occurredAt == rhs.occurredAt
            && lhs.canonical == rhs.canonical
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(seq)
        hasher.combine(id)
        hasher.combine(type)
        hasher.combine(occurredAt)
        hasher.combine(canonical)
    }
}

/// One event the hub can never accept, and why (goes into the 422 body and the agent's dead letter).
public struct InvalidEvent: Sendable, Hashable {
    public var seq: Int64
    public var reason: String

    public init(seq: Int64, reason: String) {
        self.seq = seq
        self.reason = reason
    }
}

/// Why a batch body was refused as a whole (HTTP 400, or 413 for `.tooLarge`).
public struct BatchDecodingError: Error, Equatable, Sendable, CustomStringConvertible {
    public enum Code: Sendable, Equatable {
        case malformed
        case tooLarge
    }

    public let code: Code
    /// E.g. "events[3].seq"; empty for the body as a whole.
    public let path: String
    public let message: String

    public init(code: Code, path: String, message: String) {
        self.code = code
        self.path = path
        self.message = message
    }

    public var description: String { path.isEmpty ? message : "\(path): \(message)" }
}

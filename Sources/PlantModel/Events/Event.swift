/// A business fact, as journaled and forwarded: `{"data":{…},"id":"…","occurred_at":"…","type":"…"}`.
///
/// Invariants: an `Event` value is always valid (its initialisers validate), and its canonical JSON is a
/// fixed point — `Event(json:)` accepts only canonical values, so for every accepted document
/// `canonicalJSON()` returns exactly `JSONWriter.encode(document)`.
public struct Event: Sendable, Hashable {
    public let id: EventID
    /// When it happened on the shop floor (not when it was journaled), UTC milliseconds.
    public let occurredAt: Timestamp
    public let payload: EventPayload

    /// Validates the payload's business rules; errors have paths like "data.to_location".
    public init(id: EventID, occurredAt: Timestamp, payload: EventPayload) throws(EventFieldError) {
        try payload.canonical.validate()
        self.id = id
        self.occurredAt = occurredAt
        self.payload = payload
    }

    public var type: EventKind { payload.kind }

    /// The journal stream: the type's default stream, or for a tombstone the stream of the event it replaces.
    public var stream: String {
        if case .deadLettered(let tombstone) = payload { return tombstone.originalStream }
        return payload.kind.defaultStream!
    }

    /// The canonical bytes: keys sorted by UTF-8, no nulls, no whitespace, quantities as decimal strings.
    /// This is what the journal stores and what the hub hashes.
    public func canonicalJSON() -> [UInt8] {
        var writer = JSONWriter(capacity: 384)
        writeCanonical(into: &writer)
        return writer.bytes
    }

    /// Appends the canonical bytes (hand-written in key order, no intermediate JSONValue: the journal's hot path).
    public func writeCanonical(into writer: inout JSONWriter) {
        writer.bytes.append(UInt8(ascii: "{"))
        writer.key("data")
        writer.bytes.append(UInt8(ascii: "{"))
        payload.canonical.writeFields(into: &writer)
        writer.bytes.append(UInt8(ascii: "}"))
        writer.member("id", string: id.rawValue)
        writer.member("occurred_at", timestamp: occurredAt)
        writer.member("type", string: payload.kind.rawValue)
        writer.bytes.append(UInt8(ascii: "}"))
    }

    /// The event as a JSON tree (for tools and tests; the canonical bytes are the fast path).
    public var jsonValue: JSONValue {
        do {
            return try JSONParser.parse(canonicalJSON())
        } catch {
            preconditionFailure("canonical event JSON does not parse: \(error)")
        }
    }

    static let fieldNames = ["data", "id", "occurred_at", "type"]

    /// Strict decoding: unknown, missing, mistyped or non-canonical fields are errors naming their path.
    public init(json: JSONValue) throws(EventFieldError) {
        let root = try FieldReader(json, path: "", fields: Self.fieldNames)
        let idText = try root.string("id")
        let id: EventID
        do {
            id = try EventID(idText)
        } catch {
            throw root.fail("id", error.description)
        }
        let occurredAt = try root.timestamp("occurred_at")
        let kind = try root.enumeration("type", EventKind.self)
        let data = try root.required("data", "an object")
        let payload = try EventPayload.decode(kind, data)
        try self.init(id: id, occurredAt: occurredAt, payload: payload)
    }

    /// Parses and strictly decodes one event document.
    public init(canonicalJSON bytes: [UInt8]) throws(EventFieldError) {
        let json: JSONValue
        do {
            json = try JSONParser.parse(bytes)
        } catch {
            throw EventFieldError(path: "", message: error.description)
        }
        try self.init(json: json)
    }
}

/// The typed content of an event; the case is the event's `type`.
public enum EventPayload: Sendable, Hashable {
    case productionConfirmation(ProductionConfirmation)
    case downtime(Downtime)
    case inventoryMovement(InventoryMovement)
    case qualityHold(QualityHold)
    case qualityRelease(QualityRelease)
    case deadLettered(DeadLetterTombstone)
    /// A raw telemetry sample kept for the low-priority `telemetry` stream; not a business fact.
    case telemetrySample(RawTelemetrySample)

    public var kind: EventKind {
        switch self {
        case .productionConfirmation: return .productionConfirmation
        case .downtime: return .downtime
        case .inventoryMovement: return .inventoryMovement
        case .qualityHold: return .qualityHold
        case .qualityRelease: return .qualityRelease
        case .deadLettered: return .deadLettered
        case .telemetrySample: return .telemetrySample
        }
    }

    var canonical: any CanonicalPayload {
        switch self {
        case .productionConfirmation(let value): return value
        case .downtime(let value): return value
        case .inventoryMovement(let value): return value
        case .qualityHold(let value): return value
        case .qualityRelease(let value): return value
        case .deadLettered(let value): return value
        case .telemetrySample(let value): return value
        }
    }

    static func decode(_ kind: EventKind, _ data: JSONValue) throws(EventFieldError) -> EventPayload {
        func reader<Payload: CanonicalPayload>(_ type: Payload.Type) throws(EventFieldError) -> FieldReader {
            try FieldReader(data, path: "data", fields: Payload.fieldNames)
        }
        switch kind {
        case .productionConfirmation:
            return .productionConfirmation(try ProductionConfirmation(reading: try reader(ProductionConfirmation.self)))
        case .downtime:
            return .downtime(try Downtime(reading: try reader(Downtime.self)))
        case .inventoryMovement:
            return .inventoryMovement(try InventoryMovement(reading: try reader(InventoryMovement.self)))
        case .qualityHold:
            return .qualityHold(try QualityHold(reading: try reader(QualityHold.self)))
        case .qualityRelease:
            return .qualityRelease(try QualityHold(reading: try reader(QualityHold.self)))
        case .deadLettered:
            return .deadLettered(try DeadLetterTombstone(reading: try reader(DeadLetterTombstone.self)))
        case .telemetrySample:
            return .telemetrySample(try RawTelemetrySample(reading: try reader(RawTelemetrySample.self)))
        }
    }
}

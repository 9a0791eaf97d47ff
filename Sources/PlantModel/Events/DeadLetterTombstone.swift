/// Sent in place of an event the hub refused for good (HTTP 422), so the stream stays gapless and the gap is
/// explained. The original stays in the agent's dead-letter table.
public struct DeadLetterTombstone: Sendable, Hashable {
    /// The refused event's sequence number in its stream.
    public var originalSeq: Int64
    public var originalID: EventID
    /// The refused event's `type` as journaled (kept as text: it may be a type this hub does not know).
    public var originalType: String
    /// The stream the refused event (and so this tombstone) travels in.
    public var originalStream: String
    /// The hub's reason, verbatim.
    public var reason: String

    public init(originalSeq: Int64, originalID: EventID, originalType: String, originalStream: String, reason: String) {
        self.originalSeq = originalSeq
        self.originalID = originalID
        self.originalType = originalType
        self.originalStream = originalStream
        self.reason = reason
    }
}

extension DeadLetterTombstone: CanonicalPayload {
    static let fieldNames = ["original_id", "original_seq", "original_stream", "original_type", "reason"]

    init(reading data: FieldReader) throws(EventFieldError) {
        let idText = try data.string("original_id")
        let id: EventID
        do {
            id = try EventID(idText)
        } catch {
            throw data.fail("original_id", error.description)
        }
        self.init(
            originalSeq: try data.integer("original_seq", minimum: 1), originalID: id,
            originalType: try data.string("original_type"), originalStream: try data.string("original_stream"),
            reason: try data.string("reason"))
    }

    func validate() throws(EventFieldError) {
        try requireNonEmpty(("original_type", originalType), ("original_stream", originalStream), ("reason", reason))
        if originalSeq < 1 { throw invalid("original_seq", "expected an integer ≥ 1, found \(originalSeq)") }
    }

    func writeFields(into writer: inout JSONWriter) {
        writer.member("original_id", string: originalID.rawValue)
        writer.member("original_seq", integer: originalSeq)
        writer.member("original_stream", string: originalStream)
        writer.member("original_type", string: originalType)
        writer.member("reason", string: reason)
    }
}

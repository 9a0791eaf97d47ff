/// Builds the body of `POST /v1/batches` by splicing the journal's stored canonical event bytes: each wire
/// event is `{"seq":N,` followed by the canonical bytes minus their leading `{`. No parsing, no re-encoding.
///
///     var batch = BatchEncoder(plant: "P100", stream: "production", epoch: epoch, firstSeq: 1201, backlog: backlog)
///     for row in rows { try batch.append(seq: row.seq, canonicalEvent: row.bytes) }
///     let body = batch.finish()
public struct BatchEncoder: Sendable {
    /// The seq the next appended event must have.
    public private(set) var nextSeq: Int64
    public private(set) var eventCount = 0
    private var writer: JSONWriter

    public init(
        plant: String, stream: String, epoch: String, firstSeq: Int64, backlog: [String: StreamBacklog] = [:],
        capacity: Int = 64 * 1024
    ) {
        nextSeq = firstSeq
        writer = JSONWriter(capacity: capacity)
        writer.bytes.append(UInt8(ascii: "{"))
        writer.key("backlog")
        writer.writeBacklog(backlog)
        writer.member("epoch", string: epoch)
        writer.member("first_seq", integer: firstSeq)
        writer.member("plant", string: plant)
        writer.member("stream", string: stream)
        writer.key("events")
        writer.bytes.append(UInt8(ascii: "["))
    }

    /// Size of the body `finish()` would return now.
    public var byteCount: Int { writer.bytes.count + 2 }

    /// Bytes one more event adds: `,` + `{"seq":N,` + canonical minus `{`.
    public static func wireSize(seq: Int64, canonicalCount: Int) -> Int {
        var digits = 1
        var rest = seq.magnitude / 10
        while rest > 0 {
            digits += 1
            rest /= 10
        }
        return 1 + 8 + (seq < 0 ? 1 : 0) + digits + canonicalCount - 1
    }

    /// Appends one journaled event. `seq` must be `nextSeq`; the bytes must be a canonical event object.
    public mutating func append(seq: Int64, canonicalEvent: UnsafeRawBufferPointer) throws(BatchEncodingError) {
        guard seq == nextSeq else { throw .nonContiguousSeq(expected: nextSeq, found: seq) }
        guard canonicalEvent.count >= 3, canonicalEvent[0] == UInt8(ascii: "{"),
            canonicalEvent[1] == UInt8(ascii: "\""), canonicalEvent[canonicalEvent.count - 1] == UInt8(ascii: "}")
        else { throw .notAnEventObject(seq: seq) }
        if eventCount > 0 { writer.bytes.append(UInt8(ascii: ",")) }
        writer.bytes.append(UInt8(ascii: "{"))
        writer.key("seq")
        writer.writeInteger(seq)
        writer.bytes.append(UInt8(ascii: ","))
        writer.bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: canonicalEvent[1...]))
        eventCount += 1
        nextSeq &+= 1  // wraps only after seq Int64.max; every later append then fails the contiguity check
    }

    public mutating func append(seq: Int64, canonicalEvent: [UInt8]) throws(BatchEncodingError) {
        let result = canonicalEvent.withUnsafeBytes { bytes in
            Result { () throws(BatchEncodingError) in try append(seq: seq, canonicalEvent: bytes) }
        }
        try result.get()
    }

    /// The finished body.
    public consuming func finish() -> [UInt8] {
        writer.bytes.append(UInt8(ascii: "]"))
        writer.bytes.append(UInt8(ascii: "}"))
        return writer.bytes
    }
}

public enum BatchEncodingError: Error, Equatable, Sendable, CustomStringConvertible {
    case nonContiguousSeq(expected: Int64, found: Int64)
    case notAnEventObject(seq: Int64)

    public var description: String {
        switch self {
        case let .nonContiguousSeq(expected, found):
            return "batch: expected seq \(expected) next, found \(found); a batch carries contiguous seqs"
        case let .notAnEventObject(seq):
            return "batch: the stored bytes of seq \(seq) are not a canonical event object"
        }
    }
}

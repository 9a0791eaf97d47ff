import PlantJournal
import PlantModel

/// Builds `POST /v1/batches` bodies (wire protocol v1) with PlantModel's `BatchEncoder`, which
/// splices each event's stored canonical bytes behind its `{"seq":N,` without re-encoding.
struct BatchBody: Sendable {
    let plant: String
    let stream: String
    let epoch: String

    /// The body for `events` (contiguous seqs) with the current backlog of every stream.
    /// Throws when a stored body is not a canonical event object (the lane dead-letters it).
    func encode(_ events: [StoredEvent], eventBytes: Int, backlog: [String: PlantModel.StreamBacklog])
        throws(BatchEncodingError)
        -> [UInt8]
    {
        var encoder = BatchEncoder(
            plant: plant, stream: stream, epoch: epoch, firstSeq: events.first?.seq ?? 1, backlog: backlog,
            capacity: eventBytes + 16 * events.count + 64 * backlog.count + 256)
        for event in events {
            try encoder.append(seq: event.seq, canonicalEvent: event.body)
        }
        return encoder.finish()
    }
}

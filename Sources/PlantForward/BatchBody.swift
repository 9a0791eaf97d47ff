import PlantJournal
import PlantModel

/// Builds `POST /v1/batches` bodies (wire protocol v1) from stored events without re-encoding
/// them: each event's stored canonical JSON is spliced in after `{"seq":N,`.
///
/// The body is built in two steps so the expensive part happens off the sending thread: the
/// reader makes `envelope` (everything up to the end of the events array) while the previous
/// batch is in flight; the sender appends the backlog, which must be current, just before sending.
struct BatchBody {
    let plant: String
    let epoch: String

    /// `{"plant":…,"stream":…,"epoch":…,"first_seq":N,"events":[…]` — the body without its tail.
    func envelope(stream: String, events: [StoredEvent], reserving tail: Int = 512) -> [UInt8] {
        var eventBytes = 0
        for event in events { eventBytes += event.body.count + 24 }
        var writer = JSONWriter(capacity: eventBytes + plant.utf8.count + stream.utf8.count + epoch.utf8.count + tail + 96)
        writer.writeRaw("{\"plant\":")
        writer.writeString(plant)
        writer.writeRaw(",\"stream\":")
        writer.writeString(stream)
        writer.writeRaw(",\"epoch\":")
        writer.writeString(epoch)
        writer.writeRaw(",\"first_seq\":")
        writer.writeInteger(events.first?.seq ?? 0)
        writer.writeRaw(",\"events\":[")
        for (index, event) in events.enumerated() {
            if index > 0 { writer.bytes.append(UInt8(ascii: ",")) }
            Self.splice(event, into: &writer)
        }
        writer.bytes.append(UInt8(ascii: "]"))
        return writer.bytes
    }

    /// The complete body: `envelope` + `,"backlog":{…}}`.
    static func complete(_ envelope: [UInt8], backlog: [(stream: String, pending: Int64, oldestAgeSeconds: Int64?)])
        -> [UInt8]
    {
        var writer = JSONWriter(capacity: 0)
        writer.bytes = envelope
        writer.writeRaw(",\"backlog\":{")
        for (index, entry) in backlog.enumerated() {
            if index > 0 { writer.bytes.append(UInt8(ascii: ",")) }
            writer.writeString(entry.stream)
            writer.writeRaw(":{\"pending\":")
            writer.writeInteger(entry.pending)
            writer.writeRaw(",\"oldest_age_s\":")
            if let age = entry.oldestAgeSeconds { writer.writeInteger(age) } else { writer.writeRaw("null") }
            writer.bytes.append(UInt8(ascii: "}"))
        }
        writer.writeRaw("}}")
        return writer.bytes
    }

    /// `{"seq":N,` + the canonical event without its leading `{` (or `{"seq":N}` for `{}`).
    static func splice(_ event: StoredEvent, into writer: inout JSONWriter) {
        writer.writeRaw("{\"seq\":")
        writer.writeInteger(event.seq)
        let body = event.body
        guard body.count > 2, body.first == UInt8(ascii: "{") else {
            writer.bytes.append(UInt8(ascii: "}"))
            return
        }
        writer.bytes.append(UInt8(ascii: ","))
        writer.bytes.append(contentsOf: body[1...])
    }
}

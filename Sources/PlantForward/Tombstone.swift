import PlantJournal
import PlantModel

/// The record that takes a dead-lettered event's place at its seq, so the stream stays gapless
/// and the hub learns why an event is missing.
///
/// Provisional: PlantModel's `EventID.tombstone(ofID:)` and `dead_lettered` event will replace
/// this shape once they land, so agent and hub agree on one definition.
enum Tombstone {
    static let eventType = "dead_lettered"

    static func id(of originalID: String) -> String { "tombstone/" + originalID }

    /// A `dead_lettered` event for `event`, rejected for `reason` at `now` (ms since the epoch).
    static func record(for event: StoredEvent, stream: String, reason: String, now: Int64) -> JournalRecord {
        let id = id(of: event.id)
        let occurredAt = Timestamp(millisecondsSinceEpoch: event.occurredAt).description
        let deadLetteredAt = Timestamp(millisecondsSinceEpoch: now).description
        let value: JSONValue = [
            "id": .string(id),
            "type": .string(eventType),
            "occurred_at": .string(occurredAt),
            "data": [
                "original_id": .string(event.id),
                "original_type": .string(event.type),
                "reason": .string(reason),
                "dead_lettered_at": .string(deadLetteredAt),
            ],
        ]
        return JournalRecord(
            stream: stream, id: id, type: eventType, occurredAt: event.occurredAt, body: JSONWriter.encode(value))
    }
}

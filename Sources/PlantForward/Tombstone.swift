import PlantJournal
import PlantModel

/// The record that takes a dead-lettered event's place at its seq (a `dead_lettered` event from
/// PlantModel), so the stream stays gapless and the hub learns why an event is missing.
enum Tombstone {
    static let eventType = EventKind.deadLettered.rawValue

    /// The tombstone for `event` (seq `event.seq` of `stream`), refused for `reason`. Throws only
    /// for texts PlantModel refuses (an empty stream name).
    ///
    /// `qualified`: the id names the seq too (`dead/<id>@seq-<n>`). Needed when the same event is
    /// dead-lettered a second time (an operator retried it and the hub refused it again): the
    /// first tombstone still holds the plain id, and ids are unique in the journal.
    static func record(
        for event: StoredEvent, stream: String, reason: String, qualified: Bool = false
    ) throws(EventFieldError) -> JournalRecord {
        // A journaled id is valid unless something else wrote the journal; the stand-in is
        // printable ASCII without spaces, so always a valid id.
        let originalID = (try? EventID(event.id)) ?? (try! EventID("invalid-id/seq-\(event.seq)"))
        let tombstone = DeadLetterTombstone(
            originalSeq: event.seq, originalID: originalID, originalType: event.type.isEmpty ? "unknown" : event.type,
            originalStream: stream, reason: reason.isEmpty ? "refused by the hub" : reason)
        let id =
            qualified
            ? EventID.tombstone(ofID: (try? EventID("\(originalID.rawValue)@seq-\(event.seq)")) ?? originalID)
            : EventID.tombstone(ofID: originalID)
        let tombstoneEvent = try Event(
            id: id, occurredAt: Timestamp(millisecondsSinceEpoch: event.occurredAt), payload: .deadLettered(tombstone))
        return JournalRecord(
            stream: stream, id: id.rawValue, type: eventType, occurredAt: event.occurredAt,
            body: tombstoneEvent.canonicalJSON())
    }
}

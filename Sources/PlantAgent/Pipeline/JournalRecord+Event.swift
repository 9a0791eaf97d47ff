import PlantJournal
import PlantModel

extension JournalRecord {
    /// The journal's record of a business event: its stream, id, type, time and canonical JSON.
    init(_ event: Event) {
        self.init(
            stream: event.stream, id: event.id.rawValue, type: event.type.rawValue,
            occurredAt: event.occurredAt.millisecondsSinceEpoch, body: event.canonicalJSON())
    }
}

import PlantModel

/// What the hub can never accept in an event that arrived in a well-formed batch (422): each
/// refused event gets a reason code and a sentence, and the agent dead-letters it.
///
/// - `event_too_large`: the canonical event is larger than `maxEventBytes`.
/// - `unknown_event_type`: `type` is none of `EventKind` (a newer agent, or a bug).
/// - `invalid_event`: the strict typed decoding of PlantModel fails (missing or mistyped fields,
///   quantities without units, non-canonical values).
/// (`event_id_conflict` is decided by the store: it needs what is already stored.)
public struct EventRules: Sendable {
    public var maxEventBytes: Int

    public init(maxEventBytes: Int = 1 << 20) {
        self.maxEventBytes = maxEventBytes
    }

    /// The refused events of `batch`, in seq order (empty when all are acceptable).
    public func rejections(_ batch: BatchRequest) -> [EventRejection] {
        var refused: [EventRejection] = []
        for event in batch.events {
            if let rejection = check(event) { refused.append(rejection) }
        }
        return refused
    }

    func check(_ event: WireEvent) -> EventRejection? {
        let id = event.id.rawValue
        if event.canonical.count > maxEventBytes {
            return EventRejection(
                seq: event.seq, id: id, reason: .eventTooLarge,
                message: "event of \(event.canonical.count) bytes exceeds the hub's limit of \(maxEventBytes) bytes")
        }
        guard EventKind(rawValue: event.type) != nil else {
            let known = EventKind.allCases.map(\.rawValue).joined(separator: ", ")
            return EventRejection(
                seq: event.seq, id: id, reason: .unknownEventType,
                message: "unknown event type \"\(event.type)\"; the hub accepts \(known)")
        }
        do throws(EventFieldError) {
            _ = try event.decodeEvent()
            return nil
        } catch {
            return EventRejection(seq: event.seq, id: id, reason: .invalidEvent, message: error.description)
        }
    }
}

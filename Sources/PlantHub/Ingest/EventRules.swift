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
        // Through the buffer: each event is borrowed in place, not copied (no retain of its id and bytes).
        batch.events.withUnsafeBufferPointer { events in
            for k in events.indices {
                if let rejection = check(events[k]) { refused.append(rejection) }
            }
        }
        return refused
    }

    func check(_ event: borrowing WireEvent) -> EventRejection? {
        if event.canonical.count > maxEventBytes {
            return EventRejection(
                seq: event.seq, id: event.id.rawValue, reason: .eventTooLarge,
                message: "event of \(event.canonical.count) bytes exceeds the hub's limit of \(maxEventBytes) bytes")
        }
        guard event.kind != nil else {
            let known = EventKind.allCases.map(\.rawValue).joined(separator: ", ")
            return EventRejection(
                seq: event.seq, id: event.id.rawValue, reason: .unknownEventType,
                message: "unknown event type \"\(event.type)\"; the hub accepts \(known)")
        }
        do throws(EventFieldError) {
            try event.validate()  // no second parse for events the batch decoder certified
            return nil
        } catch {
            return EventRejection(
                seq: event.seq, id: event.id.rawValue, reason: .invalidEvent, message: error.description)
        }
    }
}

import PlantConfig
import PlantModel

/// The `tryton` connector: posts production confirmations and inventory movements to Tryton 8.2 over
/// JSON-RPC (see docs/erp.md). One event per posting; the outbox hands a stream's events over in
/// order on one thread, so the postings of one production order never race.
public final class TrytonConnector: ERPConnector {
    public let settings: TrytonSettings
    private let client: TrytonClient
    private let postings: TrytonPostings

    public init(settings: TrytonSettings) throws {
        self.settings = settings
        client = try TrytonClient(settings: settings)
        postings = TrytonPostings(
            client: client, master: TrytonMasterData(client: client, settings: settings), settings: settings)
    }

    public var maxEventsPerPosting: Int { 1 }

    public func close() { client.close() }

    public func deliver(_ events: [OutboxEvent]) -> DeliveryOutcome {
        var accepted = 0
        for event in events {
            if let failure = post(event) { return DeliveryOutcome(accepted: accepted, failure: failure) }
            accepted += 1
        }
        return .all(accepted)
    }

    private func post(_ outboxEvent: OutboxEvent) -> DeliveryFailure? {
        let event: Event
        do {
            event = try Event(canonicalJSON: outboxEvent.canonical)
        } catch {
            return .permanent("event \(outboxEvent.id) cannot be read: \(error)")
        }
        do throws(TrytonFailure) {
            switch event.payload {
            case .productionConfirmation(let confirmation):
                try postings.post(confirmation, eventID: outboxEvent.id)
            case .inventoryMovement(let movement):
                try postings.post(movement, eventID: outboxEvent.id, occurredAt: event.occurredAt)
            case .downtime, .qualityHold, .qualityRelease, .deadLettered, .telemetrySample:
                break  // Nothing to book in Tryton's stock and production.
            }
            return nil
        } catch {
            return error.deliveryFailure
        }
    }
}

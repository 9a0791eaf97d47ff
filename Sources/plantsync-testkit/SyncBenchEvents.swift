import PlantJournal
import PlantModel

/// The synthetic business events of the sync benchmarks: small, valid events of the three business
/// streams (inventory receipts, quality holds, downtimes), canonical JSON exactly as the agent
/// journals it (`Event.canonicalJSON()`), about 150–230 bytes each, ids unique per number.
enum SyncBenchEvents {
    static let streams = ["inventory", "quality", "production"]
    /// 2026-11-22T14:00:00Z.
    static let baseTime: Int64 = 1_795_874_400_000

    /// Event `number` (1-based) of `plant`: stream `streams[number % 3]`.
    static func record(_ number: Int, plant: String) throws -> JournalRecord {
        let at = Timestamp(millisecondsSinceEpoch: baseTime + Int64(number))
        let payload: EventPayload
        let prefix: String
        switch number % 3 {
        case 0:
            prefix = "i"
            payload = .inventoryMovement(
                InventoryMovement(
                    kind: .receipt, plant: plant, item: "M-\(number % 10_000)",
                    quantity: DecimalNumber(number % 50 + 1),
                    unit: "PCE", toLocation: "WE01"))
        case 1:
            prefix = "q"
            payload = .qualityHold(
                QualityHold(plant: plant, item: "M-\(number % 10_000)", reason: "QN-\(number % 100)"))
        default:
            prefix = "d"
            let start = Timestamp(millisecondsSinceEpoch: baseTime + Int64(number) * 1_000)
            payload = .downtime(
                Downtime(
                    plant: plant, line: "L3", reason: "jam",
                    start: start, end: Timestamp(millisecondsSinceEpoch: start.millisecondsSinceEpoch + 60_000)))
        }
        let event = try Event(id: try EventID("b/\(prefix)/\(number)"), occurredAt: at, payload: payload)
        return JournalRecord(
            stream: event.stream, id: event.id.rawValue, type: event.type.rawValue,
            occurredAt: event.occurredAt.millisecondsSinceEpoch, body: event.canonicalJSON())
    }
}

extension SyncBenchEvents {
    /// An inventory receipt of `plant` as canonical bytes split around its id's number, so a load
    /// generator can make event `n` by splicing digits: `prefix + "n" + suffix` is exactly
    /// `Event.canonicalJSON()` of the receipt with id `b/i/n` (checked here for one number).
    static func prototypeInventory(plant: String) throws -> (prefix: [UInt8], suffix: [UInt8]) {
        func canonical(_ id: String) throws -> [UInt8] {
            let payload = EventPayload.inventoryMovement(
                InventoryMovement(
                    kind: .receipt, plant: plant, item: "M-1", quantity: DecimalNumber(1), unit: "PCE",
                    toLocation: "WE01"))
            let event = try Event(
                id: try EventID(id), occurredAt: Timestamp(millisecondsSinceEpoch: baseTime), payload: payload)
            return event.canonicalJSON()
        }
        let marked = try canonical("b/i/@")
        let mark = marked.firstIndex(of: UInt8(ascii: "@"))!
        let prototype = (Array(marked[..<mark]), Array(marked[(mark + 1)...]))
        guard prototype.0 + Array("4711".utf8) + prototype.1 == (try canonical("b/i/4711")) else {
            throw LoopbackSockets.Failure(description: "the inventory prototype does not splice to canonical bytes")
        }
        return prototype
    }
}

// The station rules: each item scan becomes one movement (or quality hold/release) at the station's locations;
// location scans and end/clear codes steer short multi-scan sequences. A pure state machine: no I/O, no clock.
import PlantModel

/// One scanner's station. Feed it every decoded scan in order; it answers with an event payload to journal,
/// a sequence change, or a rejection with its reason.
///
/// Sequences: a scanned location fills the station's open location (receipt, production receipt and cycle
/// count: the to-location; issue: the from-location; quality: the location; transfer: the from-location, then
/// the to-location, or whichever is not configured) and holds until the end or clear code. Configured
/// locations apply whenever none was scanned.
public struct Station: Sendable {
    public let configuration: StationConfiguration
    public let plant: String
    /// The order running on a line now, or nil when none is known.
    private let currentOrder: @Sendable (_ line: String) -> String?
    /// Locations scanned in the current sequence.
    public private(set) var scannedFrom: String?
    public private(set) var scannedTo: String?
    private var itemsInSequence = 0

    public init(
        configuration: StationConfiguration, plant: String,
        currentOrder: @escaping @Sendable (_ line: String) -> String? = { _ in nil }
    ) {
        self.configuration = configuration
        self.plant = plant
        self.currentOrder = currentOrder
    }

    /// Applies one scan. `raw` is the scan as read (for `raw_scan`), `time` when it was read.
    public mutating func handle(scan: DecodedScan, raw: String, at time: Timestamp) -> StationResult {
        switch StationScan.classify(scan, configuration: configuration) {
        case .failure(let rejection):
            return .rejected(rejection)
        case .success(.endOfSequence):
            let items = itemsInSequence
            resetSequence()
            return .prompt(.sequenceEnded(items: items))
        case .success(.clear):
            resetSequence()
            return .prompt(.cleared)
        case .success(.location(let location)):
            return scanned(location: location)
        case .success(.goods(let goods)):
            switch payload(for: goods, raw: raw) {
            case .success(let payload):
                itemsInSequence += 1
                return .record(payload, at: time)
            case .failure(let rejection):
                return .rejected(rejection)
            }
        }
    }

    /// The from-location an item scan would use now.
    public var fromLocation: String? { scannedFrom ?? configuration.fromLocation }
    /// The to-location (or, for quality movements, the location) an item scan would use now.
    public var toLocation: String? {
        scannedTo ?? (configuration.movement.isQuality ? configuration.location : configuration.toLocation)
    }

    private mutating func resetSequence() {
        scannedFrom = nil
        scannedTo = nil
        itemsInSequence = 0
    }

    private mutating func scanned(location: String) -> StationResult {
        switch configuration.movement {
        case .receipt, .productionReceipt, .cycleCount:
            scannedTo = location
            return .prompt(.locationSet(.to, location))
        case .qualityHold, .qualityRelease:
            scannedTo = location
            return .prompt(.locationSet(.at, location))
        case .issue:
            scannedFrom = location
            return .prompt(.locationSet(.from, location))
        case .transfer:
            return scannedTransfer(location: location)
        }
    }

    private mutating func scannedTransfer(location: String) -> StationResult {
        switch (configuration.fromLocation, configuration.toLocation) {
        case (let from?, let to?):
            return .rejected(
                StationRejection(
                    "station \(configuration.id) transfers from \"\(from)\" to \"\(to)\" as "
                        + "configured and takes no location scans; got location \"\(location)\""))
        case (_?, nil):
            scannedTo = location
            return .prompt(.locationSet(.to, location))
        case (nil, _?):
            scannedFrom = location
            return .prompt(.locationSet(.from, location))
        case (nil, nil):
            // From first, then to; a location scan after a complete pair starts the next pair.
            if let from = scannedFrom, scannedTo == nil {
                if from == location {
                    return .rejected(
                        StationRejection(
                            "to-location \"\(location)\" is the from-location; scan a "
                                + "different location or the clear code \"\(configuration.clearCode)\""))
                }
                scannedTo = location
                return .prompt(.locationSet(.to, location))
            }
            scannedFrom = location
            scannedTo = nil
            return .prompt(.locationSet(.from, location))
        }
    }

    private func payload(for goods: ScannedGoods, raw: String) -> Result<EventPayload, StationRejection> {
        let movement = configuration.movement
        var quantity = goods.quantity
        var unit = goods.unit
        if quantity == nil && goods.sscc == nil && !movement.isQuality {
            quantity = configuration.defaultQuantity
            unit = configuration.unit
        }
        if let quantity, quantity.isZero, movement != .cycleCount {
            return .failure(
                StationRejection(
                    "quantity 0 from AI (\(goods.quantityAI ?? "?")): nothing to book for "
                        + "movement \(movement.rawValue)"))
        }
        if movement.isQuality {
            let hold = QualityHold(
                plant: plant, item: goods.item, gtin: goods.gtin, lot: goods.lot, sscc: goods.sscc,
                location: toLocation, quantity: quantity, unit: unit, reason: configuration.reason ?? movement.rawValue,
                station: configuration.id)
            return .success(movement == .qualityHold ? .qualityHold(hold) : .qualityRelease(hold))
        }
        var record = InventoryMovement(
            kind: .receipt, plant: plant, item: goods.item, gtin: goods.gtin, lot: goods.lot, serial: goods.serial,
            sscc: goods.sscc, quantity: quantity, unit: unit, station: configuration.id, rawScan: raw)
        switch movement {
        case .receipt, .cycleCount:
            guard let to = toLocation else { return .failure(missingLocation(.to)) }
            record.kind = movement == .receipt ? .receipt : .cycleCount
            record.toLocation = to
        case .productionReceipt:
            guard let to = toLocation else { return .failure(missingLocation(.to)) }
            record.kind = .productionReceipt
            record.toLocation = to
            switch runningOrder() {
            case .success(let order): record.order = order
            case .failure(let rejection): return .failure(rejection)
            }
        case .issue:
            guard let from = fromLocation else { return .failure(missingLocation(.from)) }
            record.kind = .issue
            record.fromLocation = from
            switch runningOrder() {
            case .success(let order): record.order = order
            case .failure(let rejection): return .failure(rejection)
            }
        case .transfer:
            guard let from = fromLocation else { return .failure(missingLocation(.from)) }
            guard let to = toLocation else { return .failure(missingLocation(.to)) }
            if from == to {
                return .failure(StationRejection("from-location and to-location are both \"\(from)\": nothing moves"))
            }
            record.kind = .transfer
            record.fromLocation = from
            record.toLocation = to
        case .qualityHold, .qualityRelease:
            preconditionFailure("quality movements are handled above")
        }
        return .success(.inventoryMovement(record))
    }

    private func runningOrder() -> Result<String, StationRejection> {
        let line = configuration.line ?? ""
        guard let order = currentOrder(line), !order.isEmpty else {
            return .failure(
                StationRejection(
                    "no order is running on line \(line): movement "
                        + "\(configuration.movement.rawValue) books to the line's current order"))
        }
        return .success(order)
    }

    private func missingLocation(_ role: StationPrompt.Role) -> StationRejection {
        let key = role == .from ? "from_location" : "to_location"
        return StationRejection(
            "no \(role.rawValue): scan a location (\(configuration.locationPrefix)… or a GLN "
                + "(414)) before the items; station \(configuration.id) has no \(key) configured")
    }
}

import PlantConfig
import PlantModel

/// How events become Tryton records (see docs/erp.md, "tryton connector"). Every record the connector
/// creates is a `stock.move` carrying the event id in `plantsync_event` (the field of the `plantsync`
/// Tryton module), written in the same call that creates the move; a posting first searches for that
/// id, so an event delivered again (after a hub crash) is recognised and never posted twice.
struct TrytonPostings {
    let client: TrytonClient
    let master: TrytonMasterData
    let settings: TrytonSettings
    var options: TrytonPostingOptions { settings.posting }

    static let zeroPrice = TrytonRPC.decimal(.zero)

    /// production_confirmation: one output move of the order per confirmation holding its yield, from
    /// the order's production location into the warehouse's storage; scrap as a second output into
    /// `scrap_location` when set. On a final confirmation, when `completeOrdersOnFinal`, the order is
    /// walked to done.
    func post(_ confirmation: ProductionConfirmation, eventID: String) throws(TrytonFailure) {
        let mapping = try master.plant(confirmation.plant)
        let company = mapping.company
        let context = TrytonMasterData.context(company: company)
        let orders = try master.searchRead(
            "production", [["reference", "=", .string(confirmation.order)]], ["state", "product", "location"],
            company: company)
        guard let order = orders.first, let orderID = order["id"]?.numberValue?.int64Value else {
            throw .permanent(
                "production order \(confirmation.order) not found in Tryton (production.reference) for plant "
                    + confirmation.plant)
        }
        guard orders.count == 1 else {
            throw .permanent(
                "production order \(confirmation.order) is ambiguous in Tryton: \(orders.count) "
                    + "productions have that reference")
        }
        guard let product = order["product"]?.numberValue?.int64Value,
            let production = order["location"]?.numberValue?.int64Value
        else {
            throw .permanent("production order \(confirmation.order) in Tryton has no product or production location")
        }
        let scrapKey = eventID + "#scrap"
        let posted = try master.searchRead(
            "stock.move", [["plantsync_event", "in", [.string(eventID), .string(scrapKey)]]], [], company: company)
        if posted.isEmpty {
            var moves: [JSONValue] = []
            let postScrap = settings.scrapLocation != nil && !confirmation.scrap.isZero
            if !confirmation.yield.isZero || postScrap {
                let unit = try master.mappedUnit(confirmation.unit, company: company)
                let warehouse = try master.warehouse(mapping)
                let currency = try master.currency(company: company)
                func move(_ quantity: DecimalNumber, to location: Int64, key: String) -> JSONValue {
                    [
                        "product": .integer(product), "unit": .integer(unit), "quantity": TrytonRPC.float(quantity),
                        "from_location": .integer(production), "to_location": .integer(location),
                        "company": .integer(Int64(company)), "unit_price": Self.zeroPrice,
                        "currency": .integer(currency),
                        "plantsync_event": .string(key),
                    ]
                }
                if !confirmation.yield.isZero {
                    moves.append(move(confirmation.yield, to: warehouse.storage, key: eventID))
                }
                if postScrap, let scrapCode = settings.scrapLocation {
                    let scrap = try master.location(scrapCode, company: company)
                    moves.append(move(confirmation.scrap, to: scrap, key: scrapKey))
                }
            }
            if !moves.isEmpty {
                _ = try client.model(
                    "production", "write", [[.integer(orderID)], ["outputs": [["create", .array(moves)]]]],
                    context: context)
            }
        }
        if options.completeOrdersOnFinal && confirmation.isFinal {
            try walk(order: orderID, reference: confirmation.order, to: "done", company: company)
        }
    }

    /// Calls the workflow buttons still ahead of the order's current state (read first).
    func walk(order: Int64, reference: String, to target: String, company: Int) throws(TrytonFailure) {
        let context = TrytonMasterData.context(company: company)
        let state =
            try master.searchRead("production", [["id", "=", .integer(order)]], ["state"], company: company)
            .first?["state"]?.stringValue ?? "?"
        guard let buttons = TrytonOrderTransitions.buttons(from: state, to: target) else {
            throw .permanent("production order \(reference) is \(state) in Tryton, cannot bring it to \(target)")
        }
        for button in buttons {
            _ = try client.model("production", button, [[.integer(order)]], context: context)
        }
    }

    /// inventory_movement: one stock move (receipt: supplier location → mapped location; issue: mapped
    /// location → the warehouse's production location; transfer: mapped → mapped; adjustment: from or to
    /// lost and found), done when `doMoves` and it comes from outside storage (receipts, write-ups). `production_receipt` (posted by the confirmations) and
    /// `cycle_count` (a Tryton inventory's job) are accepted without a posting.
    /// Returns false when the movement is accepted without a posting.
    @discardableResult
    func post(_ movement: InventoryMovement, eventID: String, occurredAt: Timestamp) throws(TrytonFailure) -> Bool {
        if movement.kind == .productionReceipt || movement.kind == .cycleCount { return false }
        let mapping = try master.plant(movement.plant)
        let company = mapping.company
        let context = TrytonMasterData.context(company: company)
        guard let quantity = movement.quantity, let eventUnit = movement.unit else {
            throw .permanent(
                "a \(movement.kind.rawValue) without quantity (a whole SSCC \(movement.sscc ?? "")) "
                    + "cannot be posted to Tryton: a stock move needs a quantity")
        }
        let posted = try master.searchRead(
            "stock.move", [["plantsync_event", "=", .string(eventID)]], ["state"], company: company)
        var move = posted.first?["id"]?.numberValue?.int64Value
        var state = posted.first?["state"]?.stringValue ?? "draft"
        if move == nil {
            let product = try master.mappedProduct(item: movement.item, gtin: movement.gtin, company: company)
            let unit = try master.mappedUnit(eventUnit, company: company)
            let (from, to) = try locations(of: movement, mapping: mapping)
            var values: JSONObject = [
                "product": .integer(product.id), "unit": .integer(unit), "quantity": TrytonRPC.float(quantity),
                "from_location": .integer(from), "to_location": .integer(to), "company": .integer(Int64(company)),
                "plantsync_event": .string(eventID), "effective_date": TrytonRPC.date(occurredAt.date),
            ]
            // Tryton wants a price (and currency) exactly on moves from a supplier, and refuses a currency
            // on internal moves ("not valid according to its domain").
            if movement.kind == .receipt {
                values["unit_price"] = Self.zeroPrice
                values["currency"] = .integer(try master.currency(company: company))
            }
            let created = try client.model("stock.move", "create", [[.object(values)]], context: context)
            move = created.arrayValue?.first?.numberValue?.int64Value
            state = "draft"
        }
        // Tryton 8.2 books a move out of storage only once assigned, and `assign`/`assign_try` of
        // stock.move are not callable over RPC (403): such moves stay drafts for Tryton's assignment.
        let fromOutside = movement.kind == .receipt || (movement.kind == .adjustment && movement.toLocation != nil)
        if options.doMoves, fromOutside, state != "done", let move {
            _ = try client.model("stock.move", "do", [[.integer(move)]], context: context)
        }
        return true
    }

    private func locations(of movement: InventoryMovement, mapping: TrytonSettings.PlantMapping) throws(TrytonFailure)
        -> (Int64, Int64)
    {
        let company = mapping.company
        func mapped(_ code: String?, _ field: String) throws(TrytonFailure) -> Int64 {
            guard let code else { throw .permanent("a \(movement.kind.rawValue) without \(field)") }
            return try master.mappedLocation(code, company: company)
        }
        switch movement.kind {
        case .receipt:
            return (
                try master.location(settings.supplierLocation, company: company),
                try mapped(movement.toLocation, "to_location")
            )
        case .issue:
            return (try mapped(movement.fromLocation, "from_location"), try master.warehouse(mapping).production)
        case .transfer:
            return (try mapped(movement.fromLocation, "from_location"), try mapped(movement.toLocation, "to_location"))
        case .adjustment:
            let lost = try lostFound(mapping)
            if let to = movement.toLocation { return (lost, try master.mappedLocation(to, company: company)) }
            return (try mapped(movement.fromLocation, "from_location"), lost)
        case .productionReceipt, .cycleCount:
            throw .permanent("a \(movement.kind.rawValue) is not posted as a stock move")
        }
    }

    /// `lost_found_location` by code, else the warehouse's own lost and found location (Tryton's
    /// default one has no code).
    private func lostFound(_ mapping: TrytonSettings.PlantMapping) throws(TrytonFailure) -> Int64 {
        do {
            return try master.location(settings.lostFoundLocation, company: mapping.company)
        } catch .permanent(let message) {
            guard let id = try master.warehouse(mapping).lostFound else { throw .permanent(message) }
            return id
        }
    }
}

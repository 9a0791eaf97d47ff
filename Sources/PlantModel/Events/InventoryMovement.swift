/// Stock moved, arrived, left, was corrected or counted — mostly from scans and file drops.
/// Quantities are never negative: `from_location` is where stock decreases, `to_location` where it increases.
public struct InventoryMovement: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        /// Goods received from outside (supplier, other plant): `to_location` required.
        case receipt
        /// Goods issued (to an order, a customer, consumption): `from_location` required.
        case issue
        /// Moved inside the plant: `from_location` and `to_location` required and different.
        case transfer
        /// Stock corrected: exactly one of `to_location` (found, write-up) or `from_location` (write-off).
        case adjustment
        /// Finished goods received from production: `to_location` and `order` required.
        case productionReceipt = "production_receipt"
        /// Counted quantity at `to_location` (the counted location); `from_location` not allowed.
        case cycleCount = "cycle_count"
    }

    public var kind: Kind
    public var plant: String
    /// ERP material number. At least one of item, gtin, sscc identifies what moved.
    public var item: String?
    public var gtin: String?
    public var lot: String?
    public var serial: String?
    /// Handling unit (pallet) moved as a whole.
    public var sscc: String?
    /// Required unless an SSCC moved as a whole; always with `unit`.
    public var quantity: DecimalNumber?
    public var unit: String?
    public var fromLocation: String?
    public var toLocation: String?
    public var order: String?
    public var station: String?
    /// The scanned barcode text as read (GS1 group separators included), for audit.
    public var rawScan: String?

    public init(
        kind: Kind, plant: String, item: String? = nil, gtin: String? = nil, lot: String? = nil,
        serial: String? = nil, sscc: String? = nil, quantity: DecimalNumber? = nil, unit: String? = nil,
        fromLocation: String? = nil, toLocation: String? = nil, order: String? = nil, station: String? = nil,
        rawScan: String? = nil
    ) {
        self.kind = kind
        self.plant = plant
        self.item = item
        self.gtin = gtin
        self.lot = lot
        self.serial = serial
        self.sscc = sscc
        self.quantity = quantity
        self.unit = unit
        self.fromLocation = fromLocation
        self.toLocation = toLocation
        self.order = order
        self.station = station
        self.rawScan = rawScan
    }
}

extension InventoryMovement: CanonicalPayload {
    static let fieldNames = [
        "from_location", "gtin", "item", "kind", "lot", "order", "plant", "quantity", "raw_scan", "serial", "sscc",
        "station", "to_location", "unit",
    ]

    init(reading data: FieldReader) throws(EventFieldError) {
        self.init(
            kind: try data.enumeration("kind", Kind.self), plant: try data.string("plant"),
            item: try data.optionalString("item"), gtin: try data.optionalString("gtin"),
            lot: try data.optionalString("lot"), serial: try data.optionalString("serial"),
            sscc: try data.optionalString("sscc"), quantity: try data.optionalDecimal("quantity"),
            unit: try data.optionalString("unit"), fromLocation: try data.optionalString("from_location"),
            toLocation: try data.optionalString("to_location"), order: try data.optionalString("order"),
            station: try data.optionalString("station"), rawScan: try data.optionalString("raw_scan"))
    }

    func validate() throws(EventFieldError) {
        try requireNonEmpty(
            ("plant", plant), ("item", item), ("gtin", gtin), ("lot", lot), ("serial", serial),
            ("sscc", sscc), ("unit", unit), ("from_location", fromLocation),
            ("to_location", toLocation), ("order", order), ("station", station),
            ("raw_scan", rawScan))
        if item == nil && gtin == nil && sscc == nil {
            throw invalid("", "expected at least one of item, gtin, sscc to say what moved")
        }
        try requireGS1(gtin: gtin, sscc: sscc)
        try requireQuantityWithUnit(quantity, unit)
        if quantity == nil && sscc == nil { throw invalid("quantity", "required unless an sscc moves as a whole") }
        try requireNonNegative(("quantity", quantity))
        let kindName = kind.rawValue
        switch kind {
        case .receipt:
            if toLocation == nil { throw invalid("to_location", "required for kind \(kindName)") }
        case .productionReceipt:
            if toLocation == nil { throw invalid("to_location", "required for kind \(kindName)") }
            if order == nil { throw invalid("order", "required for kind \(kindName)") }
        case .issue:
            if fromLocation == nil { throw invalid("from_location", "required for kind \(kindName)") }
        case .transfer:
            guard let fromLocation else { throw invalid("from_location", "required for kind \(kindName)") }
            guard let toLocation else { throw invalid("to_location", "required for kind \(kindName)") }
            if fromLocation == toLocation {
                throw invalid("to_location", "expected a location different from from_location \"\(fromLocation)\"")
            }
        case .adjustment:
            if (fromLocation == nil) == (toLocation == nil) {
                throw invalid(
                    "to_location",
                    "expected exactly one of from_location (write-off) or "
                        + "to_location (write-up) for kind \(kindName)")
            }
        case .cycleCount:
            if toLocation == nil {
                throw invalid("to_location", "required for kind \(kindName) (the counted location)")
            }
            if fromLocation != nil { throw invalid("from_location", "not allowed for kind \(kindName)") }
        }
    }

    func writeFields(into writer: inout JSONWriter) {
        writer.member("from_location", string: fromLocation)
        writer.member("gtin", string: gtin)
        writer.member("item", string: item)
        writer.member("kind", string: kind.rawValue)
        writer.member("lot", string: lot)
        writer.member("order", string: order)
        writer.member("plant", string: plant)
        writer.member("quantity", decimalString: quantity)
        writer.member("raw_scan", string: rawScan)
        writer.member("serial", string: serial)
        writer.member("sscc", string: sscc)
        writer.member("station", string: station)
        writer.member("to_location", string: toLocation)
        writer.member("unit", string: unit)
    }
}

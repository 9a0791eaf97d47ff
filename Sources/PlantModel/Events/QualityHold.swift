/// Stock blocked for use (`quality_hold`) or released again (`quality_release`): both carry these fields.
public struct QualityHold: Sendable, Hashable {
    public var plant: String
    /// At least one of item, gtin, lot, sscc says what is held.
    public var item: String?
    public var gtin: String?
    public var lot: String?
    public var sscc: String?
    public var location: String?
    /// Only part of the stock; nil means all of it. Always with `unit`.
    public var quantity: DecimalNumber?
    public var unit: String?
    /// Why it was held or released (inspection result, complaint number…).
    public var reason: String
    public var station: String?

    public init(
        plant: String, item: String? = nil, gtin: String? = nil, lot: String? = nil, sscc: String? = nil,
        location: String? = nil, quantity: DecimalNumber? = nil, unit: String? = nil, reason: String,
        station: String? = nil
    ) {
        self.plant = plant
        self.item = item
        self.gtin = gtin
        self.lot = lot
        self.sscc = sscc
        self.location = location
        self.quantity = quantity
        self.unit = unit
        self.reason = reason
        self.station = station
    }
}

/// A release carries the same fields as the hold it lifts.
public typealias QualityRelease = QualityHold

extension QualityHold: CanonicalPayload {
    static let fieldNames = [
        "gtin", "item", "location", "lot", "plant", "quantity", "reason", "sscc", "station", "unit",
    ]

    init(reading data: FieldReader) throws(EventFieldError) {
        self.init(
            plant: try data.string("plant"), item: try data.optionalString("item"),
            gtin: try data.optionalString("gtin"), lot: try data.optionalString("lot"),
            sscc: try data.optionalString("sscc"), location: try data.optionalString("location"),
            quantity: try data.optionalDecimal("quantity"), unit: try data.optionalString("unit"),
            reason: try data.string("reason"), station: try data.optionalString("station"))
    }

    func validate() throws(EventFieldError) {
        try requireNonEmpty(
            ("plant", plant), ("item", item), ("gtin", gtin), ("lot", lot), ("sscc", sscc),
            ("location", location), ("unit", unit), ("reason", reason), ("station", station))
        if item == nil && gtin == nil && lot == nil && sscc == nil {
            throw invalid("", "expected at least one of item, gtin, lot, sscc to say what is held")
        }
        try requireGS1(gtin: gtin, sscc: sscc)
        try requireQuantityWithUnit(quantity, unit)
        try requireNonNegative(("quantity", quantity))
    }

    func writeFields(into writer: inout JSONWriter) {
        writer.member("gtin", string: gtin)
        writer.member("item", string: item)
        writer.member("location", string: location)
        writer.member("lot", string: lot)
        writer.member("plant", string: plant)
        writer.member("quantity", decimalString: quantity)
        writer.member("reason", string: reason)
        writer.member("sscc", string: sscc)
        writer.member("station", string: station)
        writer.member("unit", string: unit)
    }
}

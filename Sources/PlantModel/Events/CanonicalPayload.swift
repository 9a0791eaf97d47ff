/// What every event payload struct implements: strict decoding, validation and canonical writing.
protocol CanonicalPayload: Sendable, Hashable {
    /// Every allowed field name, sorted by UTF-8 bytes.
    static var fieldNames: [String] { get }
    /// Reads the fields (types and canonical forms); `validate()` then checks the rules between them.
    init(reading data: FieldReader) throws(EventFieldError)
    /// Business rules; errors have paths under "data".
    func validate() throws(EventFieldError)
    /// Writes the members (not the braces) in UTF-8 key order, nil members omitted.
    func writeFields(into writer: inout JSONWriter)
}

extension CanonicalPayload {
    func invalid(_ field: String, _ message: String) -> EventFieldError {
        EventFieldError(path: field.isEmpty ? "data" : "data.\(field)", message: message)
    }

    func requireNonEmpty(_ fields: (String, String?)...) throws(EventFieldError) {
        for (name, value) in fields where value?.isEmpty == true {
            throw invalid(name, "expected a non-empty string, found \"\"")
        }
    }

    func requireNonNegative(_ fields: (String, DecimalNumber?)...) throws(EventFieldError) {
        for (name, value) in fields {
            if let value, value.isNegative { throw invalid(name, "expected a quantity ≥ 0, found \"\(value)\"") }
        }
    }

    func requireNonNegative(_ field: String, _ milliseconds: Int64) throws(EventFieldError) {
        if milliseconds < 0 {
            throw invalid(field, "expected a duration ≥ 0, found \(DecimalNumber.stripped(milliseconds, scale: 3))")
        }
    }

    func requireGS1(gtin: String?, sscc: String?) throws(EventFieldError) {
        if let gtin, !GS1CheckDigit.isValidGTIN(gtin) {
            throw invalid("gtin", "expected 8, 12, 13 or 14 digits with a valid GS1 check digit, found \"\(gtin)\"")
        }
        if let sscc, !GS1CheckDigit.isValidSSCC(sscc) {
            throw invalid("sscc", "expected 18 digits with a valid GS1 check digit, found \"\(sscc)\"")
        }
    }

    func requireQuantityWithUnit(_ quantity: DecimalNumber?, _ unit: String?) throws(EventFieldError) {
        if quantity != nil && unit == nil { throw invalid("unit", "required when quantity is given") }
        if quantity == nil && unit != nil { throw invalid("quantity", "required when unit is given") }
    }
}

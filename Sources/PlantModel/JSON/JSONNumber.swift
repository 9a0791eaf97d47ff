/// A JSON number kept as its exact text, so nothing is lost to binary floating point on the way through.
public struct JSONNumber: Sendable, Hashable, CustomStringConvertible {
    /// The number exactly as written, e.g. "12.50" or "1e3". Equality compares this text.
    public let text: String

    init(uncheckedText text: String) {
        self.text = text
    }

    /// Checks `text` against the RFC 8259 number grammar.
    public init(validating text: String) throws(JSONParseError) {
        let value = try JSONParser(limits: .init(maxDepth: 1, maxBytes: 4096)).parse(text)
        guard case .number(let number) = value else {
            throw JSONParseError(code: .syntax, offset: 0, message: "expected a JSON number, found a \(value.typeName)")
        }
        self = number
    }

    public init(_ value: Int64) {
        self.text = String(value)
    }

    public init(_ value: Int) {
        self.text = String(value)
    }

    public init(_ value: DecimalNumber) {
        self.text = value.description
    }

    public var description: String { text }

    /// The value when the text is an integer that fits Int64 ("12", "-3"; not "12.0" or "1e2").
    public var int64Value: Int64? { Int64(text) }

    /// The exact decimal value ("1e3" → 1000); throws when it exceeds DecimalNumber's range or scale.
    public func decimalValue() throws(DecimalError) -> DecimalNumber {
        try DecimalNumber(parsing: text)
    }
}

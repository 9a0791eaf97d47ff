/// Why a decimal could not be parsed or an operation on decimals could not be done exactly.
public enum DecimalError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The text is not a decimal number. `offset` is the 0-based character where `expected` was
    /// not found; `found` is that character quoted, or "end of text".
    case syntax(text: String, offset: Int, expected: String, found: String)
    /// The value needs more than 18 digits after the point (nonzero digits beyond the 18th).
    case tooManyDecimalPlaces(text: String)
    /// The value does not fit a signed 64-bit significand at its scale.
    case outOfRange(text: String)
    /// An arithmetic result does not fit (`operation` shows the operands, e.g. "9223372036854775807 + 1").
    case overflow(operation: String)
    /// An arithmetic result would need more than 18 decimal places; round explicitly instead.
    case precisionExceeded(operation: String)
    /// A scale outside 0...18 was asked for.
    case scaleOutOfRange(Int)

    public var description: String {
        switch self {
        case let .syntax(text, offset, expected, found):
            return "invalid decimal \"\(text)\": expected \(expected) at offset \(offset), found \(found)"
        case let .tooManyDecimalPlaces(text):
            return "invalid decimal \"\(text)\": more than 18 decimal places"
        case let .outOfRange(text):
            return "invalid decimal \"\(text)\": out of range (at most 19 significant digits, |significand| < 2^63)"
        case let .overflow(operation):
            return "decimal overflow: \(operation) does not fit a 64-bit significand"
        case let .precisionExceeded(operation):
            return "decimal precision exceeded: \(operation) needs more than 18 decimal places; round it explicitly"
        case let .scaleOutOfRange(scale):
            return "decimal scale \(scale) out of range: expected 0...18"
        }
    }
}

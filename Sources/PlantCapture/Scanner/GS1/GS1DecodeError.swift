// Why a GS1 scan did not decode: which AI, at which position, what was expected.
//
// Positions are 1-based byte offsets into the scanned data as received, symbology identifier included
// (in "]C1010…" the AI "01" is at position 4). A GS separator counts as one byte however it was typed.

/// A GS1 element string that could not be decoded. Every message names the position and what was
/// expected; those about an element also name its AI.
public enum GS1DecodeError: Error, Sendable, Hashable, CustomStringConvertible {
    /// An AI was expected but the data ended, or held a non-digit or a GS separator there.
    case expectedApplicationIdentifier(position: Int, found: String)
    /// No AI of the table matches. `digits` are the (up to 4) digits found; `complete` when the parenthesised
    /// form delimited them, so they are the whole AI.
    case unknownApplicationIdentifier(position: Int, digits: String, complete: Bool)
    /// A measure or amount AI (31nn–39nn) whose decimal point indicator is outside its range.
    case invalidDecimalIndicator(ai: String, position: Int, allowed: ClosedRange<Int>)
    /// A character outside the AI's character set.
    case invalidCharacter(ai: String, position: Int, found: String, expected: String)
    /// A value of the wrong length; `expected` is "14" or "1–20".
    case wrongLength(ai: String, position: Int, length: Int, expected: String)
    /// A fixed-length value outside the predefined-length table, followed by data instead of a GS separator.
    case missingSeparator(ai: String, position: Int, found: String)
    /// A variable-length value that runs past its maximum: most often a missing GS separator.
    case valueTooLong(ai: String, position: Int, maxLength: Int)
    /// A check digit that does not match the GS1 mod-10 check digit of the digits before it.
    case wrongCheckDigit(ai: String, position: Int, found: Character, expected: Character)
    /// An impossible date or time; `problem` says which field and what range was expected.
    case invalidDate(ai: String, position: Int, value: String, problem: String)
    /// The parenthesised form is broken: no "(" where an AI starts, or no ")" after its digits.
    case malformedParentheses(position: Int, expected: String, found: String)

    /// The 1-based byte position the error points at.
    public var position: Int {
        switch self {
        case .expectedApplicationIdentifier(let position, _), .unknownApplicationIdentifier(let position, _, _),
            .malformedParentheses(let position, _, _):
            return position
        case .invalidDecimalIndicator(_, let position, _), .invalidCharacter(_, let position, _, _),
            .wrongLength(_, let position, _, _), .missingSeparator(_, let position, _),
            .valueTooLong(_, let position, _), .wrongCheckDigit(_, let position, _, _),
            .invalidDate(_, let position, _, _):
            return position
        }
    }

    /// The AI the error concerns, when one was identified.
    public var ai: String? {
        switch self {
        case .expectedApplicationIdentifier, .unknownApplicationIdentifier, .malformedParentheses:
            return nil
        case .invalidDecimalIndicator(let ai, _, _), .invalidCharacter(let ai, _, _, _), .wrongLength(let ai, _, _, _),
            .missingSeparator(let ai, _, _), .valueTooLong(let ai, _, _), .wrongCheckDigit(let ai, _, _, _),
            .invalidDate(let ai, _, _, _):
            return ai
        }
    }

    /// The human message, e.g. `AI (01) at position 17: check digit 3 is wrong, expected 2`.
    public var message: String {
        switch self {
        case .expectedApplicationIdentifier(let position, let found):
            return "position \(position): expected an Application Identifier (2 to 4 digits), found \(found)"
        case .unknownApplicationIdentifier(let position, let digits, let complete):
            return complete
                ? "position \(position): unknown Application Identifier (\(digits))"
                : "position \(position): unknown Application Identifier, no AI in the table starts \"\(digits)\""
        case .invalidDecimalIndicator(let ai, let position, let allowed):
            return "AI (\(ai)) at position \(position): decimal point indicator \(ai.suffix(1)) is out of range, "
                + "expected \(allowed.lowerBound)–\(allowed.upperBound)"
        case .invalidCharacter(let ai, let position, let found, let expected):
            return "AI (\(ai)) at position \(position): expected \(expected), found \(found)"
        case .wrongLength(let ai, let position, let length, let expected):
            return "AI (\(ai)) at position \(position): value has \(length) "
                + (length == 1 ? "character" : "characters") + ", expected \(expected)"
        case .missingSeparator(let ai, let position, let found):
            return "AI (\(ai)) at position \(position): expected a GS separator (FNC1) after its fixed-length value, "
                + "found \(found)"
        case .valueTooLong(let ai, let position, let maxLength):
            return "AI (\(ai)) at position \(position): value runs past \(maxLength) characters, "
                + "expected a GS separator (FNC1) after at most \(maxLength)"
        case .wrongCheckDigit(let ai, let position, let found, let expected):
            return "AI (\(ai)) at position \(position): check digit \(found) is wrong, expected \(expected)"
        case .invalidDate(let ai, let position, let value, let problem):
            return "AI (\(ai)) at position \(position): invalid date/time \"\(value)\": \(problem)"
        case .malformedParentheses(let position, let expected, let found):
            return "position \(position): expected \(expected), found \(found)"
        }
    }

    public var description: String { message }

    /// How a byte appears in a message: `"A"`, `a GS separator`, `byte 0x07`.
    static func describe(_ byte: UInt8?) -> String {
        guard let byte else { return "end of data" }
        switch byte {
        case 0x1D: return "a GS separator"
        case 0x22: return "'\"'"
        case 0x21...0x7E: return "\"\(Character(Unicode.Scalar(byte)))\""
        case 0x20: return "a space"
        default: return "byte 0x" + (byte < 16 ? "0" : "") + String(byte, radix: 16, uppercase: true)
        }
    }
}

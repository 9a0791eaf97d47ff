/// Why text is not an RFC 3339 timestamp: what was expected at which character.
public struct TimestampError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The input (truncated to 64 characters).
    public let text: String
    /// 0-based character offset of the problem; nil when the timestamp was built from fields.
    public let offset: Int?
    /// What was expected there, e.g. "a month 01-12".
    public let expected: String
    /// What was found, quoted, or "end of text".
    public let found: String

    public init(text: String, offset: Int?, expected: String, found: String) {
        self.text = text
        self.offset = offset
        self.expected = expected
        self.found = found
    }

    public var description: String {
        if let offset {
            return "invalid timestamp \"\(text)\": expected \(expected) at offset \(offset), found \(found)"
        }
        return "invalid timestamp (\(text)): expected \(expected), found \(found)"
    }
}

/// Why bytes are not acceptable JSON: a code to switch on, the 0-based byte offset, and what was expected.
public struct JSONParseError: Error, Equatable, Sendable, CustomStringConvertible {
    public enum Code: Sendable, Equatable {
        case syntax
        case invalidUTF8
        case loneSurrogate
        case duplicateKey
        case depthLimit
        case sizeLimit
        case trailingData
    }

    public let code: Code
    /// 0-based byte offset in the input where the problem was found.
    public let offset: Int
    /// E.g. "expected ',' or '}' after an object member, found ']'".
    public let message: String

    public init(code: Code, offset: Int, message: String) {
        self.code = code
        self.offset = offset
        self.message = message
    }

    public var description: String { "JSON error at byte \(offset): \(message)" }
}

// What the streaming decoders of dropped files (CSV, JSON Lines) hand on: one record, or one stretch of
// bytes that could not be a record. Both carry the place they came from, so a reject names its line and
// the ingestion can checkpoint the byte offset just after it.

/// One record of a dropped file: its fields as text (valid UTF-8), where it started and where it ended.
public struct FileRecord: Sendable, Equatable {
    /// CSV: the fields in column order. JSON Lines: the values of the decoder's keys, in that order
    /// ("" for an absent or null key).
    public var fields: [String]
    /// The 1-based line the record starts on.
    public var line: Int
    /// The byte offset just after the record's line ending: where reading resumes after it.
    public var endOffset: Int64
    /// The record's bytes as they were in the file (without the line ending), for the rejects file.
    public var raw: [UInt8]

    public init(fields: [String], line: Int, endOffset: Int64, raw: [UInt8]) {
        self.fields = fields
        self.line = line
        self.endOffset = endOffset
        self.raw = raw
    }
}

/// Bytes that are not a usable record. Decoding goes on after it, at the next line.
public struct FileRecordRejection: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Reason: Sendable, Equatable {
        /// More than `limit` bytes before the line ended; the rest of the line was skipped.
        case tooLong(limit: Int)
        /// A field is not UTF-8: `field` is 1-based, `byte` the 1-based position of the first bad byte in it.
        case invalidUTF8(field: Int, byte: Int)
        /// A quoted field opened on `openedOnLine` was still open when the file ended.
        case unterminatedQuote(openedOnLine: Int)
        /// Something other than a delimiter or line end followed a closing quote (`"ab"c`).
        case textAfterClosingQuote(field: Int)
        /// A JSON Lines line that is not a JSON object, or not valid JSON; the parser's words.
        case invalidJSON(String)
        /// A JSON Lines value that is an object or array where a single value belongs.
        case nestedValue(key: String)
    }

    public var reason: Reason
    /// The 1-based line the rejected stretch starts on.
    public var line: Int
    /// The byte offset just after the rejected stretch.
    public var endOffset: Int64
    /// Its bytes, cut to `FileRecordRejection.rawLimit`.
    public var raw: [UInt8]

    /// Rejected stretches keep at most this many bytes (an overlong line is mostly noise).
    public static let rawLimit = 256

    public init(reason: Reason, line: Int, endOffset: Int64, raw: some Collection<UInt8>) {
        self.reason = reason
        self.line = line
        self.endOffset = endOffset
        self.raw = Array(raw.prefix(Self.rawLimit))
    }

    /// The reason in words, without the line (the rejects file has its own line column).
    public var description: String {
        switch reason {
        case .tooLong(let limit):
            return "line longer than \(limit) bytes (max_line_bytes); skipped to the next line"
        case .invalidUTF8(let field, let byte):
            return "invalid UTF-8 in field \(field) at byte \(byte) of the field; expected UTF-8 text"
        case .unterminatedQuote(let openedOnLine):
            return "quoted field opened on line \(openedOnLine) is not closed at the end of the file"
        case .textAfterClosingQuote(let field):
            return "field \(field): text after the closing quote; expected a delimiter or the end of the line"
        case .invalidJSON(let message):
            return message
        case .nestedValue(let key):
            return "key \"\(key)\": expected a string, number, boolean or null, found an object or array"
        }
    }
}

/// What a file decoder produces, one at a time.
public enum FileRecordItem: Sendable, Equatable {
    case record(FileRecord)
    case rejected(FileRecordRejection)

    public var line: Int {
        switch self {
        case .record(let record): record.line
        case .rejected(let rejection): rejection.line
        }
    }

    public var endOffset: Int64 {
        switch self {
        case .record(let record): record.endOffset
        case .rejected(let rejection): rejection.endOffset
        }
    }
}

/// UTF-8 checks for decoded fields: ASCII is the fast path, everything else is validated strictly.
enum UTF8Text {
    enum Decoded {
        case text(String)
        /// The 1-based position of the first byte that makes the bytes invalid UTF-8.
        case invalid(at: Int)
    }

    static func decode(_ bytes: UnsafeBufferPointer<UInt8>) -> Decoded {
        var allASCII = true
        for byte in bytes where byte >= 0x80 {
            allASCII = false
            break
        }
        if allASCII { return .text(String(decoding: bytes, as: UTF8.self)) }
        if let text = String(validating: bytes, as: UTF8.self) { return .text(text) }
        return .invalid(at: firstInvalidByte(bytes) + 1)
    }

    /// The 0-based index of the first byte of the first invalid sequence.
    static func firstInvalidByte(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
        var index = 0
        while index < bytes.count {
            let lead = bytes[index]
            let length: Int
            var low: UInt8 = 0x80
            var high: UInt8 = 0xBF
            switch lead {
            case 0x00...0x7F: index += 1; continue
            case 0xC2...0xDF: length = 2
            case 0xE0: length = 3; low = 0xA0
            case 0xE1...0xEC, 0xEE...0xEF: length = 3
            case 0xED: length = 3; high = 0x9F
            case 0xF0: length = 4; low = 0x90
            case 0xF1...0xF3: length = 4
            case 0xF4: length = 4; high = 0x8F
            default: return index
            }
            guard index + length <= bytes.count else { return index }
            let second = bytes[index + 1]
            guard second >= low && second <= high else { return index }
            for offset in 2..<length where bytes[index + offset] & 0xC0 != 0x80 { return index }
            index += length
        }
        return index
    }
}

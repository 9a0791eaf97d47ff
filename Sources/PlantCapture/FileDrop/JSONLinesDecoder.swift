import PlantModel

// JSON Lines bytes -> records: one JSON object per line (LF or CRLF), blank lines skipped. Pure and
// streaming like the CSV decoder; a bad line is a rejection and decoding goes on at the next line.

/// Streaming JSON Lines decoder. Each object's values for `keys` become the record's fields: strings as
/// they are, numbers in their exact text, booleans as `true`/`false`, absent or null as "".
public struct JSONLinesDecoder: Sendable {
    public let keys: [String]
    public let maxLineBytes: Int

    private var lineBytes: [UInt8] = []
    private var tooLong = false
    private var line: Int
    private var offset: Int64

    private static let lf = UInt8(ascii: "\n")
    private static let cr = UInt8(ascii: "\r")

    /// - Parameters:
    ///   - keys: the object keys to read, in the order their values appear in `FileRecord.fields`.
    ///   - maxLineBytes: the longest line accepted, line ending included.
    ///   - line, offset: where decoding starts (resuming at a line boundary).
    public init(keys: [String], maxLineBytes: Int = 65_536, line: Int = 1, offset: Int64 = 0) {
        self.keys = keys
        self.maxLineBytes = maxLineBytes
        self.line = line
        self.offset = offset
    }

    /// The line the next record starts on (after the last item returned).
    public var nextLine: Int { line }

    /// The next record or rejection, consuming bytes from `buffer`; nil when `buffer` is used up first.
    public mutating func decode(_ buffer: inout ArraySlice<UInt8>) -> FileRecordItem? {
        while !buffer.isEmpty {
            let lineEnd = buffer.firstIndex(of: Self.lf)
            let take = buffer[buffer.startIndex..<(lineEnd ?? buffer.endIndex)]
            append(take)
            buffer.removeFirst(take.count)
            guard lineEnd != nil else { return nil }
            buffer.removeFirst()
            offset += 1
            if !tooLong, lineBytes.count + 1 > maxLineBytes { tooLong = true }
            if let item = finishLine() { return item }
        }
        return nil
    }

    /// Like `decode`, then the last line when the file does not end with a line ending.
    public mutating func decodeLast(_ buffer: inout ArraySlice<UInt8>) -> FileRecordItem? {
        if let item = decode(&buffer) { return item }
        if lineBytes.isEmpty && !tooLong { return nil }
        return finishLine()
    }

    private mutating func append(_ bytes: ArraySlice<UInt8>) {
        offset += Int64(bytes.count)
        if tooLong { return }
        if lineBytes.count + bytes.count > maxLineBytes {
            tooLong = true
            // Keep only the start, for the reject file.
            lineBytes.append(contentsOf: bytes.prefix(max(0, FileRecordRejection.rawLimit - lineBytes.count)))
        } else {
            lineBytes.append(contentsOf: bytes)
        }
    }

    private mutating func finishLine() -> FileRecordItem? {
        defer {
            lineBytes.removeAll(keepingCapacity: true)
            tooLong = false
            line += 1
        }
        if lineBytes.last == Self.cr { lineBytes.removeLast() }
        if tooLong {
            return .rejected(
                FileRecordRejection(
                    reason: .tooLong(limit: maxLineBytes), line: line, endOffset: offset, raw: lineBytes))
        }
        if lineBytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { return nil }
        return parse()
    }

    private func parse() -> FileRecordItem {
        func reject(_ reason: FileRecordRejection.Reason) -> FileRecordItem {
            .rejected(FileRecordRejection(reason: reason, line: line, endOffset: offset, raw: lineBytes))
        }
        let value: JSONValue
        do {
            value = try JSONParser(limits: .init(maxDepth: 8, maxBytes: maxLineBytes)).parse(lineBytes)
        } catch {
            return reject(.invalidJSON(error.description))
        }
        guard case .object(let object) = value else {
            return reject(.invalidJSON("expected a JSON object per line, found \(value.typeName)"))
        }
        var fields: [String] = []
        fields.reserveCapacity(keys.count)
        for key in keys {
            switch object[key] {
            case nil, .null?: fields.append("")
            case .string(let text)?: fields.append(text)
            case .number(let number)?: fields.append(number.text)
            case .bool(let flag)?: fields.append(flag ? "true" : "false")
            case .array?, .object?: return reject(.nestedValue(key: key))
            }
        }
        return .record(FileRecord(fields: fields, line: line, endOffset: offset, raw: lineBytes))
    }
}

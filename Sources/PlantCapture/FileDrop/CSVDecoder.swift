// CSV bytes -> records, RFC 4180 with the usual field-tested leniencies. Pure and streaming: feed any split
// of the file and the items come out the same; a bad record becomes a rejection and decoding goes on at
// the next line, so one broken row never stops a file.
//
// Accepted: quoted fields with doubled quotes, delimiters and newlines inside quotes, CRLF or LF line ends,
// a UTF-8 byte order mark at the start, blank lines (skipped). A quote inside an unquoted field is kept as
// text (Excel writes such files). Refused, as rejections with the line: a line over the length limit, a
// field that is not UTF-8, text after a closing quote, a quote still open at the end of the file.

/// Streaming RFC 4180 decoder. The first record of a file is its header; the decoder does not treat it
/// specially (the caller does).
public struct CSVDecoder: Sendable {
    private enum State: Sendable {
        case fieldStart, unquoted, quoted, quoteInQuoted, crAfterQuote
        case skipping(FileRecordRejection.Reason)
    }

    public let delimiter: UInt8
    public let maxRecordBytes: Int

    private var state = State.fieldStart
    /// Unescaped bytes of the current record's fields, back to back; `fieldEnds` splits them.
    private var fieldBytes: [UInt8] = []
    private var fieldEnds: [Int] = []
    private var raw: [UInt8] = []
    private var recordBytes = 0
    private var quotedField = false
    private var quoteLine = 0
    private var recordLine: Int
    private var line: Int
    private var offset: Int64
    private var bomMatched = 0
    private var bomChecked: Bool

    private static let bom: [UInt8] = [0xEF, 0xBB, 0xBF]
    private static let lf = UInt8(ascii: "\n")
    private static let cr = UInt8(ascii: "\r")
    private static let quote = UInt8(ascii: "\"")

    /// - Parameters:
    ///   - delimiter: the field separator (`,`, `;`, tab…); never `"`, CR or LF.
    ///   - maxRecordBytes: the longest record accepted, line ending and embedded newlines included.
    ///   - line, offset: where decoding starts, when resuming inside a file at a record boundary. A byte
    ///     order mark is only looked for at offset 0.
    public init(delimiter: UInt8 = UInt8(ascii: ","), maxRecordBytes: Int = 65_536, line: Int = 1, offset: Int64 = 0) {
        precondition(delimiter != Self.quote && delimiter != Self.cr && delimiter != Self.lf, "invalid CSV delimiter")
        self.delimiter = delimiter
        self.maxRecordBytes = maxRecordBytes
        self.line = line
        self.recordLine = line
        self.offset = offset
        self.bomChecked = offset != 0
    }

    /// The line the next record starts on (after the last item returned).
    public var nextLine: Int { recordLine }

    /// The next record or rejection, consuming bytes from `buffer`; nil when `buffer` is used up first.
    public mutating func decode(_ buffer: inout ArraySlice<UInt8>) -> FileRecordItem? {
        var consumed = 0
        let item: FileRecordItem? = buffer.withUnsafeBufferPointer { bytes in
            var index = 0
            defer { consumed = index }
            while index < bytes.count {
                let byte = bytes[index]
                index += 1
                if !bomChecked {
                    guard let replay = checkBOM(byte) else { continue }
                    // Only the last replayed byte can be a line end, so returning early loses nothing.
                    for earlier in replay {
                        if let item = step(earlier) { return item }
                    }
                    continue
                }
                if let item = step(byte) { return item }
            }
            return nil
        }
        buffer.removeFirst(consumed)
        return item
    }

    /// Like `decode`, then at the end of the stream: the last record without a line ending, or the
    /// rejection of an unclosed quote. Call until it returns nil.
    public mutating func decodeLast(_ buffer: inout ArraySlice<UInt8>) -> FileRecordItem? {
        if let item = decode(&buffer) { return item }
        if !bomChecked {
            bomChecked = true
            let pending = Array(Self.bom.prefix(bomMatched))
            bomMatched = 0
            for byte in pending { _ = step(byte) }
        }
        switch state {
        case .quoted:
            let rejection = FileRecordRejection(
                reason: .unterminatedQuote(openedOnLine: quoteLine), line: recordLine, endOffset: offset, raw: raw)
            reset()
            return .rejected(rejection)
        case .skipping(let reason):
            return finishRejection(reason)
        case .unquoted:
            if fieldBytes.last == Self.cr { fieldBytes.removeLast() }
            return endLine()
        case .fieldStart, .quoteInQuoted, .crAfterQuote:
            return endLine()
        }
    }

    /// Matches the byte order mark at the start; returns bytes to replay when it turned out not to be one.
    private mutating func checkBOM(_ byte: UInt8) -> [UInt8]? {
        if byte == Self.bom[bomMatched] {
            bomMatched += 1
            if bomMatched == Self.bom.count {
                bomChecked = true
                offset += Int64(Self.bom.count)
            }
            return nil
        }
        bomChecked = true
        let replay = Array(Self.bom.prefix(bomMatched)) + [byte]
        bomMatched = 0
        return replay
    }

    @inline(__always)
    private mutating func step(_ byte: UInt8) -> FileRecordItem? {
        offset += 1
        if byte == Self.lf { line += 1 }
        if case .skipping(let reason) = state {
            if raw.count < FileRecordRejection.rawLimit { raw.append(byte) }
            return byte == Self.lf ? finishRejection(reason) : nil
        }
        recordBytes += 1
        raw.append(byte)
        if recordBytes > maxRecordBytes {
            state = .skipping(.tooLong(limit: maxRecordBytes))
            return byte == Self.lf ? finishRejection(.tooLong(limit: maxRecordBytes)) : nil
        }
        switch state {
        case .fieldStart:
            if byte == Self.quote {
                state = .quoted
                quotedField = true
                quoteLine = line
            } else if byte == delimiter {
                endField()
            } else if byte == Self.lf {
                return endLine()
            } else {
                fieldBytes.append(byte)
                state = .unquoted
            }
        case .unquoted:
            if byte == delimiter {
                endField()
                state = .fieldStart
            } else if byte == Self.lf {
                if fieldBytes.last == Self.cr { fieldBytes.removeLast() }
                return endLine()
            } else {
                fieldBytes.append(byte)
            }
        case .quoted:
            if byte == Self.quote {
                state = .quoteInQuoted
            } else {
                fieldBytes.append(byte)
            }
        case .quoteInQuoted:
            if byte == Self.quote {
                fieldBytes.append(byte)
                state = .quoted
            } else if byte == delimiter {
                endField()
                state = .fieldStart
            } else if byte == Self.lf {
                return endLine()
            } else if byte == Self.cr {
                state = .crAfterQuote
            } else {
                return refuse(.textAfterClosingQuote(field: fieldEnds.count + 1), at: byte)
            }
        case .crAfterQuote:
            if byte == Self.lf { return endLine() }
            return refuse(.textAfterClosingQuote(field: fieldEnds.count + 1), at: byte)
        case .skipping:
            break  // handled above
        }
        return nil
    }

    private mutating func refuse(_ reason: FileRecordRejection.Reason, at byte: UInt8) -> FileRecordItem? {
        state = .skipping(reason)
        return byte == Self.lf ? finishRejection(reason) : nil
    }

    @inline(__always)
    private mutating func endField() {
        fieldEnds.append(fieldBytes.count)
        quotedField = false
    }

    /// A line ended outside quotes: a record, unless the line was blank.
    private mutating func endLine() -> FileRecordItem? {
        if fieldEnds.isEmpty && fieldBytes.isEmpty && !quotedField {
            reset()
            return nil
        }
        return finishRecord()
    }

    /// The record's bytes without its line ending.
    private mutating func trimLineEnd() {
        if raw.last == Self.lf { raw.removeLast() }
        if raw.last == Self.cr { raw.removeLast() }
    }

    private mutating func finishRecord() -> FileRecordItem {
        trimLineEnd()
        endField()
        var fields: [String] = []
        fields.reserveCapacity(fieldEnds.count)
        var failure: FileRecordRejection.Reason?
        fieldBytes.withUnsafeBufferPointer { bytes in
            var start = 0
            for (index, end) in fieldEnds.enumerated() {
                switch UTF8Text.decode(UnsafeBufferPointer(rebasing: bytes[start..<end])) {
                case .text(let text):
                    fields.append(text)
                case .invalid(let position):
                    failure = .invalidUTF8(field: index + 1, byte: position)
                    return
                }
                start = end
            }
        }
        let item: FileRecordItem
        if let failure {
            item = .rejected(FileRecordRejection(reason: failure, line: recordLine, endOffset: offset, raw: raw))
        } else {
            item = .record(FileRecord(fields: fields, line: recordLine, endOffset: offset, raw: raw))
        }
        reset()
        return item
    }

    private mutating func finishRejection(_ reason: FileRecordRejection.Reason) -> FileRecordItem {
        trimLineEnd()
        let rejection = FileRecordRejection(reason: reason, line: recordLine, endOffset: offset, raw: raw)
        reset()
        return .rejected(rejection)
    }

    private mutating func reset() {
        state = .fieldStart
        fieldBytes.removeAll(keepingCapacity: true)
        fieldEnds.removeAll(keepingCapacity: true)
        raw.removeAll(keepingCapacity: true)
        recordBytes = 0
        quotedField = false
        recordLine = line
    }
}

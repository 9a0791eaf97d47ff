import Glibc

/// How a message's body is delimited (RFC 9112 §6.3).
enum HTTPBodyFraming: Equatable {
    case none
    case length(Int)
    case chunked
    /// Responses without length: the body runs to the end of the connection.
    case untilClose

    /// Content-Length / Transfer-Encoding rules shared by requests and responses. Rejects the
    /// shapes two parsers could read differently (smuggling): both headers, differing lengths.
    static func from(headers: HTTPHeaders, limits: HTTPLimits) throws -> HTTPBodyFraming? {
        let transferEncodings = headers.values(for: "Transfer-Encoding")
        let contentLengths = headers.values(for: "Content-Length")
        if !transferEncodings.isEmpty {
            if !contentLengths.isEmpty { throw HTTPParseError.contentLengthWithTransferEncoding }
            let codings = headers.tokens(for: "Transfer-Encoding")
            if let unknown = codings.first(where: { $0 != "chunked" }) {
                throw HTTPParseError.unsupportedTransferCoding(unknown)
            }
            guard codings.count == 1 else {
                throw HTTPParseError.invalidTransferEncoding(transferEncodings.joined(separator: ", "))
            }
            return .chunked
        }
        guard !contentLengths.isEmpty else { return nil }
        var length: Int?
        for field in contentLengths {
            for part in field.split(separator: ",", omittingEmptySubsequences: false) {
                let digits = part.trimmingASCIIWhitespace()
                guard !digits.isEmpty, digits.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else {
                    throw HTTPParseError.invalidContentLength(field)
                }
                guard let value = Int(digits) else { throw HTTPParseError.bodyTooLarge(limit: limits.maxBodyBytes) }
                if let length, length != value { throw HTTPParseError.conflictingContentLength }
                length = value
            }
        }
        if length! > limits.maxBodyBytes { throw HTTPParseError.bodyTooLarge(limit: limits.maxBodyBytes) }
        return .length(length!)
    }
}

/// Collects one body from a buffer across calls: whole Content-Length bodies are copied out in
/// one piece once they are all buffered; chunked data is appended chunk by chunk.
struct HTTPBodyReader {
    private enum State {
        case idle
        case length(Int)
        case chunkSize
        case chunkData(remaining: Int)
        case chunkEnd
        case trailers(bytes: Int, fields: Int)
        case untilClose
    }

    private var state = State.idle
    private var body: [UInt8] = []

    var isReadingUntilClose: Bool {
        if case .untilClose = state { return true }
        return false
    }

    mutating func start(_ framing: HTTPBodyFraming) {
        body = []
        switch framing {
        case .none: state = .length(0)
        case .length(let count): state = .length(count)
        case .chunked: state = .chunkSize
        case .untilClose: state = .untilClose
        }
    }

    /// The complete body, or nil when more bytes are needed.
    mutating func read(_ buffer: inout ByteBuffer, limits: HTTPLimits) throws -> [UInt8]? {
        while true {
            switch state {
            case .idle:
                return nil
            case .length(let count):
                guard buffer.readableBytes >= count else { return nil }
                state = .idle
                return count == 0 ? [] : buffer.readBytes(count)
            case .untilClose:
                if buffer.readableBytes > limits.maxBodyBytes {
                    throw HTTPParseError.bodyTooLarge(limit: limits.maxBodyBytes)
                }
                return nil
            case .chunkSize:
                guard let size = try readChunkSize(&buffer, limits: limits) else { return nil }
                state = size == 0 ? .trailers(bytes: 0, fields: 0) : .chunkData(remaining: size)
            case .chunkData(let remaining):
                let take = min(remaining, buffer.readableBytes)
                if take == 0 { return nil }
                if body.isEmpty && remaining == take && buffer.readableBytes >= remaining {
                    body = buffer.readBytes(take)
                } else {
                    buffer.withUnsafeReadableBytes { body.append(contentsOf: $0[..<take]) }
                    buffer.moveReaderIndex(forwardBy: take)
                }
                state = remaining == take ? .chunkEnd : .chunkData(remaining: remaining - take)
            case .chunkEnd:
                guard buffer.readableBytes >= 1 else { return nil }
                guard buffer.byte(at: 0) == HTTPBytes.cr else { throw HTTPParseError.invalidChunkTerminator }
                guard buffer.readableBytes >= 2 else { return nil }
                guard buffer.byte(at: 1) == HTTPBytes.lf else { throw HTTPParseError.invalidChunkTerminator }
                buffer.moveReaderIndex(forwardBy: 2)
                state = .chunkSize
            case .trailers(let bytes, let fields):
                // Trailer fields are read for framing and then ignored.
                guard
                    let lineLength = try findLine(
                        buffer, limit: limits.maxHeadBytes - bytes,
                        tooLong: .headTooLarge(limit: limits.maxHeadBytes))
                else { return nil }
                let isEmpty = lineLength == 0
                try buffer.withUnsafeReadableBytes { raw in
                    if memchr(raw.baseAddress!, Int32(HTTPBytes.cr), lineLength) != nil {
                        throw HTTPParseError.bareCarriageReturn
                    }
                }
                buffer.moveReaderIndex(forwardBy: lineLength + 2)
                if isEmpty {
                    state = .idle
                    let result = body
                    body = []
                    return result
                }
                if fields + 1 > limits.maxHeaderCount {
                    throw HTTPParseError.tooManyHeaders(limit: limits.maxHeaderCount)
                }
                state = .trailers(bytes: bytes + lineLength + 2, fields: fields + 1)
            }
        }
    }

    /// At end of stream: the body of a read-until-close response; nil when not in that state.
    mutating func finishAtEndOfStream(_ buffer: inout ByteBuffer, limits: HTTPLimits) throws -> [UInt8]? {
        guard case .untilClose = state else { return nil }
        if buffer.readableBytes > limits.maxBodyBytes { throw HTTPParseError.bodyTooLarge(limit: limits.maxBodyBytes) }
        state = .idle
        return buffer.readBytes(buffer.readableBytes)
    }

    /// Length of the next CRLF-terminated line (without CRLF), nil if incomplete. A line whose
    /// content exceeds `limit` is `tooLong`, checked before the bare-LF rule so any split of the
    /// input gives the same error.
    private func findLine(_ buffer: ByteBuffer, limit: Int, tooLong: HTTPParseError) throws -> Int? {
        try buffer.withUnsafeReadableBytes { raw -> Int? in
            let count = raw.count
            guard count > 0, let found = memchr(raw.baseAddress!, Int32(HTTPBytes.lf), count) else {
                if count > limit + 1 { throw tooLong }
                return nil
            }
            let lf = UnsafeRawPointer(found) - raw.baseAddress!
            if lf > limit + 1 { throw tooLong }
            if lf == 0 || raw[lf - 1] != HTTPBytes.cr { throw HTTPParseError.bareLineFeed }
            if lf - 1 > limit { throw tooLong }
            return lf - 1
        }
    }

    /// `1*HEXDIG [ BWS ";" chunk-ext ] CRLF`; extensions are ignored.
    private mutating func readChunkSize(_ buffer: inout ByteBuffer, limits: HTTPLimits) throws -> Int? {
        guard
            let lineLength = try findLine(
                buffer, limit: limits.maxChunkLineBytes,
                tooLong: .chunkLineTooLong(limit: limits.maxChunkLineBytes))
        else { return nil }
        let size = try buffer.withUnsafeReadableBytes { raw -> Int in
            let line = UnsafeRawBufferPointer(rebasing: raw[..<lineLength])
            let invalid = HTTPParseError.invalidChunkSize(
                HTTPBytes.text(UnsafeRawBufferPointer(rebasing: line.prefix(40))))
            var size = 0
            var index = 0
            while index < line.count, let digit = hexValue(line[index]) {
                if index >= 15 { throw invalid }  // more than 15 hex digits cannot be a sane size
                size = size * 16 + digit
                index += 1
            }
            if index == 0 { throw invalid }
            while index < line.count && (line[index] == 0x20 || line[index] == 0x09) { index += 1 }
            if index < line.count {
                guard line[index] == UInt8(ascii: ";") else { throw invalid }
                for byte in line[index...] where !HTTPBytes.isFieldValue(byte) {
                    throw byte == HTTPBytes.cr ? HTTPParseError.bareCarriageReturn : invalid
                }
            }
            return size
        }
        if body.count + size > limits.maxBodyBytes { throw HTTPParseError.bodyTooLarge(limit: limits.maxBodyBytes) }
        buffer.moveReaderIndex(forwardBy: lineLength + 2)
        if size > 0 && body.capacity < body.count + size { body.reserveCapacity(body.count + size) }
        return size
    }

    private func hexValue(_ byte: UInt8) -> Int? {
        switch byte {
        case 0x30...0x39: Int(byte - 0x30)
        case 0x41...0x46: Int(byte - 0x41 + 10)
        case 0x61...0x66: Int(byte - 0x61 + 10)
        default: nil
        }
    }
}

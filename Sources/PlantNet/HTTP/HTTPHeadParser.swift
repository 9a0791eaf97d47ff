import Glibc

/// Byte classes from RFC 9110.
enum HTTPBytes {
    static let cr: UInt8 = 0x0D
    static let lf: UInt8 = 0x0A

    /// tchar: the characters of a token (method, header name).
    static let isTokenTable: [Bool] = (0..<256).map { byte in
        switch UInt8(byte) {
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "A")...UInt8(ascii: "Z"):
            return true
        default:
            return "!#$%&'*+-.^_`|~".utf8.contains(UInt8(byte))
        }
    }

    @inline(__always) static func isToken(_ byte: UInt8) -> Bool { isTokenTable[Int(byte)] }

    /// field-vchar / SP / HTAB / obs-text.
    @inline(__always) static func isFieldValue(_ byte: UInt8) -> Bool {
        byte == 0x09 || (byte >= 0x20 && byte != 0x7F)
    }

    static func text(_ bytes: UnsafeRawBufferPointer) -> String {
        String(decoding: bytes, as: UTF8.self)
    }

    static func isToken(_ bytes: UnsafeRawBufferPointer) -> Bool {
        !bytes.isEmpty && bytes.allSatisfy(isToken)
    }
}

/// Finds the end of a message head (the empty line) incrementally, so feeding a head one byte at
/// a time costs linear time. Enforces CRLF line ends and the head size limits while scanning, in
/// an order that gives the same error however the input is split.
struct HTTPHeadScanner {
    let isRequest: Bool
    private var scanned = 0
    private var lineStart = 0
    private var lineCount = 0

    init(isRequest: Bool) {
        self.isRequest = isRequest
    }

    var isAtStart: Bool { scanned == 0 }

    mutating func reset() {
        scanned = 0
        lineStart = 0
        lineCount = 0
    }

    /// Returns the head's length in bytes (through the final CRLF) once the empty line is seen.
    mutating func scan(_ bytes: UnsafeRawBufferPointer, limits: HTTPLimits) throws -> Int? {
        let count = bytes.count
        let base = bytes.baseAddress
        var index = scanned
        while index < count {
            guard let found = memchr(base! + index, Int32(HTTPBytes.lf), count - index) else {
                index = count
                break
            }
            let lf = UnsafeRawPointer(found) - UnsafeRawPointer(base!)
            // Bytes before this LF were "incomplete" to a byte-at-a-time feed: check them first.
            try checkPartial(count: lf, limits: limits)
            if lf == 0 || bytes[lf - 1] != HTTPBytes.cr { throw HTTPParseError.bareLineFeed }
            if lf + 1 > limits.maxHeadBytes { throw HTTPParseError.headTooLarge(limit: limits.maxHeadBytes) }
            let lineLength = lf - 1 - lineStart
            if lineLength == 0 && lineCount > 0 {
                reset()
                return lf + 1
            }
            lineCount += 1
            if lineCount - 1 > limits.maxHeaderCount {
                throw HTTPParseError.tooManyHeaders(limit: limits.maxHeaderCount)
            }
            lineStart = lf + 1
            index = lf + 1
        }
        scanned = index
        try checkPartial(count: count, limits: limits)
        return nil
    }

    private func checkPartial(count: Int, limits: HTTPLimits) throws {
        if isRequest && lineCount == 0 && count - lineStart > limits.maxRequestLineBytes + 1 {
            throw HTTPParseError.requestLineTooLong(limit: limits.maxRequestLineBytes)
        }
        if count > limits.maxHeadBytes { throw HTTPParseError.headTooLarge(limit: limits.maxHeadBytes) }
    }
}

/// Parses a complete head (found by `HTTPHeadScanner`) into its start line and header fields.
enum HTTPHeadParser {
    /// Splits the head into lines without their CRLF; the final empty line is dropped.
    static func lines(_ head: UnsafeRawBufferPointer) throws -> [UnsafeRawBufferPointer] {
        var result: [UnsafeRawBufferPointer] = []
        var start = 0
        var index = 0
        while index < head.count {
            if head[index] == HTTPBytes.lf {
                let line = UnsafeRawBufferPointer(rebasing: head[start..<(index - 1)])
                if line.isEmpty { break }
                if memchr(line.baseAddress!, Int32(HTTPBytes.cr), line.count) != nil {
                    throw HTTPParseError.bareCarriageReturn
                }
                result.append(line)
                start = index + 1
            }
            index += 1
        }
        return result
    }

    /// `HTTP/1.1` -> version; other shapes are malformed, other numbers unsupported.
    static func version(_ bytes: UnsafeRawBufferPointer, malformed: HTTPParseError) throws -> HTTPVersion {
        guard bytes.count == 8, bytes.starts(with: "HTTP/".utf8), bytes[6] == UInt8(ascii: "."),
            bytes[5] >= 0x30 && bytes[5] <= 0x39, bytes[7] >= 0x30 && bytes[7] <= 0x39
        else { throw malformed }
        let version = HTTPVersion(major: Int(bytes[5] - 0x30), minor: Int(bytes[7] - 0x30))
        guard version == .http1_1 || version == .http1_0 else {
            throw HTTPParseError.unsupportedVersion(HTTPBytes.text(bytes))
        }
        return version
    }

    static func headers(_ lines: ArraySlice<UnsafeRawBufferPointer>) throws -> HTTPHeaders {
        var headers = HTTPHeaders()
        headers.fields.reserveCapacity(lines.count)
        for line in lines {
            if line[0] == 0x20 || line[0] == 0x09 { throw HTTPParseError.obsoleteLineFolding }
            guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else {
                throw HTTPParseError.invalidHeaderName(
                    HTTPBytes.text(UnsafeRawBufferPointer(rebasing: line.prefix(40))))
            }
            let nameBytes = UnsafeRawBufferPointer(rebasing: line[..<colon])
            guard HTTPBytes.isToken(nameBytes) else {
                throw HTTPParseError.invalidHeaderName(HTTPBytes.text(nameBytes))
            }
            var valueStart = colon + 1
            var valueEnd = line.count
            while valueStart < valueEnd && (line[valueStart] == 0x20 || line[valueStart] == 0x09) { valueStart += 1 }
            while valueEnd > valueStart && (line[valueEnd - 1] == 0x20 || line[valueEnd - 1] == 0x09) { valueEnd -= 1 }
            let valueBytes = UnsafeRawBufferPointer(rebasing: line[valueStart..<valueEnd])
            let name = HTTPBytes.text(nameBytes)
            guard valueBytes.allSatisfy(HTTPBytes.isFieldValue) else {
                throw HTTPParseError.invalidHeaderValue(name: name)
            }
            headers.fields.append((name: name, value: HTTPBytes.text(valueBytes)))
        }
        return headers
    }
}

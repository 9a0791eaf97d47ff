/// Streaming HTTP/1.1 request decoder (server side). Pure: bytes in, requests or an
/// `HTTPParseError` out.
///
/// Call `decode` whenever bytes arrive; it returns one request per call (call again while it
/// returns requests: pipelined requests stay in the buffer) and nil when it needs more bytes.
/// At end of stream call `decodeLast` until it returns nil. After a thrown error the decoder
/// and buffer are in no defined state: answer `error.status` and close the connection.
public struct HTTPRequestDecoder: Sendable {
    public var limits: HTTPLimits
    private var scanner = HTTPHeadScanner(isRequest: true)
    private var pending: HTTPRequest?
    private var bodyReader = HTTPBodyReader()
    private var skippedEmptyLines = 0

    public init(limits: HTTPLimits = HTTPLimits()) {
        self.limits = limits
    }

    /// True between messages (nothing partially decoded).
    public var isBetweenMessages: Bool { pending == nil && scanner.isAtStart }

    public mutating func decode(_ buffer: inout ByteBuffer) throws -> HTTPRequest? {
        if pending == nil {
            guard try skipEmptyLines(&buffer) else { return nil }
            guard let headLength = try buffer.withUnsafeReadableBytes({ try scanner.scan($0, limits: limits) })
            else { return nil }
            let (request, framing) = try buffer.withUnsafeReadableBytes {
                try Self.parseHead(UnsafeRawBufferPointer(rebasing: $0[..<headLength]), limits: limits)
            }
            buffer.moveReaderIndex(forwardBy: headLength)
            pending = request
            bodyReader.start(framing)
        }
        guard let body = try bodyReader.read(&buffer, limits: limits) else { return nil }
        var request = pending!
        pending = nil
        skippedEmptyLines = 0
        request.body = body
        return request
    }

    public mutating func decodeLast(_ buffer: inout ByteBuffer) throws -> HTTPRequest? {
        if let request = try decode(&buffer) { return request }
        if pending == nil && scanner.isAtStart && buffer.isEmpty { return nil }
        throw HTTPParseError.truncatedMessage
    }

    /// RFC 9112 §2.2: a server SHOULD ignore at least one empty line before a request line
    /// (some clients send CRLF after a POST body). Returns false when more bytes are needed.
    private mutating func skipEmptyLines(_ buffer: inout ByteBuffer) throws -> Bool {
        guard scanner.isAtStart else { return true }
        while buffer.readableBytes > 0 {
            let first = buffer.byte(at: 0)
            if first == HTTPBytes.lf { throw HTTPParseError.bareLineFeed }
            guard first == HTTPBytes.cr else { return true }
            guard buffer.readableBytes >= 2 else { return false }
            guard buffer.byte(at: 1) == HTTPBytes.lf else { throw HTTPParseError.bareCarriageReturn }
            skippedEmptyLines += 1
            if skippedEmptyLines > limits.maxLeadingEmptyLines { throw HTTPParseError.malformedRequestLine }
            buffer.moveReaderIndex(forwardBy: 2)
        }
        return false
    }

    static func parseHead(_ head: UnsafeRawBufferPointer, limits: HTTPLimits) throws -> (HTTPRequest, HTTPBodyFraming) {
        let lines = try HTTPHeadParser.lines(head)
        guard let requestLine = lines.first else { throw HTTPParseError.malformedRequestLine }
        let parts = requestLine.split(separator: 0x20, maxSplits: 3, omittingEmptySubsequences: false)
        guard parts.count == 3 else { throw HTTPParseError.malformedRequestLine }
        let method = UnsafeRawBufferPointer(rebasing: parts[0])
        let target = UnsafeRawBufferPointer(rebasing: parts[1])
        guard HTTPBytes.isToken(method), !target.isEmpty, target.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
            throw HTTPParseError.malformedRequestLine
        }
        let version = try HTTPHeadParser.version(
            UnsafeRawBufferPointer(rebasing: parts[2]),
            malformed: .malformedRequestLine)
        let headers = try HTTPHeadParser.headers(lines.dropFirst())
        let hosts = headers.values(for: "Host").count
        if hosts > 1 { throw HTTPParseError.multipleHost }
        if hosts == 0 && version == .http1_1 { throw HTTPParseError.missingHost }
        let framing = try HTTPBodyFraming.from(headers: headers, limits: limits) ?? .none
        let request = HTTPRequest(
            method: HTTPBytes.text(method), target: HTTPBytes.text(target),
            version: version, headers: headers)
        return (request, framing)
    }
}

/// Streaming HTTP/1.1 response decoder (client side). Same contract as `HTTPRequestDecoder`.
///
/// Whether a response has a body depends on the request (HEAD), so call
/// `expectResponse(toMethod:)` once per request sent, in order; without it GET is assumed.
/// Interim 1xx responses (100 Continue) are skipped. A response without Content-Length or
/// chunked coding runs to the end of the connection: it is returned by `decodeLast`.
public struct HTTPResponseDecoder: Sendable {
    public var limits: HTTPLimits
    private var scanner = HTTPHeadScanner(isRequest: false)
    private var pending: HTTPResponse?
    private var bodyReader = HTTPBodyReader()
    private var methods: [String] = []

    public init(limits: HTTPLimits = HTTPLimits()) {
        self.limits = limits
    }

    public mutating func expectResponse(toMethod method: String) {
        methods.append(method)
    }

    /// True between messages (nothing partially decoded).
    public var isBetweenMessages: Bool { pending == nil && scanner.isAtStart }

    public mutating func decode(_ buffer: inout ByteBuffer) throws -> HTTPResponse? {
        while pending == nil {
            guard let headLength = try buffer.withUnsafeReadableBytes({ try scanner.scan($0, limits: limits) })
            else { return nil }
            var response = try buffer.withUnsafeReadableBytes {
                try Self.parseHead(UnsafeRawBufferPointer(rebasing: $0[..<headLength]))
            }
            buffer.moveReaderIndex(forwardBy: headLength)
            if response.status >= 100 && response.status < 200 && response.status != 101 { continue }
            let method = methods.isEmpty ? "GET" : methods.removeFirst()
            let framing: HTTPBodyFraming
            if method == "HEAD" || response.status < 200 || response.status == 204 || response.status == 304 {
                framing = .none
            } else {
                framing = try HTTPBodyFraming.from(headers: response.headers, limits: limits) ?? .untilClose
            }
            if framing == .untilClose { response.headers.set("Connection", "close") }
            pending = response
            bodyReader.start(framing)
        }
        guard let body = try bodyReader.read(&buffer, limits: limits) else { return nil }
        return finish(body)
    }

    public mutating func decodeLast(_ buffer: inout ByteBuffer) throws -> HTTPResponse? {
        if let response = try decode(&buffer) { return response }
        if pending != nil, let body = try bodyReader.finishAtEndOfStream(&buffer, limits: limits) {
            return finish(body)
        }
        if pending == nil && scanner.isAtStart && buffer.isEmpty { return nil }
        throw HTTPParseError.truncatedMessage
    }

    private mutating func finish(_ body: [UInt8]) -> HTTPResponse {
        var response = pending!
        pending = nil
        response.body = body
        return response
    }

    static func parseHead(_ head: UnsafeRawBufferPointer) throws -> HTTPResponse {
        let lines = try HTTPHeadParser.lines(head)
        guard let statusLine = lines.first, statusLine.count >= 12 else { throw HTTPParseError.malformedStatusLine }
        let version = try HTTPHeadParser.version(
            UnsafeRawBufferPointer(rebasing: statusLine[..<8]),
            malformed: .malformedStatusLine)
        let digits = statusLine[9..<12]
        guard statusLine[8] == 0x20, digits.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
            statusLine.count == 12 || statusLine[12] == 0x20
        else { throw HTTPParseError.malformedStatusLine }
        let status = digits.reduce(0) { $0 * 10 + Int($1 - 0x30) }
        let reasonBytes =
            statusLine.count > 13
            ? UnsafeRawBufferPointer(rebasing: statusLine[13...]) : UnsafeRawBufferPointer(start: nil, count: 0)
        guard reasonBytes.allSatisfy(HTTPBytes.isFieldValue) else { throw HTTPParseError.malformedStatusLine }
        let headers = try HTTPHeadParser.headers(lines.dropFirst())
        return HTTPResponse(status: status, reason: HTTPBytes.text(reasonBytes), version: version, headers: headers)
    }
}

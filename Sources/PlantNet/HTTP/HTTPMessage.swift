/// An HTTP version; we speak 1.1 and accept 1.0.
public struct HTTPVersion: Sendable, Equatable, Hashable, CustomStringConvertible {
    public var major: Int
    public var minor: Int
    public init(major: Int, minor: Int) {
        self.major = major
        self.minor = minor
    }
    public static let http1_1 = HTTPVersion(major: 1, minor: 1)
    public static let http1_0 = HTTPVersion(major: 1, minor: 0)
    public var description: String { "HTTP/\(major).\(minor)" }
}

/// Whether a message lets the connection carry another one (RFC 9112 §9.3).
func connectionPersists(version: HTTPVersion, headers: HTTPHeaders) -> Bool {
    let tokens = headers.tokens(for: "Connection")
    if tokens.contains("close") { return false }
    if version == .http1_0 { return tokens.contains("keep-alive") }
    return version.major == 1 && version.minor >= 1
}

/// A complete HTTP request. The body is fully buffered (our bodies are bounded batches).
public struct HTTPRequest: Sendable, Equatable {
    public var method: String
    /// The request target as sent: `/v1/batches?x=1` (origin form).
    public var target: String
    public var version: HTTPVersion
    public var headers: HTTPHeaders
    public var body: [UInt8]
    /// Set by `HTTPServer`: the client's `host:port`.
    public var remoteAddress: String?
    /// Set by `HTTPServer` over mutual TLS: the subject of the verified client certificate,
    /// e.g. "/CN=plant-P100".
    public var clientCertificateSubject: String?

    public init(
        method: String, target: String, version: HTTPVersion = .http1_1,
        headers: HTTPHeaders = HTTPHeaders(), body: [UInt8] = []
    ) {
        self.method = method
        self.target = target
        self.version = version
        self.headers = headers
        self.body = body
    }

    /// The target without its query string.
    public var path: Substring { target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)[0] }

    /// The query string after `?`, if any.
    public var query: Substring? {
        let parts = target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        return parts.count == 2 ? parts[1] : nil
    }

    /// True when the client wants the connection kept open after the response.
    public var keepAlive: Bool { connectionPersists(version: version, headers: headers) }
}

/// A complete HTTP response.
public struct HTTPResponse: Sendable, Equatable {
    public var status: Int
    public var reason: String
    public var version: HTTPVersion
    public var headers: HTTPHeaders
    public var body: [UInt8]

    public init(
        status: Int, reason: String? = nil, version: HTTPVersion = .http1_1,
        headers: HTTPHeaders = HTTPHeaders(), body: [UInt8] = []
    ) {
        self.status = status
        self.reason = reason ?? HTTPResponse.reasonPhrase(for: status)
        self.version = version
        self.headers = headers
        self.body = body
    }

    /// A response with a UTF-8 text body and a Content-Type.
    public init(status: Int, contentType: String, body: String) {
        self.init(status: status, headers: ["Content-Type": contentType], body: Array(body.utf8))
    }

    /// The body as UTF-8 text (lossy), for logs and tests.
    public var bodyText: String { String(decoding: body, as: UTF8.self) }

    /// True when the server will keep the connection open after this response (the decoder also
    /// sets `Connection: close` semantics for read-until-close bodies).
    public var keepAlive: Bool { connectionPersists(version: version, headers: headers) }

    public static func reasonPhrase(for status: Int) -> String {
        switch status {
        case 100: "Continue"
        case 200: "OK"
        case 201: "Created"
        case 202: "Accepted"
        case 204: "No Content"
        case 301: "Moved Permanently"
        case 304: "Not Modified"
        case 400: "Bad Request"
        case 401: "Unauthorized"
        case 403: "Forbidden"
        case 404: "Not Found"
        case 405: "Method Not Allowed"
        case 408: "Request Timeout"
        case 409: "Conflict"
        case 411: "Length Required"
        case 413: "Content Too Large"
        case 414: "URI Too Long"
        case 422: "Unprocessable Content"
        case 429: "Too Many Requests"
        case 431: "Request Header Fields Too Large"
        case 500: "Internal Server Error"
        case 501: "Not Implemented"
        case 502: "Bad Gateway"
        case 503: "Service Unavailable"
        case 504: "Gateway Timeout"
        case 505: "HTTP Version Not Supported"
        default: "Status \(status)"
        }
    }
}

import Foundation

/// Settings of an `HTTPClient`.
public struct HTTPClientConfiguration: Sendable {
    public var connectTimeout: Duration = .seconds(10)
    /// Longest wait for progress while writing the request or reading the response.
    public var ioTimeout: Duration = .seconds(30)
    /// Required trust settings for https URLs (nil = the system trust store).
    public var tls: TLSClientContext?
    /// Name to verify the server certificate against, when it differs from the URL's host.
    public var tlsServerName: String?
    /// TCP keep-alive probes after this much silence; nil = off.
    public var tcpKeepAliveIdle: Duration? = .seconds(30)
    public var limits = HTTPLimits()
    /// Resend once on a fresh connection when a *reused* connection fails before any response
    /// byte arrives (the server closed it while idle). The server may, rarely, have received the
    /// request: use only for idempotent requests (our batches are: the hub deduplicates).
    public var retryOnStaleConnection = true

    public init(tls: TLSClientContext? = nil) {
        self.tls = tls
    }
}

/// An HTTP/1.1 client holding one persistent keep-alive connection to one base URL,
/// reconnecting when needed. `send` blocks the calling thread: call it from a dedicated thread.
///
/// `@unchecked Sendable`: the connection state is guarded by `lock`, so concurrent `send` calls
/// are serialised on the single connection.
public final class HTTPClient: @unchecked Sendable {
    public let scheme: String
    public let host: String
    public let port: UInt16
    /// Path prefix of the base URL, without trailing slash ("" for none).
    public let basePath: String
    public let configuration: HTTPClientConfiguration
    private let tls: TLSClientContext?
    private let hostHeader: String
    private let lock = NSLock()
    private var stream: ByteStream?
    private var buffer = ByteBuffer()
    private var decoder: HTTPResponseDecoder
    private var output: [UInt8] = []

    /// - Parameter baseURL: `http://host[:port][/prefix]` or `https://...`; IPv6 as `[::1]`.
    public init(baseURL: String, configuration: HTTPClientConfiguration = HTTPClientConfiguration()) throws {
        guard let url = BaseURL(baseURL) else { throw HTTPClientError.invalidURL(baseURL) }
        scheme = url.scheme
        host = url.host
        port = url.port
        basePath = url.path
        self.configuration = configuration
        decoder = HTTPResponseDecoder(limits: configuration.limits)
        let defaultPort: UInt16 = url.scheme == "https" ? 443 : 80
        let hostText = url.host.contains(":") ? "[\(url.host)]" : url.host
        hostHeader = url.port == defaultPort ? hostText : "\(hostText):\(url.port)"
        if url.scheme == "https" {
            tls = try configuration.tls ?? TLSClientContext(caFile: nil)
        } else {
            tls = nil
        }
    }

    deinit { stream?.close() }

    /// `host:port` of the server.
    public var peer: String { SocketAddress.display(host: host, port: port) }

    /// Sends `request` (its target is appended to the base path; Host is set) and returns the
    /// response. Connects or reconnects as needed. Throws `HTTPClientError`.
    public func send(_ request: HTTPRequest) throws -> HTTPResponse {
        lock.lock()
        defer { lock.unlock() }
        var request = request
        request.target = basePath + request.target
        if !request.headers.contains("Host") { request.headers.add("Host", hostHeader) }
        var retried = false
        while true {
            let reused = stream != nil
            var receivedResponseBytes = false
            do {
                return try exchange(request, &receivedResponseBytes)
            } catch {
                closeConnection()
                let failure = HTTPClientError.from(error, peer: peer)
                let stale: Bool
                switch failure {
                case .connectionReset, .connectionClosed: stale = true
                default: stale = false
                }
                if stale && reused && !receivedResponseBytes && !retried && configuration.retryOnStaleConnection {
                    retried = true
                    continue
                }
                throw failure
            }
        }
    }

    /// Closes the connection; the next `send` reconnects.
    public func close() {
        lock.lock()
        closeConnection()
        lock.unlock()
    }

    private func closeConnection() {
        stream?.close()
        stream = nil
        buffer.clear()
        decoder = HTTPResponseDecoder(limits: configuration.limits)
    }

    private func connect() throws -> ByteStream {
        let connection = try TCPConnection.connect(host: host, port: port, timeout: configuration.connectTimeout)
        connection.readTimeout = configuration.ioTimeout
        connection.writeTimeout = configuration.ioTimeout
        if let idle = configuration.tcpKeepAliveIdle { try connection.setKeepAlive(true, idle: idle) }
        guard let tls else { return connection }
        return try TLSStream(
            client: connection, context: tls, serverName: configuration.tlsServerName ?? host,
            timeout: configuration.connectTimeout)
    }

    private func exchange(_ request: HTTPRequest, _ receivedResponseBytes: inout Bool) throws -> HTTPResponse {
        output.removeAll(keepingCapacity: true)
        do {
            try HTTPRequestEncoder().encodeHead(request, into: &output)
        } catch let error as HTTPParseError {
            throw HTTPClientError.invalidRequest(error)
        }
        let stream = try self.stream ?? connect()
        self.stream = stream
        if request.body.count <= 16 * 1024 {
            output.append(contentsOf: request.body)
            try stream.write(output)
        } else {
            try stream.write(output)
            try stream.write(request.body)
        }
        decoder.expectResponse(toMethod: request.method)
        while true {
            if let response = try decoder.decode(&buffer) {
                if !response.keepAlive { closeConnection() }
                return response
            }
            let count = try stream.read(into: &buffer, atMost: 64 * 1024)
            if count == 0 {
                guard let response = try decoder.decodeLast(&buffer) else {
                    throw HTTPClientError.connectionClosed(peer: peer)
                }
                closeConnection()
                return response
            }
            receivedResponseBytes = true
        }
    }
}

/// `scheme://host[:port][/path]`, parsed by hand (no Foundation URL on the hot path, and exact
/// errors).
struct BaseURL {
    var scheme: String
    var host: String
    var port: UInt16
    var path: String

    init?(_ text: String) {
        guard let range = text.range(of: "://") else { return nil }
        scheme = text[..<range.lowerBound].lowercased()
        guard scheme == "http" || scheme == "https" else { return nil }
        var rest = text[range.upperBound...]
        let slash = rest.firstIndex(of: "/") ?? rest.endIndex
        var path = String(rest[slash...])
        while path.hasSuffix("/") { path.removeLast() }
        self.path = path
        rest = rest[..<slash]
        var portText: Substring?
        if rest.hasPrefix("[") {
            guard let close = rest.firstIndex(of: "]") else { return nil }
            host = String(rest[rest.index(after: rest.startIndex)..<close])
            let after = rest[rest.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":") else { return nil }
                portText = after.dropFirst()
            }
        } else if let colon = rest.lastIndex(of: ":") {
            host = String(rest[..<colon])
            portText = rest[rest.index(after: colon)...]
        } else {
            host = String(rest)
        }
        guard !host.isEmpty else { return nil }
        if let portText {
            guard let value = UInt16(portText), value > 0 else { return nil }
            port = value
        } else {
            port = scheme == "https" ? 443 : 80
        }
    }
}

/// Settings of an `HTTPServer`.
public struct HTTPServerConfiguration: Sendable {
    /// Address to bind: "127.0.0.1", "::", "0.0.0.0", a name; nil = all IPv4 addresses.
    public var host: String?
    /// 0 = let the OS choose (read `HTTPServer.port`).
    public var port: UInt16
    public var backlog: Int32 = 511
    /// Connections served at once, one thread each. At the limit the server stops accepting;
    /// further clients wait in the kernel's listen backlog until a connection ends (no 503 is
    /// sent: answering would need a thread or, for TLS, a handshake on the accept thread).
    public var maxConnections: Int = 1024
    /// How long a kept-alive connection may sit idle between requests.
    public var idleTimeout: Duration = .seconds(60)
    /// Longest wait for progress while a request is being read or a response written.
    public var ioTimeout: Duration = .seconds(30)
    /// Longest TLS handshake.
    public var handshakeTimeout: Duration = .seconds(10)
    /// Stack of each connection thread: small, so hundreds of connections stay cheap.
    public var threadStackSize: Int = 256 * 1024
    public var limits = HTTPLimits()
    /// Serve HTTPS with this context; nil = plain HTTP.
    public var tls: TLSServerContext?

    public init(host: String? = "127.0.0.1", port: UInt16 = 0, tls: TLSServerContext? = nil) {
        self.host = host
        self.port = port
        self.tls = tls
    }
}

/// Counters of an `HTTPServer`, for status pages and tests.
public struct HTTPServerStatistics: Sendable, Equatable {
    public var connectionsAccepted = 0
    public var requestsHandled = 0
    /// Requests answered 4xx/5xx by the codec (malformed, too large).
    public var requestsRejected = 0
    public var tlsHandshakeFailures = 0
}

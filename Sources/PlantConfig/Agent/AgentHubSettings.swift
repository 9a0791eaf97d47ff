/// The agent's `hub:` section: where and how it forwards its journal.
public struct AgentHubSettings: Sendable, Hashable {
    /// `https://…`; `http://…` only with `allowPlainHTTP`.
    public var url: HTTPURL
    public var allowPlainHTTP: Bool
    /// The plant's bearer token, from `token_file`.
    public var token: SecretFile
    /// CA bundle to verify the hub with; nil: the system's trust store.
    public var caFile: String?
    /// Client certificate and its private key, both or neither.
    public var clientCertificateFile: String?
    public var clientKeyFile: String?
    /// Largest batch sent in one request.
    public var maxBatchEvents: Int
    public var maxBatchBytes: ByteSize
    /// Events per second while catching up on a backlog; nil: as fast as the hub acknowledges.
    public var catchUpRate: Int?
    public var connectTimeout: Duration
    public var requestTimeout: Duration

    public init(
        url: HTTPURL, allowPlainHTTP: Bool = false, token: SecretFile, caFile: String? = nil,
        clientCertificateFile: String? = nil, clientKeyFile: String? = nil, maxBatchEvents: Int = 1_000,
        maxBatchBytes: ByteSize = .mebibytes(1), catchUpRate: Int? = nil, connectTimeout: Duration = .seconds(10),
        requestTimeout: Duration = .seconds(30)
    ) {
        self.url = url
        self.allowPlainHTTP = allowPlainHTTP
        self.token = token
        self.caFile = caFile
        self.clientCertificateFile = clientCertificateFile
        self.clientKeyFile = clientKeyFile
        self.maxBatchEvents = maxBatchEvents
        self.maxBatchBytes = maxBatchBytes
        self.catchUpRate = catchUpRate
        self.connectTimeout = connectTimeout
        self.requestTimeout = requestTimeout
    }

    /// Decodes the section; nil (with every problem recorded in `map`) when unusable.
    public init?(_ map: ConfigMap) {
        let url = map.required("url", .httpURL)
        allowPlainHTTP = map.optional("allow_plain_http", .boolean, default: false)
        let token = map.required("token_file", .secretFile)
        caFile = map.optional("ca_file", .existingFilePath)
        clientCertificateFile = map.optional("client_cert_file", .existingFilePath)
        clientKeyFile = map.optional("client_key_file", .privateFilePath)
        maxBatchEvents = map.optional("max_batch_events", .integer(in: 1...100_000), default: 1_000)
        maxBatchBytes = map.optional(
            "max_batch_bytes", .size(in: .kibibytes(1)...(.mebibytes(64))), default: .mebibytes(1))
        catchUpRate = map.optional("catch_up_rate", .integer(in: 1...10_000_000))
        connectTimeout = map.optional(
            "connect_timeout", .duration(in: .milliseconds(100)...(.seconds(300))), default: .seconds(10))
        requestTimeout = map.optional(
            "request_timeout", .duration(in: .seconds(1)...(.seconds(1_800))), default: .seconds(30))

        var valid = true
        if let url, url.scheme == .http, !allowPlainHTTP {
            map.report("plain http:// is refused unless allow_plain_http: true is set; use https://", at: "url")
            valid = false
        }
        let certificateGiven = map.contains("client_cert_file")
        if certificateGiven != map.contains("client_key_file") {
            let (given, missing) =
                certificateGiven ? ("client_cert_file", "client_key_file") : ("client_key_file", "client_cert_file")
            map.report("\(given) needs \(missing) as well: a client certificate and its key go together", at: given)
            valid = false
        }
        guard let url, let token, valid else { return nil }
        self.url = url
        self.token = token
    }
}

/// The agent's `status:` section: the local status endpoint.
public struct StatusSettings: Sendable, Hashable {
    public static let defaultListen = HostPort(host: "127.0.0.1", port: 9466)

    /// Loopback by default: the status page is for people on the gateway, not the plant network.
    public var listen: HostPort

    public init(listen: HostPort = StatusSettings.defaultListen) {
        self.listen = listen
    }

    public init(_ map: ConfigMap) {
        listen = map.optional("listen", .listenAddress, default: Self.defaultListen)
    }
}

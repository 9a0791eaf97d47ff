/// How the forwarder reaches the hub and paces itself. The agent maps the `hub:` section of
/// `agent.yaml` onto this; every field has a default suited to a plant gateway except the
/// hub's address, the plant id and the token.
public struct ForwarderSettings: Sendable {
    /// `https://hub.example.com:8443` (a path prefix is allowed: `https://erp.example/plantsync`).
    /// `http://` only when explicitly configured, e.g. for loopback tests.
    public var hubURL: String
    /// This plant's id, as the hub knows it ("P100").
    public var plant: String
    /// The plant's bearer token.
    public var token: String
    /// PEM file of CAs trusted for the hub's certificate; nil = the system trust store.
    public var caFile: String?
    /// Client certificate and key (PEM) for hubs that require mutual TLS.
    public var clientCertFile: String?
    public var clientKeyFile: String?
    /// Streams to forward; nil = every stream the journal holds (new ones are picked up as they appear).
    public var streams: [String]?

    /// Most events in one batch.
    public var maxBatchEvents: Int = 2_000
    /// Most event bytes in one batch (the request body is a little larger: envelope and backlog).
    public var maxBatchBytes: Int = 1 << 20
    /// While a stream has more than a batch waiting (catching up after an outage), all streams
    /// together send at most this many catch-up events per second; streams that are current are
    /// never held back, so live events keep flowing between catch-up batches. nil = no limit.
    public var catchUpEventsPerSecond: Int? = 20_000

    /// Backoff after connection errors, 5xx and 429: a random delay in [0, min(cap, base·2ⁿ)]
    /// ("full jitter") after the n-th consecutive failure.
    public var backoffBase: Duration = .milliseconds(250)
    public var backoffCap: Duration = .seconds(30)
    /// Longest `Retry-After` honoured (a larger value is cut to this).
    public var maxRetryAfter: Duration = .seconds(600)
    /// Interval between attempts while the hub refuses our token (401/403) or its certificate
    /// does not verify: such failures need a person, not a fast retry.
    public var authRetryInterval: Duration = .seconds(60)

    /// Longest TCP connect plus TLS handshake.
    public var connectTimeout: Duration = .seconds(10)
    /// Longest wait for progress while sending a batch or reading the hub's answer.
    public var requestTimeout: Duration = .seconds(30)
    /// Fallback re-check of the journal when no wake-up arrived (wake-ups are the main path).
    public var idleRecheckInterval: Duration = .seconds(1)
    /// How often the backlog figures are refreshed from the journal and new streams looked for.
    public var backlogRefreshInterval: Duration = .seconds(5)

    public init(
        hubURL: String, plant: String, token: String, caFile: String? = nil,
        clientCertFile: String? = nil, clientKeyFile: String? = nil
    ) {
        self.hubURL = hubURL
        self.plant = plant
        self.token = token
        self.caFile = caFile
        self.clientCertFile = clientCertFile
        self.clientKeyFile = clientKeyFile
    }
}

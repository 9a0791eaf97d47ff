/// The hub's `erp:` section: connectors that hand stored events on to an ERP, each with its own
/// cursor per (plant, stream). See `docs/erp.md` and `Config/hub.yaml`.
public struct HubERPSettings: Sendable, Hashable {
    public var connectors: [ERPConnectorSettings]

    public init(connectors: [ERPConnectorSettings] = []) {
        self.connectors = connectors
    }

    /// nil when any connector is unusable (every problem recorded in `map`).
    public init?(_ map: ConfigMap) {
        var connectors: [ERPConnectorSettings] = []
        var complete = true
        var firstName: [String: ConfigMap] = [:]
        for item in map.sectionList("connectors") {
            guard let connector = ERPConnectorSettings(item) else {
                complete = false
                continue
            }
            if let first = firstName[connector.name] {
                item.report(
                    "duplicate connector name \(MessageText.quoted(connector.name)); first listed as \(first.path) "
                        + "on line \(first.position.line)", at: "name")
                complete = false
            }
            firstName[connector.name] = item
            connectors.append(connector)
        }
        guard complete else { return nil }
        self.connectors = connectors
    }
}

/// One ERP connector: what it reads (plants, streams) and how it retries; `kind` says where it posts.
public struct ERPConnectorSettings: Sendable, Hashable {
    public enum Kind: Sendable, Hashable {
        case webhook(WebhookSettings)
        case tryton(TrytonSettings)
    }

    /// Names the connector's cursors, parked postings and metrics; 1–32 letters, digits, `_`, `-`.
    public var name: String
    public var kind: Kind
    /// Streams handed on, in this order of preference; default the business streams. Raw telemetry
    /// (`telemetry`) only when listed, and never to a `tryton` connector (nothing to book).
    public var streams: [String]
    /// Plants handed on; empty: every plant.
    public var plants: [String]
    /// First wait after a transient failure; doubles up to `retryMax`.
    public var retryInitial: Duration
    public var retryMax: Duration
    /// How often an idle connector looks for new events.
    public var pollInterval: Duration
    /// Threads posting in parallel; each owns a fixed share of the (plant, stream) pairs, so every
    /// stream stays in order.
    public var workers: Int

    public static let defaultStreams = ["production", "inventory", "quality"]
    /// The agents' raw-telemetry stream (PlantModel's `StreamName.telemetry`): samples, not business events.
    public static let rawTelemetryStream = "telemetry"

    public init(
        name: String, kind: Kind, streams: [String] = ERPConnectorSettings.defaultStreams, plants: [String] = [],
        retryInitial: Duration = .seconds(1), retryMax: Duration = .seconds(300), pollInterval: Duration = .seconds(1),
        workers: Int = 1
    ) {
        self.name = name
        self.kind = kind
        self.streams = streams
        self.plants = plants
        self.retryInitial = retryInitial
        self.retryMax = retryMax
        self.pollInterval = pollInterval
        self.workers = workers
    }

    public init?(_ map: ConfigMap) {
        let name = map.required("name", .identifier(maxLength: 32))
        let type = map.required("type", .oneOf(["webhook", "tryton"]))
        let streams = map.list("streams", of: .identifier(maxLength: 32))
        self.streams = streams.isEmpty ? Self.defaultStreams : streams
        plants = map.list("plants", of: .identifier(maxLength: 32))
        retryInitial = map.optional(
            "retry_initial", .duration(in: .milliseconds(10)...(.seconds(3_600))), default: .seconds(1))
        retryMax = map.optional(
            "retry_max", .duration(in: .milliseconds(10)...(.seconds(86_400))), default: .seconds(300))
        pollInterval = map.optional(
            "poll_interval", .duration(in: .milliseconds(10)...(.seconds(300))), default: .seconds(1))
        workers = map.optional("workers", .integer(in: 1...64), default: 1)
        var kind: Kind?
        // Each section is fetched once: a second fetch would report its keys as unknown.
        let webhook = map.section("webhook", required: type == "webhook")
        let tryton = map.section("tryton", required: type == "tryton")
        switch type {
        case "webhook":
            kind = WebhookSettings(webhook).map(Kind.webhook)
            if tryton.isPresent {
                map.report("a webhook connector takes no tryton: section", at: "tryton")
                tryton.ignoreRemainingKeys()
            }
        case "tryton":
            kind = TrytonSettings(tryton).map(Kind.tryton)
            if self.streams.contains(Self.rawTelemetryStream) {
                map.report(
                    "a tryton connector books business events; stream \"telemetry\" holds raw samples with nothing "
                        + "to book: leave it out (a webhook connector can hand it on)", at: "streams")
                kind = nil
            }
            // Confirmations travel in the production stream: without it the setting would do nothing.
            if tryton.contains("complete_orders_on_final"), case .tryton(let settings) = kind,
                settings.posting.completeOrdersOnFinal, !self.streams.contains("production")
            {
                tryton.report(
                    "true needs the production stream, where confirmations travel; add production to "
                        + "\(map.path.appending("streams")) or set it to false", at: "complete_orders_on_final")
                kind = nil
            }
            if webhook.isPresent {
                map.report("a tryton connector takes no webhook: section", at: "webhook")
                webhook.ignoreRemainingKeys()
            }
        default:
            webhook.ignoreRemainingKeys()
            tryton.ignoreRemainingKeys()
        }
        guard let name, let kind, !(webhook.isPresent && tryton.isPresent) else { return nil }
        self.name = name
        self.kind = kind
    }
}

/// TLS client settings as the agent has them: CA to verify the server (nil: the system's trust
/// store) and an optional client certificate with its key.
public struct ERPTLSSettings: Sendable, Hashable {
    public var caFile: String?
    public var clientCertificateFile: String?
    public var clientKeyFile: String?

    public init(caFile: String? = nil, clientCertificateFile: String? = nil, clientKeyFile: String? = nil) {
        self.caFile = caFile
        self.clientCertificateFile = clientCertificateFile
        self.clientKeyFile = clientKeyFile
    }

    /// Reads `ca_file`, `client_cert_file`, `client_key_file` from `map`; false when inconsistent.
    static func decode(_ map: ConfigMap) -> ERPTLSSettings? {
        var settings = ERPTLSSettings()
        settings.caFile = map.optional("ca_file", .existingFilePath)
        settings.clientCertificateFile = map.optional("client_cert_file", .existingFilePath)
        settings.clientKeyFile = map.optional("client_key_file", .privateFilePath)
        let certificateGiven = map.contains("client_cert_file")
        if certificateGiven != map.contains("client_key_file") {
            let (given, missing) =
                certificateGiven ? ("client_cert_file", "client_key_file") : ("client_key_file", "client_cert_file")
            map.report("\(given) needs \(missing) as well: a client certificate and its key go together", at: given)
            return nil
        }
        return settings
    }

    /// Reports a plain http:// URL unless `allow_plain_http: true`; false when refused.
    static func checkScheme(_ url: HTTPURL, allowPlainHTTP: Bool, _ map: ConfigMap) -> Bool {
        if url.scheme == .http, !allowPlainHTTP {
            map.report("plain http:// is refused unless allow_plain_http: true is set; use https://", at: "url")
            return false
        }
        return true
    }
}

/// A `webhook` connector's `webhook:` section.
public struct WebhookSettings: Sendable, Hashable {
    public var url: HTTPURL
    public var allowPlainHTTP: Bool
    /// Shared secret for the `X-PlantSync-Signature` HMAC-SHA256.
    public var secret: SecretFile
    /// 1: one event per POST (`{"event": …}`); more: up to this many per POST (`{"events": […]}`).
    public var batchEvents: Int
    public var tls: ERPTLSSettings
    public var connectTimeout: Duration
    public var requestTimeout: Duration

    public init(
        url: HTTPURL, allowPlainHTTP: Bool = false, secret: SecretFile, batchEvents: Int = 1,
        tls: ERPTLSSettings = ERPTLSSettings(), connectTimeout: Duration = .seconds(10),
        requestTimeout: Duration = .seconds(30)
    ) {
        self.url = url
        self.allowPlainHTTP = allowPlainHTTP
        self.secret = secret
        self.batchEvents = batchEvents
        self.tls = tls
        self.connectTimeout = connectTimeout
        self.requestTimeout = requestTimeout
    }

    public init?(_ map: ConfigMap) {
        let url = map.required("url", .httpURL)
        allowPlainHTTP = map.optional("allow_plain_http", .boolean, default: false)
        let secret = map.required("secret_file", .secretFile)
        batchEvents = map.optional("batch_events", .integer(in: 1...10_000), default: 1)
        let tls = ERPTLSSettings.decode(map)
        connectTimeout = map.optional(
            "connect_timeout", .duration(in: .milliseconds(100)...(.seconds(300))), default: .seconds(10))
        requestTimeout = map.optional(
            "request_timeout", .duration(in: .milliseconds(100)...(.seconds(1_800))), default: .seconds(30))
        var schemeAllowed = true
        if let url { schemeAllowed = ERPTLSSettings.checkScheme(url, allowPlainHTTP: allowPlainHTTP, map) }
        guard let url, let secret, let tls, schemeAllowed else { return nil }
        self.url = url
        self.secret = secret
        self.tls = tls
    }
}

import Foundation
import PlantConfig
import PlantModel
import PlantNet

/// The `webhook` connector: POSTs events as JSON to one URL.
///
/// Body, one event per request (`batch_events: 1`):
/// `{"event":{…canonical…},"plant":"P100","position":12,"stream":"production"}`;
/// several (`batch_events` > 1): `{"events":[{"event":{…},"position":12},…],"plant":…,"stream":…}`.
/// Headers: `Idempotency-Key: <event id>` (of the first event; ids are unique per plant, so pair
/// it with `X-PlantSync-Plant`), `X-PlantSync-Plant`, `X-PlantSync-Stream`, and the signature
/// headers of `WebhookSignature`.
///
/// Answers: 2xx accepted; 408, 429, 5xx and network failures are retried (`Retry-After` in
/// seconds honoured); any other status refuses the posting for good with the receiver's message.
public final class WebhookConnector: ERPConnector {
    public let settings: WebhookSettings
    private let client: HTTPClient
    private let secret: [UInt8]
    private let clock: @Sendable () -> Int64
    private let path: String

    /// Largest part of a refusal body kept as the ERP's message.
    static let maxMessageBytes = 2_000

    public init(settings: WebhookSettings, clock: @escaping @Sendable () -> Int64) throws {
        self.settings = settings
        self.clock = clock
        secret = Array(settings.secret.value.utf8)
        var configuration = HTTPClientConfiguration()
        configuration.connectTimeout = settings.connectTimeout
        configuration.ioTimeout = settings.requestTimeout
        if settings.url.usesTLS {
            configuration.tls = try TLSClientContext(
                caFile: settings.tls.caFile, clientCertFile: settings.tls.clientCertificateFile,
                clientKeyFile: settings.tls.clientKeyFile)
        }
        let host = settings.url.host.contains(":") ? "[\(settings.url.host)]" : settings.url.host
        client = try HTTPClient(
            baseURL: "\(settings.url.scheme.rawValue)://\(host):\(settings.url.port)", configuration: configuration)
        path = settings.url.path
    }

    public var maxEventsPerPosting: Int { settings.batchEvents }

    public func close() { client.close() }

    public func deliver(_ events: [OutboxEvent]) -> DeliveryOutcome {
        guard let first = events.first else { return .all(0) }
        let body = Self.body(events, single: settings.batchEvents == 1)
        let timestamp = clock() / 1000
        let headers = HTTPHeaders([
            ("Content-Type", "application/json"),
            ("Idempotency-Key", first.id),
            ("X-PlantSync-Plant", first.plant),
            ("X-PlantSync-Stream", first.stream),
            (WebhookSignature.timestampHeader, String(timestamp)),
            (WebhookSignature.signatureHeader, WebhookSignature.sign(body: body, timestamp: timestamp, secret: secret)),
        ])
        let response: HTTPResponse
        do {
            response = try client.send(HTTPRequest(method: "POST", target: path, headers: headers, body: body))
        } catch {
            return DeliveryOutcome(accepted: 0, failure: .transient("\(settings.url): \(error)"))
        }
        return Self.outcome(of: response, count: events.count)
    }

    /// Maps the receiver's answer to an outcome.
    static func outcome(of response: HTTPResponse, count: Int) -> DeliveryOutcome {
        let status = response.status
        if (200...299).contains(status) { return .all(count) }
        var text = String(decoding: response.body.prefix(maxMessageBytes), as: UTF8.self)
        while text.hasSuffix("\n") || text.hasSuffix("\r") { text.removeLast() }
        let message = "HTTP \(status)" + (text.isEmpty ? "" : ": \(text)")
        if status == 408 || status == 429 || (500...599).contains(status) {
            let retryAfter = response.headers["Retry-After"].flatMap { Int64($0.trimmingCharacters(in: .whitespaces)) }
                .map { Duration.seconds(max(0, $0)) }
            return DeliveryOutcome(accepted: 0, failure: .transient(message, retryAfter: retryAfter))
        }
        return DeliveryOutcome(accepted: 0, failure: .permanent(message))
    }

    /// The request body (keys in UTF-8 order, the canonical event bytes as stored).
    static func body(_ events: [OutboxEvent], single: Bool) -> [UInt8] {
        let first = events[0]
        var object = JSONObjectBuilder(capacity: events.reduce(128) { $0 + $1.canonical.count + 40 })
        if single && events.count == 1 {
            object.raw("event", first.canonical)
            object.string("plant", first.plant)
            object.integer("position", first.position)
        } else {
            object.array("events", events) { event in
                var item = JSONObjectBuilder(capacity: event.canonical.count + 32)
                item.raw("event", event.canonical)
                item.integer("position", event.position)
                return item.finish()
            }
            object.string("plant", first.plant)
        }
        object.string("stream", first.stream)
        return object.finish()
    }
}

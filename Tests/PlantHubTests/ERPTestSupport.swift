import Foundation
import PlantConfig
import PlantHub
import PlantModel
import PlantNet
import Synchronization

/// A hub with ERP connectors, consumers and readers, on 127.0.0.1 with a store in a temporary directory.
final class ERPHubFixture {
    static let readerToken = "erp-reader-token-0123456789"
    let directory: TemporaryDirectory
    let clock = TestClock(HubFixture.start)
    let log = LogRecorder()
    var hub: Hub?
    let plants = ["P100": "token-p100-aaaaaaaaaaaa", "P200": "token-p200-bbbbbbbbbbbb"]
    var connectors: [ERPConnectorSettings]
    var consumers: [ConsumerSettings]

    init(connectors: [ERPConnectorSettings], consumers: [ConsumerSettings] = []) throws {
        directory = try TemporaryDirectory()
        self.connectors = connectors
        self.consumers = consumers
        try startHub()
    }

    var storePath: String { directory.path + "/data/hub.sqlite" }

    func startHub() throws {
        let configuration = HubConfiguration(
            listen: HostPort(host: "127.0.0.1", port: 0), tls: nil, allowPlainHTTP: true,
            dataDirectory: directory.path + "/data", durability: .full,
            plants: plants.keys.sorted().map { PlantCredential(id: $0, tokenSHA256: SHA256.hash(plants[$0]!)) },
            readers: [
                ReaderCredential(name: "middleware", tokenSHA256: SHA256.hash(Self.readerToken)),
                ReaderCredential(name: "auditor", tokenSHA256: SHA256.hash("auditor-token-0123456789")),
            ],
            consumers: consumers, erp: HubERPSettings(connectors: connectors))
        var options = HubOptions()
        let clock = self.clock
        options.clock = { clock.now }
        let log = self.log
        options.log = { line in log.append(line) }
        hub = try Hub(configuration: configuration, options: options)
    }

    func stopHub() {
        hub?.stop(gracePeriod: .seconds(2))
        hub = nil
    }

    deinit {
        stopHub()
        directory.remove()
    }

    func send(_ batch: WireBatch) throws {
        let client = try HTTPClient(baseURL: "http://127.0.0.1:\(hub!.port)")
        let response = try client.send(
            HTTPRequest(
                method: "POST", target: "/v1/batches",
                headers: HTTPHeaders([
                    ("Content-Type", "application/json"), ("Authorization", "Bearer \(plants[batch.plant]!)"),
                ]),
                body: try batch.body()))
        precondition(response.status == 200, "batch refused: \(response.status) \(response.bodyText)")
    }

    func request(_ method: String, _ target: String, token: String? = ERPHubFixture.readerToken, body: String = "")
        throws -> HTTPResponse
    {
        var headers = HTTPHeaders([("Content-Type", "application/json")])
        if let token { headers.add("Authorization", "Bearer \(token)") }
        return try HTTPClient(baseURL: "http://127.0.0.1:\(hub!.port)").send(
            HTTPRequest(method: method, target: target, headers: headers, body: Array(body.utf8)))
    }

    static func webhook(
        name: String = "erp-hook", port: UInt16, batchEvents: Int = 1, streams: [String] = ["production", "quality"],
        workers: Int = 2, secret: String = WebhookReceiver.secret
    ) -> ERPConnectorSettings {
        ERPConnectorSettings(
            name: name,
            kind: .webhook(
                WebhookSettings(
                    url: HTTPURL(scheme: .http, host: "127.0.0.1", port: Int(port), path: "/plantsync/events"),
                    allowPlainHTTP: true, secret: SecretFile(path: "/test/secret", value: secret),
                    batchEvents: batchEvents, connectTimeout: .seconds(1), requestTimeout: .seconds(5))),
            streams: streams, retryInitial: .milliseconds(20), retryMax: .milliseconds(200),
            pollInterval: .milliseconds(20), workers: workers)
    }
}

/// Downtime events of plant `plant`, line L3, one per minute (ids unique per plant).
enum ERPEvents {
    static func downtime(_ plant: String, _ minute: Int, line: String = "L3") -> [UInt8] {
        let start = Events.base.adding(milliseconds: Int64(minute) * 60_000)
        let payload = Downtime(
            plant: plant, line: line, reason: "blocked", start: start, end: start.adding(milliseconds: 30_000))
        let event = try! Event(
            id: EventID.downtime(plant: plant, line: line, start: start), occurredAt: start, payload: .downtime(payload)
        )
        return event.canonicalJSON()
    }

    static func id(_ plant: String, _ minute: Int, line: String = "L3") -> String {
        let start = Events.base.adding(milliseconds: Int64(minute) * 60_000)
        return try! EventID.downtime(plant: plant, line: line, start: start).rawValue
    }
}

/// A webhook receiver as an ERP integrator would write it: verifies the signature and the
/// timestamp window, deduplicates by (plant, Idempotency-Key), and answers from a schedule.
/// It can be stopped and started again on the same port; what it accepted survives (as a
/// receiver's own database would).
final class WebhookReceiver: Sendable {
    static let secret = "whsec-test-0123456789"

    struct State {
        /// Accepted event ids per "plant/stream", in the order accepted.
        var accepted: [String: [String]] = [:]
        var seen: Set<String> = []
        /// Statuses to answer for an event id before accepting it, consumed in order.
        var schedule: [String: [Int]] = [:]
        /// Event ids refused with 422 until removed.
        var refuse: Set<String> = []
        var requests = 0
        var duplicates = 0
        var badSignatures: [String] = []
        var outOfOrder: [String] = []
        var batchSizes: [Int] = []
    }

    let state = Mutex(State())
    let clock: TestClock
    let server = Mutex<HTTPServer?>(nil)
    let port: Mutex<UInt16> = Mutex(0)

    init(clock: TestClock) throws {
        self.clock = clock
        try start()
    }

    func start() throws {
        var configuration = HTTPServerConfiguration(host: "127.0.0.1", port: port.withLock { $0 })
        configuration.idleTimeout = .seconds(5)
        let started = try HTTPServer(configuration: configuration) { [self] request in handle(request) }
        port.withLock { $0 = started.port }
        server.withLock { $0 = started }
    }

    /// Like a crash: closes the listener and every connection.
    func kill() {
        let running = server.withLock { server in
            defer { server = nil }
            return server
        }
        running?.stop(gracePeriod: .zero)
    }

    var listeningPort: UInt16 { port.withLock { $0 } }

    func accepted(_ plant: String, _ stream: String) -> [String] {
        state.withLock { $0.accepted["\(plant)/\(stream)"] ?? [] }
    }

    func handle(_ request: HTTPRequest) -> HTTPResponse {
        if let failure = WebhookSignature.verify(
            body: request.body, timestamp: request.headers[WebhookSignature.timestampHeader],
            signature: request.headers[WebhookSignature.signatureHeader], secret: Array(Self.secret.utf8),
            now: clock.now / 1000)
        {
            state.withLock { $0.badSignatures.append(failure.description) }
            return HTTPResponse(status: 401, contentType: "text/plain", body: failure.description)
        }
        guard let body = try? JSONParser().parse(request.body).objectValue,
            let plant = body["plant"]?.stringValue, let stream = body["stream"]?.stringValue
        else { return HTTPResponse(status: 400, contentType: "text/plain", body: "not a PlantSync webhook body") }
        let ids: [String]
        if let event = body["event"] {
            ids = [event["id"]?.stringValue ?? ""]
        } else {
            ids = body["events"]?.arrayValue?.map { $0["event"]?["id"]?.stringValue ?? "" } ?? []
        }
        guard let first = ids.first, request.headers["Idempotency-Key"] == first else {
            return HTTPResponse(status: 400, contentType: "text/plain", body: "Idempotency-Key does not name the event")
        }
        return state.withLock { state -> HTTPResponse in
            state.requests += 1
            state.batchSizes.append(ids.count)
            for id in ids {
                if var planned = state.schedule[id], !planned.isEmpty {
                    let status = planned.removeFirst()
                    state.schedule[id] = planned
                    var response = HTTPResponse(status: status, contentType: "text/plain", body: "scheduled \(status)")
                    if status == 429 { response.headers.set("Retry-After", "0") }
                    return response
                }
                if state.refuse.contains(id) {
                    return HTTPResponse(
                        status: 422, contentType: "application/json",
                        body: #"{"error":"unknown material MAT-9 in plant \#(plant)"}"#)
                }
            }
            for id in ids {
                let key = "\(plant)\u{0}\(id)"
                if state.seen.insert(key).inserted {
                    state.accepted["\(plant)/\(stream)", default: []].append(id)
                } else {
                    state.duplicates += 1
                }
            }
            return HTTPResponse(status: 200, contentType: "application/json", body: #"{"ok":true}"#)
        }
    }
}

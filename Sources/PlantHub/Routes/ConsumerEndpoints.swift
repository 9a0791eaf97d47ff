import PlantModel
import PlantNet

/// Consumer cursors for pulling ERP middleware:
///
/// - `POST /v1/consumers/{name}/ack` `{"plant":"P100","stream":"production","position":1200}` (optional
///   `"rewind": true` to move back) stores the consumer's acknowledged feed position; only the
///   token of the reader the consumer is configured with may move it. Answers the stored position.
/// - `GET /v1/consumers/{name}` and `GET /v1/consumers`: positions and lag per (plant, stream),
///   for any reader token.
struct ConsumerEndpoints: Sendable {
    /// Reader tokens; `authenticate` answers the reader's name.
    let readerTokens: PlantTokens
    /// Consumer name → the reader allowed to acknowledge for it.
    let consumers: [String: String]
    let cursors: ConsumerCursors
    let clock: @Sendable () -> Int64

    func handle(_ request: HTTPRequest) -> HTTPResponse {
        let parts = request.path.split(separator: "/", omittingEmptySubsequences: false).dropFirst(3)
        // parts: [] for /v1/consumers, [name] or [name, "ack"]
        let reader: String
        switch readerTokens.authenticate(authorization: request.headers["Authorization"]) {
        case .success(let name): reader = name
        case .failure(let failure): return HubResponses.unauthorized(failure)
        }
        switch parts.count {
        case 0:
            guard request.method == "GET" || request.method == "HEAD" else { return methodNotAllowed(request, "GET") }
            return list(consumers.keys.sorted())
        case 1, 2:
            let name = String(parts[parts.startIndex])
            guard consumers[name] != nil else {
                return HubResponses.error(404, "unknown_consumer", message: "no consumer \"\(name)\" is configured")
            }
            if parts.count == 1 {
                guard request.method == "GET" || request.method == "HEAD" else {
                    return methodNotAllowed(request, "GET")
                }
                return list([name])
            }
            guard parts.last == "ack" else {
                return HubResponses.error(404, "not_found", message: "no resource \(request.path)")
            }
            guard request.method == "POST" else { return methodNotAllowed(request, "POST") }
            guard consumers[name] == reader else {
                return HubResponses.error(
                    403, "forbidden",
                    message: "consumer \(name) is acknowledged by reader \(consumers[name]!), not \(reader)")
            }
            return acknowledge(name, request.body)
        default:
            return HubResponses.error(404, "not_found", message: "no resource \(request.path)")
        }
    }

    private func acknowledge(_ consumer: String, _ body: [UInt8]) -> HTTPResponse {
        guard let object = try? JSONParser(limits: .init(maxDepth: 4, maxBytes: 4096)).parse(body).objectValue else {
            return HubResponses.error(
                400, "bad_request", message: "expected a JSON object {\"plant\":…,\"stream\":…,\"position\":…}")
        }
        for key in object.keys where !["plant", "stream", "position", "rewind"].contains(key) {
            return HubResponses.error(
                400, "bad_request", message: "unknown member \"\(key)\"; expected plant, stream, position, rewind")
        }
        guard let plant = object["plant"]?.stringValue, !plant.isEmpty else {
            return HubResponses.error(400, "bad_request", message: "plant: expected a non-empty string")
        }
        guard let stream = object["stream"]?.stringValue, !stream.isEmpty else {
            return HubResponses.error(400, "bad_request", message: "stream: expected a non-empty string")
        }
        guard let position = object["position"]?.numberValue?.int64Value, position >= 0 else {
            return HubResponses.error(
                400, "bad_request", message: "position: expected a feed position (an integer ≥ 0)")
        }
        var rewind = false
        if let value = object["rewind"] {
            guard let flag = value.boolValue else {
                return HubResponses.error(400, "bad_request", message: "rewind: expected true or false")
            }
            rewind = flag
        }
        let result: Result<ConsumerPosition, ConsumerAckFailure>
        do {
            result = try cursors.acknowledge(
                consumer: consumer, plant: plant, stream: stream, position: position, rewind: rewind, now: clock())
        } catch {
            return HubResponses.slowDown(
                status: 503, code: "store_unavailable", message: "\(error)", retryAfterSeconds: 5)
        }
        switch result {
        case .success(let stored):
            return HubResponses.json(200, Self.encode(stored))
        case .failure(let failure):
            var body = JSONObjectBuilder()
            switch failure {
            case .beyondFeed(_, let feedThrough):
                body.string("error", "beyond_feed")
                body.integer("feed_through", feedThrough)
            case .behind(_, let stored):
                body.string("error", "position_behind")
                body.string("message", failure.description)
                body.integer("stored_position", stored)
                return HubResponses.json(409, body.finish())
            }
            body.string("message", failure.description)
            return HubResponses.json(409, body.finish())
        }
    }

    private func list(_ names: [String]) -> HTTPResponse {
        let positions: [ConsumerPosition]
        do {
            positions = try cursors.positions(consumers: names)
        } catch {
            return HubResponses.slowDown(
                status: 503, code: "store_unavailable", message: "\(error)", retryAfterSeconds: 5)
        }
        var body = JSONObjectBuilder(capacity: 256 + 160 * positions.count)
        body.array("consumers", names) { name in
            let own = positions.filter { $0.consumer == name }
            var consumer = JSONObjectBuilder()
            consumer.integer("lag", own.reduce(0) { $0 + $1.lag })
            consumer.string("name", name)
            consumer.array("positions", own) { Self.encode($0) }
            consumer.string("reader", consumers[name] ?? "")
            return consumer.finish()
        }
        body.timestamp("now", milliseconds: clock())
        return HubResponses.json(200, body.finish())
    }

    static func encode(_ position: ConsumerPosition) -> [UInt8] {
        var object = JSONObjectBuilder()
        object.timestamp("acked_at", milliseconds: position.ackedAt)
        object.string("consumer", position.consumer)
        object.integer("feed_through", position.feedThrough)
        object.integer("lag", position.lag)
        object.string("plant", position.plant)
        object.integer("position", position.position)
        object.string("stream", position.stream)
        return object.finish()
    }

    private func methodNotAllowed(_ request: HTTPRequest, _ allow: String) -> HTTPResponse {
        HubResponses.error(
            405, "method_not_allowed", message: "\(request.method) \(request.path) is not supported; use \(allow)",
            headers: [("Allow", allow)])
    }
}

import Foundation
import PlantJournal
import PlantModel
import PlantNet

/// What the status endpoint shows and may do; the agent's `AgentStateKeeper`, or a fake in tests.
public protocol StatusProvider: Sendable {
    func status() throws -> AgentStatus
    func backlogHistory(since: Int64) throws -> [BacklogSample]
    /// "ok", or why the journal refuses appends.
    var journalHealth: String { get }
    func retryDeadLetter(id: String, requestedBy: String) throws(DeadLetterRetryError) -> DeadLetterRetry
    /// ms since the Unix epoch.
    var now: Int64 { get }
}

/// The agent's local status endpoint (`status.listen`, default 127.0.0.1:9466):
///
/// - `GET /healthz` — 200 `{"status":"ok"}`, or 503 with the reason while the journal refuses appends
/// - `GET /status` — the status document (docs/status.md)
/// - `GET /metrics` — Prometheus text format
/// - `GET /` — a small HTML page: backlog chart (24 h), streams, inputs, dead letters
/// - `POST /dead-letters/retry` — `{"id": "...", "by": "..."}`, loopback clients only
///
/// Served by PlantNet's threaded `HTTPServer`: handlers run on connection threads and may block
/// on journal reads, never on Swift's cooperative pool.
public final class StatusServer: Sendable {
    public let port: UInt16
    public let host: String
    private let server: HTTPServer

    public init(host: String, port: Int, provider: any StatusProvider) throws {
        var configuration = HTTPServerConfiguration(host: host, port: UInt16(clamping: port))
        configuration.maxConnections = 16
        configuration.limits.maxBodyBytes = 16 * 1024
        configuration.idleTimeout = .seconds(30)
        let routes = StatusRoutes(provider: provider)
        server = try HTTPServer(configuration: configuration) { request in routes.handle(request) }
        self.port = server.port
        self.host = host
    }

    /// `host:port` as bound (IPv6 in brackets).
    public var address: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }

    public func stop() { server.stop(gracePeriod: .seconds(2)) }
}

struct StatusRoutes: Sendable {
    let provider: any StatusProvider

    func handle(_ request: HTTPRequest) -> HTTPResponse {
        let path = String(request.path)
        let reading = request.method == "GET"
        var response: HTTPResponse
        switch path {
        case "/healthz":
            guard reading else { return methodNotAllowed(request, allow: "GET") }
            response = healthz()
        case "/status":
            guard reading else { return methodNotAllowed(request, allow: "GET") }
            response = render { status in
                var body = status.jsonBytes
                body.append(0x0A)
                return HTTPResponse(status: 200, headers: ["Content-Type": "application/json"], body: body)
            }
        case "/metrics":
            guard reading else { return methodNotAllowed(request, allow: "GET") }
            response = render { status in
                HTTPResponse(
                    status: 200, contentType: "text/plain; version=0.0.4; charset=utf-8",
                    body: MetricsExposition.agent(status))
            }
        case "/", "/index.html":
            guard reading else { return methodNotAllowed(request, allow: "GET") }
            response = render { status in
                let since = status.readAt - 24 * 3_600_000
                let history = try provider.backlogHistory(since: since)
                return HTTPResponse(
                    status: 200, contentType: "text/html; charset=utf-8",
                    body: StatusPage.agent(status, history: history, since: since))
            }
        case "/dead-letters/retry":
            guard request.method == "POST" else { return methodNotAllowed(request, allow: "POST") }
            return retry(request)
        default:
            return json(
                404,
                ["error": "not_found", "message": .string("no resource \(path); try /, /status, /metrics, /healthz")])
        }
        response.headers.set("Cache-Control", "no-store")
        return response
    }

    private func healthz() -> HTTPResponse {
        let health = provider.journalHealth
        if health == "ok" { return json(200, ["status": "ok"]) }
        return json(503, ["status": "journal refusing appends", "reason": .string(health)])
    }

    private func render(_ body: (AgentStatus) throws -> HTTPResponse) -> HTTPResponse {
        do {
            return try body(try provider.status())
        } catch {
            return json(503, ["error": "journal_unavailable", "message": .string("\(error)")])
        }
    }

    private func retry(_ request: HTTPRequest) -> HTTPResponse {
        guard Self.isLoopback(request.remoteAddress) else {
            return json(
                403, ["error": "forbidden", "message": "dead letters can be retried from the gateway itself only"])
        }
        guard let value = try? JSONParser.parse(request.body), let object = value.objectValue,
            let id = object["id"]?.stringValue, !id.isEmpty
        else {
            return json(400, ["error": "bad_request", "message": #"expected {"id": "<event id>", "by": "<who>"}"#])
        }
        let by = object["by"]?.stringValue ?? "status-endpoint"
        do {
            let retry = try provider.retryDeadLetter(id: id, requestedBy: by)
            return json(
                200,
                [
                    "id": .string(retry.id), "stream": .string(retry.stream),
                    "original_seq": .integer(retry.originalSeq), "new_seq": .integer(retry.newSeq),
                    "reason": .string(retry.reason), "by": .string(retry.requestedBy),
                ])
        } catch {
            switch error {
            case .notFound: return json(404, ["error": "not_found", "message": .string(error.description)])
            case .alreadyJournaled:
                return json(409, ["error": "already_journaled", "message": .string(error.description)])
            case .journal: return json(503, ["error": "journal_unavailable", "message": .string(error.description)])
            }
        }
    }

    /// `127.0.0.1:5000`, `[::1]:5000`, `::1`…
    static func isLoopback(_ address: String?) -> Bool {
        guard let address else { return false }
        return address.hasPrefix("127.") || address.hasPrefix("[::1]") || address == "::1"
            || address.hasPrefix("::ffff:127.") || address.hasPrefix("[::ffff:127.")
    }

    private func methodNotAllowed(_ request: HTTPRequest, allow: String) -> HTTPResponse {
        var response = json(
            405, ["error": "method_not_allowed", "message": .string("\(request.method) \(request.path): use \(allow)")])
        response.headers.set("Allow", allow)
        return response
    }

    private func json(_ status: Int, _ object: JSONObject) -> HTTPResponse {
        var body = JSONWriter.encode(.object(object))
        body.append(0x0A)
        return HTTPResponse(status: status, headers: ["Content-Type": "application/json"], body: body)
    }
}

import PlantNet

/// Maps a request to its endpoint; unknown paths are 404, known paths with another method 405.
struct HubRouter: Sendable {
    let batches: BatchEndpoint
    let reads: ReadEndpoints
    let consumers: ConsumerEndpoints
    let erpStatus: ERPStatusView

    func handle(_ request: HTTPRequest) -> HTTPResponse {
        let path = request.path
        switch path {
        case "/v1/batches":
            guard request.method == "POST" else { return methodNotAllowed(request, allow: "POST") }
            return batches.handle(request)
        case "/v1/plants":
            guard request.method == "GET" || request.method == "HEAD" else {
                return methodNotAllowed(request, allow: "GET")
            }
            return reads.plants(request)
        case "/v1/events":
            guard request.method == "GET" || request.method == "HEAD" else {
                return methodNotAllowed(request, allow: "GET")
            }
            return reads.events(request)
        case "/healthz":
            return HubResponses.json(200, Array(#"{"status":"ok"}"#.utf8))
        case "/", "/metrics":
            guard request.method == "GET" else { return methodNotAllowed(request, allow: "GET") }
            let pages = StatusPages(reads: reads)
            return path == "/"
                ? erpStatus.addSection(to: pages.page(request), now: reads.clock())
                : erpStatus.addMetrics(to: pages.metrics(request))
        case _ where path == "/v1/consumers" || path.hasPrefix("/v1/consumers/"):
            return consumers.handle(request)
        default:
            return HubResponses.error(
                404, "not_found",
                message: "no resource \(path); the hub serves /v1/batches, /v1/plants, /v1/events, /, /metrics")
        }
    }

    private func methodNotAllowed(_ request: HTTPRequest, allow: String) -> HTTPResponse {
        HubResponses.error(
            405, "method_not_allowed", message: "\(request.method) \(request.path) is not supported; use \(allow)",
            headers: [("Allow", allow)])
    }
}

import PlantNet

/// One stream's connection to the hub: `POST /v1/batches` with the plant's bearer token over a
/// persistent keep-alive connection. Used by one lane thread only.
final class HubClient {
    private let http: HTTPClient
    private let headers: HTTPHeaders

    init(settings: ForwarderSettings, tls: TLSClientContext?) throws {
        var configuration = HTTPClientConfiguration(tls: tls)
        configuration.connectTimeout = settings.connectTimeout
        configuration.ioTimeout = settings.requestTimeout
        http = try HTTPClient(baseURL: settings.hubURL, configuration: configuration)
        headers = [
            "Authorization": "Bearer \(settings.token)",
            "Content-Type": "application/json",
            "User-Agent": "plantsync-agent",
        ]
    }

    /// Sends one batch body; the transport failure is a value, not a throw.
    func post(_ body: [UInt8]) -> Result<HTTPResponse, HTTPClientError> {
        do {
            return .success(
                try http.send(HTTPRequest(method: "POST", target: "/v1/batches", headers: headers, body: body)))
        } catch let error as HTTPClientError {
            return .failure(error)
        } catch {
            return .failure(.network(SocketError(code: 5, operation: "send", peer: http.peer, detail: "\(error)")))
        }
    }

    func close() { http.close() }
}

import Foundation
import PlantConfig
import PlantModel
import PlantNet

/// A blocking JSON-RPC session with one Tryton database, used from the connector's thread only.
///
/// Logs in with `common.db.login` on first use, sends `Authorization: Session base64(user:uid:token)`,
/// and logs in again once when Tryton answers 401 (an expired session, a restarted server). A 403 is
/// no session problem in Tryton (the method is not callable over RPC): it is permanent, never retried.
final class TrytonClient {
    private let http: HTTPClient
    private let path: String
    private let user: String
    private let password: String
    private var session: String?
    private var nextID: Int64 = 1
    let endpoint: String

    init(settings: TrytonSettings) throws {
        var configuration = HTTPClientConfiguration()
        configuration.connectTimeout = .seconds(10)
        configuration.ioTimeout = settings.requestTimeout
        if settings.url.usesTLS {
            configuration.tls = try TLSClientContext(
                caFile: settings.tls.caFile, clientCertFile: settings.tls.clientCertificateFile,
                clientKeyFile: settings.tls.clientKeyFile)
        }
        let host = settings.url.host.contains(":") ? "[\(settings.url.host)]" : settings.url.host
        http = try HTTPClient(
            baseURL: "\(settings.url.scheme.rawValue)://\(host):\(settings.url.port)", configuration: configuration)
        var base = settings.url.path
        while base.hasSuffix("/") { base.removeLast() }
        path = "\(base)/\(settings.database)/rpc/"
        user = settings.user
        password = settings.password.value
        endpoint = "\(settings.url.scheme.rawValue)://\(host):\(settings.url.port)\(path)"
    }

    func close() { http.close() }

    /// Calls `method` with `params` (the context last, as Tryton expects); logs in first when needed.
    func call(_ method: String, _ params: [JSONValue]) throws(TrytonFailure) -> JSONValue {
        if session == nil { try login() }
        do {
            return try send(method, params, authorization: session)
        } catch .sessionExpired {
            session = nil
            try login()
            return try send(method, params, authorization: session)
        }
    }

    /// `model.<model>.<method>`, the context appended.
    func model(_ model: String, _ method: String, _ params: [JSONValue], context: JSONValue) throws(TrytonFailure)
        -> JSONValue
    {
        try call("model.\(model).\(method)", params + [context])
    }

    private func login() throws(TrytonFailure) {
        let result = try send(
            "common.db.login", [.string(user), ["password": .string(password)], "en"], authorization: nil)
        guard let parts = result.arrayValue, parts.count >= 2, let uid = parts[0].numberValue?.int64Value,
            let token = parts[1].stringValue
        else {
            throw .transient("Tryton common.db.login for user \(user) answered \(result), expected [uid, token, …]")
        }
        session = "Session " + Data("\(user):\(uid):\(token)".utf8).base64EncodedString()
    }

    private func send(_ method: String, _ params: [JSONValue], authorization: String?) throws(TrytonFailure)
        -> JSONValue
    {
        var headers = HTTPHeaders([("Content-Type", "application/json")])
        if let authorization { headers.add("Authorization", authorization) }
        let body = TrytonRPC.requestBody(id: nextID, method: method, params: params)
        nextID += 1
        let response: HTTPResponse
        do {
            response = try http.send(HTTPRequest(method: "POST", target: path, headers: headers, body: body))
        } catch {
            throw .transient("Tryton \(endpoint) \(method): \(error)")
        }
        if authorization == nil && (response.status == 401 || response.status == 403) {
            throw .transient(
                "Tryton \(method) for user \(user): HTTP \(response.status) (check user and password_file)")
        }
        switch TrytonRPC.result(
            status: response.status, retryAfter: response.headers["Retry-After"], body: response.body, method: method)
        {
        case .success(let value): return value
        case .failure(let failure): throw failure
        }
    }
}

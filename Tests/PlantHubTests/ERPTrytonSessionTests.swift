import Foundation
import PlantConfig
import PlantModel
import PlantNet
import Synchronization
import Testing

@testable import PlantHub

/// How the Tryton connector treats HTTP 401 and 403 against a scripted trytond: 401 (an expired session)
/// logs in again and repeats the call once; 403 (a method Tryton does not serve over RPC) parks the stream
/// at once, without another login and without a retry.
@Suite(.serialized) struct ERPTrytonSessionTests {
    @Test func forbiddenParksTheStreamWithoutLoggingInAgainOrRetrying() throws {
        let tryton = try ScriptedTryton(modelStatuses: [403])
        defer { tryton.stop() }
        let fixture = try ERPHubFixture(connectors: [tryton.connector()])
        let confirmation = ERPTrytonLiveTests.confirmation("WO-4711", window: 0, yield: "3")
        try fixture.send(WireBatch(plant: "P100", stream: "production", firstSeq: 1, events: [confirmation.canonical]))

        #expect(waitUntil { (try? ERPErrors.parked(storePath: fixture.storePath, now: 0).count) == 1 })
        let parked = try #require(try ERPErrors.parked(storePath: fixture.storePath, now: 0).first)
        #expect(parked.eventID == confirmation.id)
        #expect(
            parked.message
                == "Tryton model.production.search_read: HTTP 403: Tryton does not allow this method over JSON-RPC "
                + "(not in the model's __rpc__)")
        // Parked after the first answer: one login, one call; a retry would have asked again.
        let seen = tryton.state.withLock { $0 }
        #expect(seen.logins == 1)
        #expect(seen.modelCalls == ["model.production.search_read"])
    }

    @Test func anExpiredSessionLogsInAgainOnceThenAForbiddenCallIsPermanent() throws {
        let tryton = try ScriptedTryton(modelStatuses: [401, 403])
        defer { tryton.stop() }
        guard case .tryton(let settings) = tryton.connector().kind else { Issue.record("not tryton"); return }
        let connector = try TrytonConnector(settings: settings)
        defer { connector.close() }
        let outcome = connector.deliver([ERPTrytonLiveTests.confirmation("WO-4711", window: 0, yield: "3")])
        #expect(outcome.accepted == 0)
        guard case .permanent(let message)? = outcome.failure else {
            Issue.record("expected a permanent failure, got \(outcome)")
            return
        }
        #expect(message.hasPrefix("Tryton model.production.search_read: HTTP 403"))
        let seen = tryton.state.withLock { $0 }
        #expect(seen.logins == 2)
        #expect(seen.modelCalls == ["model.production.search_read", "model.production.search_read"])
    }
}

/// A trytond stand-in: `common.db.login` succeeds; model calls are answered with the scripted HTTP statuses
/// in order (then 500), so a test sees exactly which calls the connector made.
final class ScriptedTryton: Sendable {
    struct State {
        var modelStatuses: [Int]
        var logins = 0
        var modelCalls: [String] = []
    }

    let state: Mutex<State>
    private let server = Mutex<HTTPServer?>(nil)
    private let port = Mutex<UInt16>(0)

    init(modelStatuses: [Int]) throws {
        state = Mutex(State(modelStatuses: modelStatuses))
        let started = try HTTPServer(configuration: HTTPServerConfiguration(host: "127.0.0.1", port: 0)) {
            [self] request in answer(request)
        }
        port.withLock { $0 = started.port }
        server.withLock { $0 = started }
    }

    func stop() { server.withLock { $0 }?.stop(gracePeriod: .zero) }

    private func answer(_ request: HTTPRequest) -> HTTPResponse {
        let method = (try? JSONParser.parse(request.body))?.objectValue?["method"]?.stringValue ?? ""
        return state.withLock { state in
            if method == "common.db.login" {
                state.logins += 1
                return HTTPResponse(
                    status: 200, contentType: "application/json",
                    body: #"{"id":1,"result":[1,"session-\#(state.logins)"]}"#)
            }
            state.modelCalls.append(method)
            let status = state.modelStatuses.isEmpty ? 500 : state.modelStatuses.removeFirst()
            return HTTPResponse(status: status, contentType: "text/html", body: "<h1>\(status)</h1>")
        }
    }

    func connector() -> ERPConnectorSettings {
        ERPConnectorSettings(
            name: "tryton",
            kind: .tryton(
                TrytonSettings(
                    url: HTTPURL(scheme: .http, host: "127.0.0.1", port: Int(port.withLock { $0 }), path: ""),
                    allowPlainHTTP: true, database: "plantsync", user: "admin",
                    password: SecretFile(path: "/test/tryton.password", value: "pw"),
                    plants: [.init(plant: "P100", company: 1, warehouse: "WH")], units: ["PCE": "u"],
                    requestTimeout: .seconds(5))),
            streams: ["production"], retryInitial: .milliseconds(20), retryMax: .milliseconds(200),
            pollInterval: .milliseconds(20))
    }
}

import Foundation
import PlantJournal
import PlantModel
import PlantNet
import Synchronization
import Testing

@testable import PlantAgent

/// The status endpoint over a real loopback socket, with a fake provider.
@Suite("Status endpoint")
struct StatusServerTests {
    final class FakeProvider: StatusProvider {
        let retries = Mutex<[(String, String)]>([])
        let health: String

        init(health: String = "ok") { self.health = health }

        func status() throws -> AgentStatus { StatusFixtures.status() }
        func backlogHistory(since: Int64) throws -> [BacklogSample] {
            (0..<10).map { minute in
                BacklogSample(
                    sampledAt: StatusFixtures.now - Int64(10 - minute) * 60_000, stream: "inventory",
                    pendingCount: Int64(minute * 3), pendingBytes: 0, oldestPendingAge: nil)
            }
        }
        var journalHealth: String { health }
        var now: Int64 { StatusFixtures.now }
        func retryDeadLetter(id: String, requestedBy: String) throws(DeadLetterRetryError) -> DeadLetterRetry {
            retries.withLock { $0.append((id, requestedBy)) }
            guard id == "file/drops/abc/3" else { throw .notFound(id: id) }
            return DeadLetterRetry(
                id: id, stream: "inventory", originalSeq: 57, newSeq: 121, reason: "422", requestedBy: requestedBy,
                retriedAt: StatusFixtures.now)
        }
    }

    func withServer(_ provider: FakeProvider = FakeProvider(), _ body: (HTTPClient) throws -> Void) throws {
        let server = try StatusServer(host: "127.0.0.1", port: 0, provider: provider)
        defer { server.stop() }
        let client = try HTTPClient(baseURL: "http://127.0.0.1:\(server.port)")
        defer { client.close() }
        try body(client)
    }

    func get(_ client: HTTPClient, _ target: String) throws -> HTTPResponse {
        try client.send(HTTPRequest(method: "GET", target: target))
    }

    @Test func healthzSaysOkOrWhyNot() throws {
        try withServer { client in
            let response = try get(client, "/healthz")
            #expect(response.status == 200)
            #expect(response.bodyText == "{\"status\":\"ok\"}\n")
        }
        try withServer(FakeProvider(health: "disk full since …")) { client in
            let response = try get(client, "/healthz")
            #expect(response.status == 503)
            #expect(response.bodyText == "{\"reason\":\"disk full since …\",\"status\":\"journal refusing appends\"}\n")
        }
    }

    @Test func statusIsTheDocumentedJSON() throws {
        try withServer { client in
            let response = try get(client, "/status")
            #expect(response.status == 200)
            #expect(response.headers["Content-Type"] == "application/json")
            let object = try #require(try JSONParser.parse(response.body).objectValue)
            #expect(
                object.keys == [
                    "agent", "dead_letters", "disk", "epoch", "hub", "inputs", "journal", "plant", "quarantined",
                    "read_at", "recent_dead_letters", "recent_quarantine", "source", "streams",
                ])
            let hub = try #require(object["hub"]?.objectValue)
            #expect(
                hub.keys == [
                    "last_error", "last_error_at", "last_error_stream", "reachability", "reason", "since", "url",
                ])
            #expect(hub["reachability"] == "auth failure")
            #expect(hub["last_error"] == "hub refused the token (401)")
            #expect(hub["since"] == "2026-11-18T11:04:40.000Z")
            let streams = try #require(object["streams"]?.arrayValue)
            let inventory = try #require(streams.first?.objectValue)
            #expect(
                inventory.keys == [
                    "acked_at", "acked_through", "dead_letters", "drain_rate_per_s", "eta_s", "last_seq",
                    "oldest_pending_age_s", "pending", "pending_bytes", "state", "state_reason", "stream",
                ])
            #expect(inventory["eta_s"] == .null)  // auth failure: nothing drains
            #expect(inventory["oldest_pending_age_s"] == 90)
            #expect(streams.last?.objectValue?["eta_s"] == 0)
            let input = try #require(object["inputs"]?.arrayValue?.first?.objectValue)
            #expect(
                input.keys == [
                    "connection", "journaled", "last_data", "last_error", "last_error_at", "name", "quarantined",
                    "rate_per_s", "received", "type",
                ])
            #expect(input["rate_per_s"]?.numberValue?.text == "12.5")
            #expect(object["agent"]?.objectValue?["state_age_s"] == 0)
        }
    }

    @Test func metricsAndPageAreServed() throws {
        try withServer { client in
            let metrics = try get(client, "/metrics")
            #expect(metrics.status == 200)
            #expect(metrics.headers["Content-Type"] == "text/plain; version=0.0.4; charset=utf-8")
            #expect(metrics.bodyText.contains("plantsync_stream_pending_events{stream=\"inventory\"} 20\n"))
            let page = try get(client, "/")
            #expect(page.status == 200)
            #expect(page.headers["Content-Type"] == "text/html; charset=utf-8")
            let html = page.bodyText
            #expect(html.hasPrefix("<!doctype html>"))
            #expect(html.contains("<svg xmlns=\"http://www.w3.org/2000/svg\""))
            #expect(html.contains("<polyline fill=\"none\" stroke=\"#1f77b4\""))
            #expect(html.contains("dock&lt;1&gt;"))
            #expect(!html.contains("dock<1>"))
            #expect(html.contains("rejected by the hub (422): invalid_event: quantity: &lt;bad&gt;"))
            #expect(!html.contains("src=\"http") && !html.contains("href=\"http") && !html.contains("<script"))
        }
    }

    @Test func unknownPathsAndMethodsAreRefused() throws {
        try withServer { client in
            #expect(try get(client, "/nope").status == 404)
            let post = try client.send(HTTPRequest(method: "POST", target: "/status", body: Array("x".utf8)))
            #expect(post.status == 405)
            #expect(post.headers["Allow"] == "GET")
            #expect(try get(client, "/dead-letters/retry").status == 405)
        }
    }

    @Test func retryGoesToTheProvider() throws {
        let provider = FakeProvider()
        try withServer(provider) { client in
            func post(_ body: String) throws -> HTTPResponse {
                try client.send(HTTPRequest(method: "POST", target: "/dead-letters/retry", body: Array(body.utf8)))
            }
            let done = try post(#"{"id":"file/drops/abc/3","by":"maria"}"#)
            #expect(done.status == 200)
            #expect(
                done.bodyText
                    == #"{"by":"maria","id":"file/drops/abc/3","new_seq":121,"original_seq":57,"reason":"422","stream":"inventory"}"#
                    + "\n")
            let missing = try post(#"{"id":"nope"}"#)
            #expect(missing.status == 404)
            #expect(missing.bodyText.contains(#"no dead letter with id \"nope\""#))
            #expect(try post("not json").status == 400)
            #expect(provider.retries.withLock { $0.map(\.1) } == ["maria", "status-endpoint"])
        }
    }

    @Test func onlyLoopbackClientsMayRetry() {
        #expect(StatusRoutes.isLoopback("127.0.0.1:5000"))
        #expect(StatusRoutes.isLoopback("[::1]:5000"))
        #expect(!StatusRoutes.isLoopback("10.1.2.3:5000"))
        #expect(!StatusRoutes.isLoopback(nil))
    }
}

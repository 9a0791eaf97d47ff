import Foundation
import PlantHub
import PlantJournal
import PlantModel
import PlantNet
import Synchronization
import Testing

/// Runs `body` on a new thread; `wait()` returns its result.
final class Background<T: Sendable>: Sendable {
    private let result = Mutex<T?>(nil)
    private let done = DispatchSemaphore(value: 0)

    init(_ body: @escaping @Sendable () -> T) {
        let thread = Thread { [self] in
            let value = body()
            result.withLock { $0 = value }
            done.signal()
        }
        thread.start()
    }

    func wait() -> T {
        done.wait()
        return result.withLock { $0! }
    }
}

@Suite("Hub under load")
struct HubLoadTests {
    @Test func overloadIsAnswered429And503WithRetryAfter() throws {
        let queue = CommitQueueLimits(maxPendingBatches: 2, maxPendingEvents: 100_000, maxPendingPerPlant: 1)
        let fixture = try HubFixture(commitQueue: queue, extraPlants: ["P300": "token-p300-cccccccccccc"])
        let hub = try #require(fixture.hub)
        // Another connection holds the store's write lock, so the commit thread waits in BEGIN.
        let blocker = try Connection(path: hub.storePath)
        try blocker.execute("BEGIN IMMEDIATE")
        let port = hub.port
        let first = try WireBatch(firstSeq: 1, events: Events.downtimes(1...2)).body()
        let p100 = fixture.plants["P100"]!
        let a = Background { () -> Int in
            let client = try? HTTPClientFactory.plain(port: port)
            let request = HTTPRequest(
                method: "POST", target: "/v1/batches",
                headers: ["Authorization": "Bearer \(p100)"], body: first)
            return (try? client?.send(request))??.status ?? -1
        }
        #expect(waitUntil { hub.pendingBatches == 1 })

        let busy = try fixture.post(WireBatch(stream: "quality", firstSeq: 1, events: Events.downtimes(3...3)))
        #expect(busy.status == 429)
        #expect(busy.headers["Retry-After"] == "1")
        #expect(
            busy.bodyText == """
                {"error":"too_many_requests","message":"plant P100 has 1 batches waiting already","retry_after_s":1}

                """)
        #expect(try ProtocolError.decode(status: 429, body: busy.body) == .overloaded(retryAfterSeconds: 1))

        let second = try WireBatch(plant: "P200", firstSeq: 1, events: Events.downtimes(4...4)).body()
        let p200 = fixture.plants["P200"]!
        let c = Background { () -> Int in
            let client = try? HTTPClientFactory.plain(port: port)
            let request = HTTPRequest(
                method: "POST", target: "/v1/batches",
                headers: ["Authorization": "Bearer \(p200)"], body: second)
            return (try? client?.send(request))??.status ?? -1
        }
        #expect(waitUntil { hub.pendingBatches == 2 })
        let full = try fixture.post(WireBatch(plant: "P300", firstSeq: 1, events: Events.downtimes(5...5)))
        #expect(full.status == 503)
        #expect(full.headers["Retry-After"] == "1")
        #expect(
            full.bodyText == """
                {"error":"overloaded","message":"the hub has too many batches waiting to be stored","retry_after_s":1}

                """)

        try blocker.execute("COMMIT")
        #expect(a.wait() == 200)
        #expect(c.wait() == 200)
        #expect(hub.pendingBatches == 0)
        // Once the queue drained, the refused batches go through.
        #expect(try fixture.post(WireBatch(plant: "P300", firstSeq: 1, events: Events.downtimes(5...5))).status == 200)
    }

    @Test func serves500KeepAliveConnectionsAtOnce() throws {
        let fixture = try HubFixture()
        let hub = try #require(fixture.hub)
        let count = 500
        let clients = try (0..<count).map { _ in try fixture.client() }
        let tokens = (fixture.plants["P100"]!, fixture.plants["P200"]!)
        // Open all connections (each keeps its connection alive), 10 threads at a time.
        let opened = (0..<10).map { lane in
            Background { () -> Int in
                var ok = 0
                for index in stride(from: lane, to: count, by: 10) {
                    if (try? clients[index].send(HTTPRequest(method: "GET", target: "/healthz")))?.status == 200 {
                        ok += 1
                    }
                }
                return ok
            }
        }
        #expect(opened.map { $0.wait() }.reduce(0, +) == count)
        #expect(waitUntil { hub.activeConnections == count })

        // Every connection now sends a batch for its own stream, concurrently, on the same connection.
        let sent = (0..<10).map { lane in
            Background { () -> Int in
                var ok = 0
                for index in stride(from: lane, to: count, by: 10) {
                    let plant = index % 2 == 0 ? "P100" : "P200"
                    let body = try! WireBatch(
                        plant: plant, stream: "s\(index)", firstSeq: 1,
                        events: [Events.downtime(index)]
                    ).body()
                    let token = plant == "P100" ? tokens.0 : tokens.1
                    let request = HTTPRequest(
                        method: "POST", target: "/v1/batches",
                        headers: ["Authorization": "Bearer \(token)"], body: body)
                    if (try? clients[index].send(request))?.bodyText == "{\"acked_through\":1}\n" { ok += 1 }
                }
                return ok
            }
        }
        #expect(sent.map { $0.wait() }.reduce(0, +) == count)
        #expect(hub.connectionsAccepted == count)
        #expect(hub.activeConnections == count)
        let plants = try JSONParser.parse(try fixture.get("/v1/plants").body)
        #expect(plants["plants"]?[0]?["streams"]?.arrayCount == count / 2)
        for client in clients { client.close() }
    }
}

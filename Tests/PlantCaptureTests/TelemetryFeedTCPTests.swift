import Glibc
import PlantConfig
import PlantModel
import Testing

@testable import PlantCapture

/// The adapter over real loopback TCP, in both modes, with a recording sink. Every wait is for a condition
/// with a deadline.
@Suite("TelemetryFeed over TCP")
struct TelemetryFeedTCPTests {
    typealias Support = TelemetryFeedTestSupport
    typealias Sockets = TelemetryFeedTestSockets

    static let clockTime = Timestamp(millisecondsSinceEpoch: 1_800_000_000_000)

    func makeFeed(_ configuration: TelemetryFeed.Configuration) -> TelemetryFeed {
        TelemetryFeed(name: "feed", configuration: configuration, plant: "P100", now: { Self.clockTime })
    }

    func listening(_ feed: TelemetryFeed, _ sink: TelemetryFeedRecordingSink) throws -> UInt16 {
        feed.start(sink: sink)
        #expect(Support.waitUntil { feed.listeningPort != nil })
        return try #require(feed.listeningPort)
    }

    @Test func listenModeDeliversGoodSamplesAndQuarantinesEveryKindOfBadInput() throws {
        let configuration = TelemetryFeed.Configuration(
            mode: .listen(HostPort(host: "127.0.0.1", port: 0)), format: .kepwareJSON, maxLineBytes: 1024,
            tags: TagFilter(exclude: [TagPattern("*.Debug")], rename: ["Ch.L3.Count": "L3.count"]))
        let feed = makeFeed(configuration)
        let sink = TelemetryFeedRecordingSink()
        defer { feed.stop() }
        let port = try listening(feed, sink)
        #expect(feed.health.connection == .connecting)

        let gateway = try Sockets.Peer.connect(port: port)
        let peer = gateway.localAddress
        gateway.send(
            #"{"timestamp":1,"values":[{"id":"Ch.L3.Count","v":10,"q":true,"t":1000},"#
                + #"{"id":"Ch.L3.Debug","v":1,"q":true,"t":1000},{"id":"Ch.L3.Speed","v":2.5,"q":false,"t":1001}]}"#
                + "\n")
        gateway.send("hello\n")
        gateway.send("{" + String(repeating: "x", count: 2000) + "}\n")
        gateway.send(Support.bytes(#"{"timestamp":1,"values":[""#) + [0xFF] + Support.bytes("\"]}\n"))
        gateway.send([0x00, 0x01, 0x02, 0x0A])
        gateway.send(
            #"{"timestamp":1,"values":[{"id":"Ch.L3.Count","v":11,"q":true,"t":2000},{"id":"X","v":1,"q":1,"t":1}]}"#
                + "\n")
        gateway.send(#"{"timestamp":1,"val"#)
        gateway.close()

        #expect(Support.waitUntil { sink.problems.count == 6 && feed.statistics.activeConnections == 0 })
        #expect(
            sink.samples == [
                Support.sample("L3.count", Support.number("10"), at: 1000),
                Support.sample("Ch.L3.Speed", Support.number("2.5"), .bad, at: 1001),
                Support.sample("L3.count", Support.number("11"), at: 2000),
            ])
        let problems = sink.problems.map { "\($0.location): \($0.reason)" }
        #expect(
            problems == [
                "peer \(peer) line 2: not JSON: expected a JSON value, found 'h' (at byte 0)",
                "peer \(peer) line 3: line longer than 1024 bytes; skipped up to the next newline",
                "peer \(peer) line 4: invalid UTF-8: byte 0xFF cannot start a character (at byte 26)",
                "peer \(peer) line 5: not JSON: expected a JSON value, found byte 0x00 (at byte 0)",
                "peer \(peer) line 6: values[1].q: expected true or false, found number 1",
                "peer \(peer) line 7: connection closed mid-line",
            ])
        #expect(sink.problems.allSatisfy { $0.input == "feed" })
        #expect(sink.problems[1].excerpt == Support.bytes("{" + String(repeating: "x", count: 255)))
        #expect(sink.problems[5].excerpt == Support.bytes(#"{"timestamp":1,"val"#))
        #expect(
            feed.health
                == InputHealth(
                    connection: .connecting, lastData: Self.clockTime, received: 3, quarantined: 6,
                    lastError: "peer \(peer) line 7: connection closed mid-line", lastErrorAt: Self.clockTime))
        var statistics = feed.statistics
        #expect(statistics.bytes > 2000)
        statistics.bytes = 0
        var expected = TelemetryFeedStatistics()
        (expected.lines, expected.samplesDelivered, expected.samplesFiltered, expected.quarantined) = (7, 3, 1, 6)
        expected.connectionsOpened = 1
        #expect(statistics == expected)
        #expect(sink.logs.contains("info feed: gateway \(peer) connected"))
        #expect(Support.waitUntil { sink.logs.contains("info feed: \(peer) closed the connection") })
    }

    @Test func listenModeServesGatewaysSideBySideUpToMaxConnectionsAndStopsPromptly() throws {
        let configuration = TelemetryFeed.Configuration(
            mode: .listen(HostPort(host: "127.0.0.1", port: 0)), format: .lines, maxConnections: 2)
        let feed = makeFeed(configuration)
        let sink = TelemetryFeedRecordingSink()
        defer { feed.stop() }
        let port = try listening(feed, sink)

        let slow = try Sockets.Peer.connect(port: port)
        slow.send("A.1,1,good,")  // half a line, and the gateway stays connected
        let fast = try Sockets.Peer.connect(port: port)
        fast.send("B.1,2,good,5\nB.2,garbage,good,5\n")
        #expect(Support.waitUntil { sink.samples.count == 1 && sink.problems.count == 1 })
        #expect(sink.samples == [Support.sample("B.1", Support.number("2"), at: 5)])
        #expect(
            sink.problems.map(\.reason) == [
                #"value: expected a number, true, false or a quoted string, found "garbage""#
            ])
        #expect(feed.health.connection == .connected)

        // A third gateway is one too many: closed at once, the other two are untouched.
        #expect(Support.waitUntil { feed.statistics.activeConnections == 2 })
        let extra = try Sockets.Peer.connect(port: port)
        #expect(extra.sawClose())
        #expect(feed.statistics.connectionsRefused == 1)
        #expect(
            sink.logs.contains {
                $0.hasPrefix("warning feed: refused gateway 127.0.0.1:")
                    && $0.hasSuffix("2 already connected (max_connections)")
            })

        slow.send("6\n")  // the half line completes: nothing of it was lost
        #expect(Support.waitUntil { sink.samples.count == 2 })
        #expect(sink.samples.last == Support.sample("A.1", Support.number("1"), at: 6))

        let clock = ContinuousClock()
        let stopStarted = clock.now
        feed.stop()
        #expect(clock.now - stopStarted < .seconds(2))
        #expect(feed.health.connection == .stopped)
        #expect(slow.sawClose())
        #expect(fast.sawClose())
        #expect(throws: Sockets.Failure.self) { try Sockets.Peer.connect(port: port) }
        let delivered = sink.batches
        slow.send("A.2,1,good,7\n")
        #expect(sink.batches == delivered)
    }

    @Test func connectModeReadsTheGatewayAndRedialsAfterItRestarts() throws {
        let gateway = try Sockets.Listener()
        let port = gateway.port
        let configuration = TelemetryFeed.Configuration(
            mode: .connect(HostPort(host: "127.0.0.1", port: Int(port))), format: .lines,
            connectTimeout: .seconds(2), reconnectDelay: .milliseconds(100), reconnectMaxDelay: .milliseconds(400))
        let feed = makeFeed(configuration)
        let sink = TelemetryFeedRecordingSink()
        feed.start(sink: sink)
        defer { feed.stop() }

        let first = try #require(gateway.accept())
        first.send("L3.Count,5,good,1000\nL3.Temp,1,0x80000000,1001\nL3.Count,6,go")
        first.close()
        #expect(Support.waitUntil { sink.problems.count == 1 })
        #expect(
            sink.samples == [
                Support.sample("L3.Count", Support.number("5"), at: 1000),
                Support.sample("L3.Temp", Support.number("1"), .bad, code: 0x8000_0000, at: 1001),
            ])
        #expect(sink.problems.map(\.location) == ["peer 127.0.0.1:\(port) line 3"])
        #expect(sink.problems.map(\.reason) == ["connection closed mid-line"])
        #expect(sink.problems.map(\.excerpt) == [Support.bytes("L3.Count,6,go")])

        // The gateway goes down: the feed keeps redialling and says why.
        gateway.close()
        let refused = "cannot connect to 127.0.0.1:\(port): Connection refused"
        #expect(Support.waitUntil { feed.health.lastError == refused })
        #expect(feed.health.connection == .connecting)

        // It comes back on the same port: the feed dials in again and reads on.
        try gateway.reopen()
        let second = try #require(gateway.accept())
        second.send("L3.Count,7,good,2000\n")
        #expect(Support.waitUntil { sink.samples.count == 3 })
        #expect(sink.samples.last == Support.sample("L3.Count", Support.number("7"), at: 2000))
        #expect(feed.health.connection == .connected)
        #expect(feed.health.received == 3)
        #expect(feed.health.quarantined == 1)
        #expect(feed.statistics.connectionsOpened == 2)
        let logs = sink.logs
        #expect(logs.filter { $0 == "info feed: connected to 127.0.0.1:\(port)" }.count == 2)
        #expect(logs.filter { $0 == "warning feed: \(refused); retrying with backoff" }.count == 1)

        let clock = ContinuousClock()
        let stopStarted = clock.now
        feed.stop()
        #expect(clock.now - stopStarted < .seconds(2))
        #expect(second.sawClose())
        #expect(feed.health.connection == .stopped)
    }

    @Test func stopEndsABackoffPauseAtOnce() throws {
        let closed = try Sockets.Listener()
        let port = closed.port
        closed.close()
        let configuration = TelemetryFeed.Configuration(
            mode: .connect(HostPort(host: "127.0.0.1", port: Int(port))), format: .kepwareJSON,
            reconnectDelay: .seconds(60), reconnectMaxDelay: .seconds(60))
        let feed = makeFeed(configuration)
        let sink = TelemetryFeedRecordingSink()
        feed.start(sink: sink)
        #expect(Support.waitUntil { feed.health.lastError != nil })
        let clock = ContinuousClock()
        let stopStarted = clock.now
        feed.stop()
        #expect(clock.now - stopStarted < .seconds(2))
        #expect(feed.health.connection == .stopped)
        #expect(feed.statistics.connectionsOpened == 0)
    }

    @Test func idleTimeoutClosesASilentConnection() throws {
        let configuration = TelemetryFeed.Configuration(
            mode: .listen(HostPort(host: "127.0.0.1", port: 0)), format: .lines, idleTimeout: .seconds(1))
        let feed = makeFeed(configuration)
        let sink = TelemetryFeedRecordingSink()
        defer { feed.stop() }
        let port = try listening(feed, sink)
        let silent = try Sockets.Peer.connect(port: port)
        let peer = silent.localAddress
        #expect(silent.sawClose(timeout: .seconds(10)))
        let message = "no data from \(peer) for 1s (idle_timeout); closed the connection"
        #expect(Support.waitUntil { feed.health.lastError == message })
        #expect(sink.logs.contains("warning feed: \(message)"))
    }

    @Test func theRegistryKnowsTheType() throws {
        let type = try #require(InputRegistry.types.first { $0.name == "telemetry_tcp" })
        let configuration = TelemetryFeed.Configuration(
            mode: .listen(HostPort(host: "127.0.0.1", port: 0)), format: .lines)
        let adapter = try #require(type.make("line3", configuration, InputContext(plant: "P100")))
        #expect(adapter.name == "line3")
        #expect(adapter.type == "telemetry_tcp")
        #expect(adapter.health.connection == .stopped)
    }
}

import Foundation
import PlantConfig
import PlantModel
import Testing

@testable import PlantCapture

@Suite("TelemetryFeed configuration")
struct TelemetryFeedConfigurationTests {
    func decode(_ text: String) -> Result<TelemetryFeed.Configuration, ConfigErrors> {
        ConfigMap.decode(text: text, file: "feed.yaml", environment: ["GW": "10.1.2.3:5000"]) {
            TelemetryFeed.Configuration($0)
        }
    }

    func errors(_ text: String) -> String {
        switch decode(text) {
        case .success(let configuration): return "unexpectedly valid: \(configuration)"
        case .failure(let errors): return errors.description
        }
    }

    @Test func minimalConnectTakesEveryDefault() throws {
        let configuration = try decode("connect: plc-gw.plant.local:5000\nformat: kepware_json\n").get()
        #expect(
            configuration
                == TelemetryFeed.Configuration(
                    mode: .connect(HostPort(host: "plc-gw.plant.local", port: 5000)), format: .kepwareJSON))
        #expect(configuration.maxLineBytes == 65_536)
        #expect(configuration.maxConnections == 8)
        #expect(configuration.connectTimeout == .seconds(10))
        #expect(configuration.reconnectDelay == .seconds(1))
        #expect(configuration.reconnectMaxDelay == .seconds(60))
        #expect(configuration.idleTimeout == nil)
        #expect(configuration.tags == TagFilter())
        #expect(configuration.rawStream == RawTelemetrySettings())
    }

    @Test func everySettingWritten() throws {
        let text = """
            connect: ${GW}
            format: lines
            max_line_bytes: 128KiB
            connect_timeout: 3s
            reconnect_delay: 500ms
            reconnect_max_delay: 30s
            idle_timeout: 5m
            include:
              - Channel1.Line3.*
              - "*.GoodCount"
            exclude: ["*.Debug*"]
            rename:
              Channel1.Line3.Press.GoodCount: L3.good_count
              "Channel1.Line3.Press State": L3.state
            raw_stream:
              enabled: true
              deadband: 0.25
              min_interval: 5s

            """
        let configuration = try decode(text).get()
        let expected = TelemetryFeed.Configuration(
            mode: .connect(HostPort(host: "10.1.2.3", port: 5000)), format: .lines, maxLineBytes: 131_072,
            connectTimeout: .seconds(3), reconnectDelay: .milliseconds(500), reconnectMaxDelay: .seconds(30),
            idleTimeout: .seconds(300),
            tags: TagFilter(
                include: [TagPattern("Channel1.Line3.*"), TagPattern("*.GoodCount")],
                exclude: [TagPattern("*.Debug*")],
                rename: ["Channel1.Line3.Press.GoodCount": "L3.good_count", "Channel1.Line3.Press State": "L3.state"]),
            rawStream: RawTelemetrySettings(enabled: true, deadband: DecimalNumber("0.25")!, minInterval: .seconds(5)))
        #expect(configuration == expected)
    }

    @Test func listenWithMaxConnections() throws {
        let configuration = try decode("listen: 0.0.0.0:5020\nformat: lines\nmax_connections: 32\n").get()
        #expect(configuration.mode == .listen(HostPort(host: "0.0.0.0", port: 5020)))
        #expect(configuration.maxConnections == 32)
    }

    @Test(arguments: [
        (
            "format: lines\n",
            #"feed.yaml:1:1: missing "connect" or "listen": the feed dials the gateway (connect: host:port) or waits for gateways to dial in (listen: host:port)"#
        ),
        (
            "connect: a:1\nlisten: 0.0.0.0:2\nformat: lines\n",
            "feed.yaml:2:9: listen: give either connect or listen, not both"
        ),
        (
            "connect: plc:99999\nformat: lines\n",
            #"feed.yaml:1:10: connect: expected host:port like hub.example.com:8443, found "plc:99999""#
        ),
        (
            "listen: 5000\nformat: lines\n",
            #"feed.yaml:1:9: listen: expected host:port like 127.0.0.1:9466, found "5000""#
        ),
        ("connect: a:1\n", #"feed.yaml:1:1: missing required key "format""#),
        (
            "connect: a:1\nformat: kepware\n",
            #"feed.yaml:2:9: format: expected kepware_json or lines, found "kepware"; did you mean "kepware_json"?"#
        ),
        (
            "connect: a:1\nformat: lines\nmax_line_bytes: 100B\n",
            #"feed.yaml:3:17: max_line_bytes: expected a size from 1KiB to 16MiB, found "100B""#
        ),
        (
            "connect: a:1\nformat: lines\nmax_connections: 4\n",
            "feed.yaml:3:18: max_connections: max_connections applies only with listen"
        ),
        (
            "listen: 0.0.0.0:1\nformat: lines\nmax_connections: 0\n",
            #"feed.yaml:3:18: max_connections: expected an integer 1–256, found "0""#
        ),
        (
            "listen: 0.0.0.0:1\nformat: lines\nreconnect_delay: 2s\n",
            "feed.yaml:3:18: reconnect_delay: reconnect_delay applies only with connect"
        ),
        (
            "connect: a:1\nformat: lines\nreconnect_delay: 30s\nreconnect_max_delay: 10s\n",
            "feed.yaml:3:18: reconnect_delay: reconnect_delay (30s) must not exceed reconnect_max_delay (10s)"
        ),
        (
            "connect: a:1\nformat: lines\nconnect_timeout: 10\n",
            #"feed.yaml:3:18: connect_timeout: expected a duration from 100ms to 5m, found "10""#
        ),
        (
            "connect: a:1\nformat: lines\ninclude: L3.*\n",
            #"feed.yaml:3:10: include: expected a list (each item a non-empty string), found "L3.*""#
        ),
        (
            "connect: a:1\nformat: lines\nrename:\n  A.B: \"\"\n",
            #"feed.yaml:4:8: rename["A.B"]: expected a non-empty string, found """#
        ),
        (
            "connect: a:1\nformat: lines\nraw_stream:\n  enabled: yes\n  deadband: -1\n  min_interval: 2h\n",
            #"""
            feed.yaml:4:12: raw_stream.enabled: expected true or false, found "yes"
            feed.yaml:5:13: raw_stream.deadband: expected a decimal number of at least 0, found "-1"
            feed.yaml:6:17: raw_stream.min_interval: expected a duration from 0s to 1h, found "2h"
            """#
        ),
        (
            "connect: a:1\nformat: lines\nmax_line: 1MiB\n",
            #"feed.yaml:3:1: max_line: unknown key "max_line"; did you mean "max_line_bytes"? Valid keys: connect, listen, format, max_line_bytes, max_connections, connect_timeout, reconnect_delay, reconnect_max_delay, idle_timeout, include, exclude, rename, raw_stream"#
        ),
    ])
    func invalidSettings(_ text: String, _ expected: String) {
        #expect(errors(text) == expected)
    }

    /// The block the README offers for Config/agent.yaml decodes as written.
    @Test func readmeExampleDecodes() throws {
        let readme = try String(
            contentsOfFile: #filePath.replacingOccurrences(
                of: "Tests/PlantCaptureTests/TelemetryFeedConfigurationTests.swift",
                with: "Sources/PlantCapture/TelemetryFeed/README.md"), encoding: .utf8)
        let start = try #require(readme.range(of: "## Example for `Config/agent.yaml`\n\n```yaml\n"))
        let end = try #require(readme.range(of: "```", range: start.upperBound..<readme.endIndex))
        let block = String(readme[start.upperBound..<end.lowerBound])
        let result = ConfigMap.decode(text: "inputs:\n" + block, file: "agent.yaml", environment: [:]) { root in
            root.sectionList("inputs").first.flatMap { item -> TelemetryFeed.Configuration? in
                _ = item.required("name", .nonEmptyString)
                _ = item.required("type", .nonEmptyString)
                return TelemetryFeed.Configuration(item)
            }
        }
        let configuration = try result.get()
        #expect(configuration.mode == .connect(HostPort(host: "kepware-gw.plant.local", port: 5020)))
        #expect(configuration.tags.rename["Channel1.Line3.Press.GoodCount"] == "L3.good_count")
        #expect(configuration.tags.exclude == [TagPattern("*._System*")])
        #expect(configuration.rawStream == RawTelemetrySettings())
    }
}

import Glibc
import PlantConfig
import PlantModel
import Testing

@testable import PlantCapture

/// Throughput of the Kepware JSON path into the sink, in samples per second. Off unless PLANTSYNC_BENCH=1;
/// run in release mode (see TelemetryFeed/README.md, "Benchmark"):
///
///     PLANTSYNC_BENCH=1 swift test -c release -Xswiftc -enable-testing --filter TelemetryFeedBenchmark
@Suite("TelemetryFeedBenchmark", .enabled(if: getenv("PLANTSYNC_BENCH") != nil), .serialized)
struct TelemetryFeedBenchmarkTests {
    typealias Support = TelemetryFeedTestSupport

    /// One Kepware message with `values` tags of a line, as the IoT Gateway writes it.
    static func message(_ sequence: Int, values: Int) -> String {
        let items = (0..<values).map { k -> String in
            let value = k % 3 == 0 ? "\(sequence * 7 + k)" : k % 3 == 1 ? "\(k).\(sequence % 1000)" : "true"
            return #"{"id":"Channel1.Line3.Tag\#(k)","v":\#(value),"q":true,"t":\#(1_593_698_671_342 + sequence)}"#
        }
        return #"{"timestamp":\#(1_593_698_672_213 + sequence),"values":["# + items.joined(separator: ",") + "]}\n"
    }

    static let filter = TagFilter(
        include: [TagPattern("Channel1.*")], exclude: [TagPattern("*.Debug*")],
        rename: ["Channel1.Line3.Tag0": "L3.good_count", "Channel1.Line3.Tag1": "L3.speed"])

    @Test(arguments: [1, 10])
    func parserAndFilterOnOneThread(valuesPerMessage: Int) throws {
        let lines = (0..<1000).map { Support.bytes(String(Self.message($0, values: valuesPerMessage).dropLast())) }
        var router = TagRouter(filter: Self.filter)
        let rounds = 2_000_000 / (lines.count * valuesPerMessage)
        let clock = ContinuousClock()
        let started = clock.now
        var samples = 0
        for _ in 0..<rounds {
            for line in lines {
                for sample in try KepwareJSONParser.parse(line).samples where router.route(sample.tag) != nil {
                    samples += 1
                }
            }
        }
        let seconds = Self.seconds(clock.now - started)
        print(
            "BENCH kepware parse+filter, \(valuesPerMessage) values/message: \(samples) samples in "
                + "\(format3(seconds)) s = \(Int(Double(samples) / seconds)) samples/s")
        #expect(samples == rounds * lines.count * valuesPerMessage)
    }

    @Test(arguments: [1, 10])
    func oneLoopbackConnectionIntoTheSink(valuesPerMessage: Int) throws {
        let configuration = TelemetryFeed.Configuration(
            mode: .listen(HostPort(host: "127.0.0.1", port: 0)), format: .kepwareJSON, tags: Self.filter)
        let feed = TelemetryFeed(name: "bench", configuration: configuration, plant: "P100")
        let sink = TelemetryFeedCountingSink()
        feed.start(sink: sink)
        defer { feed.stop() }
        #expect(Support.waitUntil { feed.listeningPort != nil })
        let port = try #require(feed.listeningPort)

        // 1000 pre-built messages (about 1 MB at 10 values each), sent over and over.
        let chunk = Array((0..<1000).map { Self.message($0, values: valuesPerMessage) }.joined().utf8)
        let total = 2_000_000
        let repeats = total / (1000 * valuesPerMessage)
        let gateway = try TelemetryFeedTestSockets.Peer.connect(port: port)
        let clock = ContinuousClock()
        let started = clock.now
        for _ in 0..<repeats { gateway.send(chunk) }
        #expect(Support.waitUntil(timeout: .seconds(120)) { sink.samples == total })
        let seconds = Self.seconds(clock.now - started)
        print(
            "BENCH kepware over one loopback connection, \(valuesPerMessage) values/message: \(sink.samples) "
                + "samples in \(format3(seconds)) s = \(Int(Double(sink.samples) / seconds)) samples/s "
                + "(\(Int(Double(chunk.count * repeats) / seconds / 1_048_576)) MiB/s)")
        #expect(sink.problems == 0)
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}

private func format3(_ value: Double) -> String {
    let thousandths = Int((value * 1000).rounded())
    let fraction = String(thousandths % 1000)
    return "\(thousandths / 1000)." + String(repeating: "0", count: 3 - fraction.count) + fraction
}

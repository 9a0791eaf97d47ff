import Foundation
import PlantAggregate
import PlantCapture
import PlantConfig
import PlantModel
import PlantNet

/// Kepware JSON samples per second on one loopback connection into a `telemetry_tcp` input (listen mode),
/// through its reader thread (framing, parsing, tag routing) into a sink that runs the line's aggregator,
/// as the agent's capture sink hands samples on. Wall time runs from the first byte sent until the
/// aggregator has every sample; CPU time is the whole process (sender, reader). Baseline: the line framer
/// alone over the same bytes, in the same 64 KiB reads.
let benchCaptureKepware = Subcommand(
    name: "bench-capture-kepware",
    usage: "[--samples 1000000] [--values-per-message 2] [--repeats 3]"
) { arguments in
    let count = try arguments.int("samples", default: 1_000_000)
    let perMessage = try arguments.int("values-per-message", default: 2)
    let repeats = try arguments.int("repeats", default: 3)
    let feed = LineBenchFeed(samples: count, valuesPerMessage: perMessage)

    let overTCP = try BenchMeasurement.best(of: repeats, .process) {
        let sink = AggregatingSink()
        let configuration = TelemetryFeed.Configuration(
            mode: .listen(HostPort(host: "127.0.0.1", port: 0)), format: .kepwareJSON)
        let input = TelemetryFeed(name: "bench", configuration: configuration, plant: "P100")
        input.start(sink: sink)
        defer { input.stop() }
        let port = try waitFor("the input to listen", seconds: 10) { input.listeningPort }
        let gateway = try TCPConnection.connect(host: "127.0.0.1", port: port)
        defer { gateway.close() }
        try feed.bytes.withUnsafeBytes { try gateway.write($0) }
        _ = try waitFor("\(count) samples in the aggregator", seconds: 600) {
            sink.delivered >= count ? true : nil
        }
        guard sink.delivered == count, sink.problems == 0 else {
            throw Arguments.Problem(
                description: "delivered \(sink.delivered) of \(count) samples, \(sink.problems) quarantined")
        }
        return count
    }
    overTCP.report(bench: "capture", row: "kepware-tcp+aggregator")

    let framer = BenchMeasurement.best(of: repeats, .thread) {
        var framer = LineFramer(maxLineBytes: 64 << 10)
        var lines = 0
        var offset = 0
        while offset < feed.bytes.count {
            let end = min(feed.bytes.count, offset + (64 << 10))
            var input = feed.bytes[offset..<end]
            while let frame = framer.decode(&input) {
                if case .line = frame { lines += 1 }
            }
            offset = end
        }
        precondition(lines == feed.messages, "framer found \(lines) of \(feed.messages) lines")
        return count
    }
    framer.report(bench: "capture", row: "line-framer")
    Output.line("info bench=capture kepware_bytes=\(feed.bytes.count) messages=\(feed.messages)")
    return 0
}

/// Polls `value` until it is not nil; the benchmark has no completion signal to wait on.
private func waitFor<T>(_ what: String, seconds: Double, _ value: () -> T?) throws -> T {
    let deadline = monotonicSeconds() + seconds
    while true {
        if let value = value() { return value }
        guard monotonicSeconds() < deadline else {
            throw Arguments.Problem(description: "no \(what) in \(seconds) s")
        }
        usleep(1_000)
    }
}

/// The agent's capture sink reduced to telemetry: samples go straight into the line's aggregator.
private final class AggregatingSink: CaptureSink, @unchecked Sendable {
    // @unchecked: the aggregator and counts are only touched under `lock` (one reader thread delivers,
    // the main thread reads the counts).
    private let lock = NSLock()
    private var aggregator = LineBenchFeed.makeAggregator()
    private var nextTick: Int64 = 0
    private var samples = 0
    private var quarantined = 0

    var delivered: Int { lock.withLock { samples } }
    var problems: Int { lock.withLock { quarantined } }

    func deliver(_ batch: [TelemetrySample], from input: String) {
        lock.withLock {
            for sample in batch { _ = LineBenchFeed.ingest(sample, into: &aggregator, nextTick: &nextTick) }
            samples += batch.count
        }
    }

    func journal(_ events: [Event], checkpoints: [String: [UInt8]]) throws -> [JournalOutcome] { [] }
    func quarantine(_ problem: InputProblem) { lock.withLock { quarantined += 1 } }
    func checkpoint(_ key: String) -> [UInt8]? { nil }
    func log(_ level: LogLevel, _ message: String, input: String) {}
}

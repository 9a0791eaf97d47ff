import PlantAggregate
import PlantCapture
import PlantModel

/// Samples per second through one `LineAggregator` in process, on the calling thread (one core): the
/// samples alone, and the Kepware JSON messages carrying them parsed in front of it. Baseline for the
/// second: the parser alone on the same messages. Also PlantAggregate's own `AggregatorBenchmark.run`.
/// Both aggregator rows must produce the same outputs, so a parser that drops values cannot pass as fast.
let benchAggregate = Subcommand(
    name: "bench-aggregate",
    usage: "[--samples 2000000] [--kepware-samples 1000000] [--repeats 3]"
) { arguments in
    let count = try arguments.int("samples", default: 2_000_000)
    let kepwareCount = try arguments.int("kepware-samples", default: 1_000_000)
    let repeats = try arguments.int("repeats", default: 3)

    let samples = LineBenchFeed.makeSamples(count: count)
    var outputsAlone = 0
    let alone = BenchMeasurement.best(of: repeats, .thread) {
        var aggregator = LineBenchFeed.makeAggregator()
        var nextTick: Int64 = 0
        var outputs = 0
        for sample in samples { outputs += LineBenchFeed.ingest(sample, into: &aggregator, nextTick: &nextTick) }
        outputsAlone = outputs
        return samples.count
    }
    alone.report(bench: "aggregate", row: "aggregator")

    let reference = (0..<max(1, repeats)).map { _ in AggregatorBenchmark.run(samples: count) }.max() ?? 0
    Output.line("result bench=aggregate row=AggregatorBenchmark.run items=\(count) per_s=\(Int(reference))")

    let feed = LineBenchFeed(samples: kepwareCount)
    var expected = 0
    do {
        var aggregator = LineBenchFeed.makeAggregator()
        var nextTick: Int64 = 0
        for sample in feed.samples {
            expected += LineBenchFeed.ingest(sample, into: &aggregator, nextTick: &nextTick)
        }
    }
    let parsed = try BenchMeasurement.best(of: repeats, .thread) {
        var aggregator = LineBenchFeed.makeAggregator()
        var nextTick: Int64 = 0
        var outputs = 0
        var delivered = 0
        try feed.bytes.withUnsafeBytes { all in
            for line in 0..<feed.messages {
                let message = UnsafeRawBufferPointer(
                    rebasing: all[feed.lineStarts[line]..<feed.lineStarts[line + 1] - 1])
                for sample in try KepwareJSONParser.parse(message).samples {
                    outputs += LineBenchFeed.ingest(sample, into: &aggregator, nextTick: &nextTick)
                    delivered += 1
                }
            }
        }
        guard delivered == feed.samples.count, outputs == expected else {
            throw Arguments.Problem(
                description: "kepware path: \(delivered) samples and \(outputs) outputs, expected "
                    + "\(feed.samples.count) and \(expected)")
        }
        return delivered
    }
    parsed.report(bench: "aggregate", row: "kepware+aggregator")

    let parserAlone = try BenchMeasurement.best(of: repeats, .thread) {
        var delivered = 0
        try feed.bytes.withUnsafeBytes { all in
            for line in 0..<feed.messages {
                let message = UnsafeRawBufferPointer(
                    rebasing: all[feed.lineStarts[line]..<feed.lineStarts[line + 1] - 1])
                delivered += try KepwareJSONParser.parse(message).samples.count
            }
        }
        return delivered
    }
    parserAlone.report(bench: "aggregate", row: "kepware-parse")
    Output.line(
        "info bench=aggregate outputs=\(outputsAlone) kepware_bytes=\(feed.bytes.count) messages=\(feed.messages)")
    return 0
}

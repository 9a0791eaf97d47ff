import PlantModel
import Testing

@testable import PlantAggregate

@Suite struct AggregatorBenchmarkTests {
    /// The benchmark's feed exercises the real paths: windows close, orders change, counters roll over,
    /// and the confirmed quantities add up to the counters' increase.
    @Test func theBenchmarkFeedProducesExactConfirmations() throws {
        let samples = AggregatorBenchmark.makeSamples(count: 300_000)
        var aggregator = LineAggregator(configuration: AggregatorBenchmark.configuration, plant: "P1")
        var reference = ReferenceCount(AggregatorBenchmark.configuration)
        var outputs: [AggregatorOutput] = []
        for sample in samples {
            outputs += aggregator.ingest(sample)
            let role = ["L1.good": "good", "L1.total": "scrap", "L1.order": "order"][sample.tag] ?? "other"
            reference.observe(
                tag: role, time: sample.sourceTime.millisecondsSinceEpoch, value: sample.value, quality: sample.quality)
        }
        outputs += aggregator.shutdown(now: samples.last!.sourceTime)
        var good = DecimalNumber.zero
        var orders: Set<String> = []
        for case .confirmation(let confirmation) in outputs {
            good = try good + confirmation.good
            orders.insert(confirmation.order)
        }
        let expected = reference.perOrder["good"]!.values.reduce(0, +)
        #expect(good == DecimalNumber(integer: Int64(expected)))
        #expect(expected > 140_000)  // past 2^16: the 16-bit counter rolled over twice
        #expect(orders == ["UNASSIGNED", "WO-0", "WO-1", "WO-2"])
        // 50 minutes of feed: four windows, plus the parts after the three order changes.
        #expect(outputs.count { if case .confirmation = $0 { true } else { false } } == 7)
        // The state cycles every second and reasons change while down: many short stretches.
        #expect(outputs.count { if case .downtime = $0 { true } else { false } } == 2001)
    }
}

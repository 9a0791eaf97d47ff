import PlantModel

/// Samples per second through one `LineAggregator`, in process: the figure behind `Scripts/bench
/// aggregate`. The samples are made before the clock starts; the timed loop is ingest alone (plus a
/// tick per simulated second), as the agent's pipeline calls it.
public enum AggregatorBenchmark {
    /// A line with every feature on: good and total counters (16 bit, so rollovers happen), a state tag
    /// with reasons and an order tag, 15-minute windows and a shift calendar.
    public static let configuration = LineConfiguration(
        line: "L1", workCenter: "WC-100", unit: "PCE", goodCounterTag: "L1.good",
        scrap: .totalMinusGood(totalTag: "L1.total"), counterWidth: .bits16,
        machineState: MachineStateSource(
            tag: "L1.state", values: ["1": .running, "2": .idle, "3": .down], reasonTag: "L1.reason"),
        order: .tags(orderTag: "L1.order", operationTag: nil),
        windowMilliseconds: 15 * 60_000, timeZone: .fixed(offsetSeconds: 3600), shiftStarts: [360, 840, 1320])

    /// Runs `samples` samples (10 ms apart in source time) and returns samples per second. Also returns
    /// (through `checksum`) the confirmed good quantity, so the work cannot be optimised away.
    public static func run(samples: Int) -> Double {
        let prepared = makeSamples(count: samples)
        var aggregator = LineAggregator(configuration: configuration, plant: "P1")
        var emitted = 0
        let clock = ContinuousClock()
        let start = clock.now
        var nextTick: Int64 = 0
        for sample in prepared {
            emitted &+= aggregator.ingest(sample).count
            let time = sample.sourceTime.millisecondsSinceEpoch
            if time >= nextTick {
                emitted &+= aggregator.tick(now: sample.sourceTime).count
                nextTick = time + 1000
            }
        }
        let elapsed = clock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        precondition(emitted >= 0)
        return seconds > 0 ? Double(samples) / seconds : 0
    }

    /// Mostly counter samples (as a real feed), with state, reason and order changes mixed in.
    static func makeSamples(count: Int) -> [TelemetrySample] {
        var samples: [TelemetrySample] = []
        samples.reserveCapacity(count)
        var time: Int64 = 1_795_000_000_000
        var good: Int64 = 0
        var total: Int64 = 0
        for index in 0..<count {
            time += 10
            let stamp = Timestamp(millisecondsSinceEpoch: time)
            switch index % 100 {
            case 50:
                samples.append(sample("L1.state", .number(DecimalNumber(1 + index / 100 % 3)), stamp))
            case 75:
                samples.append(sample("L1.reason", .number(DecimalNumber(index / 100 % 7)), stamp))
            case 99 where index % 100_000 == 99:
                samples.append(sample("L1.order", .string("WO-\(index / 100_000)"), stamp))
            default:
                if index % 2 == 0 {
                    good = (good + 1) & 0xFFFF
                    samples.append(sample("L1.good", .number(DecimalNumber(integer: good)), stamp))
                } else {
                    total = (total + 1 + Int64(index % 7 == 0 ? 1 : 0)) & 0xFFFF
                    samples.append(sample("L1.total", .number(DecimalNumber(integer: total)), stamp))
                }
            }
        }
        return samples
    }

    private static func sample(_ tag: String, _ value: TelemetryValue, _ time: Timestamp) -> TelemetrySample {
        TelemetrySample(tag: tag, value: value, quality: .good, sourceTime: time)
    }
}

import PlantAggregate
import PlantModel

/// Line L1's telemetry for the aggregate and capture benchmarks, read by `AggregatorBenchmark.configuration`:
/// the mix of PlantAggregate's own benchmark (good and total counters 10 ms apart, 16 bit so they roll over;
/// a state and a reason change every 100 samples; an order change every 100,000), as samples and as the
/// Kepware IoT Gateway messages that carry them (`valuesPerMessage` values each, one line per message).
struct LineBenchFeed {
    let samples: [TelemetrySample]
    /// Every message, each ended by LF, back to back: what a gateway writes on its connection.
    let bytes: [UInt8]
    /// Where each message starts in `bytes` (and, last, `bytes.count`).
    let lineStarts: [Int]

    var messages: Int { lineStarts.count - 1 }

    init(samples count: Int, valuesPerMessage: Int = 2) {
        samples = Self.makeSamples(count: count)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(count * 70)
        var starts: [Int] = []
        var index = 0
        while index < samples.count {
            starts.append(bytes.count)
            let end = min(samples.count, index + valuesPerMessage)
            let time = samples[end - 1].sourceTime.millisecondsSinceEpoch
            bytes += Array(#"{"timestamp":\#(time + 40),"values":["#.utf8)
            for position in index..<end {
                let sample = samples[position]
                let value: String =
                    switch sample.value {
                    case .number(let number): number.description
                    case .string(let text): "\"\(text)\""
                    case .bool(let flag): flag ? "true" : "false"
                    }
                if position > index { bytes.append(UInt8(ascii: ",")) }
                let time = sample.sourceTime.millisecondsSinceEpoch
                bytes += Array(#"{"id":"\#(sample.tag)","v":\#(value),"q":true,"t":\#(time)}"#.utf8)
            }
            bytes += Array("]}\n".utf8)
            index = end
        }
        starts.append(bytes.count)
        self.bytes = bytes
        lineStarts = starts
    }

    /// Feeds `sample` to the aggregator as the agent's stage does, with a tick per simulated second;
    /// returns how many outputs it produced.
    static func ingest(_ sample: TelemetrySample, into aggregator: inout LineAggregator, nextTick: inout Int64)
        -> Int
    {
        var outputs = aggregator.ingest(sample).count
        let time = sample.sourceTime.millisecondsSinceEpoch
        if time >= nextTick {
            outputs += aggregator.tick(now: sample.sourceTime).count
            nextTick = time + 1000
        }
        return outputs
    }

    static func makeAggregator() -> LineAggregator {
        LineAggregator(configuration: AggregatorBenchmark.configuration, plant: "P1")
    }

    /// The same sequence as `AggregatorBenchmark.makeSamples` (internal to PlantAggregate).
    static func makeSamples(count: Int) -> [TelemetrySample] {
        var samples: [TelemetrySample] = []
        samples.reserveCapacity(count)
        var time: Int64 = 1_795_000_000_000
        var good: Int64 = 0
        var total: Int64 = 0
        func sample(_ tag: String, _ value: TelemetryValue) -> TelemetrySample {
            TelemetrySample(
                tag: tag, value: value, quality: .good, sourceTime: Timestamp(millisecondsSinceEpoch: time))
        }
        for index in 0..<count {
            time += 10
            switch index % 100 {
            case 50:
                samples.append(sample("L1.state", .number(DecimalNumber(1 + index / 100 % 3))))
            case 75:
                samples.append(sample("L1.reason", .number(DecimalNumber(index / 100 % 7))))
            case 99 where index % 100_000 == 99:
                samples.append(sample("L1.order", .string("WO-\(index / 100_000)")))
            default:
                if index % 2 == 0 {
                    good = (good + 1) & 0xFFFF
                    samples.append(sample("L1.good", .number(DecimalNumber(integer: good))))
                } else {
                    total = (total + 1 + Int64(index % 7 == 0 ? 1 : 0)) & 0xFFFF
                    samples.append(sample("L1.total", .number(DecimalNumber(integer: total))))
                }
            }
        }
        return samples
    }
}

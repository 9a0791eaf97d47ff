import PlantModel

@testable import PlantAggregate

/// 2026-11-23T06:00:00Z, the start of the test shifts.
let shiftStart: Int64 = 1_795_413_600_000

/// Milliseconds after `shiftStart`.
func at(_ minutes: Int, _ seconds: Int = 0, ms: Int = 0) -> Timestamp {
    Timestamp(millisecondsSinceEpoch: shiftStart + Int64(minutes) * 60_000 + Int64(seconds) * 1000 + Int64(ms))
}

func minutes(_ m: Int, _ s: Int = 0) -> Int64 { Int64(m) * 60_000 + Int64(s) * 1000 }

/// A line with a good counter, a total counter, a state tag with reasons, and order/operation tags.
func testLine(
    width: CounterWidth = .bits32, scale: DecimalNumber = DecimalNumber(1), scrap: ScrapSource = .counter(tag: "scrap"),
    shifts: [Int] = [], lateness: Int64 = 10_000, window: Int64 = 15 * 60_000, maxRolloverStep: UInt64? = nil,
    timeZone: PlantTimeZone = .utc
) -> LineConfiguration {
    LineConfiguration(
        line: "L3", workCenter: "WC-7", unit: "PCE", goodCounterTag: "good", scrap: scrap,
        reworkCounterTag: "rework", counterWidth: width, counterScale: scale, maxRolloverStep: maxRolloverStep,
        machineState: MachineStateSource(
            tag: "state", values: ["1": .running, "2": .idle, "3": .down, "true": .running], reasonTag: "reason"),
        order: .tags(orderTag: "order", operationTag: "op"), windowMilliseconds: window, timeZone: timeZone,
        shiftStarts: shifts, latenessMilliseconds: lateness, gapMilliseconds: 1_200_000)
}

/// Drives one aggregator and keeps everything it emitted.
struct LineHarness {
    var aggregator: LineAggregator
    var outputs: [AggregatorOutput] = []

    init(_ configuration: LineConfiguration = testLine(), state: AggregatorState? = nil) {
        aggregator = LineAggregator(configuration: configuration, plant: "P100", state: state)
    }

    @discardableResult
    mutating func send(
        _ tag: String, _ value: Int64, _ time: Timestamp, quality: SampleQuality = .good
    ) -> [AggregatorOutput] {
        send(tag, .number(DecimalNumber(integer: value)), time, quality: quality)
    }

    @discardableResult
    mutating func send(
        _ tag: String, _ value: TelemetryValue, _ time: Timestamp, quality: SampleQuality = .good
    ) -> [AggregatorOutput] {
        let emitted = aggregator.ingest(TelemetrySample(tag: tag, value: value, quality: quality, sourceTime: time))
        outputs += emitted
        return emitted
    }

    @discardableResult
    mutating func order(_ order: String, _ time: Timestamp) -> [AggregatorOutput] {
        send("order", .string(order), time)
    }

    @discardableResult
    mutating func tick(_ time: Timestamp) -> [AggregatorOutput] {
        let emitted = aggregator.tick(now: time)
        outputs += emitted
        return emitted
    }

    @discardableResult
    mutating func shutdown(_ time: Timestamp) -> [AggregatorOutput] {
        let emitted = aggregator.shutdown(now: time)
        outputs += emitted
        return emitted
    }

    var confirmations: [LineConfirmation] {
        outputs.compactMap { if case .confirmation(let c) = $0 { return c } else { return nil } }
    }

    var downtime: [DowntimeRecord] {
        outputs.compactMap { if case .downtime(let d) = $0 { return d } else { return nil } }
    }

    var notes: [AggregatorNote] {
        outputs.compactMap { if case .note(let n) = $0 { return n } else { return nil } }
    }
}

extension LineConfirmation {
    /// One stable line per confirmation, for exact comparisons and golden files.
    var summary: String {
        var text = "\(id) \(from.description.dropFirst(11).prefix(8))-\(to.description.dropFirst(11).prefix(8))"
        text += " good=\(good) scrap=\(scrap) rework=\(rework) \(unit)"
        text += " run=\(runningMilliseconds / 1000)s idle=\(idleMilliseconds / 1000)s down=\(downMilliseconds / 1000)s"
        if !downtimeByReason.isEmpty {
            text +=
                " reasons=" + downtimeByReason.map { "\($0.reason):\($0.milliseconds / 1000)s" }.joined(separator: ",")
        }
        if !final { text += " partial" }
        if counterReset { text += " reset=" + counterResetTags.joined(separator: ",") }
        if gapMilliseconds > 0 { text += " gap=\(gapMilliseconds / 1000)s" }
        return text
    }
}

extension DowntimeRecord {
    var summary: String {
        "\(id) \(order) \(reason) \(milliseconds / 1000)s"
    }
}

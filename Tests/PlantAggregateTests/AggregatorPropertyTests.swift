import PlantModel
import Testing

@testable import PlantAggregate

/// Generated feeds against `ReferenceCount`: totals per order, per (order, period), runtime per
/// confirmation, downtime overall — and the same totals through crashes, restores and shutdowns.
@Suite struct AggregatorPropertyTests {
    static let seeds: [UInt64] = Array(1...24)

    static func configuration(seed: UInt64) -> LineConfiguration {
        let width = CounterWidth.allCases[Int(seed % 3)]
        return testLine(
            width: width, scale: seed % 4 == 0 ? DecimalNumber("0.25")! : DecimalNumber(1),
            shifts: seed % 2 == 0 ? [360, 840, 1320] : [], lateness: 10_000)
    }

    static func reference(_ script: FeedScript, _ configuration: LineConfiguration) -> ReferenceCount {
        var reference = ReferenceCount(configuration)
        for step in script.steps {
            if case .sample(let tag, let time, let value, let quality) = step {
                reference.observe(tag: tag, time: time, value: value, quality: quality)
            }
        }
        return reference
    }

    @Test(arguments: seeds)
    func confirmationsAddUpToTheReferenceCount(seed: UInt64) {
        let configuration = Self.configuration(seed: seed)
        let script = FeedScript(seed: seed, width: configuration.counterWidth, count: 3000, lateness: 10_000)
        var line = LineHarness(configuration)
        for step in script.steps { line.apply(step) }
        line.shutdown(Timestamp(millisecondsSinceEpoch: script.end))
        let reference = Self.reference(script, configuration)

        let confirmations = line.confirmations
        #expect(Set(confirmations.map(\.id)).count == confirmations.count, "event ids are unique")
        for (tag, path) in [("good", \LineConfirmation.good), ("scrap", \.scrap), ("rework", \.rework)] {
            var perOrder: [String: DecimalNumber] = [:]
            var perPeriod: [String: DecimalNumber] = [:]
            for confirmation in confirmations {
                let value = confirmation[keyPath: path]
                perOrder[confirmation.order] = try! (perOrder[confirmation.order] ?? .zero) + value
                let key = "\(confirmation.order) \(confirmation.windowStart.millisecondsSinceEpoch)"
                perPeriod[key] = try! (perPeriod[key] ?? .zero) + value
            }
            let expectedPerOrder = (reference.perOrder[tag] ?? [:]).mapValues(reference.quantity).filter {
                !$0.value.isZero
            }
            let expectedPerPeriod = (reference.perPeriod[tag] ?? [:]).mapValues(reference.quantity).filter {
                !$0.value.isZero
            }
            #expect(perOrder.filter { !$0.value.isZero } == expectedPerOrder, "seed \(seed): \(tag) per order")
            #expect(perPeriod.filter { !$0.value.isZero } == expectedPerPeriod, "seed \(seed): \(tag) per period")
        }
        for confirmation in confirmations {
            let from = confirmation.from.millisecondsSinceEpoch
            let to = confirmation.to.millisecondsSinceEpoch
            #expect(
                confirmation.runningMilliseconds == reference.milliseconds(in: .running, from: from, to: to),
                "seed \(seed): running time of \(confirmation.id)")
            #expect(
                confirmation.idleMilliseconds == reference.milliseconds(in: .idle, from: from, to: to),
                "seed \(seed): idle time of \(confirmation.id)")
        }
        let downtime = line.downtime.reduce(Int64(0)) { $0 + $1.milliseconds }
        #expect(downtime == reference.milliseconds(in: .down, from: .min, to: script.end), "seed \(seed): downtime")
        #expect(Set(line.downtime.map(\.id)).count == line.downtime.count, "downtime ids are unique")
    }

    /// kill -9 at random points: the journal commits each call's events together with the state, and
    /// the state alone every 50 samples; after a crash the aggregator restarts from the committed state
    /// and the feed resends from a little before it. Sometimes the agent shuts down cleanly instead.
    @Test(arguments: seeds)
    func crashesAndRestartsNeitherLoseNorDoubleCount(seed: UInt64) throws {
        let configuration = Self.configuration(seed: seed)
        let script = FeedScript(seed: seed, width: configuration.counterWidth, count: 3000, lateness: 10_000)
        var random = SeededGenerator(seed: seed ^ 0xDEAD)
        var journal = SimulatedJournal()
        var aggregator = LineAggregator(configuration: configuration, plant: "P100")
        var committedIndex = 0
        var index = 0
        var restarts = 0
        while index < script.steps.count {
            let emitted = aggregator.apply(script.steps[index])
            index += 1
            if !emitted.isEmpty || index % 50 == 0 {
                try journal.commit(emitted, state: aggregator.state.encoded())
                committedIndex = index
            }
            let roll = Int.random(in: 0..<100, using: &random)
            if roll < 2 {
                // kill -9: whatever was not committed is gone.
                let state = journal.state.isEmpty ? nil : try AggregatorState(decoding: journal.state)
                aggregator = LineAggregator(configuration: configuration, plant: "P100", state: state)
                index = max(0, committedIndex - Int.random(in: 0...5, using: &random))
                restarts += 1
            } else if roll < 3 {
                let now = Timestamp(millisecondsSinceEpoch: script.steps[index - 1].time)
                try journal.commit(aggregator.shutdown(now: now), state: aggregator.state.encoded())
                committedIndex = index
                aggregator = LineAggregator(
                    configuration: configuration, plant: "P100", state: try AggregatorState(decoding: journal.state))
                restarts += 1
            }
        }
        try journal.commit(
            aggregator.shutdown(now: Timestamp(millisecondsSinceEpoch: script.end)), state: aggregator.state.encoded())
        #expect(restarts > 20)

        let reference = Self.reference(script, configuration)
        for (tag, path) in [("good", \LineConfirmation.good), ("scrap", \.scrap), ("rework", \.rework)] {
            var perOrder: [String: DecimalNumber] = [:]
            for confirmation in journal.confirmations.values {
                perOrder[confirmation.order] = try (perOrder[confirmation.order] ?? .zero) + confirmation[keyPath: path]
            }
            let expected = (reference.perOrder[tag] ?? [:]).mapValues(reference.quantity).filter { !$0.value.isZero }
            #expect(perOrder.filter { !$0.value.isZero } == expected, "seed \(seed): \(tag) per order")
        }
        #expect(journal.conflicts.isEmpty, "an id came back with other content: \(journal.conflicts)")
    }
}

/// What the agent's journal does for the aggregator: events and the checkpoint in one transaction, one
/// copy per event id.
struct SimulatedJournal {
    var confirmations: [String: LineConfirmation] = [:]
    var downtime: [String: DowntimeRecord] = [:]
    var state: [UInt8] = []
    var conflicts: [String] = []

    mutating func commit(_ outputs: [AggregatorOutput], state: [UInt8]) throws {
        for output in outputs {
            switch output {
            case .confirmation(let confirmation):
                if let stored = confirmations[confirmation.id.rawValue] {
                    if stored != confirmation { conflicts.append(confirmation.id.rawValue) }
                } else {
                    confirmations[confirmation.id.rawValue] = confirmation
                }
            case .downtime(let record):
                if let stored = downtime[record.id.rawValue], stored != record { conflicts.append(record.id.rawValue) }
                downtime[record.id.rawValue] = downtime[record.id.rawValue] ?? record
            case .note:
                break
            }
        }
        self.state = state
    }
}

extension LineAggregator {
    mutating func apply(_ step: FeedStep) -> [AggregatorOutput] {
        switch step {
        case .sample(let tag, let time, let value, let quality):
            ingest(
                TelemetrySample(
                    tag: tag, value: value, quality: quality, sourceTime: Timestamp(millisecondsSinceEpoch: time)))
        case .tick(let now):
            tick(now: Timestamp(millisecondsSinceEpoch: now))
        }
    }
}

extension LineHarness {
    mutating func apply(_ step: FeedStep) {
        outputs += aggregator.apply(step)
    }
}

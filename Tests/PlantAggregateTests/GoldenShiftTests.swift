import Foundation
import PlantConfig
import PlantModel
import Testing

@testable import PlantAggregate

/// A recorded early shift of press line L3 (Fixtures/shift-L3: config.yaml, samples.txt in,
/// expected.txt out: one canonical event or note per line). Set PLANTSYNC_UPDATE_GOLDEN=1 to rewrite
/// expected.txt after a deliberate change, and review the diff.
@Suite struct GoldenShiftTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/shift-L3")

    static func configuration() throws -> LineConfiguration {
        let text = try String(contentsOf: folder.appendingPathComponent("config.yaml"), encoding: .utf8)
        let lines = try ConfigMap.decode(text: text, file: "config.yaml", environment: [:]) {
            LineConfiguration.decodeList($0)
        }.get()
        return try #require(lines.first)
    }

    /// `<time> <tag> <value> [quality]`, `tick <time>` or `shutdown <time>`.
    static func steps() throws -> [(kind: String, sample: TelemetrySample?, time: Timestamp)] {
        let text = try String(contentsOf: folder.appendingPathComponent("samples.txt"), encoding: .utf8)
        return try text.split(separator: "\n").map { line in
            let fields = line.split(separator: " ").map(String.init)
            if fields[0] == "tick" || fields[0] == "shutdown" {
                return (fields[0], nil, try Timestamp(parsing: fields[1]))
            }
            let time = try Timestamp(parsing: fields[0])
            let value: TelemetryValue =
                fields[2].hasPrefix("\"")
                ? .string(String(fields[2].dropFirst().dropLast()))
                : .number(try DecimalNumber(parsing: fields[2]))
            let quality = fields.count > 3 ? SampleQuality(rawValue: fields[3])! : .good
            return ("sample", TelemetrySample(tag: fields[1], value: value, quality: quality, sourceTime: time), time)
        }
    }

    @Test func theRecordedShiftGivesTheExpectedEvents() throws {
        let configuration = try Self.configuration()
        var aggregator = LineAggregator(configuration: configuration, plant: "P100")
        var outputs: [AggregatorOutput] = []
        var reference = ReferenceCount(configuration)
        for step in try Self.steps() {
            switch step.kind {
            case "tick": outputs += aggregator.tick(now: step.time)
            case "shutdown": outputs += aggregator.shutdown(now: step.time)
            default:
                let sample = step.sample!
                outputs += aggregator.ingest(sample)
                // The reference counts any cumulative counter; the total counter goes in under "scrap".
                let role = ["L3.Good": "good", "L3.Total": "scrap", "L3.Order": "order"][sample.tag] ?? "other"
                reference.observe(
                    tag: role, time: sample.sourceTime.millisecondsSinceEpoch, value: sample.value,
                    quality: sample.quality)
            }
        }
        let rendered =
            outputs.map { output -> String in
                if case .note(let note) = output { return "note: \(note)" }
                return String(decoding: output.event!.canonicalJSON(), as: UTF8.self)
            }.joined(separator: "\n") + "\n"
        let expectedURL = Self.folder.appendingPathComponent("expected.txt")
        if ProcessInfo.processInfo.environment["PLANTSYNC_UPDATE_GOLDEN"] == "1" {
            try rendered.write(to: expectedURL, atomically: true, encoding: .utf8)
        }
        let expected = try String(contentsOf: expectedURL, encoding: .utf8)
        let actualLines = rendered.split(separator: "\n", omittingEmptySubsequences: false)
        let expectedLines = expected.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(actualLines.count == expectedLines.count)
        for (index, (actual, wanted)) in zip(actualLines, expectedLines).enumerated() where actual != wanted {
            Issue.record("expected.txt line \(index + 1) differs:\n  expected \(wanted)\n  actual   \(actual)")
            break
        }

        // Independently of the golden file: yield per order and scrap overall match the counters.
        var yield: [String: DecimalNumber] = [:]
        var scrap = DecimalNumber.zero
        for case .confirmation(let confirmation) in outputs {
            yield[confirmation.order] = try (yield[confirmation.order] ?? .zero) + confirmation.good
            scrap = try scrap + confirmation.scrap
        }
        let expectedYield = reference.perOrder["good"]!.mapValues(reference.quantity)
        #expect(yield == expectedYield)
        let totalIncrease = reference.perOrder["scrap"]!.values.reduce(0, +)
        let goodIncrease = reference.perOrder["good"]!.values.reduce(0, +)
        // Scrap is never negative: a difference not yet offset is carried (and stays in the state).
        let carried = DecimalNumber(integer: aggregator.state.scrapCarry)
        #expect(try scrap + carried == DecimalNumber(integer: Int64(totalIncrease - goodIncrease)))
        #expect(carried == .zero)
    }
}

import Foundation
import PlantAggregate
import PlantConfig
import PlantJournal
import PlantModel
import Synchronization
import Testing

@testable import PlantAgent

/// The stage closes windows on the clock of the samples, not on the agent's wall clock.
@Suite struct AggregationStageTests {
    /// The agent's wall clock, settable, counting how often the stage read it.
    final class JumpingClock: Sendable {
        private let state = Mutex<(now: Int64, reads: Int)>((0, 0))
        init(_ now: Int64) { state.withLock { $0.now = now } }
        func read() -> Timestamp {
            state.withLock {
                $0.reads += 1
                return Timestamp(millisecondsSinceEpoch: $0.now)
            }
        }
        func set(_ now: Int64) { state.withLock { $0.now = now } }
        var reads: Int { state.withLock { $0.reads } }
    }

    /// The wall clock jumps an hour ahead in the middle of a window. The stage must not close that window
    /// early: the counts that follow, stamped by the line, still belong to it.
    @Test(.timeLimit(.minutes(1))) func aWallClockJumpDoesNotCloseTheLinesWindow() throws {
        let directory = NSTemporaryDirectory() + "stage-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let journal = try Journal.open(path: directory + "/journal.sqlite")
        defer { journal.close() }
        let windowStart: Int64 = 1_795_413_600_000  // 2026-11-23T06:00:00Z
        let clock = JumpingClock(windowStart + 10_000)
        let line = LineConfiguration(
            line: "L1", workCenter: "WC-1", goodCounterTag: "good", order: .fixed(order: "WO-1", operation: nil),
            windowMilliseconds: 60_000, latenessMilliseconds: 5_000)
        let stage = try AggregationStage(
            lines: [line], plant: "P100", journal: journal, forwarder: nil,
            logger: AgentLogger(settings: LogSettings(format: .logfmt, level: .error), write: { _ in }),
            clock: { clock.read() }, tickInterval: .milliseconds(1))
        stage.start()
        func good(_ count: Int64, at offset: Int64) {
            stage.deliver([
                TelemetrySample(
                    tag: "good", value: .number(DecimalNumber(integer: count)), quality: .good,
                    sourceTime: Timestamp(millisecondsSinceEpoch: windowStart + offset))
            ])
        }
        good(100, at: 10_000)
        good(105, at: 11_000)
        // The jump, then two whole tick passes on the jumped clock before the line's next count.
        clock.set(windowStart + 3_600_000)
        let seen = clock.reads
        let deadline = ContinuousClock.now + .seconds(20)
        while clock.reads < seen + 3 && ContinuousClock.now < deadline { sched_yield() }
        #expect(clock.reads >= seen + 3)
        good(108, at: 12_000)
        good(110, at: 70_000)  // the next window: this sample closes the first one
        stage.stop()

        let events = try journal.pending(stream: StreamName.production, after: 0, limit: 100)
        let confirmations = try events.map { try JSONParser.parse($0.body).objectValue?["data"]?.objectValue }
        let firstWindow = confirmations.filter { $0?["window_start"]?.stringValue == "2026-11-23T06:00:00.000Z" }
        #expect(firstWindow.count == 1)
        #expect(firstWindow.first??["yield"]?.stringValue == "8")
        #expect(firstWindow.first??["final"] == true)
    }
}

import Foundation
import PlantModel

/// Journals one feed's kept raw samples as `telemetry_sample` events on the `telemetry` stream, in batches, on
/// a thread of its own.
///
/// Connection threads hand kept samples over without waiting (`submit`), so the aggregator path never waits
/// for a raw-stream commit. Raw telemetry is the first thing shed (DESIGN invariant 5), and shedding is counted
/// and logged, never silent: when the hand-off queue is full (the journal is slower than the feed) new samples
/// are dropped; a batch the journal refuses (disk budget, disk full, fsync failure) is dropped, not retried,
/// and the next batch waits `refusalPause`. Each episode gets one log line when it starts and one when it ends.
final class RawStreamCommitter: @unchecked Sendable {
    // @unchecked: `queue`, `closed`, `finished` and `overflowing` are guarded by `condition`; `refusal` and
    // `shedWhileRefused` are touched by the committer's thread alone.
    static let defaultCapacity = 10_000
    static let maxBatchSamples = 1_000
    static let refusalPause: Duration = .seconds(1)

    let input: String
    let plant: String
    private let sink: any CaptureSink
    private let state: FeedState
    private let capacity: Int
    private let condition = NSCondition()
    private var queue: [TelemetrySample] = []
    private var closed = false
    private var finished = false
    private var overflowing = false
    private var refusal: String?
    private var shedWhileRefused = 0

    init(
        input: String, plant: String, sink: any CaptureSink, state: FeedState,
        capacity: Int = RawStreamCommitter.defaultCapacity
    ) {
        self.input = input
        self.plant = plant
        self.sink = sink
        self.state = state
        self.capacity = capacity
        let thread = Thread { [self] in run() }
        thread.name = "raw-\(input)"
        thread.start()
    }

    /// Queues kept samples for the journal; never blocks on it. What does not fit is shed and counted.
    func submit(_ samples: [TelemetrySample]) {
        condition.lock()
        let room = closed ? 0 : max(0, capacity - queue.count)
        let shed = max(0, samples.count - room)
        queue.append(contentsOf: samples.prefix(room))
        let startsOverflow = shed > 0 && !overflowing && !closed
        if shed > 0 { overflowing = true }
        if room > 0 { condition.broadcast() }
        condition.unlock()
        guard shed > 0 else { return }
        let reason =
            closed
            ? "raw telemetry: \(shed) kept samples arrived while the input was stopping; not journaled"
            : "raw telemetry: \(capacity) kept samples wait for the journal; newer ones are shed until it catches up"
        state.recordRaw(FeedState.RawCounts(shed: shed), error: reason)
        if startsOverflow { sink.log(.warning, reason + " (aggregation is not affected)", input: input) }
    }

    /// Journals what is queued, then ends the thread; returns once it has (no sink calls after that).
    func finish() {
        condition.lock()
        closed = true
        condition.broadcast()
        while !finished { condition.wait() }
        condition.unlock()
    }

    private func run() {
        while true {
            condition.lock()
            while queue.isEmpty && !closed { condition.wait() }
            if queue.isEmpty {
                finished = true
                condition.broadcast()
                condition.unlock()
                return
            }
            let batch = Array(queue.prefix(Self.maxBatchSamples))
            queue.removeFirst(batch.count)
            let overflowEnded = overflowing && queue.isEmpty
            if overflowEnded { overflowing = false }
            condition.unlock()
            if overflowEnded { sink.log(.info, "raw telemetry: the journal caught up with the feed", input: input) }
            if !journal(batch) { pauseAfterRefusal() }
        }
    }

    /// Journals one batch; false when the journal refused it (the batch is shed).
    private func journal(_ batch: [TelemetrySample]) -> Bool {
        var events: [Event] = []
        events.reserveCapacity(batch.count)
        for sample in batch {
            do throws(EventFieldError) {
                events.append(try Event.telemetrySample(plant: plant, input: input, sample: sample))
            } catch {
                let problem = InputProblem(
                    input: input, reason: "raw telemetry sample makes no valid event: \(error)",
                    location: "raw stream, tag \(sample.tag) at \(sample.sourceTime)", excerpt: Array(sample.tag.utf8))
                state.recordQuarantine(problem)
                sink.quarantine(problem)
            }
        }
        if events.isEmpty { return true }
        do {
            let outcomes = try sink.journal(events, checkpoints: [:])
            var counts = FeedState.RawCounts()
            for outcome in outcomes {
                if case .appended = outcome { counts.journaled += 1 } else { counts.duplicates += 1 }
            }
            state.recordRaw(counts)
            if refusal != nil {
                sink.log(
                    .info,
                    "raw telemetry: the journal takes kept samples again; \(shedWhileRefused) were shed meanwhile",
                    input: input)
                refusal = nil
                shedWhileRefused = 0
            }
            return true
        } catch {
            let reason = "raw telemetry: the journal refused \(events.count) kept samples, shed: \(error)"
            state.recordRaw(FeedState.RawCounts(shed: events.count), error: reason)
            shedWhileRefused += events.count
            if refusal == nil {
                sink.log(
                    .warning,
                    "raw telemetry: the journal refuses kept samples (\(error)); they are shed (dropped and "
                        + "counted) until it takes them again; aggregation is not affected", input: input)
            }
            refusal = reason
            return false
        }
    }

    /// Waits `refusalPause` unless the input is stopping (what is queued then gets one more try).
    private func pauseAfterRefusal() {
        let deadline = Date(timeIntervalSinceNow: Double(Self.refusalPause.components.seconds))
        condition.lock()
        while !closed && condition.wait(until: deadline) {}
        condition.unlock()
    }
}

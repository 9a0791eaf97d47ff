import Foundation
import PlantAggregate
import PlantForward
import PlantJournal
import PlantModel
import Synchronization

/// Turns telemetry samples into confirmations on its own thread (invariant 6).
///
/// Feeds hand batches in through a bounded queue: when the stage is behind, `deliver` blocks,
/// which pushes back on the feed's socket instead of growing memory. Each line's state is
/// checkpointed in the same journal transaction as the events it produced (invariant 1), and
/// after every pass that changed it, so a restart resumes from a state that matches the journal
/// exactly and lacks only what the killed process had not yet committed. Cumulative counters carry
/// that into the next window, but a feed sends the order and machine state once, when they change:
/// the sooner they are durable, the less a kill can misbook. While the stage commits, feeds queue
/// more batches, so commits group under load (one commit per pass, not per sample).
final class AggregationStage: @unchecked Sendable {
    // @unchecked: `queue`, `running` and the aggregators are only touched under `condition`'s
    // lock (queue, running) or on the stage's own thread (aggregators, dirty, sourceClocks).
    private let condition = NSCondition()
    private var queue: [[TelemetrySample]] = []
    private var running = false
    private var thread: Thread?
    private let finished = DispatchSemaphore(value: 0)

    private var aggregators: [LineAggregator]
    /// The order running on each line, published after every batch for scanner stations.
    private let currentOrders = Mutex<[String: String]>([:])
    /// Which aggregators read a tag; filled on first sight of each tag.
    private var routes: [String: [Int]] = [:]
    /// Lines whose state changed since their last checkpoint.
    private var dirty: Set<Int> = []
    /// Per line, the newest source time accepted and when it arrived: the line's clock (see `sourceNow`).
    private var sourceClocks: [SourceClock?]

    private let journal: Journal
    private let forwarder: Forwarder?
    private let logger: AgentLogger
    private let clock: @Sendable () -> Timestamp
    private let maxQueuedBatches: Int
    private let tickInterval: Duration

    static func checkpointKey(line: String) -> String { "aggregate/\(line)" }

    init(
        lines: [LineConfiguration], plant: String, journal: Journal, forwarder: Forwarder?, logger: AgentLogger,
        clock: @escaping @Sendable () -> Timestamp = { Timestamp.now() }, maxQueuedBatches: Int = 256,
        tickInterval: Duration = .seconds(1)
    ) throws {
        var aggregators: [LineAggregator] = []
        for line in lines {
            var state: AggregatorState?
            if let bytes = try journal.checkpoint(Self.checkpointKey(line: line.line)) {
                state = try AggregatorState(decoding: bytes)
            }
            aggregators.append(LineAggregator(configuration: line, plant: plant, state: state))
        }
        self.aggregators = aggregators
        self.sourceClocks = Array(repeating: nil, count: aggregators.count)
        self.journal = journal
        self.forwarder = forwarder
        self.logger = logger
        self.clock = clock
        self.maxQueuedBatches = maxQueuedBatches
        self.tickInterval = tickInterval
        publishCurrentOrders()
    }

    var lineCount: Int { aggregators.count }

    /// The order running on `line` now, or nil when none is known (any thread).
    func currentOrder(line: String) -> String? { currentOrders.withLock { $0[line] } }

    private func publishCurrentOrders() {
        var orders: [String: String] = [:]
        for aggregator in aggregators {
            if let order = aggregator.currentOrder { orders[aggregator.configuration.line] = order }
        }
        currentOrders.withLock { $0 = orders }
    }

    func start() {
        condition.lock()
        running = true
        condition.unlock()
        let thread = Thread { [self] in
            run()
            finished.signal()
        }
        thread.name = "plantsync-aggregate"
        self.thread = thread
        thread.start()
    }

    /// Hands samples to the stage; blocks while the queue is full (back-pressure to the feed).
    func deliver(_ samples: [TelemetrySample]) {
        guard !samples.isEmpty else { return }
        condition.lock()
        while running && queue.count >= maxQueuedBatches { condition.wait() }
        if running { queue.append(samples) }
        condition.broadcast()
        condition.unlock()
    }

    /// Drains what was delivered, journals partial confirmations (`final: false`) with the state,
    /// and joins the thread. Call after the inputs have stopped.
    func stop() {
        condition.lock()
        let wasRunning = running
        running = false
        condition.broadcast()
        condition.unlock()
        if wasRunning { finished.wait() }
    }

    private func run() {
        var nextTick = ContinuousClock.now + tickInterval
        while true {
            condition.lock()
            while running && queue.isEmpty && ContinuousClock.now < nextTick {
                _ = condition.wait(until: Date(timeIntervalSinceNow: Self.seconds(nextTick - ContinuousClock.now)))
            }
            let batches = queue
            queue.removeAll(keepingCapacity: true)
            let stillRunning = running
            condition.broadcast()
            condition.unlock()

            var outputs: [Int: [AggregatorOutput]] = [:]
            let arrived = ContinuousClock.now
            for batch in batches {
                for sample in batch {
                    for index in route(sample.tag) {
                        let produced = aggregators[index].ingest(sample)
                        dirty.insert(index)
                        advanceSourceClock(index, to: sample.sourceTime.millisecondsSinceEpoch, arrived: arrived)
                        if !produced.isEmpty { outputs[index, default: []] += produced }
                    }
                }
            }
            if !batches.isEmpty { publishCurrentOrders() }
            if !stillRunning {
                let now = clock()
                for index in aggregators.indices {
                    outputs[index, default: []] += aggregators[index].shutdown(now: sourceNow(index) ?? now)
                    dirty.insert(index)
                }
                commit(outputs)
                return
            }
            if ContinuousClock.now >= nextTick {
                let wallNow = clock()
                for index in aggregators.indices {
                    // Until its feed speaks, a line restored from a checkpoint has only the wall clock.
                    let produced = aggregators[index].tick(now: sourceNow(index) ?? wallNow)
                    if !produced.isEmpty { outputs[index, default: []] += produced }
                }
                nextTick = ContinuousClock.now + tickInterval
            }
            commit(outputs)
        }
    }

    /// Journals the events with the states of the lines that produced them and of every other line
    /// that changed. Retries while the journal refuses (disk full): the in-memory state is ahead of
    /// the journal until then, and the feed waits.
    private func commit(_ outputs: [Int: [AggregatorOutput]]) {
        var events: [Event] = []
        var checkpointed = dirty
        for (index, produced) in outputs.sorted(by: { $0.key < $1.key }) {
            for output in produced {
                switch output {
                case .note(let note): logger.warning("aggregate", note.description)
                case .confirmation, .downtime:
                    if let event = output.event { events.append(event) }
                }
            }
            checkpointed.insert(index)
        }
        guard !events.isEmpty || !checkpointed.isEmpty else { return }
        var checkpoints: [String: [UInt8]] = [:]
        for index in checkpointed {
            checkpoints[Self.checkpointKey(line: aggregators[index].configuration.line)] = aggregators[index].state
                .encoded()
        }
        let records = events.map(JournalRecord.init)
        var attempt = 0
        while true {
            do {
                let outcomes = try journal.append(records, checkpoints: checkpoints)
                var highest: [String: Int64] = [:]
                for (record, outcome) in zip(records, outcomes) {
                    if case .appended(let seq) = outcome {
                        highest[record.stream] = max(highest[record.stream] ?? 0, seq)
                    }
                }
                for (stream, seq) in highest { forwarder?.wake(stream: stream, journaledThrough: seq) }
                break
            } catch {
                attempt += 1
                if attempt == 1 {
                    logger.error("aggregate", "journal refused confirmations; retrying", [("error", "\(error)")])
                }
                condition.lock()
                let stopping = !running
                condition.unlock()
                if stopping && attempt >= 3 {
                    logger.error(
                        "aggregate", "gave up journaling at shutdown; the next start recounts from the last checkpoint")
                    return
                }
                // Backoff while the disk is full, not synchronisation.
                Thread.sleep(forTimeInterval: min(5, 0.1 * Double(attempt)))
            }
        }
        dirty.removeAll(keepingCapacity: true)
    }

    /// A line's "now" on its source's clock: the newest source time it accepted plus the monotonic time
    /// since that sample arrived. Windows close on the clock that stamped their samples, so a jump of
    /// the gateway's wall clock (NTP, a wrong RTC, an operator) cannot close a window early or late,
    /// while a silent feed still lets windows close on time. Nil before the line's first sample.
    private func sourceNow(_ index: Int) -> Timestamp? {
        guard let clock = sourceClocks[index] else { return nil }
        let elapsed = (ContinuousClock.now - clock.arrived).components
        let milliseconds = elapsed.seconds * 1_000 + elapsed.attoseconds / 1_000_000_000_000_000
        return Timestamp(millisecondsSinceEpoch: clock.sourceTime + milliseconds)
    }

    private func advanceSourceClock(_ index: Int, to sourceTime: Int64, arrived: ContinuousClock.Instant) {
        if let clock = sourceClocks[index], clock.sourceTime >= sourceTime { return }
        sourceClocks[index] = SourceClock(sourceTime: sourceTime, arrived: arrived)
    }

    private struct SourceClock {
        var sourceTime: Int64
        var arrived: ContinuousClock.Instant
    }

    private func route(_ tag: String) -> [Int] {
        if let known = routes[tag] { return known }
        let indexes = aggregators.indices.filter { aggregators[$0].reads(tag: tag) }
        if routes.count < 100_000 { routes[tag] = indexes }
        return indexes
    }

    private static func seconds(_ duration: Duration) -> TimeInterval {
        let parts = duration.components
        return max(0, TimeInterval(parts.seconds) + TimeInterval(parts.attoseconds) / 1e18)
    }
}

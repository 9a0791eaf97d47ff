import Foundation
import PlantJournal
import PlantModel
import PlantNet

/// Forwards one stream: its own thread and hub connection, one batch on the wire at a time, the
/// next one read ahead by its `BatchReader`. One lane per stream keeps streams independent: a
/// stream stopped by a conflict, or busy with a large catch-up batch, never holds up another
/// stream's live events (no head-of-line blocking), and each lane's logic stays sequential.
///
/// `@unchecked Sendable`: the status fields and stop flags are only touched under `condition`'s
/// lock; the retry state (`backoff`, limits, `expectedNext`, `loggedCondition`) is confined to
/// the lane thread.
final class StreamLane: @unchecked Sendable {
    let stream: String
    let figures: BacklogFigures
    let context: LaneContext
    let reader: BatchReader
    let body: BatchBody
    let condition = NSCondition()

    // Under `condition`:
    private var stopping = false
    private var abandoned = false
    private var handling = false
    private var finished = false
    var state: StreamForwardingState = .ok
    var lastSentSeq: Int64 = 0
    var acknowledgedSeq: Int64
    var inFlight: ClosedRange<Int64>?
    var drain = DrainRate()
    var deadLettered = 0

    // Lane thread only:
    var backoff: RetryBackoff
    var sizeLimits: BatchReader.Limits
    /// A smaller batch size while a 422 without per-event reasons is narrowed down.
    var probeEvents: Int?
    var expectedNext: Int64
    var loggedCondition: String?
    var consecutiveGaps = 0

    init(stream: String, backlog: PlantJournal.StreamBacklog?, context: LaneContext) {
        self.stream = stream
        self.context = context
        let body = BatchBody(plant: context.plant, stream: stream, epoch: context.epoch)
        self.body = body
        let figures = BacklogFigures(stream: stream, from: backlog)
        self.figures = figures
        let acknowledged = backlog?.acknowledgedSeq ?? 0
        acknowledgedSeq = acknowledged
        expectedNext = acknowledged + 1
        backoff = RetryBackoff(base: context.settings.backoffBase, cap: context.settings.backoffCap)
        sizeLimits = BatchReader.Limits(
            events: max(1, context.settings.maxBatchEvents), bytes: max(1, context.settings.maxBatchBytes))
        let health = context.health
        let log = context.log
        reader = BatchReader(
            stream: stream, journal: context.journal, body: body,
            backlog: { [backlog = context.backlog, clock = context.clock] in backlog(clock()) }, figures: figures,
            from: acknowledged + 1,
            limits: sizeLimits, recheckInterval: context.settings.idleRecheckInterval
        ) { failure in
            if let failure {
                health.recordFailure(stream: stream, "reading the journal failed: \(failure)")
                log(
                    ForwarderLogRecord(level: .error, stream: stream, message: "reading the journal failed: \(failure)")
                )
            } else {
                log(ForwarderLogRecord(level: .info, stream: stream, message: "reading the journal works again"))
            }
        }
    }

    func start() {
        let thread = Thread { [self] in run() }
        thread.name = "forward-\(stream)"
        thread.start()
    }

    /// New events were journaled. Non-blocking.
    func wake() { reader.wake() }

    // MARK: The lane thread

    /// What to do after a verdict.
    enum Step {
        /// The batch is done; take the next.
        case next
        /// Send the same batch again, after `at` if given.
        case retry(at: ContinuousClock.Instant?)
        /// Drop what was read ahead and continue from `seq`, after `at` if given.
        case rewind(to: Int64, at: ContinuousClock.Instant?)
        /// The stream cannot go on (conflict): wait for stop.
        case halt
    }

    private func run() {
        defer { finish() }
        let client: HubClient
        do {
            client = try HubClient(settings: context.settings, tls: context.tls)
        } catch {
            halt(because: "cannot set up the hub connection: \(error)")
            return
        }
        defer { client.close() }
        reader.start()
        defer { reader.stop() }
        var current: PreparedBatch?
        /// Attempts at `current`: the first uses the body encoded on the reader thread; retries
        /// (after a wait) encode again so the backlog they report is current.
        var attempt = 0
        sending: while !isStopping {
            if current == nil {
                guard let next = reader.take() else { break }
                guard next.first == expectedNext else {
                    halt(
                        because: "the journal has no event at seq \(expectedNext) (its next is \(next.first)); "
                            + "it was pruned or lost, so the hub's copy of this stream cannot be completed")
                    break
                }
                if next.isFull, let pacer = context.pacer {
                    guard pause(until: pacer.reserve(next.count)) else { break }
                }
                current = next
                attempt = 0
            }
            guard let batch = current else { break }
            let step: Step
            do throws(BatchEncodingError) {
                let encoded =
                    attempt == 0
                    ? try batch.encoded.get()
                    : try body.encode(
                        batch.events, eventBytes: batch.eventBytes, backlog: context.backlog(context.clock()))
                attempt += 1
                condition.withLock {
                    lastSentSeq = max(lastSentSeq, batch.last)
                    inFlight = batch.seqs
                }
                let outcome = client.post(encoded)
                guard beginHandling() else { break }
                step = handle(HubVerdict.from(outcome), for: batch)
                endHandling()
            } catch {
                step = unencodable(batch, error)
            }
            switch step {
            case .next:
                expectedNext = batch.last + 1
                current = nil
            case .retry(let at):
                if let at, !pause(until: at) { break sending }
            case .rewind(let seq, let at):
                current = nil
                expectedNext = seq
                reader.rewind(to: seq)
                if let at, !pause(until: at) { break sending }
            case .halt:
                waitForStop()
            }
        }
    }

    /// Stops the stream for good (until the forwarder is restarted), loudly.
    func halt(because reason: String) {
        // The state last: whoever sees it finds the log line and the last error already there.
        context.health.recordFailure(stream: stream, reason)
        context.log(ForwarderLogRecord(level: .error, stream: stream, message: "stopped: \(reason)"))
        loggedCondition = "conflict"
        condition.withLock { state = .conflict(reason: reason) }
    }

    var isStopping: Bool { condition.withLock { stopping } }

    /// Waits until `instant`; false when the lane is stopping.
    func pause(until instant: ContinuousClock.Instant) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while !stopping {
            let left = ContinuousClock.now.duration(to: instant)
            if left <= .zero { return true }
            _ = condition.wait(until: Date(timeIntervalSinceNow: left.seconds))
        }
        return false
    }

    private func waitForStop() {
        condition.lock()
        while !stopping { condition.wait() }
        condition.unlock()
    }

    /// After a response: false when the lane was abandoned by `stop` meanwhile (then it must not
    /// touch the journal any more).
    private func beginHandling() -> Bool {
        condition.withLock {
            inFlight = nil
            if abandoned { return false }
            handling = true
            return true
        }
    }

    private func endHandling() {
        condition.withLock {
            handling = false
            condition.broadcast()
        }
    }

    private func finish() {
        condition.withLock {
            inFlight = nil
            if case .conflict = state {} else { state = .stopped }
            finished = true
            condition.broadcast()
        }
    }

    // MARK: Control from other threads

    /// Asks the lane to stop: waits end at once; a batch on the wire is given until `abandon`.
    func requestStop() {
        condition.withLock {
            stopping = true
            condition.broadcast()
        }
        reader.stop()
    }

    /// Waits until the lane thread ended or `deadline` passed; true when it ended.
    func waitUntilFinished(deadline: ContinuousClock.Instant) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while !finished {
            let left = ContinuousClock.now.duration(to: deadline)
            if left <= .zero { return false }
            _ = condition.wait(until: Date(timeIntervalSinceNow: left.seconds))
        }
        return true
    }

    /// Gives up on the batch on the wire: its answer will be ignored (the events are simply sent
    /// again by the next run; the hub deduplicates). Waits for a verdict already being handled.
    func abandon() {
        condition.lock()
        abandoned = true
        while handling { condition.wait() }
        inFlight = nil
        if case .conflict = state {} else { state = .stopped }
        condition.unlock()
    }

    func status(now: Int64) -> StreamForwardingStatus {
        let figures = figures.snapshot
        return condition.withLock {
            StreamForwardingStatus(
                stream: stream, state: state, lastSentSeq: lastSentSeq, acknowledgedSeq: acknowledgedSeq,
                inFlight: inFlight, drainRate: drain.rate(), pending: figures.pending,
                oldestPendingAgeSeconds: figures.oldestAgeSeconds(now: now), deadLettered: deadLettered)
        }
    }
}

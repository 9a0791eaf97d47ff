import Foundation
import PlantJournal
import PlantModel

/// A batch read from the journal and encoded, ready to send.
struct PreparedBatch: Sendable {
    let events: [StoredEvent]
    /// The request body, encoded when the batch was read (with the backlog of that moment).
    let encoded: Result<[UInt8], BatchEncodingError>
    /// Sum of the events' stored bytes.
    let eventBytes: Int
    /// The read stopped at a limit: more events were (most likely) waiting behind this batch.
    let isFull: Bool

    var first: Int64 { events[0].seq }
    var last: Int64 { events[events.count - 1].seq }
    var seqs: ClosedRange<Int64> { first...last }
    var count: Int { events.count }
}

/// Reads and encodes one stream's next batch on its own thread while the sender has the current
/// one on the wire, so the journal read and the encoding are off the sending path. Holds at most one
/// prepared batch (enough to hide the read behind a round trip without reading far ahead of a
/// hub that may ask to rewind).
///
/// `@unchecked Sendable`: all mutable state is only touched under `condition`'s lock, except
/// `failing`, which only the reader thread touches.
final class BatchReader: @unchecked Sendable {
    struct Limits: Sendable, Equatable {
        var events: Int
        var bytes: Int
    }

    let stream: String
    private let journal: Journal
    private let body: BatchBody
    /// The backlog to report, when a batch is encoded.
    private let backlog: @Sendable () -> [String: PlantModel.StreamBacklog]
    private let figures: BacklogFigures
    private let recheckInterval: TimeInterval
    /// Told about read failures (and nil once reads work again), from the reader thread.
    private let onReadFailure: @Sendable (JournalError?) -> Void
    private let condition = NSCondition()
    private var nextSeq: Int64
    private var generation = 0
    private var ready: PreparedBatch?
    /// Set by wake-ups (and the fallback timer): the journal may hold events we have not read.
    private var lookAgain = true
    private var limits: Limits
    private var stopped = false
    private var failing = false

    init(
        stream: String, journal: Journal, body: BatchBody,
        backlog: @escaping @Sendable () -> [String: PlantModel.StreamBacklog], figures: BacklogFigures, from seq: Int64,
        limits: Limits,
        recheckInterval: Duration, onReadFailure: @escaping @Sendable (JournalError?) -> Void
    ) {
        self.stream = stream
        self.journal = journal
        self.body = body
        self.backlog = backlog
        self.figures = figures
        self.nextSeq = seq
        self.limits = limits
        self.recheckInterval = recheckInterval.seconds
        self.onReadFailure = onReadFailure
    }

    func start() {
        let thread = Thread { [self] in run() }
        thread.name = "forward-read-\(stream)"
        thread.start()
    }

    /// New events may be in the journal. Cheap and non-blocking: safe on the append path.
    func wake() {
        condition.lock()
        lookAgain = true
        condition.signal()
        condition.unlock()
    }

    /// The next batch, in order; blocks until there is one. Nil once stopped.
    func take() -> PreparedBatch? {
        condition.lock()
        defer { condition.unlock() }
        while ready == nil, !stopped { condition.wait() }
        guard !stopped, let batch = ready else { return nil }
        ready = nil
        condition.broadcast()
        return batch
    }

    /// Forgets what was read ahead; the next batch starts at `seq`.
    func rewind(to seq: Int64) {
        condition.lock()
        generation += 1
        nextSeq = seq
        ready = nil
        lookAgain = true
        condition.broadcast()
        condition.unlock()
    }

    /// Limits for reads from now on (a batch already read ahead keeps its size).
    func setLimits(_ newLimits: Limits) {
        condition.lock()
        limits = newLimits
        condition.unlock()
    }

    func stop() {
        condition.lock()
        stopped = true
        condition.broadcast()
        condition.unlock()
    }

    private func run() {
        condition.lock()
        while true {
            while !stopped, ready != nil || !lookAgain {
                // The fallback for a missed wake-up: look again now and then anyway.
                if !condition.wait(until: Date(timeIntervalSinceNow: recheckInterval)), ready == nil {
                    lookAgain = true
                }
            }
            if stopped { break }
            let readGeneration = generation
            let from = nextSeq
            let readLimits = limits
            lookAgain = false
            condition.unlock()
            let prepared = read(from: from, limits: readLimits)
            condition.lock()
            if generation != readGeneration {
                lookAgain = true  // rewound meanwhile: read again from the new position
            } else if let prepared {
                ready = prepared
                nextSeq = prepared.last + 1
                if prepared.isFull { lookAgain = true }
                condition.broadcast()
            }
        }
        condition.unlock()
    }

    /// Reads and encodes a batch from `from`; nil when nothing is there or the read failed.
    private func read(from: Int64, limits: Limits) -> PreparedBatch? {
        let events: [StoredEvent]
        do {
            events = try journal.pending(stream: stream, after: from - 1, limit: limits.events, maxBytes: limits.bytes)
        } catch {
            if !failing {
                failing = true
                onReadFailure(error)
            }
            // Retry at the fallback interval, not in a tight loop (e.g. while the journal is closing).
            condition.lock()
            if !stopped { _ = condition.wait(until: Date(timeIntervalSinceNow: recheckInterval)) }
            lookAgain = true
            condition.unlock()
            return nil
        }
        if failing {
            failing = false
            onReadFailure(nil)
        }
        guard let first = events.first, let last = events.last else { return nil }
        var bytes = 0
        var largest = 0
        for event in events {
            bytes += event.body.count
            largest = max(largest, event.body.count)
        }
        figures.read(first: first.seq, last: last.seq, journaledAt: first.journaledAt)
        let isFull = events.count >= limits.events || bytes + largest > limits.bytes
        let encoded = Result { () throws(BatchEncodingError) in
            try body.encode(events, eventBytes: bytes, backlog: backlog())
        }
        return PreparedBatch(events: events, encoded: encoded, eventBytes: bytes, isFull: isFull)
    }
}

extension Duration {
    /// Seconds as a floating-point number (for Foundation waits).
    var seconds: TimeInterval {
        let (whole, attoseconds) = components
        return TimeInterval(whole) + TimeInterval(attoseconds) / 1e18
    }
}

import Foundation
import PlantConfig

/// The ERP outbox: for each configured connector, worker threads that walk every (plant, stream)
/// of the feed with a cursor of their own, posting an event only after its predecessor was
/// accepted. A transient failure backs that stream off; a permanent one parks it (see
/// `OutboxLedger`) until an operator retries or skips. Other streams keep flowing meanwhile.
///
/// Threads, not tasks: connectors block on HTTP (invariant 6). Each worker owns a fixed share of
/// the streams (by a stable hash), so one stream is only ever posted by one thread, in order.
public final class ERPOutbox: Sendable {
    private let workers: [OutboxWorker]

    /// Makes a connector for one worker; called on that worker's thread.
    public typealias ConnectorFactory = @Sendable () throws -> any ERPConnector

    /// Starts every connector's workers on the hub store at `storePath`. `factories` maps a
    /// connector name to how to make it (tests pass their own; `Hub` uses `ERPConnectors.factory`).
    public init(
        storePath: String, connectors: [ERPConnectorSettings], factories: [String: ConnectorFactory],
        clock: @escaping @Sendable () -> Int64, log: @escaping @Sendable (String) -> Void
    ) throws(HubStoreError) {
        let reader = HubStoreReader(path: storePath, maxIdle: 4)
        var workers: [OutboxWorker] = []
        for settings in connectors {
            guard let factory = factories[settings.name] else { continue }
            for index in 0..<settings.workers {
                let worker = OutboxWorker(
                    settings: settings, index: index, storePath: storePath, reader: reader, factory: factory,
                    clock: clock, log: log)
                workers.append(worker)
            }
        }
        self.workers = workers
        for worker in workers {
            do throws(HubStoreError) {
                try worker.start()
            } catch {
                for started in workers { started.stop() }
                throw error
            }
        }
    }

    /// Stops every worker after its posting in flight and waits for them.
    public func stop() {
        for worker in workers { worker.requestStop() }
        for worker in workers { worker.stop() }
    }

    /// Wakes idle workers now (new events were stored, or an operator decided).
    public func wake() {
        for worker in workers { worker.wake() }
    }
}

/// One worker thread of one connector.
///
/// `@unchecked Sendable`: `stopping` and the wake flag are guarded by `condition`; everything else
/// is touched by the worker thread alone.
final class OutboxWorker: @unchecked Sendable {
    let settings: ERPConnectorSettings
    let index: Int
    let storePath: String
    let reader: HubStoreReader
    let factory: ERPOutbox.ConnectorFactory
    let clock: @Sendable () -> Int64
    let log: @Sendable (String) -> Void
    private let condition = NSCondition()
    private var stopping = false
    private var woken = false
    private var finished = false
    private var thread: Thread?

    init(
        settings: ERPConnectorSettings, index: Int, storePath: String, reader: HubStoreReader,
        factory: @escaping ERPOutbox.ConnectorFactory, clock: @escaping @Sendable () -> Int64,
        log: @escaping @Sendable (String) -> Void
    ) {
        self.settings = settings
        self.index = index
        self.storePath = storePath
        self.reader = reader
        self.factory = factory
        self.clock = clock
        self.log = log
    }

    func start() throws(HubStoreError) {
        // Opened here so a broken store fails the hub's start, not silently later.
        // Handed to the worker thread, which alone uses it from here on.
        nonisolated(unsafe) let ledger = try OutboxLedger(path: storePath, synchronousFull: false, now: clock())
        let thread = Thread { [self] in
            run(ledger)
            ledger.close()
            condition.lock()
            finished = true
            condition.broadcast()
            condition.unlock()
        }
        thread.name = "erp-\(settings.name)-\(index)"
        thread.stackSize = 1 << 20
        self.thread = thread
        thread.start()
    }

    func requestStop() {
        condition.lock()
        stopping = true
        condition.broadcast()
        condition.unlock()
    }

    func stop() {
        requestStop()
        condition.lock()
        while thread != nil && !finished { condition.wait() }
        condition.unlock()
    }

    func wake() {
        condition.lock()
        woken = true
        condition.broadcast()
        condition.unlock()
    }

    private var isStopping: Bool {
        condition.lock()
        defer { condition.unlock() }
        return stopping
    }

    /// Sleeps until `deadline`, a wake-up or a stop.
    private func idle(until deadline: ContinuousClock.Instant) {
        condition.lock()
        defer { condition.unlock() }
        while !stopping && !woken {
            let remaining = ContinuousClock.now.duration(to: deadline)
            if remaining <= .zero { break }
            let seconds = Double(remaining.components.seconds) + Double(remaining.components.attoseconds) / 1e18
            _ = condition.wait(until: Date(timeIntervalSinceNow: seconds))
        }
        woken = false
    }

    /// Per stream, what the worker holds in memory between passes.
    struct StreamState {
        var cursor: Int64
        var failures = 0
        var dueAt: ContinuousClock.Instant?
        /// After a batch was refused as a whole: post one event at a time up to this position, to
        /// find (and park) exactly the refused one.
        var singlyThrough: Int64 = 0
    }

    func owns(_ key: FeedStreamKey) -> Bool {
        guard settings.streams.contains(key.stream) else { return false }
        if !settings.plants.isEmpty && !settings.plants.contains(key.plant) { return false }
        return settings.workers == 1 || Int(StableHash.of(key.description) % UInt64(settings.workers)) == index
    }

    private func run(_ ledger: OutboxLedger) {
        var connector: (any ERPConnector)?
        var states: [FeedStreamKey: StreamState] = [:]
        let schedule = RetrySchedule(initial: settings.retryInitial, maximum: settings.retryMax)
        defer { connector?.close() }
        while !isStopping {
            var worked = false
            var nextDue = ContinuousClock.now + settings.pollInterval
            do {
                if connector == nil {
                    do {
                        connector = try factory()
                    } catch {
                        log(
                            HubLog.line(
                                "error", "erp connector cannot start",
                                ["connector": settings.name, "error": "\(error)"]))
                        idle(until: ContinuousClock.now + settings.retryMax)
                        continue
                    }
                }
                let parked = Set(
                    try ledger.parked(connector: settings.name).map {
                        FeedStreamKey(plant: $0.plant, stream: $0.stream)
                    })
                for (key, feedThrough) in try ledger.feedStreams() where owns(key) {
                    if isStopping { break }
                    if parked.contains(key) {
                        states[key] = nil  // re-read the cursor once released (skip moves it)
                        continue
                    }
                    var state = try states[key] ?? StreamState(cursor: ledger.cursor(settings.name, key))
                    defer { states[key] = state }
                    guard state.cursor < feedThrough else { continue }
                    if let due = state.dueAt {
                        if due > ContinuousClock.now {
                            nextDue = min(nextDue, due)
                            continue
                        }
                    }
                    worked = true
                    try post(key, &state, connector: connector!, ledger: ledger, schedule: schedule)
                    if let due = state.dueAt { nextDue = min(nextDue, due) }
                }
            } catch {
                log(
                    HubLog.line("error", "erp outbox store failure", ["connector": settings.name, "error": "\(error)"]))
                states.removeAll()
                idle(until: ContinuousClock.now + .seconds(1))
                continue
            }
            if !worked { idle(until: nextDue) }
        }
    }

    /// Posts the next run of events of one stream and records what became of it.
    private func post(
        _ key: FeedStreamKey, _ state: inout StreamState, connector: any ERPConnector, ledger: OutboxLedger,
        schedule: RetrySchedule
    ) throws {
        var limit = max(1, connector.maxEventsPerPosting)
        if state.cursor < state.singlyThrough { limit = 1 }
        guard let page = try reader.feed(plant: key.plant, stream: key.stream, after: state.cursor, limit: limit),
            !page.events.isEmpty
        else { return }
        let events = page.events.map {
            OutboxEvent(
                plant: key.plant, stream: key.stream, position: $0.position, id: $0.id, type: $0.type,
                canonical: $0.canonical)
        }
        let outcome = connector.deliver(events)
        let accepted = min(max(outcome.accepted, 0), events.count)
        if accepted > 0 {
            state.cursor = events[accepted - 1].position
            try ledger.advance(settings.name, key, to: state.cursor, count: accepted, now: clock())
            state.failures = 0
            state.dueAt = nil
        }
        guard let failure = outcome.failure, accepted < events.count else { return }
        let event = events[accepted]
        switch failure {
        case .transient(let message, let retryAfter):
            state.failures += 1
            let delay = schedule.delay(afterFailures: state.failures, requested: retryAfter)
            state.dueAt = ContinuousClock.now + delay
            try ledger.recordFailure(settings.name, key, message: message, now: clock())
            if state.failures == 1 || state.failures % 10 == 0 {
                log(
                    HubLog.line(
                        "warning", "erp posting failed, will retry",
                        [
                            "connector": settings.name, "plant": key.plant, "stream": key.stream, "event": event.id,
                            "failures": String(state.failures), "error": message,
                        ]))
            }
        case .permanent(let message):
            if events.count - accepted > 1 && accepted == 0 {
                // The ERP refused the batch as a whole: find the event it refuses, one at a time.
                state.singlyThrough = events.last!.position
                return
            }
            try ledger.park(
                ParkedPosting(
                    connector: settings.name, plant: key.plant, stream: key.stream, position: event.position,
                    eventID: event.id, eventType: event.type, message: message, parkedAt: clock()))
            log(
                HubLog.line(
                    "error", "erp refused an event; stream parked until an operator decides",
                    [
                        "connector": settings.name, "plant": key.plant, "stream": key.stream, "event": event.id,
                        "position": String(event.position), "erp_message": message,
                    ]))
        }
    }
}

/// FNV-1a over UTF-8: the same (plant, stream) lands on the same worker in every process.
enum StableHash {
    static func of(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        return hash
    }
}

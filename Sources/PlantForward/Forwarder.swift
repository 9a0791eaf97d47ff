import Foundation
import PlantJournal
import PlantModel
import PlantNet

/// The agent side of wire protocol v1: forwards every stream of the journal to the hub, in
/// order, acknowledging in the journal only after the hub's `200`.
///
/// Threads, not the cooperative pool (invariant 6): one lane per stream (sender thread plus a
/// read-ahead thread, see `StreamLane`) and one bookkeeper thread that writes acknowledgements
/// and refreshes backlog figures. Nothing here blocks capture: `wake` only signals.
///
/// Lifecycle: `init` (validates, no I/O besides loading TLS files) → `start()` → `wake(…)` from
/// the journal-append path → `stop(deadline:)`. A stopped forwarder is not restarted; make a new
/// one (acknowledgements are in the journal, so it continues where this one ended).
///
/// `@unchecked Sendable`: `lanes`, `order` and the lifecycle flags are only touched under `lock`;
/// everything else is immutable or Sendable.
public final class Forwarder: @unchecked Sendable {
    public let settings: ForwarderSettings
    private let journal: Journal
    private let context: LaneContext
    private let lock = NSLock()
    private var lanes: [String: StreamLane] = [:]
    private var started = false
    private var stopped = false

    /// - Parameters:
    ///   - logger: receives one record per state change (hub unreachable, back, token refused…).
    ///   - clock: wall clock in ms since the Unix epoch, for status times and backlog ages.
    ///   - random: uniform numbers in [0, 1) for backoff jitter (inject for tests).
    public init(
        journal: Journal, settings: ForwarderSettings, logger: @escaping ForwarderLogger = { _ in },
        clock: @escaping @Sendable () -> Int64 = systemClockMilliseconds,
        random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) }
    ) throws(ForwarderError) {
        let problems = settings.problems()
        guard problems.isEmpty else { throw .invalidSettings(problems) }
        var tls: TLSClientContext?
        if settings.hubURL.lowercased().hasPrefix("https:") {
            do {
                tls = try TLSClientContext(
                    caFile: settings.caFile, clientCertFile: settings.clientCertFile,
                    clientKeyFile: settings.clientKeyFile)
            } catch {
                throw .tls(error.description)
            }
        }
        do {
            _ = try HubClient(settings: settings, tls: tls)  // validates the URL once, up front
        } catch {
            throw .invalidSettings(["hub URL \"\(settings.hubURL)\": \(error)"])
        }
        self.settings = settings
        self.journal = journal
        let registry = LaneRegistry()
        let health = HubHealth(hubURL: settings.hubURL, clock: clock, log: logger)
        let bookkeeper = JournalBookkeeper(
            journal: journal, refreshInterval: settings.backlogRefreshInterval,
            onRefresh: { [weak registry] rows in registry?.refresh(rows) },
            onFailure: { stream, error in
                health.recordFailure(stream: stream, "journal: \(error)")
                logger(
                    ForwarderLogRecord(level: .error, stream: stream, message: "journal bookkeeping failed: \(error)"))
            })
        context = LaneContext(
            settings: settings, journal: journal, plant: settings.plant, epoch: journal.epoch, tls: tls,
            health: health, bookkeeper: bookkeeper,
            pacer: settings.catchUpEventsPerSecond.map { CatchUpPacer(eventsPerSecond: $0) },
            clock: clock, random: random, log: logger,
            backlog: { [weak registry] now in registry?.backlog(now: now) ?? [:] })
        self.registry = registry
        let wanted = settings.streams.map(Set.init)
        registry.onNewStream = { [weak self] row in
            if wanted?.contains(row.stream) ?? true { self?.addLane(stream: row.stream, backlog: row) }
        }
    }

    private let registry: LaneRegistry

    /// Reads the journal's streams and backlog and starts forwarding. Throws `.journal` when the
    /// journal cannot be read.
    public func start() throws(ForwarderError) {
        let backlog: [PlantJournal.StreamBacklog]
        do {
            backlog = try journal.backlog()
        } catch {
            throw .journal(error)
        }
        lock.lock()
        guard !started else {
            lock.unlock()
            return
        }
        started = true
        lock.unlock()
        let rows = Dictionary(backlog.map { ($0.stream, $0) }, uniquingKeysWith: { first, _ in first })
        // All lanes exist before any sends, so the first batch already reports every stream's backlog.
        let lanes = (settings.streams ?? backlog.map(\.stream)).compactMap { stream in
            let lane = StreamLane(stream: stream, backlog: rows[stream], context: context)
            return registry.add(lane) ? lane : nil
        }
        for lane in lanes { lane.start() }
        context.bookkeeper.start()
    }

    /// New events were journaled (in `stream`, through `journaledThrough`, when known). Call it
    /// from the append path: it never blocks, it only signals. A stream the forwarder does not
    /// know yet is picked up by the bookkeeper thread.
    public func wake(stream: String? = nil, journaledThrough seq: Int64? = nil) {
        guard let stream else {
            for lane in registry.all { lane.wake() }
            return
        }
        if let lane = registry.lane(stream) {
            if let seq { lane.figures.journaled(through: seq) }
            lane.wake()
        } else if settings.streams == nil {
            context.bookkeeper.requestRefresh()
        }
    }

    /// Stops forwarding: waits end at once; batches on the wire get until `deadline` to be
    /// answered, then are abandoned (safe: unacknowledged events are resent by the next run and
    /// the hub deduplicates). Acknowledgements received are written to the journal before this
    /// returns. After it returns the forwarder no longer touches the journal.
    @discardableResult
    public func stop(deadline: ContinuousClock.Instant) -> ForwarderStopReport {
        lock.lock()
        let wasRunning = started && !stopped
        stopped = true
        lock.unlock()
        let lanes = registry.close()
        guard wasRunning else { return ForwarderStopReport(abandonedStreams: []) }
        for lane in lanes { lane.requestStop() }
        var abandoned: [String] = []
        for lane in lanes where !lane.waitUntilFinished(deadline: deadline) {
            lane.abandon()
            abandoned.append(lane.stream)
        }
        context.bookkeeper.stop()
        if !abandoned.isEmpty {
            context.log(
                ForwarderLogRecord(
                    level: .info, stream: nil,
                    message: "stopped; batches in flight abandoned for \(abandoned.joined(separator: ", ")) "
                        + "(they are sent again at the next start)"))
        }
        return ForwarderStopReport(abandonedStreams: abandoned)
    }

    /// A snapshot for the status endpoint and `plantsync status`.
    public func status() -> ForwarderStatus {
        let now = context.clock()
        let health = context.health.snapshot
        return ForwarderStatus(
            hub: health.reachability, lastError: health.lastError,
            streams: registry.all.map { $0.status(now: now) })
    }

    /// Waits until every acknowledgement received so far is written to the journal (tests, and
    /// the agent before it reports a clean state).
    public func flushAcknowledgements() {
        context.bookkeeper.flush()
    }

    private func addLane(stream: String, backlog: PlantJournal.StreamBacklog?) {
        lock.lock()
        let running = started && !stopped
        lock.unlock()
        guard running else { return }
        let lane = StreamLane(stream: stream, backlog: backlog, context: context)
        if registry.add(lane) { lane.start() }
    }
}

/// The lanes of one forwarder, by stream name.
///
/// `@unchecked Sendable`: `lanes` and `closed` are only touched under `lock`; `onNewStream` is
/// set once, before any thread can call `refresh`.
final class LaneRegistry: @unchecked Sendable {
    private let lock = NSLock()
    private var lanes: [StreamLane] = []
    private var closed = false
    var onNewStream: (@Sendable (PlantJournal.StreamBacklog) -> Void)?

    /// Lanes sorted by stream name.
    var all: [StreamLane] { lock.withLock { lanes } }

    func lane(_ stream: String) -> StreamLane? {
        lock.withLock { lanes.first { $0.stream == stream } }
    }

    /// Adds `lane` unless its stream has one or the registry is closed; true when added.
    func add(_ lane: StreamLane) -> Bool {
        lock.withLock {
            guard !closed, !lanes.contains(where: { $0.stream == lane.stream }) else { return false }
            let index = lanes.firstIndex { $0.stream > lane.stream } ?? lanes.endIndex
            lanes.insert(lane, at: index)
            return true
        }
    }

    /// No more lanes are added; returns the current ones.
    func close() -> [StreamLane] {
        lock.withLock {
            closed = true
            return lanes
        }
    }

    func refresh(_ rows: [PlantJournal.StreamBacklog]) {
        for row in rows {
            if let lane = lane(row.stream) {
                lane.figures.refresh(from: row)
            } else {
                onNewStream?(row)
            }
        }
    }

    func backlog(now: Int64) -> [String: PlantModel.StreamBacklog] {
        var backlog: [String: PlantModel.StreamBacklog] = [:]
        for lane in all {
            let figures = lane.figures.snapshot
            backlog[lane.stream] = PlantModel.StreamBacklog(
                pending: figures.pending, oldestAgeSeconds: figures.oldestAgeSeconds(now: now) ?? 0)
        }
        return backlog
    }
}

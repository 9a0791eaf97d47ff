import Foundation
import PlantCapture
import PlantConfig
import PlantForward
import PlantJournal
import PlantModel
import Synchronization

/// The running agent's status work, on one thread ticking once a second:
/// - input rates (signals per second over the last minute),
/// - the `agent/state` record: written when something an operator must see changed (hub
///   reachability, last error, a stream's or input's state), and every 30 s otherwise,
/// - a backlog sample into the journal's history every minute (the status page's chart).
///
/// It also answers the status endpoint (`StatusProvider`). Journal writes here are small
/// checkpoint-only transactions; a failure is logged (rate-limited) and retried at the next tick.
public final class AgentStateKeeper: StatusProvider, Sendable {
    public struct Timing: Sendable {
        public var tick: Duration = .seconds(1)
        public var recordEvery: Int64 = 30_000
        public var sampleEvery: Int64 = 60_000
        public init() {}
    }

    private struct Memory {
        var rates: [String: RateWindow] = [:]
        var lastWritten: [String] = []
        var lastWrittenAt: Int64 = 0
        var lastSampleAt: Int64 = 0
        var statusListen: String?
    }

    private let plant: String
    private let hubURL: String
    private let diskBudget: Int64
    private let diskReserve: Int64
    private let journal: Journal
    private let forwarder: Forwarder?
    private let inputs: [any InputAdapter]
    private let logger: AgentLogger
    private let clock: @Sendable () -> Int64
    private let timing: Timing
    private let startedAt: Int64
    /// The record's copy that a full disk cannot stop (`StateSideFile`).
    private let sideFile: StateSideFile?
    private let memory = Mutex(Memory())
    private let thread = Mutex<PeriodicThread?>(nil)

    public init(
        configuration: AgentConfiguration, journal: Journal, forwarder: Forwarder?, inputs: [any InputAdapter],
        logger: AgentLogger, timing: Timing = Timing(),
        clock: @escaping @Sendable () -> Int64 = { Timestamp.now().millisecondsSinceEpoch }
    ) {
        self.plant = configuration.plant
        self.hubURL = configuration.hub.url.description
        self.diskBudget = Int64(clamping: configuration.diskBudget.bytes)
        self.diskReserve = Int64(clamping: configuration.diskReserve.bytes)
        self.journal = journal
        self.forwarder = forwarder
        self.inputs = inputs
        self.logger = logger
        self.clock = clock
        self.timing = timing
        self.startedAt = clock()
        self.sideFile = StateSideFile(dataDirectory: configuration.dataDirectory)
    }

    /// Starts the once-a-second thread; `statusListen` goes into the record (where `plantsync
    /// dead-letters retry` finds the endpoint).
    public func start(statusListen: String?) {
        memory.withLock { $0.statusListen = statusListen }
        let periodic = PeriodicThread(name: "agent-status", interval: timing.tick) { [self] in tick() }
        thread.withLock { $0 = periodic }
    }

    /// Stops the thread. With `writeFinalRecord`, writes the record once more marked as stopped
    /// (call it after the forwarder stopped and before the journal closes).
    public func stop(writeFinalRecord: Bool) {
        let periodic = thread.withLock { current in
            defer { current = nil }
            return current
        }
        periodic?.stop()
        if writeFinalRecord {
            var record = currentRecord(now: clock())
            record.stopped = true
            record.statusListen = nil
            write(record)
        }
    }

    /// One round of the thread's work; public for tests that drive time themselves.
    public func tick() {
        let now = clock()
        let inputHealth = inputs.map { ($0.name, $0.health) }
        let due = memory.withLock { memory -> (sample: Bool, record: Bool) in
            for (name, health) in inputHealth {
                memory.rates[name, default: RateWindow()].add(count: health.received, at: now)
            }
            return (now - memory.lastSampleAt >= timing.sampleEvery, now - memory.lastWrittenAt >= timing.recordEvery)
        }
        if due.sample {
            do {
                try journal.sampleBacklog(now: now)
                memory.withLock { $0.lastSampleAt = now }
            } catch {
                logger.warning("status", "could not sample the backlog history", [("error", "\(error)")])
            }
        }
        let record = currentRecord(now: now)
        let changed = memory.withLock { $0.lastWritten != record.significant }
        if due.record || changed { write(record) }
    }

    private func write(_ record: AgentStateRecord) {
        sideFile?.write(record.encoded)
        do {
            try journal.append([], checkpoints: [AgentStateRecord.checkpointKey: record.encoded])
            memory.withLock {
                $0.lastWritten = record.significant
                $0.lastWrittenAt = record.writtenAt
            }
        } catch {
            logger.warning("status", "could not write the agent state record", [("error", "\(error)")])
        }
    }

    /// The agent's state now, as the record holds it.
    public func currentRecord(now: Int64) -> AgentStateRecord {
        let status = forwarder?.status()
        var hub = AgentStateRecord.Hub(url: hubURL, reachability: status?.hub.label ?? "unknown")
        if let status {
            switch status.hub {
            case .unknown: break
            case .reachable(let since): hub.since = since
            case .unreachable(let since, let reason), .authenticationFailed(let since, let reason),
                .certificateFailed(let since, let reason):
                hub.since = since
                hub.reason = reason
            }
            if let failure = status.lastError {
                hub.lastError = failure.message
                hub.lastErrorAt = failure.at
                hub.lastErrorStream = failure.stream
            }
        }
        let streams = (status?.streams ?? []).map { stream in
            AgentStateRecord.Stream(
                stream: stream.stream, state: stream.state.label, stateReason: stream.state.reason,
                drainRate: stream.drainRate)
        }
        let (rates, listen) = memory.withLock { memory in
            (memory.rates.mapValues { $0.rate }, memory.statusListen)
        }
        let inputRows = inputs.map { input in
            let health = input.health
            return AgentStateRecord.Input(
                name: input.name, type: input.type, connection: health.connection.rawValue,
                lastData: health.lastData?.millisecondsSinceEpoch, received: health.received,
                journaled: health.journaled, quarantined: health.quarantined, receivedRate: rates[input.name] ?? 0,
                lastError: health.lastError, lastErrorAt: health.lastErrorAt?.millisecondsSinceEpoch)
        }
        return AgentStateRecord(
            plant: plant, pid: getpid(), startedAt: startedAt, writtenAt: now, statusListen: listen, hub: hub,
            streams: streams, inputs: inputRows,
            disk: DiskFigures.measure(
                journalPath: journal.path,
                budget: diskBudget, reserve: diskReserve),
            journalHealth: Self.words(journal.health))
    }

    static func words(_ health: JournalHealth) -> String {
        switch health {
        case .ok: "ok"
        case let .diskFull(since, message):
            "disk full since \(Timestamp(millisecondsSinceEpoch: since)), appends refused: \(message)"
        case let .fsyncFailed(since, message):
            "fsync failed since \(Timestamp(millisecondsSinceEpoch: since)), appends refused: \(message)"
        }
    }

    // MARK: StatusProvider

    public func status() throws -> AgentStatus {
        let now = clock()
        return AgentStatus(
            source: .live, journal: try JournalStatus(journal: journal, now: now), state: currentRecord(now: now),
            running: .agent(pid: getpid()), recentDeadLetters: try journal.deadLetters(limit: AgentStatus.recentLimit),
            recentQuarantine: try journal.quarantined(limit: AgentStatus.recentLimit))
    }

    public func backlogHistory(since: Int64) throws -> [BacklogSample] {
        try journal.backlogHistory(since: since)
    }

    public var journalHealth: String { Self.words(journal.health) }

    public func retryDeadLetter(id: String, requestedBy: String) throws(DeadLetterRetryError) -> DeadLetterRetry {
        let retry = try journal.retryDeadLetter(id: id, requestedBy: requestedBy)
        forwarder?.wake(stream: retry.stream, journaledThrough: retry.newSeq)
        logger.info(
            "dead-letters", "dead letter journaled again",
            [
                ("id", retry.id), ("stream", retry.stream), ("original_seq", String(retry.originalSeq)),
                ("seq", String(retry.newSeq)), ("by", retry.requestedBy),
            ])
        return retry
    }

    public var now: Int64 { clock() }
}

extension StreamForwardingState {
    /// The reason of a non-ok state, for the record.
    var reason: String? {
        switch self {
        case .ok, .stopped: nil
        case .backingOff(_, let reason), .authenticationFailed(let reason, _), .certificateFailed(let reason, _),
            .conflict(let reason):
            reason
        }
    }
}

/// A counter's rate over the last minute, from one reading per tick.
struct RateWindow: Sendable {
    private var readings: [(at: Int64, count: Int64)] = []

    mutating func add(count: Int64, at time: Int64) {
        readings.append((time, count))
        if let first = readings.first, time - first.at > 60_000 {
            readings.removeAll { time - $0.at > 60_000 }
        }
    }

    var rate: Double {
        guard let first = readings.first, let last = readings.last, last.at > first.at else { return 0 }
        return Double(max(0, last.count - first.count)) * 1000 / Double(last.at - first.at)
    }
}

/// The journal's disk use and the file system's free space.
enum DiskFigures {
    static func measure(journalPath: String, budget: Int64, reserve: Int64) -> AgentStateRecord.Disk {
        var used: Int64 = 0
        for suffix in ["", "-wal", "-shm"] {
            var info = stat()
            if stat(journalPath + suffix, &info) == 0 { used += Int64(info.st_size) }
        }
        var fs = statvfs()
        let directory = (journalPath as NSString).deletingLastPathComponent
        let free = statvfs(directory.isEmpty ? "." : directory, &fs) == 0 ? Int64(fs.f_bavail) * Int64(fs.f_frsize) : 0
        return AgentStateRecord.Disk(budgetBytes: budget, reserveBytes: reserve, usedBytes: used, freeBytes: free)
    }
}

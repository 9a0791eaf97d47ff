import Foundation

/// Limits of the commit queue: how much work may wait before the hub asks agents to come back.
public struct CommitQueueLimits: Sendable, Hashable {
    /// Batches waiting or being committed, all plants together; beyond it: 503.
    public var maxPendingBatches: Int
    /// Events waiting or being committed (≈ seconds of commit work); beyond it: 503.
    public var maxPendingEvents: Int
    /// Batches of one plant waiting or being committed; beyond it: 429 (that plant is sending
    /// more at once than it has streams worth sending).
    public var maxPendingPerPlant: Int
    /// Most events one group commit takes (several batches, one transaction, one fsync).
    public var maxGroupEvents: Int
    /// What `Retry-After` says, in seconds.
    public var retryAfterSeconds: Int

    public init(
        maxPendingBatches: Int = 1_024, maxPendingEvents: Int = 200_000, maxPendingPerPlant: Int = 16,
        maxGroupEvents: Int = 20_000, retryAfterSeconds: Int = 1
    ) {
        self.maxPendingBatches = maxPendingBatches
        self.maxPendingEvents = maxPendingEvents
        self.maxPendingPerPlant = maxPendingPerPlant
        self.maxGroupEvents = maxGroupEvents
        self.retryAfterSeconds = retryAfterSeconds
    }
}

/// What became of a submitted batch.
public enum CommitResult: Sendable, Hashable {
    /// The store decided (and, for `.accepted`, the transaction is durable).
    case decided(BatchOutcome)
    /// The store could not write (disk full, I/O error): nothing of the batch was stored.
    case failed(String)
    /// Too much work waiting, all plants together (503).
    case overloaded(retryAfterSeconds: Int)
    /// This plant has too many batches waiting (429).
    case plantBusy(retryAfterSeconds: Int)
    /// The hub is shutting down (503).
    case stopping
}

/// The single writer of the hub store: one dedicated thread owns the `HubStore` and commits
/// queued batches, several at a time (group commit: one transaction, one fsync for all of
/// them, each batch in its own savepoint). Connection threads decode and authenticate first,
/// without any lock, then `submit` and block until their batch is committed.
///
/// `@unchecked Sendable`: the queue and counters are only touched under `condition`; the store
/// lives on the commit thread alone.
public final class BatchCommitter: @unchecked Sendable {
    public let path: String
    public let limits: CommitQueueLimits
    private let clock: @Sendable () -> Int64
    private let condition = NSCondition()
    private var queue: [PendingCommit] = []
    private var pendingBatches = 0
    private var pendingEvents = 0
    private var pendingPerPlant: [String: Int] = [:]
    private var stopping = false
    private var finished = false

    private final class PendingCommit: @unchecked Sendable {
        // `result` is only touched under the committer's `condition`.
        let checked: CheckedBatch
        var result: CommitResult?
        init(_ checked: CheckedBatch) { self.checked = checked }
    }

    /// Opens (creating if needed) the store at `path` on a new commit thread and starts it.
    /// `clock`: ms since the Unix epoch, stamped on stored events and plant contact.
    public init(
        path: String, durability: HubDurability = .full, limits: CommitQueueLimits = CommitQueueLimits(),
        clock: @escaping @Sendable () -> Int64
    ) throws(HubStoreError) {
        self.path = path
        self.limits = limits
        self.clock = clock
        let opened = OpenSignal()
        let thread = Thread { [self] in
            let store: HubStore
            do throws(HubStoreError) {
                store = try HubStore(path: path, durability: durability, now: clock())
            } catch {
                opened.finish(error)
                return
            }
            opened.finish(nil)
            run(store)
        }
        thread.name = "hub-commit"
        thread.stackSize = 1 << 20
        thread.start()
        if let error = opened.wait() {
            throw error
        }
    }

    /// Queues the batch and waits until it is committed (or refused at the door).
    public func submit(_ checked: CheckedBatch) -> CommitResult {
        let plant = checked.batch.plant
        let events = checked.batch.events.count
        let pending = PendingCommit(checked)
        condition.lock()
        defer { condition.unlock() }
        if stopping { return .stopping }
        if pendingPerPlant[plant, default: 0] >= limits.maxPendingPerPlant {
            return .plantBusy(retryAfterSeconds: limits.retryAfterSeconds)
        }
        // A lone batch is always taken, whatever its size, so no batch can be refused forever.
        if pendingBatches > 0
            && (pendingBatches >= limits.maxPendingBatches || pendingEvents + events > limits.maxPendingEvents)
        {
            return .overloaded(retryAfterSeconds: limits.retryAfterSeconds)
        }
        pendingBatches += 1
        pendingEvents += events
        pendingPerPlant[plant, default: 0] += 1
        queue.append(pending)
        condition.broadcast()
        while pending.result == nil { condition.wait() }
        return pending.result!
    }

    /// Batches waiting or being committed.
    public var pendingCount: Int {
        condition.lock()
        defer { condition.unlock() }
        return pendingBatches
    }

    /// Refuses new batches, commits those already queued, checkpoints and closes the store.
    /// Returns when the commit thread has finished.
    public func stop() {
        condition.lock()
        stopping = true
        condition.broadcast()
        while !finished { condition.wait() }
        condition.unlock()
    }

    private func run(_ store: HubStore) {
        while true {
            condition.lock()
            while queue.isEmpty && !stopping { condition.wait() }
            if queue.isEmpty {
                condition.unlock()
                break
            }
            var group: [PendingCommit] = []
            var events = 0
            while let next = queue.first,
                group.isEmpty || events + next.checked.batch.events.count <= limits.maxGroupEvents
            {
                group.append(queue.removeFirst())
                events += next.checked.batch.events.count
            }
            condition.unlock()

            let results = store.commit(group.map(\.checked), now: clock())

            condition.lock()
            for (pending, result) in zip(group, results) {
                switch result {
                case .success(let outcome): pending.result = .decided(outcome)
                case .failure(let error): pending.result = .failed(error.description)
                }
                let plant = pending.checked.batch.plant
                pendingBatches -= 1
                pendingEvents -= pending.checked.batch.events.count
                pendingPerPlant[plant, default: 1] -= 1
                if pendingPerPlant[plant] == 0 { pendingPerPlant[plant] = nil }
            }
            condition.broadcast()
            condition.unlock()
        }
        store.checkpoint()
        condition.lock()
        finished = true
        condition.broadcast()
        condition.unlock()
    }
}

/// The commit thread's "store opened (or failed to)" hand-over.
///
/// `@unchecked Sendable`: `state` is only touched under `condition`.
private final class OpenSignal: @unchecked Sendable {
    private let condition = NSCondition()
    private var done = false
    private var error: HubStoreError?

    func finish(_ error: HubStoreError?) {
        condition.lock()
        self.error = error
        done = true
        condition.broadcast()
        condition.unlock()
    }

    func wait() -> HubStoreError? {
        condition.lock()
        defer { condition.unlock() }
        while !done { condition.wait() }
        return error
    }
}

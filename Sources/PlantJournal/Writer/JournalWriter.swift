import Foundation

/// The dedicated writer thread and the queue feeding it.
///
/// Callers on any thread enqueue work and block until the writer resolves it. The writer commits
/// consecutive appends as one group: it takes what is waiting (up to `maxRecords`), optionally
/// waiting up to `maxDelay` for more, commits once, and answers every caller of the group.
/// Other writes (acknowledge, dead letter…) run one by one, in queue order.
///
/// `@unchecked Sendable`: `jobs`, `waitingRecords`, `closing` and `finished` are only touched
/// under `condition`'s lock; the connection lives in the `WriterSession`, confined to the thread.
final class JournalWriter: @unchecked Sendable {
    private enum Job {
        case append(AppendRequest)
        case task(@Sendable (WriterSession) -> Void)
    }

    let path: String
    let health = Locked<JournalHealth>(.ok)
    /// What opening found missing and accepted (`JournalOptions.acceptLostCommits`).
    private(set) var lostCommits: [CommitHighWater.Loss] = []
    private let policy: JournalOptions.GroupCommit
    private let idleCheckpointAfter: Duration
    private let condition = NSCondition()
    private var jobs: [Job] = []
    private var head = 0
    private var waitingRecords = 0
    private var closing = false
    private var finished = false

    /// Starts the thread and opens the write connection on it; throws what opening threw.
    init(path: String, options: JournalOptions) throws(JournalError) {
        self.path = path
        self.policy = options.groupCommit
        self.idleCheckpointAfter = options.idleCheckpointAfter
        let opened = Completion<[CommitHighWater.Loss]>()
        let thread = Thread { [self] in
            let session: WriterSession
            do {
                session = try WriterSession(path: path, options: options, health: health)
            } catch {
                markFinished()
                opened.resolve(.failure(error))
                return
            }
            opened.resolve(.success(session.lostCommits))
            run(session)
        }
        thread.name = "journal-writer"
        thread.start()
        do {
            lostCommits = try opened.wait()
        } catch let error as JournalError {
            throw error
        } catch {
            throw .cannotOpen(path: path, detail: "\(error)")
        }
    }

    /// Queues an append and blocks until its group commit is durable (or failed).
    func append(_ request: AppendRequest) throws -> [AppendOutcome] {
        try enqueue(.append(request), records: request.records.count)
        return try request.completion.wait()
    }

    /// Runs `body` on the writer thread, between group commits, and returns its result.
    func perform<T: Sendable>(_ body: @escaping @Sendable (WriterSession) throws -> T) throws -> T {
        let completion = Completion<T>()
        try enqueue(.task { session in completion.resolve(Result { try body(session) }) }, records: 0)
        return try completion.wait()
    }

    /// Finishes the queued work, closes the write connection and stops the thread. Idempotent.
    func close() {
        condition.lock()
        closing = true
        condition.broadcast()
        while !finished { condition.wait() }
        condition.unlock()
    }

    private func enqueue(_ job: Job, records: Int) throws(JournalError) {
        condition.lock()
        defer { condition.unlock() }
        guard !closing else { throw .closed(path: path) }
        jobs.append(job)
        waitingRecords += records
        condition.signal()
    }

    private func markFinished() {
        condition.lock()
        finished = true
        closing = true
        condition.broadcast()
        condition.unlock()
    }

    // MARK: The writer thread

    private func run(_ session: WriterSession) {
        while let work = nextWork(session) {
            switch work {
            case let .group(requests): session.commit(requests)
            case let .task(body): body(session)
            }
        }
        session.close()  // before `finished`: whoever waits in close() may reopen the file at once
        markFinished()
    }

    private enum Work {
        case group([AppendRequest])
        case task(@Sendable (WriterSession) -> Void)
    }

    /// Blocks until there is work; nil once closing and drained. Truncates the WAL when idle.
    private func nextWork(_ session: WriterSession) -> Work? {
        condition.lock()
        defer { condition.unlock() }
        if head == jobs.count, !closing { briefSpin() }
        while head == jobs.count {
            if closing { return nil }
            if session.walDirty {
                let deadline = Date(timeIntervalSinceNow: seconds(idleCheckpointAfter))
                if !condition.wait(until: deadline), head == jobs.count, !closing {
                    condition.unlock()
                    session.truncateWAL()
                    condition.lock()
                }
            } else {
                condition.wait()
            }
        }
        if case let .task(body) = jobs[head] {
            take(1)
            return .task(body)
        }
        if policy.maxDelay > .zero, case let .append(first) = jobs[head] {
            let deadline = first.arrivedAt + policy.maxDelay
            while waitingRecords < policy.maxRecords, !closing, ContinuousClock.now < deadline {
                _ = condition.wait(until: Date(timeIntervalSinceNow: seconds(deadline - ContinuousClock.now)))
            }
        }
        var group: [AppendRequest] = []
        var records = 0
        var index = head
        while index < jobs.count, case let .append(request) = jobs[index],
            group.isEmpty || records + request.records.count <= policy.maxRecords
        {
            group.append(request)
            records += request.records.count
            index += 1
        }
        waitingRecords -= records
        take(group.count)
        return .group(group)
    }

    /// A caller that just got its answer usually appends again within microseconds; yielding the
    /// CPU a few times before sleeping lets the writer pick that call up without a futex wake-up
    /// on each side. Called and returns with the lock held.
    private func briefSpin() {
        let until = ContinuousClock.now + .microseconds(50)
        while head == jobs.count, !closing, ContinuousClock.now < until {
            condition.unlock()
            sched_yield()
            condition.lock()
        }
    }

    private func take(_ count: Int) {
        head += count
        if head == jobs.count {
            jobs.removeAll(keepingCapacity: true)
            head = 0
        } else if head > 1_024 {
            jobs.removeFirst(head)
            head = 0
        }
    }

    private func seconds(_ duration: Duration) -> TimeInterval {
        let (whole, attoseconds) = duration.components
        return TimeInterval(whole) + TimeInterval(attoseconds) / 1e18
    }
}

import Foundation
import PlantJournal

/// Writes acknowledgements to the journal off the sending path, and refreshes the backlog
/// figures now and then, on one thread of its own.
///
/// Acknowledgements coalesce: while a commit is running, later acks of the same stream replace
/// earlier ones, so a fast stream costs one journal commit per round, not one per batch. An ack
/// lost in a crash is harmless: the events are sent again and the hub deduplicates them.
///
/// `@unchecked Sendable`: all mutable state is only touched under `condition`'s lock.
final class JournalBookkeeper: @unchecked Sendable {
    private let journal: Journal
    private let refreshInterval: TimeInterval
    /// Called on the bookkeeper thread with fresh figures (and to find new streams).
    private let onRefresh: @Sendable ([StreamBacklog]) -> Void
    private let onFailure: @Sendable (String?, JournalError) -> Void
    private let condition = NSCondition()
    private var acks: [String: Int64] = [:]
    private var refreshRequested = false
    private var stopping = false
    private var finished = false
    private var writing = 0

    init(
        journal: Journal, refreshInterval: Duration, onRefresh: @escaping @Sendable ([StreamBacklog]) -> Void,
        onFailure: @escaping @Sendable (String?, JournalError) -> Void
    ) {
        self.journal = journal
        self.refreshInterval = refreshInterval.seconds
        self.onRefresh = onRefresh
        self.onFailure = onFailure
    }

    func start() {
        let thread = Thread { [self] in run() }
        thread.name = "forward-bookkeeper"
        thread.start()
    }

    /// Records that the hub acknowledged `stream` through `seq`; written to the journal soon.
    func acknowledge(stream: String, through seq: Int64) {
        condition.lock()
        if seq > acks[stream, default: 0] { acks[stream] = seq }
        condition.signal()
        condition.unlock()
    }

    /// Asks for a refresh (e.g. a wake-up named a stream we do not forward yet). Non-blocking.
    func requestRefresh() {
        condition.lock()
        refreshRequested = true
        condition.signal()
        condition.unlock()
    }

    /// Blocks until every acknowledgement recorded so far is written (or failed).
    func flush() {
        condition.lock()
        while !acks.isEmpty || writing > 0, !finished { condition.wait() }
        condition.unlock()
    }

    /// Writes what is left and ends the thread.
    func stop() {
        condition.lock()
        stopping = true
        condition.broadcast()
        while !finished { condition.wait() }
        condition.unlock()
    }

    private func run() {
        var nextRefresh = Date()
        condition.lock()
        while true {
            while acks.isEmpty, !refreshRequested, !stopping, Date() < nextRefresh {
                _ = condition.wait(until: nextRefresh)
            }
            let batch = acks
            acks.removeAll(keepingCapacity: true)
            let refresh = !stopping && (refreshRequested || Date() >= nextRefresh)
            refreshRequested = false
            writing += 1
            condition.unlock()
            for (stream, seq) in batch.sorted(by: { $0.key < $1.key }) {
                do {
                    try journal.acknowledge(stream: stream, through: seq)
                } catch {
                    onFailure(stream, error)
                }
            }
            if refresh {
                nextRefresh = Date(timeIntervalSinceNow: refreshInterval)
                do {
                    onRefresh(try journal.backlog())
                } catch {
                    onFailure(nil, error)
                }
            }
            condition.lock()
            writing -= 1
            condition.broadcast()
            if stopping, acks.isEmpty { break }
        }
        finished = true
        condition.broadcast()
        condition.unlock()
    }
}

import Foundation
import PlantJournal

/// One stream's backlog as the forwarder knows it, kept in memory so every batch can report it
/// without a query: the reader tells it what it read, the sender what the hub acknowledged, and
/// a refresh from `Journal.backlog()` every few seconds corrects what appends moved meanwhile.
///
/// `@unchecked Sendable`: every field is only touched under `lock`.
final class BacklogFigures: @unchecked Sendable {
    struct Snapshot: Sendable, Equatable {
        var lastSeq: Int64
        var acknowledgedSeq: Int64
        var pending: Int64 { max(0, lastSeq - acknowledgedSeq) }
        /// Journal time of the oldest unacknowledged event, when pending.
        var oldestPendingJournaledAt: Int64?

        func oldestAgeSeconds(now: Int64) -> Int64? {
            guard pending > 0, let at = oldestPendingJournaledAt else { return nil }
            return max(0, now - at) / 1_000
        }
    }

    let stream: String
    private let lock = NSLock()
    private var figures: Snapshot
    /// First seq and journal time of batches read but not yet acknowledged, by seq.
    private var batchStarts: [(seq: Int64, journaledAt: Int64)] = []

    init(stream: String, from backlog: StreamBacklog?) {
        self.stream = stream
        figures = Snapshot(
            lastSeq: backlog?.lastSeq ?? 0, acknowledgedSeq: backlog?.acknowledgedSeq ?? 0,
            oldestPendingJournaledAt: backlog?.oldestPendingJournaledAt)
    }

    var snapshot: Snapshot { lock.withLock { figures } }

    /// The reader read `first...last`; `first` was journaled at `journaledAt`.
    func read(first: Int64, last: Int64, journaledAt: Int64) {
        lock.withLock {
            figures.lastSeq = max(figures.lastSeq, last)
            if first == figures.acknowledgedSeq + 1 { figures.oldestPendingJournaledAt = journaledAt }
            if first > figures.acknowledgedSeq, !batchStarts.contains(where: { $0.seq == first }) {
                let index = batchStarts.firstIndex { $0.seq > first } ?? batchStarts.endIndex
                batchStarts.insert((first, journaledAt), at: index)
            }
        }
    }

    /// Appends reached `lastSeq` (a hint from the append path).
    func journaled(through lastSeq: Int64) {
        lock.withLock { figures.lastSeq = max(figures.lastSeq, lastSeq) }
    }

    /// The hub acknowledged through `seq`.
    func acknowledged(through seq: Int64) {
        lock.withLock {
            guard seq > figures.acknowledgedSeq else { return }
            figures.acknowledgedSeq = seq
            figures.lastSeq = max(figures.lastSeq, seq)
            batchStarts.removeAll { $0.seq <= seq }
            if figures.pending == 0 {
                figures.oldestPendingJournaledAt = nil
            } else if let next = batchStarts.first {
                // The next batch starts at seq + 1, or a little later after a rewind: close enough.
                figures.oldestPendingJournaledAt = next.journaledAt
            }
            // Otherwise keep the older time until the next refresh: an overestimate, never an under one.
        }
    }

    /// Figures read from the journal. Acknowledgements are written to the journal asynchronously,
    /// so the journal's acknowledged seq may lag ours; ours wins then.
    func refresh(from backlog: StreamBacklog) {
        lock.withLock {
            figures.lastSeq = max(figures.lastSeq, backlog.lastSeq)
            if backlog.acknowledgedSeq >= figures.acknowledgedSeq {
                figures.acknowledgedSeq = backlog.acknowledgedSeq
                figures.oldestPendingJournaledAt = backlog.oldestPendingJournaledAt
            }
        }
    }
}

#if canImport(Glibc)
    import Glibc
#else
    import Darwin
#endif

/// Settings of a journal. Defaults suit an edge gateway.
///
/// ## WAL growth
/// The WAL grows with every commit and only restarts from its beginning after a checkpoint that no
/// reader is in the way of. Three mechanisms keep it bounded:
/// - SQLite's automatic *passive* checkpoint runs after a commit once the WAL holds
///   `walAutoCheckpointPages` pages; passive means it copies what readers allow and never waits.
/// - When the writer has been idle for `idleCheckpointAfter`, it runs `wal_checkpoint(TRUNCATE)`
///   without waiting (busy timeout 0): if a reader is in the way it simply tries at the next idle.
/// - `journal_size_limit` (`journalSizeLimit`) trims a WAL left larger than that after a reset.
/// Readers in this module hold a read snapshot only for the duration of one query, so they never
/// pin the WAL for long.
///
/// ## Disk budget and priorities
/// Before each group commit the writer measures the journal (live database pages plus the WAL file)
/// and the free space of its file system (`statvfs`, space available to unprivileged users).
/// An append call is judged by the highest priority among its records' streams
/// (`streamPriorities`, default `.normal`):
/// - `.normal` is refused when the journal would exceed `diskBudget`, or free space would fall
///   under `reserve`.
/// - `.low` is refused earlier: once the journal would exceed `lowPriorityShare` of `diskBudget`,
///   or free space would fall under twice the `reserve`.
/// Refusals throw `JournalError.diskBudgetExceeded`; nothing is dropped silently.
public struct JournalOptions: Sendable {
    public enum Durability: Sendable, Hashable {
        /// `synchronous=FULL`: a returned append survives a power cut. The default.
        case full
        /// `synchronous=NORMAL`: survives a process crash; a power cut may lose the last commits.
        case normal
    }

    /// When the writer closes a group.
    public struct GroupCommit: Sendable, Hashable {
        /// Commit as soon as this many records wait (a group may exceed it by the last call's size).
        public var maxRecords: Int
        /// Wait at most this long after the oldest waiting call before committing. With `.zero`,
        /// the writer commits as soon as it is free, and calls arriving during a commit form the
        /// next group; that already groups concurrent callers and adds no latency to a lone one.
        public var maxDelay: Duration

        public init(maxRecords: Int = 2_000, maxDelay: Duration = .zero) {
            self.maxRecords = maxRecords
            self.maxDelay = maxDelay
        }
    }

    public var durability: Durability = .full
    public var groupCommit = GroupCommit()
    /// How long a connection waits for another's lock.
    public var busyTimeout: Duration = .seconds(5)
    /// Largest size of the journal (database pages in use plus WAL) in bytes; nil for no budget.
    public var diskBudget: Int64? = nil
    /// Free bytes to leave on the file system for the WAL and checkpoints.
    public var reserve: Int64 = 64 << 20
    /// How often the writer measures disk usage; in between it adds each group's estimated size.
    public var diskMeasureInterval: Duration = .milliseconds(250)
    /// Share of `diskBudget` beyond which `.low` streams are refused.
    public var lowPriorityShare: Double = 0.8
    /// Priority per stream name; unlisted streams are `.normal`.
    public var streamPriorities: [String: StreamPriority] = [:]
    /// `PRAGMA journal_size_limit`: the WAL is truncated to this size when it restarts.
    public var journalSizeLimit: Int64 = 64 << 20
    /// `PRAGMA wal_autocheckpoint`: passive checkpoint once the WAL holds this many pages.
    public var walAutoCheckpointPages: Int = 1_000
    /// Idle time after which the writer truncates the WAL.
    public var idleCheckpointAfter: Duration = .seconds(1)
    /// After a disk-full or fsync failure, how long appends are refused before the next attempt.
    public var failureRetryInterval: Duration = .seconds(5)
    /// Read connections kept open for `pending`, `checkpoint`, `backlog`…
    public var readConnections: Int = 4
    /// Quarantine excerpts are cut to this many bytes.
    public var maxQuarantineExcerpt: Int = 4_096
    /// Run `PRAGMA quick_check` when the writer opens the journal, and refuse a damaged database
    /// instead of finding the damage later, in the middle of a commit (about 1 s per GB read).
    public var verifyAtOpen = true
    /// When the high-water mark (`CommitHighWater`) shows committed events that the journal no
    /// longer holds: false refuses to open (`JournalError.lostCommits`); true opens anyway, records
    /// the loss in `Journal.lostCommits` for the caller to report, and starts a new mark.
    public var acceptLostCommits = false
    /// Wall clock in ms since the Unix epoch; injectable for tests.
    public var clock: @Sendable () -> Int64 = systemClockMilliseconds

    public init() {}
}

/// Milliseconds since the Unix epoch from the system's real-time clock.
public func systemClockMilliseconds() -> Int64 {
    var now = timespec()
    clock_gettime(CLOCK_REALTIME, &now)
    return Int64(now.tv_sec) * 1_000 + Int64(now.tv_nsec) / 1_000_000
}

extension Duration {
    /// Whole milliseconds, rounded down.
    var wholeMilliseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000 + attoseconds / 1_000_000_000_000_000
    }
}

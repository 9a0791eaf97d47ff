#if canImport(Glibc)
    import Glibc
#else
    import Darwin
#endif

/// What the journal uses on disk and what the file system has left, measured before a group.
struct DiskUsage {
    /// Database pages in use (free pages excluded: SQLite reuses them) plus the WAL file.
    var journalBytes: Int64
    /// Bytes available to unprivileged users on the journal's file system.
    var freeBytes: Int64

    /// Measures through the write connection (page counts) and the file system.
    static func measure(_ db: Connection, path: String) throws -> DiskUsage {
        let pageSize = try db.pragmaInteger("page_size")
        let pages = try db.pragmaInteger("page_count") - db.pragmaInteger("freelist_count")
        var walStat = stat()
        let walBytes = stat(path + "-wal", &walStat) == 0 ? Int64(walStat.st_size) : 0
        var fs = statvfs()
        let directory = path.contains("/") ? String(path[..<path.lastIndex(of: "/")!]) : "."
        let free =
            statvfs(directory.isEmpty ? "/" : directory, &fs) == 0
            ? Int64(fs.f_bavail) * Int64(fs.f_frsize) : Int64.max
        return DiskUsage(journalBytes: pageSize * pages + walBytes, freeBytes: free)
    }
}

/// Measures disk usage at most every `interval` and, in between, adds what accepted groups
/// were estimated to add: measuring costs several SQLite and file-system calls, too many for
/// every small group commit.
struct DiskUsageTracker {
    private var measured: DiskUsage?
    private var measuredAt = ContinuousClock.Instant.now
    let interval: Duration

    init(interval: Duration) { self.interval = interval }

    mutating func current(_ db: Connection, path: String) throws -> DiskUsage {
        if let measured, ContinuousClock.now - measuredAt < interval { return measured }
        let usage = try DiskUsage.measure(db, path: path)
        measured = usage
        measuredAt = .now
        return usage
    }

    /// Counts bytes a committed group added (estimated) until the next measurement.
    mutating func add(_ bytes: Int64) {
        measured?.journalBytes += bytes
        measured?.freeBytes -= bytes
    }

    /// Forces a fresh measurement next time (after a failure, or when space may have been freed).
    mutating func invalidate() { measured = nil }
}

/// The refusal rule of `JournalOptions` (see its "Disk budget and priorities").
struct DiskBudget {
    let path: String
    let budget: Int64?
    let reserve: Int64
    let lowPriorityShare: Double

    init(path: String, options: JournalOptions) {
        self.path = path
        self.budget = options.diskBudget
        self.reserve = options.reserve
        self.lowPriorityShare = options.lowPriorityShare
    }

    /// Whether anything needs measuring at all.
    var isActive: Bool { budget != nil || reserve > 0 }

    /// The refusal for a call adding `bytes` at `priority`, or nil when it may go ahead.
    func refusal(adding bytes: Int64, priority: StreamPriority, stream: String, usage: DiskUsage) -> DiskRefusal? {
        let low = priority == .low
        if let budget {
            let limit = low ? Int64(Double(budget) * lowPriorityShare) : budget
            if usage.journalBytes + bytes > limit {
                return DiskRefusal(
                    path: path, stream: stream, priority: priority,
                    limit: .budget(wouldUseBytes: usage.journalBytes + bytes, limitBytes: limit))
            }
        }
        let needed = low ? reserve * 2 : reserve
        if usage.freeBytes != Int64.max, usage.freeBytes - bytes < needed {
            return DiskRefusal(
                path: path, stream: stream, priority: priority,
                limit: .reserve(wouldLeaveBytes: usage.freeBytes - bytes, reserveBytes: needed))
        }
        return nil
    }
}

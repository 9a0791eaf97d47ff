/// Why the journal refused or failed. Messages name the journal file and say what to do.
public enum JournalError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The file is not an SQLite database at all.
    case notADatabase(path: String)
    /// SQLite found the file damaged.
    case corrupt(path: String, detail: String)
    /// An SQLite database of another application (its `application_id` is not ours).
    case foreignDatabase(path: String, applicationID: Int32)
    /// The database was written by a newer PlantSync.
    case schemaTooNew(path: String, found: Int, supported: Int)
    /// The file could not be opened (permissions, missing directory…).
    case cannotOpen(path: String, detail: String)
    /// A read-only open found no journal at `path`.
    case notFound(path: String)
    /// The journal was closed.
    case closed(path: String)
    /// Appends refused: the disk budget or the free-space reserve would be crossed.
    case diskBudgetExceeded(DiskRefusal)
    /// Appends refused: the file system is full (SQLITE_FULL); retried after `retryInterval`.
    case diskFull(path: String, detail: String)
    /// Appends refused: an fsync failed (SQLITE_IOERR_FSYNC); retried on a fresh connection.
    case fsyncFailed(path: String, detail: String)
    /// A record cannot be journaled as given.
    case invalidRecord(index: Int, reason: String)
    /// An acknowledgement beyond what the stream holds.
    case acknowledgedBeyondEnd(stream: String, through: Int64, lastSeq: Int64)
    /// No such stream in the journal.
    case unknownStream(String)
    /// No event at that seq (never journaled, or pruned).
    case noSuchEvent(stream: String, seq: Int64)
    /// The event at that seq was already dead-lettered.
    case alreadyDeadLettered(stream: String, seq: Int64)
    /// Any other SQLite failure.
    case sqlite(path: String, SQLiteError)
    /// The high-water mark shows committed events the journal no longer holds (a damaged WAL).
    case lostCommits(path: String, losses: [String])

    public var description: String {
        switch self {
        case let .notADatabase(path):
            "journal \(path): not an SQLite database; move the file aside or restore the journal from a backup"
        case let .corrupt(path, detail):
            "journal \(path): database is corrupt (\(detail)); move the file aside or restore it from a backup "
                + "(a new journal starts a new epoch)"
        case let .foreignDatabase(path, applicationID):
            "journal \(path): not a PlantSync journal (application_id \(hex(applicationID)), expected "
                + "\(hex(JournalSchema.applicationID))); refusing to touch another application's database"
        case let .schemaTooNew(path, found, supported):
            "journal \(path): schema version \(found) is newer than this PlantSync supports (\(supported)); "
                + "upgrade PlantSync"
        case let .cannotOpen(path, detail):
            "journal \(path): cannot open: \(detail)"
        case let .notFound(path):
            "journal \(path): no such file"
        case let .closed(path):
            "journal \(path): closed"
        case let .diskBudgetExceeded(refusal):
            refusal.description
        case let .diskFull(path, detail):
            "journal \(path): disk full, appends refused until space is freed (\(detail))"
        case let .fsyncFailed(path, detail):
            "journal \(path): fsync failed, appends refused until a retry succeeds (\(detail))"
        case let .invalidRecord(index, reason):
            "record \(index): \(reason)"
        case let .acknowledgedBeyondEnd(stream, through, lastSeq):
            "stream \"\(stream)\": acknowledgement through seq \(through) but the journal holds only up to \(lastSeq)"
        case let .unknownStream(stream):
            "no stream \"\(stream)\" in the journal"
        case let .noSuchEvent(stream, seq):
            "stream \"\(stream)\": no event at seq \(seq)"
        case let .alreadyDeadLettered(stream, seq):
            "stream \"\(stream)\": the event at seq \(seq) is already dead-lettered"
        case let .sqlite(path, error):
            "journal \(path): \(error)"
        case let .lostCommits(path, losses):
            "journal \(path): committed events are missing (\(losses.joined(separator: ", "))): its WAL or database "
                + "was damaged while the agent was down; they may not have reached the hub. Restore the journal "
                + "from a backup, or start with --accept-journal-loss to go on with what it holds"
        }
    }
}

/// Why an append was refused for disk space, with the figures that decided it.
public struct DiskRefusal: Sendable, Hashable, CustomStringConvertible {
    public enum Limit: Sendable, Hashable {
        /// The journal would use `wouldUseBytes`, over `limitBytes` (the budget, or its low-priority share).
        case budget(wouldUseBytes: Int64, limitBytes: Int64)
        /// Free space would be `wouldLeaveBytes`, under `reserveBytes` (doubled for low priority).
        case reserve(wouldLeaveBytes: Int64, reserveBytes: Int64)
    }

    public let path: String
    /// The stream that decided the call's priority.
    public let stream: String
    public let priority: StreamPriority
    public let limit: Limit

    public var description: String {
        let what =
            switch limit {
            case let .budget(use, limitBytes):
                "the journal would use \(use) bytes, over its limit of \(limitBytes) bytes"
            case let .reserve(leave, reserveBytes):
                "free space would drop to \(leave) bytes, under the reserve of \(reserveBytes) bytes"
            }
        return "journal \(path): append to stream \"\(stream)\" (\(priority) priority) refused: \(what)"
    }
}

private func hex(_ value: Int32) -> String {
    let digits = String(UInt32(bitPattern: value), radix: 16, uppercase: true)
    return "0x" + String(repeating: "0", count: max(0, 8 - digits.count)) + digits
}

import PlantModel

/// Counters and last events of one drop folder, for the status page.
public struct FileDropStatistics: Sendable, Equatable {
    /// Files journaled and archived (including those archived because their digest was already done).
    public var filesArchived: Int64 = 0
    /// Files refused as a whole (moved to quarantine with no events).
    public var filesQuarantined: Int64 = 0
    /// Rows read, events journaled, events the journal already had, rows rejected.
    public var rows: Int64 = 0
    public var journaled: Int64 = 0
    public var duplicates: Int64 = 0
    public var rejected: Int64 = 0
    /// The last file taken, and when it was done.
    public var lastFile: String?
    public var lastFileAt: Timestamp?
    /// The folder could be listed on the last pass.
    public var folderAvailable = false
    public var lastError: String?
    public var lastErrorAt: Timestamp?

    public init() {}
}

/// The work of one drop folder, one pass at a time: list it, pick the complete files, ingest each.
/// Not thread-safe: the input's thread owns it (tests drive it directly, with their own clock).
public final class DropFolder {
    public let input: String
    public let configuration: FileDrop.Configuration
    private let sink: any CaptureSink
    private var pickup: DropPickup
    /// The last error logged per file, so a file that keeps failing logs once per change, not per pass.
    private var failures: [String: String] = [:]
    private var folderError: String?
    public private(set) var statistics = FileDropStatistics()
    private let wallClock: @Sendable () -> Timestamp

    public init(
        input: String, configuration: FileDrop.Configuration, sink: any CaptureSink,
        wallClock: @escaping @Sendable () -> Timestamp = { Timestamp.now() }
    ) {
        self.input = input
        self.configuration = configuration
        self.sink = sink
        self.wallClock = wallClock
        pickup = DropPickup(
            pattern: configuration.pattern, settleTime: configuration.settleTime,
            requireDoneMarker: configuration.requireDoneMarker)
    }

    /// Lists the folder and ingests every complete file, in name order. `movedIn`: names inotify saw
    /// renamed in; `now`: monotonic milliseconds (settle time). `shouldStop` is asked between chunks.
    /// Files that fail (journal refusing, file errors) stay and are tried again on the next pass.
    @discardableResult
    public func process(movedIn: Set<String> = [], now: Int64, shouldStop: @escaping () -> Bool = { false })
        -> [DroppedFileReport]
    {
        let listing: [DropFileInfo]
        do {
            listing = try DropFileSystem.list(configuration.directory)
        } catch {
            statistics.folderAvailable = false
            if folderError != error.description {
                folderError = error.description
                recordError(error.description, level: .error)
            }
            return []
        }
        if let folderError {
            sink.log(.info, "folder \(configuration.directory) is available again (was: \(folderError))", input: input)
            self.folderError = nil
        }
        statistics.folderAvailable = true
        var reports: [DroppedFileReport] = []
        let ingestion = FileIngestion(input: input, configuration: configuration, sink: sink, shouldStop: shouldStop)
        for name in pickup.ready(listing: listing, movedIn: movedIn, now: now) {
            if shouldStop() { break }
            do {
                let report = try ingestion.ingest(name)
                pickup.forget(name)
                failures[name] = nil
                count(report)
                reports.append(report)
            } catch is FileIngestion.Stopped {
                break
            } catch {
                // Later files wait behind this one: they go to the same stream, and a file must not
                // overtake one dropped before it (a correction ahead of what it corrects).
                let message = "\(name): \(error); the file stays and is tried again, later files wait behind it"
                if failures[name] != message {
                    failures[name] = message
                    recordError(message, level: .error)
                }
                break
            }
        }
        return reports
    }

    private func count(_ report: DroppedFileReport) {
        statistics.rows += Int64(report.alreadyIngested ? 0 : report.rows)
        statistics.journaled += Int64(report.journaled)
        statistics.duplicates += Int64(report.duplicates)
        statistics.lastFile = report.name
        statistics.lastFileAt = wallClock()
        switch report.disposition {
        case .archived:
            statistics.filesArchived += 1
            if !report.alreadyIngested { statistics.rejected += Int64(report.rejected) }
            sink.log(report.rejected > 0 && !report.alreadyIngested ? .warning : .info, summary(report), input: input)
        case .quarantined(let reason):
            statistics.filesQuarantined += 1
            statistics.rejected += Int64(report.rejected)
            recordError(reason, level: .warning)
        }
    }

    private func summary(_ report: DroppedFileReport) -> String {
        if report.alreadyIngested {
            return "\(report.name): already ingested (digest \(report.digest.prefix(12))…); archived as "
                + "\(report.movedTo) without new events"
        }
        var text = "\(report.name): \(report.rows) rows, \(report.journaled) journaled"
        if report.duplicates > 0 { text += ", \(report.duplicates) already journaled" }
        if report.rejected > 0 { text += ", \(report.rejected) rejected (\(report.rejectsFile ?? "?"))" }
        return text + "; archived as \(report.movedTo)"
    }

    private func recordError(_ message: String, level: LogLevel) {
        statistics.lastError = message
        statistics.lastErrorAt = wallClock()
        sink.log(level, message, input: input)
    }
}

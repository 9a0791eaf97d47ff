import Dispatch
import Foundation
import PlantModel
import Synchronization

/// The `file_drop` input: watches a folder for CSV or JSON Lines files, journals their rows as events
/// exactly once, then moves each file to the archive (or, refused as a whole, to quarantine).
///
/// One dedicated thread does everything (watching, reading, journaling), so a slow disk never touches
/// Swift's cooperative pool. See `FileIngestion` for the exactly-once design and `DropPickup` for when
/// a file counts as complete.
public final class FileDrop: InputAdapter {
    public static let typeName = "file_drop"

    /// The registry entry: `type: file_drop`.
    public static let inputType = InputType(
        name: typeName, decode: { Configuration($0) },
        make: { name, configuration in FileDrop(name: name, configuration: configuration) })

    public let name: String
    public var type: String { Self.typeName }
    public let configuration: Configuration
    private let monotonicMilliseconds: @Sendable () -> Int64

    private struct Shared {
        var statistics = FileDropStatistics()
        var connection = InputHealth.Connection.stopped
        var stopRequested = false
        var watcher: DirectoryWatcher?
        var finished: DispatchSemaphore?
    }

    private let shared = Mutex(Shared())

    /// - Parameter monotonicMilliseconds: the clock for settle times (tests inject their own).
    public init(
        name: String, configuration: Configuration,
        monotonicMilliseconds: @escaping @Sendable () -> Int64 = FileDrop.monotonicMilliseconds
    ) {
        self.name = name
        self.configuration = configuration
        self.monotonicMilliseconds = monotonicMilliseconds
    }

    public static func monotonicMilliseconds() -> Int64 {
        Int64(DispatchTime.now().uptimeNanoseconds / 1_000_000)
    }

    public func start(sink: any CaptureSink) {
        let watcher = DirectoryWatcher(directory: configuration.directory)
        let finished = DispatchSemaphore(value: 0)
        let alreadyRunning = shared.withLock { shared -> Bool in
            guard shared.finished == nil else { return true }
            shared.stopRequested = false
            shared.watcher = watcher
            shared.finished = finished
            shared.connection = .connecting
            return false
        }
        guard !alreadyRunning else { return }
        let thread = Thread { [self] in
            run(sink: sink, watcher: watcher)
            finished.signal()
        }
        thread.name = "file-drop-\(name)"
        thread.start()
    }

    public func stop() {
        let (watcher, finished) = shared.withLock { shared in
            shared.stopRequested = true
            return (shared.watcher, shared.finished)
        }
        watcher?.wake()
        finished?.wait()
        shared.withLock { shared in
            shared.watcher = nil
            shared.finished = nil
            shared.connection = .stopped
        }
    }

    public var health: InputHealth {
        shared.withLock { shared in
            let statistics = shared.statistics
            return InputHealth(
                connection: shared.connection, lastData: statistics.lastFileAt, received: statistics.rows,
                journaled: statistics.journaled, quarantined: statistics.rejected, lastError: statistics.lastError,
                lastErrorAt: statistics.lastErrorAt)
        }
    }

    /// Files, rows, rejects, the last file and the last error.
    public var statistics: FileDropStatistics {
        shared.withLock { $0.statistics }
    }

    private var stopRequested: Bool {
        shared.withLock { $0.stopRequested }
    }

    /// The input's thread: a pass over the folder, then a wait for inotify or the poll interval.
    private func run(sink: any CaptureSink, watcher: DirectoryWatcher) {
        let folder = DropFolder(input: name, configuration: configuration, sink: sink)
        let (seconds, attoseconds) = configuration.pollInterval.components
        let pollMilliseconds = Int(seconds * 1000 + attoseconds / 1_000_000_000_000_000)
        var reportedFallback: String?
        var movedIn: Set<String> = []
        sink.log(.info, "watching \(configuration.directory) for \(configuration.pattern)", input: name)
        while !stopRequested {
            folder.process(movedIn: movedIn, now: monotonicMilliseconds()) { [self] in stopRequested }
            publish(folder.statistics, watching: watcher)
            if stopRequested { break }
            movedIn = watcher.wait(timeoutMilliseconds: pollMilliseconds)
            if let reason = watcher.fallbackReason, reason != reportedFallback {
                reportedFallback = reason
                sink.log(
                    .warning, "inotify unavailable (\(reason)); scanning every \(pollMilliseconds) ms instead",
                    input: name)
            } else if watcher.fallbackReason == nil {
                reportedFallback = nil
            }
        }
    }

    private func publish(_ statistics: FileDropStatistics, watching watcher: DirectoryWatcher) {
        shared.withLock { shared in
            shared.statistics = statistics
            shared.connection = statistics.folderAvailable ? .connected : .unavailable
        }
    }
}

import Foundation
import PlantModel

/// Journals one file's chunks on a thread of its own, in order, while the input's thread reads and maps
/// the next chunk: reading and the durable commit overlap instead of taking turns.
///
/// At most one chunk waits while another commits (a bounded hand-off: memory stays at two chunks). A
/// failed commit stops everything after it: later chunks are never journaled out of order, and the
/// failure is thrown to the reader at its next hand-off or at `finish`.
final class ChunkCommitter: @unchecked Sendable {
    // @unchecked: all mutable state is guarded by `condition`.
    private struct Chunk {
        var events: [Event]
        var checkpoints: [String: [UInt8]]
        /// Runs on the committer's thread right before the journal call (fsync of the rejects file).
        var beforeCommit: () throws -> Void
    }

    private let sink: any CaptureSink
    private let condition = NSCondition()
    private var waiting: Chunk?
    private var closed = false
    private var failure: (any Error)?
    private var finished = false
    private(set) var journaled = 0
    private(set) var duplicates = 0

    init(sink: any CaptureSink, name: String) {
        self.sink = sink
        let thread = Thread { [self] in run() }
        thread.name = name
        thread.start()
    }

    /// Hands a chunk over, waiting while the previous one still waits. Throws an earlier commit's failure.
    func submit(
        _ events: [Event], checkpoints: [String: [UInt8]], beforeCommit: @escaping () throws -> Void
    ) throws {
        condition.lock()
        defer { condition.unlock() }
        while waiting != nil && failure == nil { condition.wait() }
        if let failure { throw failure }
        waiting = Chunk(events: events, checkpoints: checkpoints, beforeCommit: beforeCommit)
        condition.broadcast()
    }

    /// Waits until every handed-over chunk is journaled and ends the thread; throws the first failure.
    func finish() throws {
        condition.lock()
        defer { condition.unlock() }
        closed = true
        condition.broadcast()
        while !finished { condition.wait() }
        if let failure { throw failure }
    }

    private func run() {
        while true {
            condition.lock()
            while waiting == nil && !closed { condition.wait() }
            guard let chunk = waiting, failure == nil else {
                finished = true
                condition.broadcast()
                condition.unlock()
                return
            }
            waiting = nil
            condition.broadcast()
            condition.unlock()

            var appended = 0
            var error: (any Error)?
            do {
                try chunk.beforeCommit()
                let outcomes = try sink.journal(chunk.events, checkpoints: chunk.checkpoints)
                for case .appended in outcomes { appended += 1 }
            } catch let caught {
                error = caught
            }

            condition.lock()
            journaled += appended
            duplicates += error == nil ? chunk.events.count - appended : 0
            if let error, failure == nil { failure = error }
            condition.broadcast()
            condition.unlock()
        }
    }
}

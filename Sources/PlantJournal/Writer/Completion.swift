import Foundation

/// A result delivered once by the writer thread to the caller blocked on it.
///
/// `@unchecked Sendable`: `result` is only touched under `condition`'s lock.
final class Completion<Value: Sendable>: @unchecked Sendable {
    private let condition = NSCondition()
    private var result: Result<Value, any Error>?

    func resolve(_ result: Result<Value, any Error>) {
        condition.lock()
        self.result = result
        condition.broadcast()
        condition.unlock()
    }

    /// Blocks the calling thread until `resolve` is called.
    func wait() throws -> Value {
        condition.lock()
        while result == nil { condition.wait() }
        let result = self.result!
        condition.unlock()
        return try result.get()
    }
}

/// A small value shared between threads behind a lock.
///
/// `@unchecked Sendable`: `value` is only touched under `lock`.
final class Locked<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value

    init(_ value: Value) { self.value = value }

    func withLock<T>(_ body: (inout Value) throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }
}

/// One `append` call waiting for its group commit.
final class AppendRequest: Sendable {
    let records: [JournalRecord]
    let checkpoints: [(key: String, value: [UInt8])]
    /// Rough bytes the call adds to the database (rows and index entries), for the disk budget.
    let estimatedBytes: Int64
    /// The call's priority (its most important stream) and that stream, for the disk budget.
    let priority: StreamPriority
    let priorityStream: String
    let arrivedAt: ContinuousClock.Instant
    let completion = Completion<[AppendOutcome]>()

    init(records: [JournalRecord], checkpoints: [String: [UInt8]], priorities: [String: StreamPriority]) {
        self.records = records
        // Sorted so the same call always writes its checkpoints in the same order.
        self.checkpoints = checkpoints.sorted { $0.key < $1.key }.map { (key: $0.key, value: $0.value) }
        var bytes: Int64 = 0
        var priority = StreamPriority.low
        var priorityStream = records.first?.stream ?? ""
        if records.isEmpty { priority = .normal }
        for record in records {
            bytes += Int64(record.body.count + 2 * record.id.utf8.count + record.type.utf8.count + 48)
            let streamPriority = priorities[record.stream] ?? .normal
            if streamPriority > priority {
                priority = streamPriority
                priorityStream = record.stream
            }
        }
        for (key, value) in checkpoints { bytes += Int64(key.utf8.count + value.count + 24) }
        self.estimatedBytes = bytes
        self.priority = priority
        self.priorityStream = priorityStream
        self.arrivedAt = .now
    }
}

import Foundation
import Testing

@testable import PlantJournal

/// A fresh directory under the system temp dir, removed when the test ends (even when it fails).
func withTemporaryDirectory<T>(_ body: (String) throws -> T) throws -> T {
    let path = NSTemporaryDirectory() + "plantjournal-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: path) }
    return try body(path)
}

/// Opens a journal in a fresh directory, hands it to `body`, closes it afterwards.
func withJournal<T>(options: JournalOptions = testOptions(), _ body: (Journal, String) throws -> T) throws -> T {
    try withTemporaryDirectory { (directory) throws in
        let path = directory + "/journal.db"
        let journal = try Journal.open(path: path, options: options)
        defer { journal.close() }
        return try body(journal, path)
    }
}

/// A clock the test moves by hand.
final class ManualClock: Sendable {
    private let now: Locked<Int64>

    init(_ start: Int64 = 1_700_000_000_000) { now = Locked(start) }

    var milliseconds: Int64 { now.withLock { $0 } }

    func advance(by milliseconds: Int64) { now.withLock { $0 += milliseconds } }
}

/// Options for tests: no free-space reserve (the test machine's disk is not under test) and,
/// when given, a manual clock.
func testOptions(clock: ManualClock? = nil) -> JournalOptions {
    var options = JournalOptions()
    options.reserve = 0
    if let clock { options.clock = { clock.milliseconds } }
    return options
}

func record(_ stream: String, _ id: String, body: String? = nil, occurredAt: Int64 = 1_000) -> JournalRecord {
    JournalRecord(
        stream: stream, id: id, type: "test_event", occurredAt: occurredAt,
        body: Array((body ?? "{\"id\":\"\(id)\"}").utf8))
}

/// The text of the error `body` throws, or nil when it does not throw.
func errorText(_ body: () throws -> Void) -> String? {
    do {
        try body()
        return nil
    } catch {
        return "\(error)"
    }
}

extension Array where Element == UInt8 {
    var text: String { String(decoding: self, as: UTF8.self) }
}

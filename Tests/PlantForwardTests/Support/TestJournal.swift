import Foundation
import PlantJournal
import PlantModel

/// A real journal in a temporary directory, removed by `close()`.
final class TestJournal: @unchecked Sendable {
    let directory: String
    let journal: Journal

    init(durability: JournalOptions.Durability = .normal) throws {
        directory =
            FileManager.default.temporaryDirectory.appendingPathComponent("plantforward-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var options = JournalOptions()
        options.durability = durability
        journal = try Journal.open(path: directory + "/journal.db", options: options)
    }

    func close() {
        journal.close()
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Appends events `from...through` of `stream` with ids "<stream>/<n>"; `poison` marks
    /// events a test hub rejects.
    @discardableResult
    func append(_ stream: String, _ numbers: ClosedRange<Int>, poison: Set<Int> = [], padding: Int = 0) throws
        -> [AppendOutcome]
    {
        let records = numbers.map { n in
            TestEvents.record(stream: stream, n: n, poison: poison.contains(n), padding: padding)
        }
        return try journal.append(records)
    }

    func acknowledgedSeq(_ stream: String) throws -> Int64 {
        try journal.backlog().first { $0.stream == stream }?.acknowledgedSeq ?? 0
    }
}

enum TestEvents {
    static let occurredAt: Int64 = 1_795_000_000_000

    static func id(_ stream: String, _ n: Int) -> String { "\(stream)/\(n)" }

    /// A canonical event body like the interpreters produce.
    static func record(stream: String, n: Int, poison: Bool = false, padding: Int = 0) -> JournalRecord {
        let id = id(stream, n)
        var data: JSONObject = ["n": .integer(Int64(n))]
        if poison { data["poison"] = true }
        if padding > 0 { data["pad"] = .string(String(repeating: "x", count: padding)) }
        let body = JSONWriter.encode([
            "id": .string(id), "type": "test_event",
            "occurred_at": .string(Timestamp(millisecondsSinceEpoch: occurredAt + Int64(n)).description),
            "data": .object(data),
        ])
        return JournalRecord(stream: stream, id: id, type: "test_event", occurredAt: occurredAt + Int64(n), body: body)
    }
}

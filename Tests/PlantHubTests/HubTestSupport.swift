import Foundation
import PlantHub

/// A fresh directory under the system temp dir, removed by `remove()` (call it in `defer`).
struct TemporaryDirectory {
    let path: String

    init() throws {
        let template = NSTemporaryDirectory() + "planthub-test-XXXXXX"
        var bytes = Array(template.utf8CString)
        guard let made = mkdtemp(&bytes) else { throw CocoaError(.fileWriteUnknown) }
        path = String(cString: made)
    }

    func file(_ name: String) -> String { path + "/" + name }

    func remove() { try? FileManager.default.removeItem(atPath: path) }
}

/// Events for tests: canonical JSON derived from id, type and a payload marker.
enum Sample {
    static let baseTime: Int64 = 1_795_356_900_000  // 2026-11-22T14:15:00.000Z

    static func canonical(id: String, type: String = "production_confirmation", data: String = "{}") -> [UInt8] {
        Array(#"{"id":"\#(id)","type":"\#(type)","occurred_at":"2026-11-22T14:15:00.000Z","data":\#(data)}"#.utf8)
    }

    static func event(_ seq: Int64, id: String? = nil, type: String = "production_confirmation", data: String = "{}")
        -> IncomingEvent
    {
        let id = id ?? "conf/L3/WO-4711/\(seq)"
        return IncomingEvent(
            seq: seq, id: id, type: type, occurredAt: baseTime + seq,
            canonical: canonical(id: id, type: type, data: data))
    }

    static func batch(
        plant: String = "P100", stream: String = "production", epoch: String = "epoch-a", seqs: ClosedRange<Int64>,
        ids: ((Int64) -> String)? = nil, backlog: [BacklogReport] = []
    ) -> IncomingBatch {
        IncomingBatch(
            plant: plant, stream: stream, epoch: epoch, firstSeq: seqs.lowerBound,
            events: seqs.map { event($0, id: ids?($0)) }, backlog: backlog)
    }
}

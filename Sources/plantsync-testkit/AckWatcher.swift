import Foundation
import PlantJournal

#if canImport(Glibc)
    import Glibc
#else
    import Darwin
#endif

/// Watches one stream's `acked_seq` in an agent's journal from a read-only connection, every
/// millisecond, on its own thread, and keeps when each seq was first seen acknowledged
/// (monotonic ns). For the latency benchmarks.
final class AckWatcher: @unchecked Sendable {
    // @unchecked: `ackedAt` is written by the watcher thread only until `finished` is signalled,
    // and read by the caller only after `wait` returned.
    let expected: Int
    private let path: String
    private let stream: String
    private var ackedAt: [UInt64]
    private let finished = DispatchSemaphore(value: 0)

    init(journal path: String, stream: String, expected: Int) {
        self.path = path
        self.stream = stream
        self.expected = expected
        ackedAt = [UInt64](repeating: 0, count: expected + 1)
    }

    func start(deadline: Double) {
        Thread { [self] in
            defer { finished.signal() }
            guard let db = try? Connection(path: path, mode: .readOnly) else { return }
            var seen: Int64 = 0
            while seen < Int64(expected), monotonicSeconds() < deadline {
                let acked =
                    (try? db.withCachedStatement("SELECT acked_seq FROM streams WHERE name = ?1") { statement in
                        statement.bind(stream, at: 1)
                        return try statement.step() ? statement.int64(at: 0) : 0
                    }) ?? seen
                if acked > seen {
                    let now = monotonicNanoseconds()
                    for seq in (seen + 1)...min(acked, Int64(expected)) { ackedAt[Int(seq)] = now }
                    seen = acked
                }
                usleep(1_000)
            }
        }.start()
    }

    /// Blocks until every expected seq was seen acknowledged or the deadline passed; then the times.
    func wait() -> [UInt64] {
        finished.wait()
        return ackedAt
    }

    /// seq → the number in each event's `"<key>":"<prefix><number>"`, read from the journal after the run.
    static func numbers(journal path: String, stream: String, key: String, prefix: String) throws -> [Int: Int] {
        let db = try Connection(path: path, mode: .readOnly)
        let marker = Array("\"\(key)\":\"\(prefix)".utf8)
        var numbers: [Int: Int] = [:]
        try db.withCachedStatement(
            "SELECT e.seq, e.body FROM events e JOIN streams s ON s.id = e.stream_id WHERE s.name = ?1"
        ) { statement in
            statement.bind(stream, at: 1)
            while try statement.step() {
                let body = statement.bytes(at: 1)
                guard let start = body.firstRange(of: marker)?.upperBound else { continue }
                var number = 0
                var index = start
                while index < body.count, body[index] >= 48, body[index] <= 57 {
                    number = number * 10 + Int(body[index] - 48)
                    index += 1
                }
                numbers[statement.int(at: 0)] = number
            }
        }
        return numbers
    }
}

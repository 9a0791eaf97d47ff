import Glibc
import PlantModel
import Synchronization
import Testing

@testable import PlantCapture

/// Helpers for the telemetry feed tests, in one namespace so other tests in this target cannot collide.
enum TelemetryFeedTestSupport {
    /// A seeded generator, so random splits are the same on every run.
    struct SplitMix: RandomNumberGenerator {
        var state: UInt64
        init(seed: UInt64) { state = seed }
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    /// Feeds `bytes` to a fresh framer in chunks of the given sizes (the rest in one piece), then ends the
    /// stream; returns every frame.
    static func frames(_ bytes: [UInt8], maxLineBytes: Int, chunks: [Int]) -> [LineFramer.Frame] {
        var framer = LineFramer(maxLineBytes: maxLineBytes)
        var frames: [LineFramer.Frame] = []
        var offset = 0
        var sizes = chunks[...]
        while offset < bytes.count {
            let size = min(sizes.popFirst() ?? bytes.count, bytes.count - offset)
            var input = bytes[offset..<(offset + size)]
            while let frame = framer.decode(&input) { frames.append(frame) }
            #expect(input.isEmpty)
            offset += size
        }
        while let frame = framer.decodeLast() { frames.append(frame) }
        return frames
    }

    /// The same input whole, byte by byte, and in 50 random splits must give identical frames; returns them.
    static func framesAllWays(_ bytes: [UInt8], maxLineBytes: Int) -> [LineFramer.Frame] {
        let whole = frames(bytes, maxLineBytes: maxLineBytes, chunks: [])
        #expect(frames(bytes, maxLineBytes: maxLineBytes, chunks: Array(repeating: 1, count: bytes.count)) == whole)
        var random = SplitMix(seed: UInt64(bytes.count))
        for _ in 0..<50 {
            var chunks: [Int] = []
            var total = 0
            while total < bytes.count {
                let size = Int.random(in: 1...max(1, bytes.count / 3), using: &random)
                chunks.append(size)
                total += size
            }
            #expect(frames(bytes, maxLineBytes: maxLineBytes, chunks: chunks) == whole)
        }
        return whole
    }

    static func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    static func sample(
        _ tag: String, _ value: TelemetryValue, _ quality: SampleQuality = .good, code: UInt32? = nil, at ms: Int64
    ) -> TelemetrySample {
        TelemetrySample(
            tag: tag, value: value, quality: quality, qualityCode: code,
            sourceTime: Timestamp(millisecondsSinceEpoch: ms))
    }

    static func number(_ text: String) -> TelemetryValue { .number(DecimalNumber(text)!) }

    /// Waits until `condition` holds, polling every few milliseconds, at most `timeout`; true when it held.
    /// (Polling a condition with a deadline, never sleeping a fixed time to synchronise.)
    static func waitUntil(timeout: Duration = .seconds(10), _ condition: () -> Bool) -> Bool {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: timeout)
        while clock.now < deadline {
            if condition() { return true }
            var pause = timespec(tv_sec: 0, tv_nsec: 2_000_000)
            nanosleep(&pause, nil)
        }
        return condition()
    }
}

/// A `CaptureSink` that records everything it is given.
final class TelemetryFeedRecordingSink: CaptureSink {
    struct Record: Sendable {
        var samples: [TelemetrySample] = []
        var batches = 0
        var problems: [InputProblem] = []
        var logs: [String] = []
    }

    private let record = Mutex(Record())

    var samples: [TelemetrySample] { record.withLock { $0.samples } }
    var batches: Int { record.withLock { $0.batches } }
    var problems: [InputProblem] { record.withLock { $0.problems } }
    var logs: [String] { record.withLock { $0.logs } }

    func journal(_ events: [Event], checkpoints: [String: [UInt8]]) throws -> [JournalOutcome] { [] }

    func deliver(_ samples: [TelemetrySample], from input: String) {
        record.withLock {
            $0.samples.append(contentsOf: samples)
            $0.batches += 1
        }
    }

    func quarantine(_ problem: InputProblem) {
        record.withLock { $0.problems.append(problem) }
    }

    func checkpoint(_ key: String) -> [UInt8]? { nil }

    func log(_ level: LogLevel, _ message: String, input: String) {
        record.withLock { $0.logs.append("\(level.rawValue) \(input): \(message)") }
    }
}

/// A `CaptureSink` that only counts samples (for the benchmark).
final class TelemetryFeedCountingSink: CaptureSink {
    private let counts = Atomic<Int>(0)
    private let problemCount = Atomic<Int>(0)
    var samples: Int { counts.load(ordering: .acquiring) }
    var problems: Int { problemCount.load(ordering: .acquiring) }

    func journal(_ events: [Event], checkpoints: [String: [UInt8]]) throws -> [JournalOutcome] { [] }
    func deliver(_ samples: [TelemetrySample], from input: String) {
        counts.add(samples.count, ordering: .releasing)
    }
    func quarantine(_ problem: InputProblem) { problemCount.add(1, ordering: .releasing) }
    func checkpoint(_ key: String) -> [UInt8]? { nil }
    func log(_ level: LogLevel, _ message: String, input: String) {}
}

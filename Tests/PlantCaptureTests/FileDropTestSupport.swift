import Foundation
import PlantCapture
import PlantConfig
import PlantModel
import Synchronization
import Testing

/// Deterministic generator for random splits and crash points (SplitMix64), so a failing seed replays.
struct DropTestRandom: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Feeds `input` whole, byte by byte and in 30 random splits to fresh decoders; all results must be equal.
func decodedEverySplit(_ input: [UInt8], _ decode: ([[UInt8]]) -> [FileRecordItem]) -> [FileRecordItem] {
    let whole = decode([input])
    #expect(decode(input.map { [$0] }) == whole, "byte by byte")
    for seed in 0..<30 {
        var random = DropTestRandom(state: UInt64(seed))
        var chunks: [[UInt8]] = []
        var index = 0
        while index < input.count {
            let length = Int.random(in: 0...min(11, input.count - index), using: &random)
            chunks.append(Array(input[index..<(index + length)]))
            index += length
        }
        #expect(decode(chunks) == whole, "random split, seed \(seed)")
    }
    return whole
}

func csvItems(_ chunks: [[UInt8]], decoder: CSVDecoder = CSVDecoder()) -> [FileRecordItem] {
    var decoder = decoder
    var items: [FileRecordItem] = []
    for chunk in chunks {
        var bytes = chunk[...]
        while let item = decoder.decode(&bytes) { items.append(item) }
        #expect(bytes.isEmpty)
    }
    var empty = ArraySlice<UInt8>()
    while let item = decoder.decodeLast(&empty) { items.append(item) }
    return items
}

func dropBytes(_ text: String) -> [UInt8] { Array(text.utf8) }

/// A record item as the decoders make it.
func dropRecord(_ fields: [String], line: Int, end: Int64, raw: String) -> FileRecordItem {
    .record(FileRecord(fields: fields, line: line, endOffset: end, raw: dropBytes(raw)))
}

func dropRejected(_ reason: FileRecordRejection.Reason, line: Int, end: Int64, raw: [UInt8]) -> FileRecordItem {
    .rejected(FileRecordRejection(reason: reason, line: line, endOffset: end, raw: raw))
}

/// A temporary folder, removed by `cleanUp()`.
struct DropTestFolder {
    let path: String

    init() throws {
        let template = NSTemporaryDirectory() + "filedrop-test-XXXXXX"
        var chars = Array(template.utf8CString)
        guard let made = mkdtemp(&chars) else { throw DropFileError(operation: "mkdtemp", path: template, code: errno) }
        path = String(cString: made)
    }

    /// A folder at `path` that may not exist yet; nothing is created or removed for it.
    init(existing path: String) {
        self.path = path
    }

    func file(_ name: String) -> String { path + "/" + name }

    func write(_ name: String, _ text: String) throws {
        try write(name, Array(text.utf8))
    }

    func write(_ name: String, _ data: [UInt8]) throws {
        try Data(data).write(to: URL(fileURLWithPath: file(name)))
    }

    func read(_ relativePath: String) -> String? {
        FileManager.default.contents(atPath: file(relativePath)).map { String(decoding: $0, as: UTF8.self) }
    }

    /// Names in `subfolder` ("" for the folder itself), hidden files included, sorted; nil when missing.
    func names(_ subfolder: String = "") -> [String]? {
        let folder = subfolder.isEmpty ? path : file(subfolder)
        return (try? FileManager.default.contentsOfDirectory(atPath: folder))?.sorted()
    }

    func cleanUp() {
        try? FileManager.default.removeItem(atPath: path)
    }
}

/// A `CaptureSink` that behaves like the journal where it matters here: events and checkpoints of one
/// call are stored together or not at all, a known id is a `.duplicate`. `crashAt` makes the k-th call
/// (1-based) throw before storing anything, as a kill -9 before the commit would.
final class DropRecordingSink: CaptureSink, @unchecked Sendable {
    // @unchecked: every field is behind `lock`.
    struct Refused: Error, CustomStringConvertible {
        var description: String { "journal refused (test crash point)" }
    }

    private let lock = NSLock()
    private var _events: [Event] = []
    private var ids: Set<EventID> = []
    private var _checkpoints: [String: [UInt8]] = [:]
    private var _problems: [InputProblem] = []
    private var _logs: [String] = []
    private var calls = 0
    private var crashAt: Int?

    init(crashAt: Int? = nil) {
        self.crashAt = crashAt
    }

    var events: [Event] { lock.withLock { _events } }
    var problems: [InputProblem] { lock.withLock { _problems } }
    var logs: [String] { lock.withLock { _logs } }
    var journalCalls: Int { lock.withLock { calls } }
    var checkpoints: [String: [UInt8]] { lock.withLock { _checkpoints } }

    /// Arms (or disarms) the crash point, counting calls from now.
    func crash(atCall call: Int?) {
        lock.withLock {
            calls = 0
            crashAt = call
        }
    }

    func journal(_ events: [Event], checkpoints: [String: [UInt8]]) throws -> [JournalOutcome] {
        try lock.withLock {
            calls += 1
            if calls == crashAt { throw Refused() }
            var outcomes: [JournalOutcome] = []
            for event in events {
                if ids.insert(event.id).inserted {
                    _events.append(event)
                    outcomes.append(.appended(seq: Int64(_events.count)))
                } else {
                    outcomes.append(.duplicate)
                }
            }
            _checkpoints.merge(checkpoints) { $1 }
            return outcomes
        }
    }

    func deliver(_ samples: [TelemetrySample], from input: String) {}

    func quarantine(_ problem: InputProblem) {
        lock.withLock { _problems.append(problem) }
    }

    func checkpoint(_ key: String) -> [UInt8]? {
        lock.withLock { _checkpoints[key] }
    }

    func log(_ level: LogLevel, _ message: String, input: String) {
        lock.withLock { _logs.append("\(level.rawValue) \(input): \(message)") }
    }
}

/// Decodes a `file_drop` section from YAML text; the settings or the error lines.
func decodeDropConfiguration(_ yaml: String) -> Result<FileDrop.Configuration, ConfigErrors> {
    ConfigMap.decode(text: yaml, file: "drop.yaml", environment: [:]) { FileDrop.Configuration($0) }
}

import Foundation
import PlantConfig
import PlantHub
import PlantModel
import PlantNet
import Synchronization

/// A settable wall clock (ms since the Unix epoch) shared with the hub.
final class TestClock: Sendable {
    private let value: Mutex<Int64>
    init(_ start: Int64) { value = Mutex(start) }
    var now: Int64 { value.withLock { $0 } }
    func set(_ milliseconds: Int64) { value.withLock { $0 = milliseconds } }
}

/// An in-process hub on 127.0.0.1 with an OS-chosen port, plain HTTP, plants P100 and P200 (and
/// any `extraPlants`), a reader token, a fixed clock, and a store in a temporary directory.
final class HubFixture {
    static let start: Int64 = 1_795_357_000_000  // 2026-11-22T14:16:40.000Z
    static let readerToken = "reader-token-0123456789"
    let directory: TemporaryDirectory
    let clock = TestClock(HubFixture.start)
    let log = LogRecorder()
    var hub: Hub?
    let plants: [String: String]

    init(
        limits: HubLimits = HubLimits(), commitQueue: CommitQueueLimits = CommitQueueLimits(),
        extraPlants: [String: String] = [:], directory: TemporaryDirectory? = nil
    ) throws {
        self.directory = try directory ?? TemporaryDirectory()
        plants = ["P100": "token-p100-aaaaaaaaaaaa", "P200": "token-p200-bbbbbbbbbbbb"].merging(extraPlants) { a, _ in a
        }
        try startHub(limits: limits, commitQueue: commitQueue)
    }

    func startHub(limits: HubLimits = HubLimits(), commitQueue: CommitQueueLimits = CommitQueueLimits()) throws {
        let configuration = HubConfiguration(
            listen: HostPort(host: "127.0.0.1", port: 0), tls: nil, allowPlainHTTP: true,
            dataDirectory: directory.path + "/data", durability: .full,
            plants: plants.keys.sorted().map { PlantCredential(id: $0, tokenSHA256: SHA256.hash(plants[$0]!)) },
            limits: limits)
        var options = HubOptions()
        let clock = self.clock
        options.clock = { clock.now }
        options.commitQueue = commitQueue
        options.readerTokenSHA256 = [SHA256.hash(Self.readerToken)]
        let log = self.log
        options.log = { line in log.append(line) }
        hub = try Hub(configuration: configuration, options: options)
    }

    func stopHub() {
        hub?.stop(gracePeriod: .seconds(2))
        hub = nil
    }

    func client() throws -> HTTPClient {
        try HTTPClient(baseURL: "http://127.0.0.1:\(hub!.port)")
    }

    deinit {
        stopHub()
        directory.remove()
    }

    // MARK: Requests

    func post(_ body: [UInt8], token: String?, client: HTTPClient? = nil) throws -> HTTPResponse {
        var headers = HTTPHeaders([("Content-Type", "application/json")])
        if let token { headers.add("Authorization", "Bearer \(token)") }
        return try (client ?? self.client()).send(
            HTTPRequest(method: "POST", target: "/v1/batches", headers: headers, body: body))
    }

    func post(_ batch: WireBatch, token: String? = nil, client: HTTPClient? = nil) throws -> HTTPResponse {
        try post(batch.body(), token: token ?? plants[batch.plant], client: client)
    }

    func get(_ target: String, token: String? = HubFixture.readerToken) throws -> HTTPResponse {
        var headers = HTTPHeaders()
        if let token { headers.add("Authorization", "Bearer \(token)") }
        return try client().send(HTTPRequest(method: "GET", target: target, headers: headers))
    }
}

/// The hub's log lines, kept for assertions.
final class LogRecorder: Sendable {
    private let lines = Mutex<[String]>([])
    func append(_ line: String) { lines.withLock { $0.append(line) } }
    var all: [String] { lines.withLock { $0 } }
}

/// A batch as an agent builds it (PlantModel's `BatchEncoder`), from canonical events.
struct WireBatch {
    var plant = "P100"
    var stream = "production"
    var epoch = "4f1c0000000000000000000000000001"
    var firstSeq: Int64
    var events: [[UInt8]]
    var backlog: [String: StreamBacklog] = [:]

    func body() throws -> [UInt8] {
        var encoder = BatchEncoder(plant: plant, stream: stream, epoch: epoch, firstSeq: firstSeq, backlog: backlog)
        for (offset, event) in events.enumerated() {
            try encoder.append(seq: firstSeq + Int64(offset), canonicalEvent: event)
        }
        return encoder.finish()
    }
}

/// Valid canonical events (downtimes of line L3, one per minute) and variations of them.
enum Events {
    static let base = Timestamp(millisecondsSinceEpoch: 1_795_356_000_000)  // 2026-11-22T14:00:00.000Z

    static func downtime(_ minute: Int, reason: String = "no_material") -> [UInt8] {
        let start = base.adding(milliseconds: Int64(minute) * 60_000)
        let payload = Downtime(
            plant: "P100", line: "L3", reason: reason, start: start, end: start.adding(milliseconds: 30_000))
        let event = try! Event(
            id: EventID.downtime(plant: "P100", line: "L3", start: start), occurredAt: start,
            payload: .downtime(payload))
        return event.canonicalJSON()
    }

    static func downtimes(_ minutes: ClosedRange<Int>) -> [[UInt8]] { minutes.map { downtime($0) } }

    static func id(_ minute: Int) -> String {
        let start = base.adding(milliseconds: Int64(minute) * 60_000)
        return try! EventID.downtime(plant: "P100", line: "L3", start: start).rawValue
    }

    static func tombstone(replacing minute: Int, seq: Int64, reason: String) -> [UInt8] {
        let original = try! EventID(id(minute))
        let payload = DeadLetterTombstone(
            originalSeq: seq, originalID: original, originalType: "downtime", originalStream: "production",
            reason: reason)
        let event = try! Event(
            id: EventID.tombstone(ofID: original), occurredAt: base.adding(milliseconds: Int64(minute) * 60_000),
            payload: .deadLettered(payload))
        return event.canonicalJSON()
    }

    static func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

    static func replacing(_ bytes: [UInt8], _ old: String, _ new: String) -> [UInt8] {
        Array(text(bytes).replacingOccurrences(of: old, with: new).utf8)
    }
}

/// Waits for `condition` up to `timeout`, polling; false when it never became true.
func waitUntil(timeout: Duration = .seconds(10), _ condition: () -> Bool) -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if condition() { return true }
        usleep(2_000)
    }
    return condition()
}

extension JSONValue {
    subscript(key: String) -> JSONValue? { objectValue?[key] }

    subscript(index: Int) -> JSONValue? {
        guard let array = arrayValue, array.indices.contains(index) else { return nil }
        return array[index]
    }

    var arrayCount: Int? { arrayValue?.count }
}

enum HTTPClientFactory {
    static func plain(port: UInt16) throws -> HTTPClient { try HTTPClient(baseURL: "http://127.0.0.1:\(port)") }
}

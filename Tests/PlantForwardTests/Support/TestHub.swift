import Foundation
import PlantModel
import PlantNet

/// An in-process hub double on PlantNet's HTTPServer: stores each stream's events once, in
/// order, by seq (deduplicating resends, detecting conflicts), answers like wire protocol v1,
/// and records every request. A script can override the answer per request.
final class TestHub: @unchecked Sendable {
    static let token = "secret-token"

    struct Request: Sendable {
        let at: ContinuousClock.Instant
        let stream: String
        let firstSeq: Int64
        let seqs: [Int64]
        let ids: [String]
        let backlog: JSONObject?
        /// Journal acknowledgement of the stream when the request arrived (if a probe is set).
        let acknowledgedAtArrival: Int64?
    }

    struct Stored: Sendable, Equatable {
        let seq: Int64
        let id: String
        let type: String
    }

    enum Reply: Sendable {
        /// Store and answer as the real hub would.
        case normal
        case respond(HTTPResponse)
        /// Store, then hold the answer until `release()` (the client times out: "commits but the
        /// response is lost").
        case commitAndHold
        /// Hold without storing until `release()`, then answer 503.
        case hold
    }

    /// Decides the reply for a request; `index` counts this stream's requests from 0.
    typealias Script = @Sendable (_ request: Request, _ index: Int) -> Reply

    private let condition = NSCondition()
    private var server: HTTPServer?
    private var stored: [String: [Stored]] = [:]
    private var requests: [Request] = []
    private var script: Script?
    private var released = false
    private var acceptedToken = TestHub.token
    /// Events whose data has `"poison": true` are refused with 422 when set.
    private var rejectPoison = true
    /// Reads the journal's acknowledgement per stream at each request (for "ack only after 200").
    private var acknowledgementProbe: (@Sendable (String) -> Int64)?
    /// Skip JSON parsing: count events by scanning (for throughput figures).
    let fast: Bool

    init(tls: TLSServerContext? = nil, port: UInt16 = 0, fast: Bool = false) throws {
        self.fast = fast
        var configuration = HTTPServerConfiguration(host: "127.0.0.1", port: port, tls: tls)
        configuration.limits = HTTPLimits(maxBodyBytes: 64 << 20)
        server = try HTTPServer(configuration: configuration) { [unowned self] request in handle(request) }
    }

    var port: UInt16 { server!.port }
    var url: String { "http://127.0.0.1:\(port)" }

    func setScript(_ script: Script?) { condition.withLock { self.script = script } }
    func setAcceptedToken(_ token: String) { condition.withLock { acceptedToken = token } }
    func setAcknowledgementProbe(_ probe: (@Sendable (String) -> Int64)?) {
        condition.withLock { acknowledgementProbe = probe }
    }

    /// Pre-stores events (e.g. a different event at a seq, for a conflict).
    func preload(_ stream: String, _ events: [Stored]) { condition.withLock { stored[stream, default: []] += events } }

    func stored(_ stream: String) -> [Stored] { condition.withLock { stored[stream] ?? [] } }

    func requests(_ stream: String? = nil) -> [Request] {
        condition.withLock { requests.filter { stream == nil || $0.stream == stream } }
    }

    /// Waits until `stream` holds `count` events; false at the deadline.
    func waitForStored(_ stream: String, count: Int, timeout: TimeInterval = 15) -> Bool {
        let limit = Date(timeIntervalSinceNow: timeout)
        condition.lock()
        defer { condition.unlock() }
        while (stored[stream]?.count ?? 0) < count {
            if !condition.wait(until: limit) { return (stored[stream]?.count ?? 0) >= count }
        }
        return true
    }

    /// Waits until at least `count` requests of `stream` arrived.
    func waitForRequests(_ stream: String, count: Int, timeout: TimeInterval = 15) -> Bool {
        let limit = Date(timeIntervalSinceNow: timeout)
        condition.lock()
        defer { condition.unlock() }
        while requests.filter({ $0.stream == stream }).count < count {
            if !condition.wait(until: limit) { return false }
        }
        return true
    }

    /// Lets held requests answer.
    func release() {
        condition.withLock {
            released = true
            condition.broadcast()
        }
    }

    func stop() {
        release()
        server?.stop(gracePeriod: .seconds(2))
        server = nil
    }

    // MARK: Handling

    private func handle(_ http: HTTPRequest) -> HTTPResponse {
        let (token, script, probe) = condition.withLock { (acceptedToken, self.script, acknowledgementProbe) }
        guard http.method == "POST", http.path == "/v1/batches" else { return HTTPResponse(status: 404) }
        guard let batch = fast ? Batch(scanning: http.body) : Batch(parsing: http.body) else {
            return refuse(.badRequest(message: "not a batch"))
        }
        let request = Request(
            at: .now, stream: batch.stream, firstSeq: batch.firstSeq, seqs: batch.events.map(\.seq),
            ids: batch.events.map(\.id),
            backlog: batch.backlog, acknowledgedAtArrival: probe?(batch.stream))
        let index = record(request)
        guard http.headers["Authorization"] == "Bearer \(token)" else {
            return json(401, "{\"error\":\"unauthorized\"}")
        }
        switch script?(request, index) ?? .normal {
        case .normal:
            return store(batch)
        case .respond(let response):
            return response
        case .commitAndHold:
            let response = store(batch)
            holdUntilReleased()
            return response
        case .hold:
            holdUntilReleased()
            return json(503, "{\"error\":\"unavailable\"}")
        }
    }

    private func record(_ request: Request) -> Int {
        condition.withLock {
            let index = requests.filter { $0.stream == request.stream }.count
            requests.append(request)
            condition.broadcast()
            return index
        }
    }

    private func holdUntilReleased() {
        let limit = Date(timeIntervalSinceNow: 20)
        condition.lock()
        while !released, condition.wait(until: limit) {}
        condition.unlock()
    }

    private func store(_ batch: Batch) -> HTTPResponse {
        let rejected = rejectPoison ? batch.events.filter(\.poison) : []
        if !rejected.isEmpty {
            return refuse(
                .invalidEvents(rejected.map { InvalidEvent(seq: $0.seq, reason: "data.poison is not allowed") }))
        }
        return condition.withLock {
            var events = stored[batch.stream] ?? []
            if batch.firstSeq > Int64(events.count) + 1 {
                return refuse(.sequenceGap(expectedSeq: Int64(events.count) + 1))
            }
            for event in batch.events {
                if event.seq <= Int64(events.count) {
                    let held = events[Int(event.seq - 1)]
                    if !fast, held.id != event.id {
                        return refuse(
                            .sequenceConflict(seq: event.seq, reason: "event id \(held.id) is stored at this seq"))
                    }
                } else {
                    events.append(Stored(seq: event.seq, id: event.id, type: event.type))
                }
            }
            stored[batch.stream] = events
            condition.broadcast()
            return HTTPResponse(
                status: 200, headers: ["Content-Type": "application/json"],
                body: BatchResponse(ackedThrough: Int64(events.count)).encode())
        }
    }

    private func refuse(_ error: ProtocolError) -> HTTPResponse {
        HTTPResponse(status: error.httpStatus, headers: ["Content-Type": "application/json"], body: error.encode())
    }

    private func json(_ status: Int, _ body: String) -> HTTPResponse {
        HTTPResponse(status: status, contentType: "application/json", body: body)
    }
}

/// A batch body as the hub double reads it.
struct Batch {
    struct Event {
        let seq: Int64
        let id: String
        let type: String
        let poison: Bool
    }

    let stream: String
    let firstSeq: Int64
    let events: [Event]
    let backlog: JSONObject?

    /// Full decoding with PlantModel's `BatchRequest`, as the real hub does.
    init?(parsing body: [UInt8]) {
        guard let request = try? BatchRequest.decode(body), request.plant == "P100" else { return nil }
        stream = request.stream
        firstSeq = request.firstSeq
        backlog = JSONObject(
            request.backlog.mapValues { entry in
                JSONValue.object(["pending": .integer(entry.pending), "oldest_age_s": .integer(entry.oldestAgeSeconds)])
            })
        let poison = Array("\"poison\":true".utf8)
        events = request.events.map { event in
            Event(
                seq: event.seq, id: event.id.rawValue, type: event.type,
                poison: event.canonical.contains(subsequence: poison))
        }
    }

    /// Cheap reading for throughput runs: stream, first_seq, and the count of `{"seq":`.
    init?(scanning body: [UInt8]) {
        func value(after key: String, from start: Int = 0) -> (Int, Int)? {
            let pattern = Array(key.utf8)
            guard body.count >= pattern.count else { return nil }
            var index = start
            while index <= body.count - pattern.count {
                if body[index] == pattern[0], Array(body[index..<index + pattern.count]) == pattern {
                    return (index + pattern.count, index)
                }
                index += 1
            }
            return nil
        }
        guard let (streamStart, _) = value(after: "\"stream\":\""),
            let streamEnd = body[streamStart...].firstIndex(of: UInt8(ascii: "\"")),
            let (seqStart, _) = value(after: "\"first_seq\":")
        else { return nil }
        stream = String(decoding: body[streamStart..<streamEnd], as: UTF8.self)
        var first: Int64 = 0
        var index = seqStart
        while index < body.count, body[index] >= 0x30, body[index] <= 0x39 {
            first = first * 10 + Int64(body[index] - 0x30)
            index += 1
        }
        firstSeq = first
        var count = 0
        let marker = Array("{\"seq\":".utf8)
        var position = index
        while position <= body.count - marker.count {
            if body[position] == 0x7B, body[position + 1] == 0x22, body[position + 2] == 0x73,
                Array(body[position..<position + marker.count]) == marker
            {
                count += 1
                position += marker.count
            } else {
                position += 1
            }
        }
        events = (0..<count).map { Event(seq: first + Int64($0), id: "", type: "", poison: false) }
        backlog = nil
    }
}

extension Array where Element == UInt8 {
    func contains(subsequence pattern: [UInt8]) -> Bool {
        guard !pattern.isEmpty, count >= pattern.count else { return pattern.isEmpty }
        for start in 0...(count - pattern.count) where self[start] == pattern[0] {
            if self[start..<start + pattern.count].elementsEqual(pattern) { return true }
        }
        return false
    }
}

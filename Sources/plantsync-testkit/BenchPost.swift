import Foundation
import PlantModel

#if canImport(Glibc)
    import Glibc
#else
    import Darwin
#endif

/// Load generator for the sync benchmarks, plain HTTP/1.1 on loopback, one thread polling every
/// connection (so the generator takes as little of the box as possible from the server it measures):
///
/// - `--mode drain`: the drain's baseline. 3 keep-alive connections (one per stream) post batches of
///   `--batch` events, the same synthetic events the drain journals, `--count` in all, each batch
///   after the previous answer, like the agent's lanes. Prints `events_per_s`.
/// - `--mode agents`: `--connections` simulated agents (plants P0001…, tokens `bench-token-P0001`…)
///   each posting `--batch`-event inventory batches back to back for `--seconds` after `--warmup`.
///   Prints events/s and the p50/p99 of the request round trip.
let benchPost = Subcommand(
    name: "bench-post",
    usage: "--port P --mode drain|agents [--count N] [--batch N] [--connections N] [--seconds S] "
        + "[--warmup S] [--plant P100] [--token T] [--epoch HEX]"
) { arguments in
    let port = try arguments.int("port")
    let mode = try arguments.string("mode")
    let epoch = arguments.string("epoch", default: "0123456789abcdef0123456789abcdef")
    var lanes: [PostLane] = []
    let batch: Int
    switch mode {
    case "drain":
        batch = try arguments.int("batch", default: 1_000)
        let plant = arguments.string("plant", default: "P100")
        let token = arguments.string("token", default: "bench-token-P100")
        let perStream = try arguments.int("count") / SyncBenchEvents.streams.count
        // A pool of real events per stream, cycled with fresh seqs: same sizes as the drain's.
        var pool: [String: [[UInt8]]] = [:]
        for number in 1...3_000 {
            let record = try SyncBenchEvents.record(number, plant: plant)
            pool[record.stream, default: []].append(record.body)
        }
        for stream in SyncBenchEvents.streams {
            lanes.append(
                try PostLane(
                    port: port, plant: plant, token: token, stream: stream, epoch: epoch, batch: batch,
                    limit: perStream, events: pool[stream]!))
        }
    case "agents":
        batch = try arguments.int("batch", default: 10)
        let connections = try arguments.int("connections", default: 500)
        for index in 1...connections {
            let plant = "P" + String(format: "%04d", index)
            let prototype = try SyncBenchEvents.prototypeInventory(plant: plant)
            lanes.append(
                try PostLane(
                    port: port, plant: plant, token: "bench-token-" + plant, stream: "inventory", epoch: epoch,
                    batch: batch, limit: .max, prototype: prototype))
        }
    default:
        throw Arguments.Problem(description: "--mode: expected drain or agents, found \"\(mode)\"")
    }

    let seconds = Double(try arguments.int("seconds", default: 10))
    let warmup = Double(try arguments.int("warmup", default: 2))
    let start = monotonicSeconds()
    let measureFrom = mode == "agents" ? start + warmup : start
    let measureUntil = mode == "agents" ? measureFrom + seconds : .infinity
    for lane in lanes { try lane.sendNext() }
    var latencies: [Double] = []
    var events = 0
    var refusals: [Int: Int] = [:]
    var open = lanes.count
    var fds = lanes.map { pollfd(fd: $0.fd, events: Int16(POLLIN), revents: 0) }
    while open > 0, monotonicSeconds() < measureUntil {
        guard poll(&fds, nfds_t(fds.count), 1_000) >= 0 || errno == EINTR else {
            throw LoopbackSockets.Failure(description: "poll")
        }
        for index in fds.indices where fds[index].revents != 0 {
            let lane = lanes[index]
            guard let answer = try lane.receive() else { continue }
            let now = monotonicSeconds()
            if now >= measureFrom, now < measureUntil {
                if answer.status == 200 { events += answer.events } else { refusals[answer.status, default: 0] += 1 }
                latencies.append(answer.seconds * 1_000)
            }
            if lane.done {
                fds[index].fd = -1
                open -= 1
            } else {
                try lane.sendNext()
            }
        }
    }
    let elapsed = (mode == "agents" ? min(monotonicSeconds(), measureUntil) - measureFrom : monotonicSeconds() - start)
    latencies.sort()
    let refused = refusals.sorted { $0.key < $1.key }.map { "\($0.key):\($0.value)" }.joined(separator: ",")
    Output.line(
        "bench-post mode=\(mode) connections=\(lanes.count) batch=\(batch) events=\(events) "
            + "seconds=\(String(format: "%.3f", elapsed)) events_per_s=\(Int(Double(events) / elapsed)) "
            + "requests=\(latencies.count) p50_ms=\(String(format: "%.2f", quantile(latencies, 0.5))) "
            + "p99_ms=\(String(format: "%.2f", quantile(latencies, 0.99))) refused=\(refused.isEmpty ? "none" : refused)"
    )
    return 0
}

/// One keep-alive connection posting batches of one (plant, stream) with consecutive seqs.
final class PostLane {
    let fd: Int32
    private let head: String
    private let plant: String
    private let stream: String
    private let epoch: String
    private let batch: Int
    private let limit: Int
    /// Real events cycled (drain), or an id prototype split around its number (agents).
    private let events: [[UInt8]]
    private let prototype: (prefix: [UInt8], suffix: [UInt8])?
    private var nextSeq: Int64 = 1
    private var sent = 0
    private var inFlight = 0
    private var sentAt = 0.0
    private var buffer: [UInt8] = []
    private var chunk = [UInt8](repeating: 0, count: 65_536)

    init(
        port: Int, plant: String, token: String, stream: String, epoch: String, batch: Int, limit: Int,
        events: [[UInt8]] = [], prototype: (prefix: [UInt8], suffix: [UInt8])? = nil
    ) throws {
        fd = try LoopbackSockets.connect(port: port)
        head =
            "POST /v1/batches HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer \(token)\r\n"
            + "Content-Type: application/json\r\nContent-Length: "
        self.plant = plant
        self.stream = stream
        self.epoch = epoch
        self.batch = batch
        self.limit = limit
        self.events = events
        self.prototype = prototype
    }

    var done: Bool { sent >= limit && inFlight == 0 }

    func sendNext() throws {
        let count = min(batch, limit - sent)
        guard count > 0 else { return }
        let backlog = [stream: StreamBacklog(pending: Int64(count), oldestAgeSeconds: 0)]
        var encoder = BatchEncoder(
            plant: plant, stream: stream, epoch: epoch, firstSeq: nextSeq, backlog: backlog,
            capacity: count * 256 + 512)
        for offset in 0..<count {
            let seq = nextSeq + Int64(offset)
            if let prototype {
                try encoder.append(
                    seq: seq, canonicalEvent: prototype.prefix + Array(String(seq).utf8) + prototype.suffix)
            } else {
                try encoder.append(seq: seq, canonicalEvent: events[(sent + offset) % events.count])
            }
        }
        let body = encoder.finish()
        let request = Array((head + "\(body.count)\r\n\r\n").utf8) + body
        nextSeq += Int64(count)
        sent += count
        inFlight = count
        sentAt = monotonicSeconds()
        guard LoopbackSockets.writeAll(fd, request) else {
            throw LoopbackSockets.Failure(description: "\(plant)/\(stream): the server closed the connection")
        }
    }

    /// Reads what is there; the answer once a whole response arrived.
    func receive() throws -> (status: Int, events: Int, seconds: Double)? {
        let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        if count < 0, errno == EINTR || errno == EAGAIN { return nil }
        guard count > 0 else { throw LoopbackSockets.Failure(description: "\(plant)/\(stream): connection closed") }
        buffer.append(contentsOf: chunk[..<count])
        guard let message = HTTPFraming.message(in: buffer) else { return nil }
        buffer.removeFirst(message.length)
        let answered = inFlight
        inFlight = 0
        if message.status != 200 {
            // Not stored (429/503 ask to slow down): send the same seqs again.
            nextSeq -= Int64(answered)
            sent -= answered
        }
        return (message.status, answered, monotonicSeconds() - sentAt)
    }
}

import Foundation
import PlantModel

#if canImport(Glibc)
    import Glibc
#endif

/// A plain-HTTP proxy on 127.0.0.1 between the hub and trytond that makes a hub crash land in the worst
/// place: for the planned JSON-RPC calls (the n-th `model.production.write`, …) it forwards the request,
/// waits until Tryton starts answering — Tryton commits before it answers, so the posting is in Tryton —
/// and then holds the answer back, so the hub has not moved its cursor. The test kills the hub then; the
/// next hub must recognise the posting instead of making it twice.
///
/// Everything else is relayed byte for byte. It parses only the requests (head, `Content-Length`, JSON-RPC
/// `method`): the hub sends one request at a time per connection, so once a request is through, the next
/// bytes from Tryton are its answer. One thread per connection; `stop()` ends them all.
final class TrytonHoldProxy: @unchecked Sendable {
    // @unchecked: `calls` and `heldCalls` are only touched under `lock`; each connection's
    // sockets and buffers belong to its thread.

    /// Hold the answer to the `occurrence`-th call (1-based, over all connections) of `method`.
    struct Hold: Hashable, CustomStringConvertible {
        var method: String
        var occurrence: Int
        var description: String { "\(method) #\(occurrence)" }
    }

    /// A call whose answer was held, with its request body (it names the event posted).
    struct HeldCall {
        var hold: Hold
        var body: JSONValue
    }

    private let server: LoopbackProxyServer
    private let upstreamPort: UInt16
    private let holds: Set<Hold>
    private let lock = NSLock()
    private var calls: [(method: String, body: String)] = []
    private var heldCalls: [HeldCall] = []

    init(upstreamPort: Int, holds: [Hold]) throws {
        self.upstreamPort = UInt16(upstreamPort)
        self.holds = Set(holds)
        server = try LoopbackProxyServer(name: "tryton-hold-proxy")
        server.start { [self] client in relay(client: client) }
    }

    var port: UInt16 { server.port }

    /// The calls whose answers were held so far (Tryton had answered), in order.
    var held: [HeldCall] { lock.withLock { heldCalls } }

    /// Every call relayed or held so far: method and request body.
    var relayed: [(method: String, body: String)] { lock.withLock { calls } }

    /// Closes the listener and every connection, and waits for the threads. Idempotent.
    func stop() { server.stop() }

    /// Relays one hub connection; ends when either side closes, at `stop()`, or after holding an answer
    /// once the hub's side is gone.
    private func relay(client: Int32) {
        defer { close(client) }
        guard let upstream = LoopbackProxyServer.connect(port: upstreamPort) else { return }
        defer { close(upstream) }
        var requests = RequestScanner()
        var holding: HeldCall?
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            var fds = [
                pollfd(fd: client, events: Int16(POLLIN), revents: 0),
                pollfd(fd: upstream, events: Int16(POLLIN), revents: 0), server.stopPollFD(),
            ]
            guard poll(&fds, 3, -1) >= 0 || errno == EINTR else { return }
            if fds[2].revents != 0 { return }
            if fds[1].revents != 0, let call = holding {
                // Tryton answers: it has committed. Keep the answer; wait for the hub to die (client EOF).
                lock.withLock { heldCalls.append(call) }
                waitForClose(client)
                return
            }
            if fds[0].revents != 0 {
                let count = chunk.withUnsafeMutableBytes { read(client, $0.baseAddress, $0.count) }
                if count < 0, errno == EINTR { continue }
                guard count > 0, LoopbackProxyServer.writeAll(upstream, chunk[..<count]) else { return }
                for request in requests.scan(chunk[..<count]) {
                    if let call = record(request) { holding = call }
                }
            } else if fds[1].revents != 0 {
                let count = chunk.withUnsafeMutableBytes { read(upstream, $0.baseAddress, $0.count) }
                if count < 0, errno == EINTR { continue }
                guard count > 0, LoopbackProxyServer.writeAll(client, chunk[..<count]) else { return }
            }
        }
    }

    /// Counts a complete request; the call to hold when it matches a planned hold.
    private func record(_ body: [UInt8]) -> HeldCall? {
        let parsed = (try? JSONParser.parse(body)) ?? .null
        let method = parsed.objectValue?["method"]?.stringValue ?? "?"
        return lock.withLock {
            calls.append((method, String(decoding: body, as: UTF8.self)))
            let hold = Hold(method: method, occurrence: calls.filter { $0.method == method }.count)
            return holds.contains(hold) ? HeldCall(hold: hold, body: parsed) : nil
        }
    }

    private func waitForClose(_ fd: Int32) {
        var byte: UInt8 = 0
        while true {
            var fds = [pollfd(fd: fd, events: Int16(POLLIN), revents: 0), server.stopPollFD()]
            guard poll(&fds, 2, -1) >= 0 || errno == EINTR else { return }
            if fds[1].revents != 0 { return }
            if fds[0].revents != 0, read(fd, &byte, 1) <= 0 { return }
        }
    }
}

/// Splits a client's byte stream into HTTP/1.1 requests (head up to CRLF CRLF, then `Content-Length`
/// bytes of body) and hands out each complete request's body.
private struct RequestScanner {
    private var buffer: [UInt8] = []

    mutating func scan(_ bytes: ArraySlice<UInt8>) -> [[UInt8]] {
        buffer.append(contentsOf: bytes)
        var bodies: [[UInt8]] = []
        let separator = Array("\r\n\r\n".utf8)
        while let end = buffer.indices.first(where: { buffer[$0...].starts(with: separator) }) {
            let head = String(decoding: buffer[..<end], as: UTF8.self).lowercased()
            let length =
                head.split(separator: "\r\n").first { $0.hasPrefix("content-length:") }
                .flatMap { Int($0.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) } ?? 0
            let bodyStart = end + separator.count
            guard buffer.count >= bodyStart + length else { break }
            bodies.append(Array(buffer[bodyStart..<(bodyStart + length)]))
            buffer.removeFirst(bodyStart + length)
        }
        return bodies
    }
}

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
    // @unchecked: `calls`, `heldCalls` and `stopped` are only touched under `lock`; each connection's
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

    let port: UInt16
    private let upstreamPort: UInt16
    private let holds: Set<Hold>
    private let listener: Int32
    private let stopPipe: [Int32]
    private let lock = NSLock()
    private var calls: [(method: String, body: String)] = []
    private var heldCalls: [HeldCall] = []
    private var stopped = false
    private let threads = DispatchGroup()

    init(upstreamPort: Int, holds: [Hold]) throws {
        self.upstreamPort = UInt16(upstreamPort)
        self.holds = Set(holds)
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard listener >= 0 else { throw ChildProcess.Failure(description: "proxy socket: \(errnoText())") }
        var address = loopback(port: 0)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(listener, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0, listen(listener, 64) == 0 else {
            close(listener)
            throw ChildProcess.Failure(description: "proxy bind/listen: \(errnoText())")
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &length) }
        }
        port = UInt16(bigEndian: address.sin_port)
        self.listener = listener
        var fds: [Int32] = [-1, -1]
        guard pipe(&fds) == 0 else {
            close(listener)
            throw ChildProcess.Failure(description: "proxy pipe: \(errnoText())")
        }
        for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        stopPipe = fds
        startThread { [self] in acceptLoop() }
    }

    /// The calls whose answers were held so far (Tryton had answered), in order.
    var held: [HeldCall] { lock.withLock { heldCalls } }

    /// Every call relayed or held so far: method and request body.
    var relayed: [(method: String, body: String)] { lock.withLock { calls } }

    /// Closes the listener and every connection, and waits for the threads. Idempotent.
    func stop() {
        let first: Bool = lock.withLock {
            defer { stopped = true }
            return !stopped
        }
        guard first else { return }
        var byte: UInt8 = 1
        _ = write(stopPipe[1], &byte, 1)  // every thread polls the pipe: one byte wakes them all
        _ = threads.wait(timeout: .now() + 10)
        close(stopPipe[0])
        close(stopPipe[1])
    }

    private func startThread(_ body: @escaping @Sendable () -> Void) {
        threads.enter()
        let thread = Thread { [threads] in
            body()
            threads.leave()
        }
        thread.name = "tryton-hold-proxy"
        thread.start()
    }

    private func acceptLoop() {
        defer { close(listener) }
        while true {
            var fds = [pollfd(fd: listener, events: Int16(POLLIN), revents: 0), stopPollFD()]
            guard poll(&fds, 2, -1) >= 0 || errno == EINTR else { return }
            if fds[1].revents != 0 { return }
            guard fds[0].revents != 0 else { continue }
            let client = accept(listener, nil, nil)
            guard client >= 0 else { continue }
            _ = fcntl(client, F_SETFD, FD_CLOEXEC)
            startThread { [self] in relay(client: client) }
        }
    }

    private func stopPollFD() -> pollfd { pollfd(fd: stopPipe[0], events: Int16(POLLIN), revents: 0) }

    /// Relays one hub connection; ends when either side closes, at `stop()`, or after holding an answer
    /// once the hub's side is gone.
    private func relay(client: Int32) {
        defer { close(client) }
        guard let server = connectLoopback(port: upstreamPort) else { return }
        defer { close(server) }
        var requests = RequestScanner()
        var holding: HeldCall?
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            var fds = [
                pollfd(fd: client, events: Int16(POLLIN), revents: 0),
                pollfd(fd: server, events: Int16(POLLIN), revents: 0), stopPollFD(),
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
                guard count > 0, writeAll(server, chunk[..<count]) else { return }
                for request in requests.scan(chunk[..<count]) {
                    if let call = record(request) { holding = call }
                }
            } else if fds[1].revents != 0 {
                let count = chunk.withUnsafeMutableBytes { read(server, $0.baseAddress, $0.count) }
                if count < 0, errno == EINTR { continue }
                guard count > 0, writeAll(client, chunk[..<count]) else { return }
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
            var fds = [pollfd(fd: fd, events: Int16(POLLIN), revents: 0), stopPollFD()]
            guard poll(&fds, 2, -1) >= 0 || errno == EINTR else { return }
            if fds[1].revents != 0 { return }
            if fds[0].revents != 0, read(fd, &byte, 1) <= 0 { return }
        }
    }

    private func connectLoopback(port: UInt16) -> Int32? {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return nil }
        var address = loopback(port: port)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else {
            close(fd)
            return nil
        }
        return fd
    }

    private func writeAll(_ fd: Int32, _ bytes: ArraySlice<UInt8>) -> Bool {
        var offset = bytes.startIndex
        while offset < bytes.endIndex {
            let written = bytes[offset...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if written < 0 {
                if errno == EINTR { continue }
                return false
            }
            offset += written
        }
        return true
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

private func loopback(port: UInt16) -> sockaddr_in {
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = port.bigEndian
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    return address
}

private func errnoText() -> String { String(cString: strerror(errno)) }

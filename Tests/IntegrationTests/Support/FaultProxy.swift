import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A TCP proxy on 127.0.0.1 between an agent and the hub that breaks connections on a schedule:
///
/// - **mid-request**: forwards the start of a request, then closes both sides (the hub never sees
///   the whole batch);
/// - **lost response**: forwards the whole request, waits until the hub starts answering (so the
///   hub has committed the batch), then closes both sides without relaying a byte of the answer.
///
/// The traffic is TLS, so the proxy follows record framing (`TLSRecordTracker`): a request begins
/// with the first application-data record the client sends after the server sent one, a response
/// with the first the server sends after the client sent one. TLS 1.3 encrypts the handshake's
/// tail and session tickets as application data too; they come in the first two server turns of a
/// connection, so responses are only cut from a connection's third server turn on.
///
/// Each connection gets its own thread (blocking sockets, `poll`); `stop()` ends them all.
final class FaultProxy: @unchecked Sendable {
    // @unchecked: the mutable state (`upstreamPort`, `counters`, `connections`) is only touched
    // under `lock`; file descriptors are owned by the thread that created them.

    /// Which requests and responses to break, counted across all connections (1-based).
    struct Plan: Sendable {
        /// Cut request n when `n % cutRequestEvery == cutRequestPhase`; 0 never cuts.
        var cutRequestEvery = 0
        var cutRequestPhase = 0
        /// Lose response n (of those eligible) when `n % loseResponseEvery == loseResponsePhase`.
        var loseResponseEvery = 0
        var loseResponsePhase = 0
    }

    struct Counters: Sendable, Equatable, CustomStringConvertible {
        var connections = 0
        /// Connections closed at once because the hub was down (or not yet known).
        var upstreamRefused = 0
        var requests = 0
        /// Server turns after a request (responses, roughly: a connection's first turn may be tickets).
        var answers = 0
        var cutMidRequest = 0
        var lostResponses = 0

        var description: String {
            "connections \(connections), upstream refused \(upstreamRefused), requests \(requests), answers "
                + "\(answers), cut mid-request \(cutMidRequest), responses lost \(lostResponses)"
        }
    }

    /// Records shorter than this are not requests or responses (e.g. an encrypted close_notify).
    private static let smallestMessageRecord = 64

    let port: UInt16
    private let plan: Plan
    private let listener: Int32
    private let stopPipe: [Int32]
    private let lock = NSLock()
    private var upstreamPort: UInt16?
    private var counts = Counters()
    private var stopped = false
    private let threads = DispatchGroup()

    init(plan: Plan) throws {
        self.plan = plan
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard listener >= 0 else { throw ChildProcess.Failure(description: "proxy socket: \(errnoText())") }
        var one: Int32 = 1
        setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var address = loopback(port: 0)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(listener, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0, listen(listener, 128) == 0 else {
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
        startThread(name: "fault-proxy-accept") { [self] in acceptLoop() }
    }

    /// Where connections go from now on; nil: accept and close at once (the hub is down).
    func setUpstream(port: UInt16?) { lock.withLock { upstreamPort = port } }

    var counters: Counters { lock.withLock { counts } }

    /// Closes the listener and every connection, and waits for the threads. Idempotent.
    func stop() {
        let first: Bool = lock.withLock {
            defer { stopped = true }
            return !stopped
        }
        guard first else { return }
        var byte: UInt8 = 1
        _ = write(stopPipe[1], &byte, 1)
        // Every thread polls the pipe's read end, so one byte wakes them all.
        _ = threads.wait(timeout: .now() + 10)
        close(stopPipe[0])
        close(stopPipe[1])
    }

    // MARK: Threads

    private func startThread(name: String, _ body: @escaping @Sendable () -> Void) {
        threads.enter()
        let thread = Thread { [threads] in
            body()
            threads.leave()
        }
        thread.name = name
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
            let upstream: UInt16? = lock.withLock {
                counts.connections += 1
                return upstreamPort
            }
            startThread(name: "fault-proxy-connection") { [self] in relay(client: client, upstreamPort: upstream) }
        }
    }

    private func stopPollFD() -> pollfd { pollfd(fd: stopPipe[0], events: Int16(POLLIN), revents: 0) }

    // MARK: One connection

    private enum Direction { case request, response }

    private func relay(client: Int32, upstreamPort: UInt16?) {
        defer { close(client) }
        guard let upstreamPort, let server = connectLoopback(port: upstreamPort) else {
            lock.withLock { counts.upstreamRefused += 1 }
            return
        }
        defer { close(server) }
        var one: Int32 = 1
        for fd in [client, server] { setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(4)) }

        var clientRecords = TLSRecordTracker()
        var serverRecords = TLSRecordTracker()
        var lastTurn: Direction?
        var serverTurns = 0
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            var fds = [
                pollfd(fd: client, events: Int16(POLLIN), revents: 0),
                pollfd(fd: server, events: Int16(POLLIN), revents: 0), stopPollFD(),
            ]
            guard poll(&fds, 3, -1) >= 0 || errno == EINTR else { return }
            if fds[2].revents != 0 { return }
            for (index, from, to) in [(0, client, server), (1, server, client)] where fds[index].revents != 0 {
                let count = chunk.withUnsafeMutableBytes { read(from, $0.baseAddress, $0.count) }
                if count < 0, errno == EINTR || errno == EAGAIN { continue }
                guard count > 0 else { return }  // either side closed or failed: end both
                let bytes = chunk[..<count]
                var forward = count
                var cut = false
                if from == client {
                    for start in clientRecords.scan(bytes) where isMessage(start) {
                        guard lastTurn != .request else { continue }
                        lastTurn = .request
                        if beginRequest() {
                            forward = min(count, start.headerEnd + max(1, start.length / 2))
                            cut = true
                            break
                        }
                    }
                } else {
                    for start in serverRecords.scan(bytes) where isMessage(start) {
                        guard lastTurn == .request else {
                            lastTurn = .response
                            continue
                        }
                        lastTurn = .response
                        serverTurns += 1
                        if beginResponse(eligible: serverTurns >= 3) {
                            forward = max(0, start.headerEnd - 5)
                            cut = true
                            break
                        }
                    }
                }
                guard writeAll(to, bytes.prefix(forward)), !cut else { return }
            }
        }
    }

    private func isMessage(_ start: TLSRecordTracker.RecordStart) -> Bool {
        start.contentType == TLSRecordTracker.applicationData && start.length >= Self.smallestMessageRecord
    }

    /// Counts a request; true when the plan cuts it.
    private func beginRequest() -> Bool {
        lock.withLock {
            counts.requests += 1
            guard plan.cutRequestEvery > 0, counts.requests % plan.cutRequestEvery == plan.cutRequestPhase else {
                return false
            }
            counts.cutMidRequest += 1
            return true
        }
    }

    /// Counts an answer; true when the plan loses it (only `eligible` ones: not possibly a ticket).
    private func beginResponse(eligible: Bool) -> Bool {
        lock.withLock {
            counts.answers += 1
            guard eligible, plan.loseResponseEvery > 0 else { return false }
            let eligibleIndex = counts.answers
            guard eligibleIndex % plan.loseResponseEvery == plan.loseResponsePhase else { return false }
            counts.lostResponses += 1
            return true
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

private func loopback(port: UInt16) -> sockaddr_in {
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = port.bigEndian
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    return address
}

private func errnoText() -> String { String(cString: strerror(errno)) }

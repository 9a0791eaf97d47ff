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

    private let server: LoopbackProxyServer
    private let plan: Plan
    private let lock = NSLock()
    private var upstreamPort: UInt16?
    private var counts = Counters()

    init(plan: Plan) throws {
        self.plan = plan
        server = try LoopbackProxyServer(name: "fault-proxy")
        server.start { [self] client in
            let upstream: UInt16? = lock.withLock {
                counts.connections += 1
                return upstreamPort
            }
            relay(client: client, upstreamPort: upstream)
        }
    }

    var port: UInt16 { server.port }

    /// Where connections go from now on; nil: accept and close at once (the hub is down).
    func setUpstream(port: UInt16?) { lock.withLock { upstreamPort = port } }

    var counters: Counters { lock.withLock { counts } }

    /// Closes the listener and every connection, and waits for the threads. Idempotent.
    func stop() { server.stop() }

    // MARK: One connection

    private enum Direction { case request, response }

    private func relay(client: Int32, upstreamPort: UInt16?) {
        defer { close(client) }
        guard let upstreamPort, let upstream = LoopbackProxyServer.connect(port: upstreamPort) else {
            lock.withLock { counts.upstreamRefused += 1 }
            return
        }
        defer { close(upstream) }
        var one: Int32 = 1
        for fd in [client, upstream] { setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(4)) }

        var clientRecords = TLSRecordTracker()
        var serverRecords = TLSRecordTracker()
        var lastTurn: Direction?
        var serverTurns = 0
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            var fds = [
                pollfd(fd: client, events: Int16(POLLIN), revents: 0),
                pollfd(fd: upstream, events: Int16(POLLIN), revents: 0), server.stopPollFD(),
            ]
            guard poll(&fds, 3, -1) >= 0 || errno == EINTR else { return }
            if fds[2].revents != 0 { return }
            for (index, from, to) in [(0, client, upstream), (1, upstream, client)] where fds[index].revents != 0 {
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
                guard LoopbackProxyServer.writeAll(to, bytes.prefix(forward)), !cut else { return }
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
}

import Glibc
import Synchronization

/// A listening TCP socket. `accept` blocks (with a timeout) on the thread that calls it; `stop()`
/// may be called from any thread and makes pending and future `accept` calls return nil.
///
/// Sendable: the descriptor is immutable after init and closed exactly once (guarded by a Mutex);
/// the stop signal is itself Sendable.
public final class TCPListener: Sendable {
    /// The port actually bound (the OS's choice when constructed with port 0).
    public let port: UInt16
    /// Numeric `host:port` we are bound to.
    public let localAddress: String
    private let fd: Int32
    private let stopSignal = StopSignal()
    private let closed = Mutex(false)

    /// Binds and listens. `host` nil or "*" = all IPv4 addresses; "::" = all IPv6 (and IPv4, dual
    /// stack); otherwise a literal or resolvable name. SO_REUSEADDR so a restart does not fail on
    /// TIME_WAIT sockets.
    public init(host: String? = "127.0.0.1", port: UInt16, backlog: Int32 = 511) throws(SocketError) {
        let bindHost = (host == nil || host == "*") ? "0.0.0.0" : host!
        let display = SocketAddress.display(host: bindHost, port: port)
        var lastError = SocketError(code: EADDRNOTAVAIL, operation: "bind", peer: display)
        for var address in try SocketAddress.resolve(host: bindHost, port: port, passive: true) {
            let fd = socket(address.family, Int32(SOCK_STREAM.rawValue | SOCK_CLOEXEC.rawValue), 0)
            if fd < 0 {
                lastError = .errno("socket", display)
                continue
            }
            var one: Int32 = 1
            _ = setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
            let rc = withUnsafePointer(to: &address.storage) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, address.length) }
            }
            if rc != 0 {
                lastError = .errno("bind", display)
                Glibc.close(fd)
                continue
            }
            if listen(fd, backlog) != 0 {
                lastError = .errno("listen", display)
                Glibc.close(fd)
                continue
            }
            var local = sockaddr_storage()
            var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
            _ = withUnsafeMutablePointer(to: &local) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
            }
            self.fd = fd
            self.port = SocketAddress.port(of: &local)
            self.localAddress = SocketAddress.describe(&local, length: length)
            return
        }
        throw lastError
    }

    deinit { closeSocket() }

    /// Accepts one connection. Returns nil when `timeout` passes or the listener was stopped.
    /// Transient failures (the peer gave up before we accepted, EMFILE) are thrown; the caller
    /// decides whether to keep accepting.
    public func accept(timeout: Duration? = nil) throws(SocketError) -> TCPConnection? {
        let deadline = Deadline(timeout)
        while true {
            if stopSignal.isFired { return nil }
            let wait = try waitForSocket(
                fd, events: Int16(POLLIN), deadline: deadline, stop: stopSignal,
                operation: "accept", peer: localAddress)
            switch wait {
            case .timedOut, .stopped: return nil
            case .ready: break
            }
            var peerAddress = sockaddr_storage()
            var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
            let client = withUnsafeMutablePointer(to: &peerAddress) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    Glibc.accept(fd, $0, &length)
                }
            }
            if client < 0 {
                switch errno {
                case EINTR, EAGAIN, EWOULDBLOCK, ECONNABORTED: continue
                default: throw .errno("accept", localAddress)
                }
            }
            _ = fcntl(client, F_SETFD, FD_CLOEXEC)
            let connection = TCPConnection(adopting: client, peer: SocketAddress.describe(&peerAddress, length: length))
            try? connection.setNoDelay(true)
            return connection
        }
    }

    /// Stops accepting: wakes a blocked `accept`, which then returns nil. The socket is closed by
    /// `close()` or deinit, on the accepting side, so no descriptor is closed under a poll.
    public func stop() { stopSignal.fire() }

    /// Stops and closes the listening socket; new connection attempts are refused from now on.
    public func close() {
        stopSignal.fire()
        closeSocket()
    }

    private func closeSocket() {
        closed.withLock { isClosed in
            if !isClosed {
                Glibc.close(fd)
                isClosed = true
            }
        }
    }
}

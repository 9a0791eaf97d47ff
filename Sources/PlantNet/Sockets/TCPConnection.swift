import Glibc

/// A connected TCP socket. Blocking API with poll-based timeouts; used from one thread at a time.
///
/// The descriptor itself is O_NONBLOCK so that no single syscall can outlive a timeout (a
/// "readable" poll can be followed by a recv that finds nothing, and TLS may need several
/// records): every call tries the syscall first and polls only when it would block.
public final class TCPConnection: ByteStream {
    public let peer: String
    public var readTimeout: Duration? = .seconds(30)
    public var writeTimeout: Duration? = .seconds(30)
    public var stop: StopSignal?
    private(set) var fd: Int32

    /// Adopts a connected descriptor (from `accept` or `connect`).
    init(adopting fd: Int32, peer: String) {
        self.fd = fd
        self.peer = peer
        let flags = fcntl(fd, F_GETFL)
        _ = fcntl(fd, F_SETFL, flags | O_NONBLOCK)
    }

    deinit { close() }

    /// Connects to `host:port`, trying each resolved address until one answers within `timeout`
    /// (overall). Sets TCP_NODELAY (request/response traffic must not wait for Nagle).
    public static func connect(
        host: String, port: UInt16, timeout: Duration? = .seconds(10), stop: StopSignal? = nil
    ) throws(SocketError) -> TCPConnection {
        let peer = SocketAddress.display(host: host, port: port)
        let deadline = Deadline(timeout)
        var lastError = SocketError(code: EHOSTUNREACH, operation: "connect", peer: peer)
        for var address in try SocketAddress.resolve(host: host, port: port, passive: false) {
            let fd = socket(
                address.family, Int32(SOCK_STREAM.rawValue | SOCK_CLOEXEC.rawValue | SOCK_NONBLOCK.rawValue), 0)
            if fd < 0 {
                lastError = .errno("socket", peer)
                continue
            }
            let rc = withUnsafePointer(to: &address.storage) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, address.length) }
            }
            if rc == 0 || errno == EINPROGRESS {
                do {
                    if rc != 0 { try finishConnect(fd, deadline: deadline, stop: stop, peer: peer) }
                    let connection = TCPConnection(adopting: fd, peer: peer)
                    try connection.setNoDelay(true)
                    return connection
                } catch {
                    lastError = error
                    Glibc.close(fd)
                    if error.isTimeout || error.isCancelled { throw error }
                    continue
                }
            }
            lastError = .errno("connect", peer)
            Glibc.close(fd)
        }
        throw lastError
    }

    private static func finishConnect(
        _ fd: Int32, deadline: Deadline, stop: StopSignal?, peer: String
    ) throws(SocketError) {
        switch try waitForSocket(
            fd, events: Int16(POLLOUT), deadline: deadline, stop: stop,
            operation: "connect", peer: peer)
        {
        case .timedOut: throw SocketError(code: ETIMEDOUT, operation: "connect", peer: peer)
        case .stopped: throw SocketError(code: ECANCELED, operation: "connect", peer: peer)
        case .ready: break
        }
        var soError: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        if getsockopt(fd, SOL_SOCKET, SO_ERROR, &soError, &length) != 0 { throw .errno("connect", peer) }
        if soError != 0 { throw SocketError(code: soError, operation: "connect", peer: peer) }
    }

    /// TCP_NODELAY: send small writes at once.
    public func setNoDelay(_ on: Bool) throws(SocketError) {
        try setOption(Int32(IPPROTO_TCP), TCP_NODELAY, on ? 1 : 0, "setsockopt(TCP_NODELAY)")
    }

    /// SO_KEEPALIVE, and with `idle` the silence before the first probe (TCP_KEEPIDLE), so a dead
    /// peer behind a NAT or a pulled cable is noticed on an otherwise idle connection.
    public func setKeepAlive(_ on: Bool, idle: Duration? = nil) throws(SocketError) {
        try setOption(SOL_SOCKET, SO_KEEPALIVE, on ? 1 : 0, "setsockopt(SO_KEEPALIVE)")
        if on, let idle {
            let seconds = Int32(clamping: max(1, idle.components.seconds))
            try setOption(Int32(IPPROTO_TCP), TCP_KEEPIDLE, seconds, "setsockopt(TCP_KEEPIDLE)")
            try setOption(Int32(IPPROTO_TCP), TCP_KEEPINTVL, max(1, seconds / 3), "setsockopt(TCP_KEEPINTVL)")
        }
    }

    private func setOption(_ level: Int32, _ name: Int32, _ value: Int32, _ what: String) throws(SocketError) {
        var value = value
        if setsockopt(fd, level, name, &value, socklen_t(MemoryLayout<Int32>.size)) != 0 {
            throw .errno(what, peer)
        }
    }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws(SocketError) -> Int {
        guard fd >= 0 else { throw SocketError(code: EBADF, operation: "read", peer: peer) }
        let deadline = Deadline(readTimeout)
        while true {
            let n = recv(fd, buffer.baseAddress, buffer.count, 0)
            if n >= 0 { return n }
            switch errno {
            case EINTR: continue
            case EAGAIN, EWOULDBLOCK: try wait(Int16(POLLIN), deadline, "read")
            default: throw .errno("read", peer)
            }
        }
    }

    public func write(_ bytes: UnsafeRawBufferPointer) throws(SocketError) {
        guard fd >= 0 else { throw SocketError(code: EBADF, operation: "write", peer: peer) }
        var offset = 0
        var deadline = Deadline(writeTimeout)
        while offset < bytes.count {
            // MSG_NOSIGNAL: a peer that went away gives EPIPE here instead of killing the process.
            let n = send(fd, bytes.baseAddress! + offset, bytes.count - offset, Int32(MSG_NOSIGNAL))
            if n >= 0 {
                offset += n
                deadline = Deadline(writeTimeout)  // the timeout bounds a stall, not the whole write
                continue
            }
            switch errno {
            case EINTR: continue
            case EAGAIN, EWOULDBLOCK: try wait(Int16(POLLOUT), deadline, "write")
            default: throw .errno("write", peer)
            }
        }
    }

    private func wait(_ events: Int16, _ deadline: Deadline, _ operation: String) throws(SocketError) {
        switch try waitForSocket(fd, events: events, deadline: deadline, stop: stop, operation: operation, peer: peer) {
        case .ready: return
        case .timedOut: throw SocketError(code: ETIMEDOUT, operation: operation, peer: peer)
        case .stopped: throw SocketError(code: ECANCELED, operation: operation, peer: peer)
        }
    }

    /// Waits for the socket to be readable for up to `timeout` (used between TLS records too).
    func waitReadable(timeout deadline: Deadline, operation: String) throws(SocketError) {
        try wait(Int16(POLLIN), deadline, operation)
    }

    func waitWritable(timeout deadline: Deadline, operation: String) throws(SocketError) {
        try wait(Int16(POLLOUT), deadline, operation)
    }

    public func waitForInput(timeout: Duration?, unless signal: StopSignal?) throws(SocketError) -> SocketWait {
        try waitForSocket(
            fd, events: Int16(POLLIN), deadline: Deadline(timeout), stop: signal, stop2: stop,
            operation: "read", peer: peer)
    }

    /// Half-close: tells the peer we will send no more (it reads end of stream).
    public func shutdownWrite() {
        if fd >= 0 { _ = shutdown(fd, Int32(SHUT_WR)) }
    }

    public func closeLingering(timeout: Duration) {
        guard fd >= 0 else { return }
        shutdownWrite()
        discardInput(until: Deadline(timeout))
        close()
    }

    /// Reads and drops input until end of stream, an error, the deadline or 1 MiB.
    func discardInput(until deadline: Deadline) {
        var scratch = [UInt8](repeating: 0, count: 16 * 1024)
        var total = 0
        while total < 1 << 20 {
            let n = recv(fd, &scratch, scratch.count, 0)
            if n > 0 {
                total += n
                continue
            }
            if n == 0 || (errno != EAGAIN && errno != EINTR) { return }
            guard
                (try? waitForSocket(
                    fd, events: Int16(POLLIN), deadline: deadline, stop: stop,
                    operation: "read", peer: peer)) == .ready
            else { return }
        }
    }

    public func close() {
        if fd >= 0 {
            Glibc.close(fd)
            fd = -1
        }
    }
}

import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The listening half of the test proxies (`FaultProxy`, `TrytonHoldProxy`): a listener on
/// 127.0.0.1, one thread per accepted connection, and a stop pipe that every thread polls, so that
/// `stop()` wakes them all with one byte and waits for them.
final class LoopbackProxyServer: @unchecked Sendable {
    // @unchecked: `stopped` is only touched under `lock`; the descriptors are set once in `init`.
    let port: UInt16
    private let name: String
    private let listener: Int32
    private let stopPipe: [Int32]
    private let lock = NSLock()
    private var stopped = false
    private let threads = DispatchGroup()

    init(name: String) throws {
        self.name = name
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard listener >= 0 else { throw ChildProcess.Failure(description: "\(name) socket: \(Self.errnoText())") }
        var one: Int32 = 1
        setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var address = Self.loopback(port: 0)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(listener, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0, listen(listener, 128) == 0 else {
            close(listener)
            throw ChildProcess.Failure(description: "\(name) bind/listen: \(Self.errnoText())")
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
            throw ChildProcess.Failure(description: "\(name) pipe: \(Self.errnoText())")
        }
        for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        stopPipe = fds
    }

    /// Starts accepting; each connection runs `relay(client)` on its own thread, which closes `client`.
    func start(_ relay: @escaping @Sendable (Int32) -> Void) {
        startThread { [self] in
            defer { close(listener) }
            while true {
                var fds = [pollfd(fd: listener, events: Int16(POLLIN), revents: 0), stopPollFD()]
                guard poll(&fds, 2, -1) >= 0 || errno == EINTR else { return }
                if fds[1].revents != 0 { return }
                guard fds[0].revents != 0 else { continue }
                let client = accept(listener, nil, nil)
                guard client >= 0 else { continue }
                _ = fcntl(client, F_SETFD, FD_CLOEXEC)
                startThread { relay(client) }
            }
        }
    }

    /// Closes the listener and every connection, and waits for the threads. Idempotent.
    func stop() {
        let first: Bool = lock.withLock {
            defer { stopped = true }
            return !stopped
        }
        guard first else { return }
        var byte: UInt8 = 1
        _ = write(stopPipe[1], &byte, 1)  // every thread polls the pipe's read end: one byte wakes them all
        _ = threads.wait(timeout: .now() + 10)
        close(stopPipe[0])
        close(stopPipe[1])
    }

    /// Poll this beside a connection's sockets: readable once `stop()` was called.
    func stopPollFD() -> pollfd { pollfd(fd: stopPipe[0], events: Int16(POLLIN), revents: 0) }

    private func startThread(_ body: @escaping @Sendable () -> Void) {
        threads.enter()
        let thread = Thread { [threads] in
            body()
            threads.leave()
        }
        thread.name = name
        thread.start()
    }

    // MARK: Sockets

    /// A blocking connection to 127.0.0.1:`port`, or nil.
    static func connect(port: UInt16) -> Int32? {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return nil }
        var address = loopback(port: port)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else {
            close(fd)
            return nil
        }
        return fd
    }

    /// Writes all of `bytes`; false when the peer is gone.
    static func writeAll(_ fd: Int32, _ bytes: ArraySlice<UInt8>) -> Bool {
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

    private static func loopback(port: UInt16) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return address
    }

    private static func errnoText() -> String { String(cString: strerror(errno)) }
}

import Glibc
import Testing

/// Plain loopback sockets standing in for gateways (the test target does not depend on PlantNet).
enum TelemetryFeedTestSockets {
    struct Failure: Error, CustomStringConvertible {
        let what: String
        let code: Int32
        var description: String { "\(what): errno \(code)" }
    }

    static func ipv4(port: UInt16) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return address
    }

    /// A gateway that waits for the feed to dial (connect mode). `close()` and `reopen()` simulate the
    /// gateway going down and coming back on the same port.
    final class Listener {
        private(set) var fd: Int32 = -1
        private(set) var port: UInt16 = 0

        init(port: UInt16 = 0) throws {
            try open(port: port)
        }

        deinit { close() }

        private func open(port: UInt16) throws {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue | SOCK_CLOEXEC.rawValue), 0)
            guard fd >= 0 else { throw Failure(what: "socket", code: errno) }
            var one: Int32 = 1
            setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
            var address = ipv4(port: port)
            let bound = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
            guard bound == 0, listen(fd, 16) == 0 else {
                let code = errno
                Glibc.close(fd)
                throw Failure(what: "bind/listen", code: code)
            }
            var local = sockaddr_in()
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            _ = withUnsafeMutablePointer(to: &local) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
            }
            self.fd = fd
            self.port = UInt16(bigEndian: local.sin_port)
        }

        /// The next connection, or nil after `timeout`.
        func accept(timeout: Duration = .seconds(10)) -> Peer? {
            var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let milliseconds = Int32(timeout.components.seconds * 1000)
            guard poll(&poller, 1, milliseconds) == 1 else { return nil }
            let client = Glibc.accept(fd, nil, nil)
            return client >= 0 ? Peer(fd: client) : nil
        }

        func close() {
            if fd >= 0 {
                Glibc.close(fd)
                fd = -1
            }
        }

        /// Listens again on the same port.
        func reopen() throws {
            close()
            try open(port: port)
        }
    }

    /// One end of a connection: a gateway sending to the feed.
    final class Peer {
        private(set) var fd: Int32

        init(fd: Int32) {
            self.fd = fd
        }

        /// Dials the feed listening on `port`.
        static func connect(port: UInt16) throws -> Peer {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue | SOCK_CLOEXEC.rawValue), 0)
            guard fd >= 0 else { throw Failure(what: "socket", code: errno) }
            var address = ipv4(port: port)
            let rc = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
            guard rc == 0 else {
                let code = errno
                Glibc.close(fd)
                throw Failure(what: "connect", code: code)
            }
            return Peer(fd: fd)
        }

        deinit { close() }

        /// `127.0.0.1:port` of this end, as the feed names its peer.
        var localAddress: String {
            var local = sockaddr_in()
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            _ = withUnsafeMutablePointer(to: &local) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
            }
            return "127.0.0.1:\(UInt16(bigEndian: local.sin_port))"
        }

        func send(_ text: String) { send(Array(text.utf8)) }

        func send(_ bytes: [UInt8]) {
            var offset = 0
            while offset < bytes.count {
                let sent = bytes[offset...].withUnsafeBytes {
                    Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
                }
                if sent < 0 && errno == EINTR { continue }
                guard sent > 0 else {
                    Issue.record("send failed: errno \(errno)")
                    return
                }
                offset += sent
            }
        }

        /// True when the other side closed the connection within `timeout` (reads end of stream).
        func sawClose(timeout: Duration = .seconds(10)) -> Bool {
            var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&poller, 1, Int32(timeout.components.seconds * 1000)) == 1 else { return false }
            var byte: UInt8 = 0
            return recv(fd, &byte, 1, 0) <= 0
        }

        func close() {
            if fd >= 0 {
                Glibc.close(fd)
                fd = -1
            }
        }
    }
}

import Foundation

#if canImport(Glibc)
    import Glibc
#else
    import Darwin
#endif

/// Plain TCP on 127.0.0.1 for the sync benchmarks' load generators and baseline sink (the testkit
/// links no TLS or HTTP library of ours: these are deliberately minimal).
enum LoopbackSockets {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    static func connect(port: Int) throws -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure(description: "socket: \(errnoText())") }
        var address = loopback(port: port)
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard result == 0 else {
            close(fd)
            throw Failure(description: "connect 127.0.0.1:\(port): \(errnoText())")
        }
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(4))
        return fd
    }

    /// A listening socket on 127.0.0.1 (port 0: the system chooses) and its port.
    static func listen(port: Int = 0) throws -> (fd: Int32, port: Int) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure(description: "socket: \(errnoText())") }
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(4))
        var address = loopback(port: port)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0, Glibc.listen(fd, 1024) == 0 else {
            close(fd)
            throw Failure(description: "bind/listen: \(errnoText())")
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return (fd, Int(UInt16(bigEndian: address.sin_port)))
    }

    /// Writes everything (blocking socket); false when the peer is gone.
    static func writeAll(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes {
                send(fd, $0.baseAddress! + offset, $0.count - offset, Int32(MSG_NOSIGNAL))
            }
            if written < 0 {
                if errno == EINTR { continue }
                return false
            }
            offset += written
        }
        return true
    }

    private static func loopback(port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return address
    }
}

func errnoText() -> String { String(cString: strerror(errno)) }

/// Finds where an HTTP/1.1 message with a Content-Length ends in `buffer`: the head's end and the
/// whole message's length, or nil while incomplete. Also returns a response's status code.
enum HTTPFraming {
    static func message(in buffer: [UInt8], from start: Int = 0) -> (length: Int, status: Int)? {
        guard buffer.count - start >= 4 else { return nil }
        var index = start
        let last = buffer.count - 4
        while index <= last {
            if buffer[index] == 13, buffer[index + 1] == 10, buffer[index + 2] == 13, buffer[index + 3] == 10 { break }
            index += 1
        }
        guard index <= last else { return nil }
        let headEnd = index + 4
        let head = buffer[start..<index]
        var contentLength = 0
        var status = 0
        var lineStart = head.startIndex
        var first = true
        for position in head.indices where head[position] == 10 || position == head.endIndex - 1 {
            let line = String(decoding: head[lineStart...position], as: UTF8.self)
                .trimmingCharacters(in: [" ", "\r", "\n"])
            if first {
                let parts = line.split(separator: " ")
                if parts.count > 1, let code = Int(parts[1]) { status = code }
                first = false
            } else if line.lowercased().hasPrefix("content-length:") {
                contentLength = Int(line.dropFirst(15).trimmingCharacters(in: [" "])) ?? 0
            }
            lineStart = position + 1
        }
        let total = headEnd - start + contentLength
        guard buffer.count - start >= total else { return nil }
        return (total, status)
    }
}

/// Monotonic nanoseconds.
func monotonicNanoseconds() -> UInt64 {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    return UInt64(now.tv_sec) * 1_000_000_000 + UInt64(now.tv_nsec)
}

/// The q-quantile (0…1) of sorted values.
func quantile(_ sorted: [Double], _ q: Double) -> Double {
    guard !sorted.isEmpty else { return 0 }
    let index = min(sorted.count - 1, max(0, Int((q * Double(sorted.count)).rounded(.up)) - 1))
    return sorted[index]
}

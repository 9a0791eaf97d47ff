import Foundation
import Glibc
import PlantModel
import Testing

@testable import PlantCapture

/// Helpers for the scanner input tests, in one namespace so other tests in this target cannot collide with them.
enum ScannerTestSupport {
    /// What a `RecordingSink` has seen so far.
    struct Seen {
        var events: [Event] = []
        var checkpoints: [String: [UInt8]] = [:]
        var problems: [InputProblem] = []
        /// `level: message`, in order.
        var logs: [String] = []

        var eventIDs: [String] { events.map(\.id.rawValue) }
        func checkpoint(_ key: String) -> String? { checkpoints[key].map { String(decoding: $0, as: UTF8.self) } }
        func logs(containing text: String) -> [String] { logs.filter { $0.contains(text) } }
    }

    /// A `CaptureSink` double: journals into memory (an id seen before is a duplicate, as in the journal), records
    /// problems and log lines, and wakes `wait(until:)` on every change. Lock-protected (NSCondition), hence
    /// `@unchecked Sendable`.
    final class RecordingSink: CaptureSink, @unchecked Sendable {
        private let condition = NSCondition()
        private var seen = Seen()
        private var refusals: Int

        /// - Parameters:
        ///   - checkpoints: what an earlier run journaled (a restart).
        ///   - refusing: how many journal calls fail before the journal takes events again.
        init(checkpoints: [String: [UInt8]] = [:], refusing: Int = 0) {
            seen.checkpoints = checkpoints
            refusals = refusing
        }

        struct JournalRefused: Error, CustomStringConvertible {
            var description: String { "disk budget reached" }
        }

        func journal(_ events: [Event], checkpoints: [String: [UInt8]]) throws -> [JournalOutcome] {
            try change { seen in
                if refusals > 0 {
                    refusals -= 1
                    throw JournalRefused()
                }
                let outcomes = events.map { event -> JournalOutcome in
                    if seen.events.contains(where: { $0.id == event.id }) { return .duplicate }
                    seen.events.append(event)
                    return .appended(seq: Int64(seen.events.count))
                }
                seen.checkpoints.merge(checkpoints) { $1 }
                return outcomes
            }
        }

        func deliver(_ samples: [TelemetrySample], from input: String) {}

        func quarantine(_ problem: InputProblem) {
            change { $0.problems.append(problem) }
        }

        func checkpoint(_ key: String) -> [UInt8]? {
            condition.lock()
            defer { condition.unlock() }
            return seen.checkpoints[key]
        }

        func log(_ level: LogLevel, _ message: String, input: String) {
            change { $0.logs.append("\(level.rawValue): \(message)") }
        }

        var snapshot: Seen {
            condition.lock()
            defer { condition.unlock() }
            return seen
        }

        /// Waits until `done` holds (true) or `timeout` passes (false: the test then fails on its expectations).
        @discardableResult
        func wait(timeout: Duration = .seconds(10), until done: (Seen) -> Bool) -> Bool {
            let (seconds, attoseconds) = timeout.components
            let deadline = Date(timeIntervalSinceNow: Double(seconds) + Double(attoseconds) * 1e-18)
            condition.lock()
            defer { condition.unlock() }
            while !done(seen) {
                if !condition.wait(until: deadline) { return done(seen) }
            }
            return true
        }

        private func change<Result>(_ body: (inout Seen) throws -> Result) rethrows -> Result {
            condition.lock()
            defer {
                condition.broadcast()
                condition.unlock()
            }
            return try body(&seen)
        }
    }

    static let time = Timestamp(millisecondsSinceEpoch: 1_795_000_000_000)

    /// Raw sockets on 127.0.0.1 playing the scanner's side; every wait is bounded.
    enum Socket {
        struct Failure: Error { let what: String; let errno: Int32 }

        /// A listening socket on an OS-chosen port.
        static func listen() throws -> (descriptor: Int32, port: Int) {
            let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue | SOCK_CLOEXEC.rawValue), 0)
            guard descriptor >= 0 else { throw Failure(what: "socket", errno: errno) }
            var address = loopback(port: 0)
            let bound = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
            guard bound == 0, Glibc.listen(descriptor, 8) == 0 else { throw Failure(what: "bind", errno: errno) }
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            _ = withUnsafeMutablePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
            }
            return (descriptor, Int(UInt16(bigEndian: address.sin_port)))
        }

        /// The next connection on `listener`, waiting at most 10 s.
        static func accept(_ listener: Int32) throws -> Int32 {
            guard readable(listener, timeout: .seconds(10)) else { throw Failure(what: "accept timed out", errno: 0) }
            let connection = Glibc.accept(listener, nil, nil)
            guard connection >= 0 else { throw Failure(what: "accept", errno: errno) }
            return connection
        }

        static func connect(port: Int) throws -> Int32 {
            let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue | SOCK_CLOEXEC.rawValue), 0)
            var address = loopback(port: port)
            let result = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    Glibc.connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
            guard result == 0 else { throw Failure(what: "connect", errno: errno) }
            return descriptor
        }

        static func send(_ descriptor: Int32, _ text: String) { send(descriptor, Array(text.utf8)) }

        static func send(_ descriptor: Int32, _ bytes: [UInt8]) {
            var offset = 0
            while offset < bytes.count {
                let sent = bytes[offset...].withUnsafeBytes {
                    Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
                }
                if sent < 0 && errno == EINTR { continue }
                guard sent > 0 else { return }
                offset += sent
            }
        }

        /// True when the peer closes `descriptor` within 10 s (reads and drops what arrives).
        static func closedByPeer(_ descriptor: Int32) -> Bool {
            var buffer = [UInt8](repeating: 0, count: 256)
            while readable(descriptor, timeout: .seconds(10)) {
                let count = recv(descriptor, &buffer, buffer.count, 0)
                if count <= 0 { return true }
            }
            return false
        }

        static func close(_ descriptor: Int32) { _ = Glibc.close(descriptor) }

        private static func readable(_ descriptor: Int32, timeout: Duration) -> Bool {
            var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            return poll(&poller, 1, Int32(timeout.components.seconds * 1000)) == 1
        }

        private static func loopback(port: Int) -> sockaddr_in {
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = UInt16(port).bigEndian
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            return address
        }
    }
}

// A serial tty opened for a scanner: raw mode, exclusive, poll-based reads with a timeout, and a typed
// "gone" when the device disappears (USB unplugged). Linux only (Glibc termios).
#if canImport(Glibc)
    import Glibc

    /// Why a serial device could not be opened.
    public enum SerialPortError: Error, Sendable, Hashable, CustomStringConvertible {
        case invalidSettings(path: String, problems: [String])
        /// No such device (not plugged in, or the path is wrong).
        case deviceAbsent(path: String)
        case permissionDenied(path: String)
        /// Another process holds the device exclusively.
        case busy(path: String)
        case notATerminal(path: String)
        /// The device accepted the attributes but reports different ones (e.g. a pseudo-terminal keeps 8 data bits).
        case settingRefused(path: String, setting: String, requested: String, actual: String)
        case system(path: String, operation: String, errno: Int32)

        public var message: String {
            switch self {
            case .invalidSettings(let path, let problems):
                return "\(path): invalid serial settings: " + problems.joined(separator: "; ")
            case .deviceAbsent(let path):
                return "\(path): no such device (is the scanner plugged in? prefer a /dev/serial/by-id/ path)"
            case .permissionDenied(let path):
                return "\(path): permission denied (the service user needs the device's group, usually dialout)"
            case .busy(let path):
                return "\(path): device busy, another process has it open exclusively"
            case .notATerminal(let path):
                return "\(path): not a serial device (tty)"
            case .settingRefused(let path, let setting, let requested, let actual):
                return "\(path): the device did not take \(setting) \(requested), it reports \(actual)"
            case .system(let path, let operation, let errno):
                return "\(path): \(operation) failed: \(String(cString: strerror(errno))) (errno \(errno))"
            }
        }

        public var description: String { message }
    }

    /// The device behind an open port went away.
    public struct SerialDeviceGone: Sendable, Hashable, CustomStringConvertible {
        public enum Cause: Sendable, Hashable {
            /// A read hit end of file: the line hung up (USB unplugged, pseudo-terminal master closed).
            case hangUp
            /// A read failed with EIO, ENXIO, ENODEV or another error.
            case readFailed(errno: Int32)
            /// The device path no longer exists.
            case pathRemoved
            /// The path now names another device than the one open.
            case pathReplaced
            /// The port was closed locally.
            case closed
        }

        public let path: String
        public let cause: Cause

        public init(path: String, cause: Cause) {
            self.path = path
            self.cause = cause
        }

        public var message: String {
            switch cause {
            case .hangUp: return "\(path): device disconnected (line hung up)"
            case .readFailed(let errno):
                return "\(path): device disconnected (read failed: \(String(cString: strerror(errno))), errno \(errno))"
            case .pathRemoved: return "\(path): device disconnected (path removed)"
            case .pathReplaced: return "\(path): device disconnected (path now names another device)"
            case .closed: return "\(path): port closed"
            }
        }

        public var description: String { message }
    }

    /// The outcome of one read.
    public enum SerialReadResult: Sendable, Hashable {
        case bytes([UInt8])
        case timedOut
        case gone(SerialDeviceGone)
    }

    /// An open serial device. Blocking: use it from one dedicated thread (not Sendable on purpose).
    public final class SerialPort {
        public let path: String
        public let settings: SerialPortSettings
        /// The open descriptor, -1 once closed.
        private(set) var descriptor: Int32
        /// The device number opened, to notice the path being taken by another device.
        private let device: dev_t
        private var buffer = [UInt8](repeating: 0, count: 4096)

        private init(path: String, settings: SerialPortSettings, descriptor: Int32, device: dev_t) {
            self.path = path
            self.settings = settings
            self.descriptor = descriptor
            self.device = device
        }

        deinit { close() }

        /// Opens `path` (a /dev/serial/by-id/… link is best: it survives re-plugging into another port) in raw mode
        /// with `settings`, exclusively (TIOCEXCL), and checks the device took every setting.
        public static func open(path: String, settings: SerialPortSettings) throws(SerialPortError) -> SerialPort {
            let problems = settings.problems()
            guard problems.isEmpty else { throw .invalidSettings(path: path, problems: problems) }
            // O_NONBLOCK: opening must not wait for carrier; reads are driven by poll().
            let descriptor = Glibc.open(path, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC)
            guard descriptor >= 0 else { throw openError(path: path, errno: errno) }
            var keep = false
            defer { if !keep { _ = Glibc.close(descriptor) } }

            guard isatty(descriptor) == 1 else { throw .notATerminal(path: path) }
            guard ioctl(descriptor, UInt(TIOCEXCL)) == 0 else {
                throw .system(path: path, operation: "TIOCEXCL", errno: errno)
            }
            var attributes = termios()
            guard tcgetattr(descriptor, &attributes) == 0 else {
                throw .system(path: path, operation: "tcgetattr", errno: errno)
            }
            settings.apply(to: &attributes)
            guard tcsetattr(descriptor, TCSANOW, &attributes) == 0 else {
                throw .system(path: path, operation: "tcsetattr", errno: errno)
            }
            _ = tcflush(descriptor, TCIFLUSH)  // bytes from before the line was configured are garbage
            // tcsetattr succeeds if any one change was made: read back and compare.
            var actual = termios()
            guard tcgetattr(descriptor, &actual) == 0 else {
                throw .system(path: path, operation: "tcgetattr", errno: errno)
            }
            if let difference = settings.firstDifference(from: actual) {
                throw .settingRefused(
                    path: path, setting: difference.setting, requested: difference.requested,
                    actual: difference.actual)
            }
            var status = stat()
            guard fstat(descriptor, &status) == 0 else { throw .system(path: path, operation: "fstat", errno: errno) }
            keep = true
            return SerialPort(path: path, settings: settings, descriptor: descriptor, device: status.st_rdev)
        }

        private static func openError(path: String, errno: Int32) -> SerialPortError {
            switch errno {
            case ENOENT, ENXIO, ENODEV: return .deviceAbsent(path: path)
            case EACCES, EPERM: return .permissionDenied(path: path)
            case EBUSY: return .busy(path: path)
            case ENOTTY: return .notATerminal(path: path)
            default: return .system(path: path, operation: "open", errno: errno)
            }
        }

        /// Waits up to `timeout` for bytes. Bytes still buffered when the device goes are returned first; the
        /// next read reports `.gone`.
        public func read(timeout: Duration) -> SerialReadResult {
            let clock = ContinuousClock()
            let deadline = clock.now.advanced(by: timeout)
            while descriptor >= 0 {
                var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
                let ready = poll(&poller, 1, Self.milliseconds(until: deadline, clock: clock))
                if ready < 0 {
                    if errno == EINTR { continue }
                    return .gone(SerialDeviceGone(path: path, cause: .readFailed(errno: errno)))
                }
                if ready == 0 {
                    if let vanished = pathVanished() { return .gone(vanished) }
                    if clock.now >= deadline { return .timedOut }
                    continue
                }
                if poller.revents & Int16(POLLNVAL) != 0 { return .gone(SerialDeviceGone(path: path, cause: .closed)) }
                let count = buffer.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
                if count > 0 { return .bytes(Array(buffer[0..<count])) }
                if count == 0 { return .gone(SerialDeviceGone(path: path, cause: .hangUp)) }
                let failure = errno
                if failure == EAGAIN || failure == EINTR { continue }
                return .gone(SerialDeviceGone(path: path, cause: .readFailed(errno: failure)))
            }
            return .gone(SerialDeviceGone(path: path, cause: .closed))
        }

        /// Closes the device; later reads report `.gone(.closed)`. Idempotent.
        public func close() {
            guard descriptor >= 0 else { return }
            _ = Glibc.close(descriptor)
            descriptor = -1
        }

        /// Some drivers keep a dead descriptor quiet; the path tells: removed, or now another device.
        private func pathVanished() -> SerialDeviceGone? {
            var status = stat()
            if stat(path, &status) != 0 {
                return errno == ENOENT || errno == ENOTDIR ? SerialDeviceGone(path: path, cause: .pathRemoved) : nil
            }
            return status.st_rdev == device ? nil : SerialDeviceGone(path: path, cause: .pathReplaced)
        }

        /// Poll timeout in whole milliseconds, rounded up so a short remainder does not spin.
        static func milliseconds(until deadline: ContinuousClock.Instant, clock: ContinuousClock) -> Int32 {
            let remaining = clock.now.duration(to: deadline)
            if remaining <= .zero { return 0 }
            let (seconds, attoseconds) = remaining.components
            let milliseconds = seconds * 1000 + (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000
            return Int32(clamping: milliseconds)
        }
    }
#endif

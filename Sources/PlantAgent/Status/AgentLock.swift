#if canImport(Glibc)
    import Glibc
#else
    import Darwin
#endif

/// `<data_dir>/agent.lock`: held (flock, exclusive) by the process that writes the journal.
///
/// The journal's writer caches each stream's last seq, so two writing processes would collide:
/// a second agent on the same data directory is refused at start, and `plantsync dead-letters
/// retry` writes the journal itself only while it holds the lock — otherwise it asks the running
/// agent through its status endpoint. The file holds the holder's pid, for messages.
/// The kernel drops the lock when the process dies, even by `kill -9`.
public final class AgentLock: Sendable {
    public let path: String
    private let descriptor: Int32

    private init(path: String, descriptor: Int32) {
        self.path = path
        self.descriptor = descriptor
    }

    deinit { Glibc.close(descriptor) }

    public static func path(dataDirectory: String) -> String {
        (dataDirectory.hasSuffix("/") ? dataDirectory : dataDirectory + "/") + "agent.lock"
    }

    /// Why the lock could not be taken.
    public enum Failure: Error, Sendable, Equatable, CustomStringConvertible {
        /// Another process holds it; its pid as written in the file (nil when unreadable).
        case held(path: String, pid: Int32?)
        case cannotOpen(path: String, reason: String)

        public var description: String {
            switch self {
            case let .held(path, pid):
                "\(path) is held by another process\(pid.map { " (pid \($0))" } ?? ""): an agent is running "
                    + "with this data directory"
            case let .cannotOpen(path, reason): "\(path): cannot open: \(reason)"
            }
        }
    }

    /// Takes the lock without waiting and writes our pid into the file.
    public static func acquire(dataDirectory: String) throws(Failure) -> AgentLock {
        let path = path(dataDirectory: dataDirectory)
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o640)
        guard fd >= 0 else { throw .cannotOpen(path: path, reason: String(cString: strerror(errno))) }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let pid = readPID(fd)
            Glibc.close(fd)
            throw .held(path: path, pid: pid)
        }
        // A tool run as root must not leave a root-owned lock the agent's user cannot open.
        var directory = stat()
        if geteuid() == 0, stat(dataDirectory, &directory) == 0 { _ = fchown(fd, directory.st_uid, directory.st_gid) }
        let text = Array("\(getpid())\n".utf8)
        _ = ftruncate(fd, 0)
        _ = text.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
        return AgentLock(path: path, descriptor: fd)
    }

    /// Whether an agent holds the lock of `dataDirectory`.
    public enum Holder: Sendable, Equatable {
        case nobody
        /// An agent runs; its pid as written in the file (nil when unreadable).
        case agent(pid: Int32?)
    }

    /// Who holds the lock now. Takes it for no longer than the probe.
    public static func holder(dataDirectory: String) -> Holder {
        let path = path(dataDirectory: dataDirectory)
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return .nobody }
        defer { Glibc.close(fd) }
        if flock(fd, LOCK_SH | LOCK_NB) == 0 {
            _ = flock(fd, LOCK_UN)
            return .nobody
        }
        return .agent(pid: readPID(fd))
    }

    /// Releases the lock (also done when the object goes away).
    public func release() {
        _ = flock(descriptor, LOCK_UN)
    }

    private static func readPID(_ fd: Int32) -> Int32? {
        var buffer = [UInt8](repeating: 0, count: 32)
        let count = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, 0) }
        guard count > 0 else { return nil }
        return Int32(String(decoding: buffer[..<count], as: UTF8.self).trimmingWhitespace())
    }
}

extension String {
    fileprivate func trimmingWhitespace() -> String {
        String(unicodeScalars.filter { !$0.properties.isWhitespace })
    }
}

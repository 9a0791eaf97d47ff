import Glibc

/// Waits for something to happen in one folder: inotify (`IN_MOVED_TO`, `IN_CLOSE_WRITE`, `IN_CREATE`)
/// when the kernel allows it, otherwise plain timeouts (the caller rescans the folder after every wait).
/// A pipe lets `wake()` end a wait from another thread. Owned by the input's thread; `wake` is the only
/// call from elsewhere.
final class DirectoryWatcher: @unchecked Sendable {
    // @unchecked: the descriptors are set up in init and closed in deinit; `wake` only writes to the pipe,
    // every other method is called from the one owning thread.
    let directory: String
    private var inotifyFD: Int32 = -1
    private var watchDescriptor: Int32 = -1
    private let wakeRead: Int32
    private let wakeWrite: Int32
    private var buffer = [UInt8](repeating: 0, count: 64 * 1024)

    /// Why inotify is not in use (nil while it is): shown in the log once.
    private(set) var fallbackReason: String?

    init(directory: String) {
        self.directory = directory
        var fds: [Int32] = [-1, -1]
        if pipe(&fds) == 0 {
            for fd in fds {
                _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
                _ = fcntl(fd, F_SETFL, O_NONBLOCK)
            }
        }
        wakeRead = fds[0]
        wakeWrite = fds[1]
        inotifyFD = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
        if inotifyFD < 0 { fallbackReason = "inotify_init1: \(String(cString: strerror(errno)))" }
    }

    deinit {
        if inotifyFD >= 0 { close(inotifyFD) }
        if wakeRead >= 0 { close(wakeRead) }
        if wakeWrite >= 0 { close(wakeWrite) }
    }

    /// True while inotify watches the folder. Retried before each wait (the folder may appear later).
    var isWatching: Bool { watchDescriptor >= 0 }

    /// Ends the current (or next) `wait` early.
    func wake() {
        var one: UInt8 = 1
        _ = write(wakeWrite, &one, 1)
    }

    /// Blocks until the folder changed, `wake()` was called, or `timeoutMilliseconds` passed. Returns the
    /// names renamed into the folder during the wait (complete files by the rename rule).
    func wait(timeoutMilliseconds: Int) -> Set<String> {
        ensureWatch()
        var fds = [pollfd(fd: wakeRead, events: Int16(POLLIN), revents: 0)]
        if watchDescriptor >= 0 { fds.append(pollfd(fd: inotifyFD, events: Int16(POLLIN), revents: 0)) }
        let ready = poll(&fds, nfds_t(fds.count), Int32(clamping: timeoutMilliseconds))
        guard ready > 0 else { return [] }
        if fds[0].revents != 0 { drainWakePipe() }
        return fds.count > 1 && fds[1].revents != 0 ? readEvents() : []
    }

    private func ensureWatch() {
        guard inotifyFD >= 0, watchDescriptor < 0 else { return }
        let mask = UInt32(IN_MOVED_TO) | UInt32(IN_CLOSE_WRITE) | UInt32(IN_CREATE)
        watchDescriptor = inotify_add_watch(inotifyFD, directory, mask)
        if watchDescriptor < 0 {
            fallbackReason = "inotify_add_watch \(directory): \(String(cString: strerror(errno)))"
        } else {
            fallbackReason = nil
        }
    }

    private func drainWakePipe() {
        var scratch = [UInt8](repeating: 0, count: 64)
        while read(wakeRead, &scratch, scratch.count) > 0 {}
    }

    /// Reads the queued inotify events; a removed or moved-away folder (`IN_IGNORED`) drops the watch.
    private func readEvents() -> Set<String> {
        var movedIn: Set<String> = []
        while true {
            let count = buffer.withUnsafeMutableBytes { read(inotifyFD, $0.baseAddress, $0.count) }
            guard count > 0 else { break }
            var offset = 0
            buffer.withUnsafeBytes { bytes in
                // struct inotify_event { int wd; uint32_t mask, cookie, len; char name[len]; }
                while offset + 16 <= count {
                    let mask = bytes.loadUnaligned(fromByteOffset: offset + 4, as: UInt32.self)
                    let length = Int(bytes.loadUnaligned(fromByteOffset: offset + 12, as: UInt32.self))
                    let nameBytes = bytes[(offset + 16)..<min(count, offset + 16 + length)].prefix { $0 != 0 }
                    if mask & UInt32(IN_MOVED_TO) != 0 {
                        movedIn.insert(String(decoding: nameBytes, as: UTF8.self))
                    }
                    if mask & UInt32(IN_IGNORED) != 0 { watchDescriptor = -1 }
                    offset += 16 + length
                }
            }
        }
        return movedIn
    }
}

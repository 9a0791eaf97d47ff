import Glibc

/// How a wait for socket readiness ended.
public enum SocketWait: Sendable, Equatable {
    case ready
    case timedOut
    /// A watched `StopSignal` fired.
    case stopped
}

/// A point in time after which an operation gives up; `nil` timeout means never.
struct Deadline {
    let instant: ContinuousClock.Instant?

    init(_ timeout: Duration?) {
        instant = timeout.map { ContinuousClock.now.advanced(by: $0) }
    }

    /// Milliseconds left for poll(2): -1 = infinite, rounded up so we never spin at 0.
    var pollMilliseconds: Int32 {
        guard let instant else { return -1 }
        let left = ContinuousClock.now.duration(to: instant)
        if left <= .zero { return 0 }
        let (seconds, atto) = left.components
        let ms = seconds * 1000 + (atto + 999_999_999_999_999) / 1_000_000_000_000_000
        return Int32(clamping: ms)
    }
}

/// Waits until `fd` has `events` (POLLIN / POLLOUT) or the deadline passes or `stop` fires.
/// Hang-ups and errors count as ready: the following read/write reports them precisely.
func waitForSocket(
    _ fd: Int32, events: Int16, deadline: Deadline, stop: StopSignal?, stop2: StopSignal? = nil,
    operation: String, peer: String
) throws(SocketError) -> SocketWait {
    var fds = [pollfd(fd: fd, events: events, revents: 0)]
    if let stop, stop.readFD >= 0 { fds.append(pollfd(fd: stop.readFD, events: Int16(POLLIN), revents: 0)) }
    if let stop2, stop2.readFD >= 0 { fds.append(pollfd(fd: stop2.readFD, events: Int16(POLLIN), revents: 0)) }
    while true {
        if stop?.isFired == true || stop2?.isFired == true { return .stopped }
        let rc = poll(&fds, nfds_t(fds.count), deadline.pollMilliseconds)
        if rc < 0 {
            if errno == EINTR { continue }
            throw SocketError.errno("poll(\(operation))", peer)
        }
        if rc == 0 { return .timedOut }
        if fds.dropFirst().contains(where: { $0.revents != 0 }) { return .stopped }
        if fds[0].revents != 0 { return .ready }
    }
}

import Glibc
import Synchronization

/// A one-shot, level-triggered signal that blocked socket waits can watch (a pipe that becomes
/// readable forever once fired). Used to stop accept loops and to end idle keep-alive waits
/// without closing file descriptors under another thread's feet.
public final class StopSignal: Sendable {
    let readFD: Int32
    private let writeFD: Int32
    private let fired = Atomic<Bool>(false)

    public init() {
        var fds: [Int32] = [-1, -1]
        if pipe(&fds) == 0 {
            for fd in fds {
                _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
                _ = fcntl(fd, F_SETFL, O_NONBLOCK)
            }
        } else {
            // Out of descriptors: fall back to a signal that is only checked by flag; waits
            // then end at their timeout instead of immediately.
            fds = [-1, -1]
        }
        readFD = fds[0]
        writeFD = fds[1]
    }

    /// Fires the signal; every current and future wait watching it returns at once. Idempotent.
    public func fire() {
        if fired.exchange(true, ordering: .acquiringAndReleasing) == false, writeFD >= 0 {
            var one: UInt8 = 1
            _ = Glibc.write(writeFD, &one, 1)
        }
    }

    public var isFired: Bool { fired.load(ordering: .acquiring) }

    deinit {
        if readFD >= 0 { Glibc.close(readFD) }
        if writeFD >= 0 { Glibc.close(writeFD) }
    }
}

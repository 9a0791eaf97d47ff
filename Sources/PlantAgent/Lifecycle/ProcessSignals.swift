#if canImport(Glibc)
    import Glibc
#endif

/// Termination and reload signals, taken synchronously with `sigwait` on the thread that owns the
/// process lifecycle. `blockAll()` must run before any other thread starts, so every thread inherits
/// the mask and no signal lands on an arbitrary thread.
public enum ProcessSignals {
    public enum Received: Sendable, Equatable {
        case terminate(name: String)
        case reload
    }

    private static let watched: [Int32] = [SIGTERM, SIGINT, SIGHUP]

    public static func blockAll() {
        var set = sigset_t()
        sigemptyset(&set)
        for signal in watched { sigaddset(&set, signal) }
        signal(SIGPIPE, SIG_IGN)
        pthread_sigmask(SIG_BLOCK, &set, nil)
    }

    /// Blocks until SIGTERM, SIGINT or SIGHUP arrives.
    public static func wait() -> Received {
        var set = sigset_t()
        sigemptyset(&set)
        for signal in watched { sigaddset(&set, signal) }
        while true {
            var received: Int32 = 0
            guard sigwait(&set, &received) == 0 else { continue }
            switch received {
            case SIGHUP: return .reload
            case SIGINT: return .terminate(name: "SIGINT")
            default: return .terminate(name: "SIGTERM")
            }
        }
    }
}

// Dedicated, joinable OS threads for the scanner input's blocking reads (DESIGN invariant 6), and the stop
// latch they wait on.
import Dispatch
import PlantNet
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// A joinable pthread. `stop()` of the input joins every one it started, so no thread outlives it.
struct ScannerThread: Sendable {
    private final class Body {
        let run: () -> Void
        init(_ run: @escaping () -> Void) { self.run = run }
    }

    private let thread: pthread_t

    /// Starts `body` on a new thread; nil when the system refuses (the caller logs and retries).
    static func start(_ body: sending @escaping () -> Void) -> ScannerThread? {
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        defer { pthread_attr_destroy(&attributes) }
        pthread_attr_setstacksize(&attributes, 512 * 1024)
        let context = Unmanaged.passRetained(Body(body)).toOpaque()
        var thread = pthread_t()
        let result = pthread_create(
            &thread, &attributes,
            { context in
                Unmanaged<Body>.fromOpaque(context!).takeRetainedValue().run()
                return nil
            }, context)
        guard result == 0 else {
            Unmanaged<Body>.fromOpaque(context).release()
            return nil
        }
        return ScannerThread(thread: thread)
    }

    /// Waits for the thread to end. Call once per thread.
    func join() {
        _ = pthread_join(thread, nil)
    }
}

/// Fired once by `stop()`: socket waits watch `signal`, timed pauses (reconnect backoff, journal retry) wait
/// on the latch, and registered actions (stopping a listener's accept) run, so stopping never waits for a
/// timeout to run out.
final class ScannerStop: Sendable {
    let signal = StopSignal()
    private let latch = DispatchGroup()
    private let fired = Atomic<Bool>(false)
    private let actions = Mutex<[@Sendable () -> Void]>([])

    init() {
        latch.enter()
    }

    deinit { fire() }

    func fire() {
        guard !fired.exchange(true, ordering: .acquiringAndReleasing) else { return }
        signal.fire()
        latch.leave()
        for action in actions.withLock({ $0 }) { action() }
    }

    /// Runs `action` when the stop fires (at once if it has).
    func onFire(_ action: @escaping @Sendable () -> Void) {
        let late = actions.withLock { actions in
            if isFired { return true }
            actions.append(action)
            return false
        }
        if late { action() }
    }

    var isFired: Bool { fired.load(ordering: .acquiring) }

    /// Pauses up to `duration`; true when stopped meanwhile (or before).
    func pause(_ duration: Duration) -> Bool {
        if isFired { return true }
        let (seconds, attoseconds) = duration.components
        let nanoseconds = max(0, seconds) * 1_000_000_000 + attoseconds / 1_000_000_000
        return latch.wait(timeout: .now() + .nanoseconds(Int(clamping: nanoseconds))) == .success
    }
}

/// The threads of a server-mode input's connections: finished ones are joined as new ones start, the rest
/// when the input stops.
final class ScannerThreadSet: Sendable {
    private struct Entries {
        var running: [Int: ScannerThread] = [:]
        var finished: Set<Int> = []
        var nextID = 0
    }

    private let entries = Mutex(Entries())

    /// Starts `body` on its own thread; false when the system refuses a thread.
    func start(_ body: sending @escaping () -> Void) -> Bool {
        let id = entries.withLock { entries in
            entries.nextID += 1
            return entries.nextID
        }
        let thread = ScannerThread.start { [self] in
            body()
            entries.withLock { _ = $0.finished.insert(id) }
        }
        guard let thread else { return false }
        entries.withLock { $0.running[id] = thread }
        return true
    }

    /// Joins the threads whose body has returned.
    func reapFinished() {
        let done = entries.withLock { entries in
            let ids = entries.finished.filter { entries.running[$0] != nil }
            entries.finished.subtract(ids)
            return ids.compactMap { entries.running.removeValue(forKey: $0) }
        }
        for thread in done { thread.join() }
    }

    /// Joins every thread; they must have been told to stop.
    func joinAll() {
        let all = entries.withLock { entries in
            defer { entries = Entries() }
            return Array(entries.running.values)
        }
        for thread in all { thread.join() }
    }
}

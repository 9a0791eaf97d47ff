import Glibc
import PlantNet

/// The running state of one feed: its threads, and the stop that ends them.
///
/// `stop` wakes everything at once: socket waits watch `socketStop`, backoff pauses wait on the condition
/// variable. `@unchecked Sendable` because the mutable state (`stopped`, `running`) is only touched with
/// the pthread mutex held; a pthread condition variable is used because `Mutex` has none and pauses must
/// end the moment the feed stops.
final class FeedLifecycle: @unchecked Sendable {
    /// Fired with `stop()`: ends pending connects, reads and accepts.
    let socketStop = StopSignal()
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let condition = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    private var stopped = false
    private var running = 0

    init() {
        pthread_mutex_init(mutex, nil)
        var attributes = pthread_condattr_t()
        pthread_condattr_init(&attributes)
        pthread_condattr_setclock(&attributes, CLOCK_MONOTONIC)
        pthread_cond_init(condition, &attributes)
        pthread_condattr_destroy(&attributes)
    }

    deinit {
        pthread_cond_destroy(condition)
        pthread_mutex_destroy(mutex)
        condition.deallocate()
        mutex.deallocate()
    }

    var isStopped: Bool { locked { stopped } }

    /// Starts `body` on a new OS thread (never the cooperative pool), counted until it returns. False when
    /// the feed is stopping or the thread could not be made.
    func startThread(stackSize: Int = 256 << 10, _ body: @escaping @Sendable () -> Void) -> Bool {
        let admitted = locked { () -> Bool in
            if stopped { return false }
            running += 1
            return true
        }
        guard admitted else { return false }
        let work: @Sendable () -> Void = { [self] in
            body()
            locked {
                running -= 1
                pthread_cond_broadcast(condition)
            }
        }
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        defer { pthread_attr_destroy(&attributes) }
        pthread_attr_setstacksize(&attributes, max(stackSize, Int(PTHREAD_STACK_MIN)))
        pthread_attr_setdetachstate(&attributes, Int32(PTHREAD_CREATE_DETACHED))
        let context = Unmanaged.passRetained(ThreadBody(work)).toOpaque()
        var thread = pthread_t()
        let rc = pthread_create(
            &thread, &attributes,
            { context in
                Unmanaged<ThreadBody>.fromOpaque(context!).takeRetainedValue().run()
                return nil
            }, context)
        if rc != 0 {
            Unmanaged<ThreadBody>.fromOpaque(context).release()
            locked {
                running -= 1
                pthread_cond_broadcast(condition)
            }
            return false
        }
        return true
    }

    /// Waits `duration` unless the feed stops first; true when it stopped.
    func pause(_ duration: Duration) -> Bool {
        var deadline = timespec()
        clock_gettime(CLOCK_MONOTONIC, &deadline)
        let (seconds, attoseconds) = duration.components
        let nanoseconds = Int(attoseconds / 1_000_000_000) + deadline.tv_nsec
        deadline.tv_sec += Int(seconds) + nanoseconds / 1_000_000_000
        deadline.tv_nsec = nanoseconds % 1_000_000_000
        return locked {
            while !stopped {
                if pthread_cond_timedwait(condition, mutex, &deadline) == ETIMEDOUT { break }
            }
            return stopped
        }
    }

    /// Stops: wakes every pause and socket wait. Idempotent.
    func stop() {
        locked {
            stopped = true
            pthread_cond_broadcast(condition)
        }
        socketStop.fire()
    }

    /// Waits until every thread started here has returned, at most `timeout`; true when they all did.
    func waitForThreads(timeout: Duration) -> Bool {
        var deadline = timespec()
        clock_gettime(CLOCK_MONOTONIC, &deadline)
        deadline.tv_sec += Int(timeout.components.seconds)
        return locked {
            while running > 0 {
                if pthread_cond_timedwait(condition, mutex, &deadline) == ETIMEDOUT { break }
            }
            return running == 0
        }
    }

    private func locked<Result>(_ body: () -> Result) -> Result {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return body()
    }
}

private final class ThreadBody {
    let run: @Sendable () -> Void
    init(_ run: @escaping @Sendable () -> Void) { self.run = run }
}

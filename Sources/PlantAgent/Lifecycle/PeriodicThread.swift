import Foundation

/// Runs `work` every `interval` on its own thread until stopped (the systemd watchdog ping).
public final class PeriodicThread: @unchecked Sendable {
    // @unchecked: `stopped` is only touched under `condition`'s lock.
    private let condition = NSCondition()
    private var stopped = false
    private let done = DispatchSemaphore(value: 0)

    public init(name: String, interval: Duration, work: @escaping @Sendable () -> Void) {
        let seconds = Double(interval.components.seconds) + Double(interval.components.attoseconds) / 1e18
        let thread = Thread { [self] in
            condition.lock()
            while !stopped {
                condition.unlock()
                work()
                condition.lock()
                _ = condition.wait(until: Date(timeIntervalSinceNow: seconds))
            }
            condition.unlock()
            done.signal()
        }
        thread.name = name
        thread.start()
    }

    public func stop() {
        condition.lock()
        stopped = true
        condition.broadcast()
        condition.unlock()
        done.wait()
    }
}

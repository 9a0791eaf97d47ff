import Foundation

/// Limits how fast streams that are catching up send, all streams together, so a hub coming
/// back from an outage is not flooded by every plant's backlog at once.
///
/// A virtual schedule (GCRA): each grant of n events moves `nextFree` on by n/rate; a caller
/// waits until the end of its grant minus the burst allowance (one second's worth of events
/// passes at once after an idle spell). Callers are served in
/// the order they take the lock, so catching-up streams share the rate. Streams that are current
/// do not call it, so their live events go out between catch-up batches.
///
/// `@unchecked Sendable`: `nextFree` is only touched under `condition`'s lock.
final class CatchUpPacer: @unchecked Sendable {
    let eventsPerSecond: Int
    private let burst: Duration
    private let condition = NSCondition()
    private var nextFree: ContinuousClock.Instant?

    init(eventsPerSecond: Int, burst: Duration = .seconds(1)) {
        self.eventsPerSecond = max(1, eventsPerSecond)
        self.burst = burst
    }

    /// The time at which `events` may be sent; reserves them. Never blocks.
    func reserve(_ events: Int, now: ContinuousClock.Instant = .now) -> ContinuousClock.Instant {
        let cost = Duration.seconds(Double(max(0, events)) / Double(eventsPerSecond))
        condition.lock()
        defer { condition.unlock() }
        let start = max(nextFree ?? now, now)
        nextFree = start + cost
        // Events within the burst allowance go at once; beyond it, wait for the schedule.
        return max(now, start + cost - burst)
    }
}

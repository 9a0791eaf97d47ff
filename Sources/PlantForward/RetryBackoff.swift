/// Exponential backoff with full jitter: after the n-th consecutive failure (n from 0) the wait
/// is a uniform random duration in [0, min(cap, base·2ⁿ)]. Full jitter spreads many plants
/// reconnecting after one hub outage instead of letting them retry in lockstep.
struct RetryBackoff: Sendable {
    let base: Duration
    let cap: Duration
    /// Consecutive failures so far.
    private(set) var failures = 0

    init(base: Duration, cap: Duration) {
        self.base = max(base, .zero)
        self.cap = max(cap, .zero)
    }

    /// The ceiling for the next wait: min(cap, base·2ⁿ).
    var ceiling: Duration {
        // Past 2^30 the product exceeds any sensible cap; stop doubling to avoid overflow.
        let factor = 1 << min(failures, 30)
        let grown = base * factor
        return grown > cap || grown < .zero ? cap : grown
    }

    /// Records a failure and returns the wait before the next attempt. `unit` is a random
    /// number in [0, 1).
    mutating func nextDelay(unit: Double) -> Duration {
        let delay = ceiling * min(max(unit, 0), 1)
        failures += 1
        return delay
    }

    /// A success: the next failure starts from `base` again.
    mutating func reset() { failures = 0 }
}

/// Parses `Retry-After` as delay-seconds (RFC 9110 §10.2.3). The HTTP-date form is not used by
/// our hub and gives nil (the normal backoff then applies).
func parseRetryAfter(_ value: String?) -> Duration? {
    guard let value else { return nil }
    let trimmed = value.utf8.drop { $0 == 0x20 || $0 == 0x09 }.prefix { $0 != 0x20 && $0 != 0x09 }
    guard !trimmed.isEmpty, trimmed.count <= 9, trimmed.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
    let seconds = trimmed.reduce(0) { $0 * 10 + Int($1 - 0x30) }
    return .seconds(seconds)
}

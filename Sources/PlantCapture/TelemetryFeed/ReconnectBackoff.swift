/// Delays between connection attempts: exponential from `initial`, capped at `maximum`, with jitter so that
/// the feeds of a plant that lost its gateway do not all dial at the same instant when it returns.
///
/// Attempt n (0-based) waits a random time in [d/2, d] where d = min(maximum, initial × 2^n) ("equal
/// jitter": never less than half, so a dead peer is not hammered). `reset()` after a connection succeeds.
public struct ReconnectBackoff: Sendable {
    public let initial: Duration
    public let maximum: Duration
    public private(set) var attempt = 0

    public init(initial: Duration, maximum: Duration) {
        self.initial = initial
        self.maximum = max(initial, maximum)
    }

    /// The wait before the next attempt; `random` gives a fraction in 0...1 (injected by tests).
    public mutating func nextDelay(random: () -> Double = { Double.random(in: 0...1) }) -> Duration {
        var ceiling = initial
        var doublings = 0
        while doublings < attempt && ceiling < maximum {
            ceiling = ceiling * 2
            doublings += 1
        }
        ceiling = min(ceiling, maximum)
        attempt += 1
        let fraction = 0.5 + 0.5 * min(1, max(0, random()))
        return ceiling * fraction
    }

    public mutating func reset() {
        attempt = 0
    }
}

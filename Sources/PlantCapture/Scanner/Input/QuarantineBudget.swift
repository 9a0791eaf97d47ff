// A scanner spewing garbage must not flood the log and the quarantine table (and with them the journal that
// every other input shares): past a burst, bad frames are counted but recorded only in a summary.

/// A token bucket of quarantine records per input: `burst` at once, refilled at `perSecond`.
struct QuarantineBudget {
    let burst: Double
    let perSecond: Double
    private var tokens: Double
    private var last: ContinuousClock.Instant?
    /// Problems counted but not recorded since the last record.
    private(set) var suppressed = 0

    init(burst: Int = 20, perSecond: Int = 5) {
        self.burst = Double(burst)
        self.perSecond = Double(perSecond)
        self.tokens = Double(burst)
    }

    /// Whether a record may be written now. When it may, the count of problems suppressed before it is
    /// returned (and reset) so the caller can say so once.
    mutating func admit(at now: ContinuousClock.Instant) -> (admitted: Bool, suppressedBefore: Int) {
        if let last {
            let elapsed = last.duration(to: now)
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
            tokens = min(burst, tokens + seconds * perSecond)
        }
        last = now
        guard tokens >= 1 else {
            suppressed += 1
            return (false, 0)
        }
        tokens -= 1
        defer { suppressed = 0 }
        return (true, suppressed)
    }
}

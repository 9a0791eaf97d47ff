/// Acknowledged events per second over the last minute, in one-second buckets.
struct DrainRate: Sendable {
    private static let window = 60
    private var buckets = [Int64](repeating: 0, count: DrainRate.window)
    /// The whole second (monotonic) each bucket belongs to.
    private var bucketSecond = [Int64](repeating: -1, count: DrainRate.window)
    private let origin: ContinuousClock.Instant

    init(origin: ContinuousClock.Instant = .now) {
        self.origin = origin
    }

    mutating func record(_ events: Int64, at instant: ContinuousClock.Instant = .now) {
        let second = origin.duration(to: instant).components.seconds
        let index = Int(second % Int64(Self.window))
        if bucketSecond[index] != second {
            bucketSecond[index] = second
            buckets[index] = 0
        }
        buckets[index] += events
    }

    /// Events per second over the last minute (or since the start, if that is shorter).
    func rate(at instant: ContinuousClock.Instant = .now) -> Double {
        let elapsed = origin.duration(to: instant)
        let second = elapsed.components.seconds
        var total: Int64 = 0
        for index in 0..<Self.window where bucketSecond[index] > second - Int64(Self.window) {
            total += buckets[index]
        }
        let (wholeSeconds, attoseconds) = elapsed.components
        let span = min(Double(Self.window), Double(wholeSeconds) + Double(attoseconds) / 1e18)
        return span < 1 ? Double(total) : Double(total) / span
    }
}

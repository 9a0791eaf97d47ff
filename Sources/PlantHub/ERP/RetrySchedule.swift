/// Exponential backoff for one stream of one connector: `initial`, doubling, capped at `maximum`,
/// with ±20 % jitter so many streams failing together do not retry in lock-step. A wait the ERP
/// asked for (`Retry-After`) wins, capped at `maximum`.
struct RetrySchedule {
    let initial: Duration
    let maximum: Duration

    func delay(afterFailures failures: Int, requested: Duration?) -> Duration {
        if let requested { return min(requested, maximum) }
        let exponent = min(max(failures - 1, 0), 30)
        var delay = initial * (1 << exponent)
        if delay > maximum { delay = maximum }
        let jitter = Double.random(in: 0.8...1.2)
        return delay * jitter
    }
}

import Foundation

/// The hub's reachability as all streams see it, the last failure, and the log lines for
/// hub-wide changes: written once when the condition changes (unreachable, back, token refused,
/// certificate refused), never once per stream or per retry.
///
/// `@unchecked Sendable`: `reachability` and `lastError` are only touched under `lock`.
final class HubHealth: @unchecked Sendable {
    private let hubURL: String
    private let clock: @Sendable () -> Int64
    private let log: ForwarderLogger
    private let lock = NSLock()
    private var reachability: HubReachability = .unknown
    private var lastError: ForwarderFailure?

    init(hubURL: String, clock: @escaping @Sendable () -> Int64, log: @escaping ForwarderLogger) {
        self.hubURL = hubURL
        self.clock = clock
        self.log = log
    }

    var snapshot: (reachability: HubReachability, lastError: ForwarderFailure?) {
        lock.withLock { (reachability, lastError) }
    }

    /// A stream failed (any kind of failure); kept as the last error.
    func recordFailure(stream: String?, _ message: String) {
        let failure = ForwarderFailure(at: clock(), stream: stream, message: message)
        lock.withLock { lastError = failure }
    }

    /// The hub gave an HTTP answer that was not 401/403.
    func answered() {
        change(to: .reachable(since: 0)) { previous in
            switch previous {
            case .unknown: (.info, "connected to the hub at \(hubURL)")
            case .reachable: nil
            default: (.info, "hub at \(hubURL) reachable again (was: \(previous.label))")
            }
        }
    }

    func unreachable(_ reason: String) {
        change(to: .unreachable(since: 0, reason: reason)) { _ in
            (.warning, "hub unreachable: \(reason); events stay journaled and are sent when it is back")
        }
    }

    func authenticationFailed(_ reason: String) {
        change(to: .authenticationFailed(since: 0, reason: reason)) { _ in
            (.error, "authentication failed: \(reason); check the plant token (hub.token_file) — retrying slowly")
        }
    }

    func certificateFailed(_ reason: String) {
        change(to: .certificateFailed(since: 0, reason: reason)) { _ in
            (.error, "certificate problem: \(reason); check hub.ca_file and the hub's certificate — retrying slowly")
        }
    }

    /// Moves to `next` (its `since` is set here) and logs when the kind of condition changed.
    /// The reason of a condition that persists is updated without a log line.
    private func change(
        to next: HubReachability,
        line: (HubReachability) -> (ForwarderLogRecord.Level, String)?
    ) {
        let now = clock()
        let record: ForwarderLogRecord? = lock.withLock {
            let previous = reachability
            if previous.label == next.label {
                reachability = next.withSince(previous.since ?? now)
                return nil
            }
            reachability = next.withSince(now)
            return line(previous).map { ForwarderLogRecord(level: $0.0, stream: nil, message: $0.1) }
        }
        if let record { log(record) }
    }
}

extension HubReachability {
    var since: Int64? {
        switch self {
        case .unknown: nil
        case .reachable(let since), .unreachable(let since, _), .authenticationFailed(let since, _),
            .certificateFailed(let since, _):
            since
        }
    }

    func withSince(_ time: Int64) -> HubReachability {
        switch self {
        case .unknown: .unknown
        case .reachable: .reachable(since: time)
        case .unreachable(_, let reason): .unreachable(since: time, reason: reason)
        case .authenticationFailed(_, let reason): .authenticationFailed(since: time, reason: reason)
        case .certificateFailed(_, let reason): .certificateFailed(since: time, reason: reason)
        }
    }
}

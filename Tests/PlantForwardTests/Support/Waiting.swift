import Foundation
import PlantForward

/// Waits for `condition` with a deadline, re-checking every few ms (a condition with a deadline,
/// never a bare sleep as synchronisation).
func eventually(timeout: Duration = .seconds(15), _ condition: () throws -> Bool) rethrows -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try condition() { return true }
        usleep(2_000)
    }
    return try condition()
}

/// Collects log records for assertions.
final class LogRecorder: @unchecked Sendable {
    private let lock = NSLock()
    private var records: [ForwarderLogRecord] = []

    var logger: ForwarderLogger { { [self] record in lock.withLock { records.append(record) } } }

    var all: [ForwarderLogRecord] { lock.withLock { records } }

    func count(containing text: String) -> Int {
        all.filter { $0.message.contains(text) }.count
    }
}

/// A deterministic "random" source that records how often it was asked.
final class ScriptedRandom: @unchecked Sendable {
    private let lock = NSLock()
    private let values: [Double]
    private var index = 0

    init(_ values: [Double]) { self.values = values }

    var source: @Sendable () -> Double {
        { [self] in
            lock.withLock {
                defer { index += 1 }
                return values[index % values.count]
            }
        }
    }

    var calls: Int { lock.withLock { index } }
}

/// Settings for a loopback test hub: tiny backoffs, short timeouts, no catch-up pacing.
func testSettings(_ url: String, token: String = TestHub.token) -> ForwarderSettings {
    var settings = ForwarderSettings(hubURL: url, plant: "P100", token: token)
    settings.backoffBase = .milliseconds(5)
    settings.backoffCap = .milliseconds(40)
    settings.authRetryInterval = .milliseconds(200)
    settings.requestTimeout = .seconds(5)
    settings.connectTimeout = .seconds(2)
    settings.catchUpEventsPerSecond = nil
    settings.idleRecheckInterval = .seconds(1)
    settings.backlogRefreshInterval = .milliseconds(200)
    return settings
}

extension Duration {
    var inSeconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}

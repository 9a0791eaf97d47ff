// The input's health as the status page shows it, updated from its threads.
import PlantModel
import Synchronization

/// Lock-protected `InputHealth` of one scanner input, plus the port a server-mode input listens on.
final class ScannerStatus: Sendable {
    private let health = Mutex(InputHealth())
    private let port = Mutex<Int?>(nil)

    var snapshot: InputHealth { health.withLock { $0 } }

    var listeningPort: Int? {
        get { port.withLock { $0 } }
        set { port.withLock { $0 = newValue } }
    }

    func set(_ connection: InputHealth.Connection) {
        health.withLock { $0.connection = connection }
    }

    func received(at time: Timestamp) {
        health.withLock {
            $0.received += 1
            $0.lastData = time
        }
    }

    func journaled() {
        health.withLock { $0.journaled += 1 }
    }

    func quarantined(_ reason: String, at time: Timestamp) {
        health.withLock {
            $0.quarantined += 1
            $0.lastError = reason
            $0.lastErrorAt = time
        }
    }

    func failed(_ reason: String, at time: Timestamp) {
        health.withLock {
            $0.lastError = reason
            $0.lastErrorAt = time
        }
    }
}

import Foundation
import PlantModel
import PlantNet

/// How a simulator reaches the agent: it dials the agent's listening input (`connect`), or it
/// listens like a gateway and the agent's input dials it (`listen`).
public enum SimulatorEndpoint: Sendable, Equatable, CustomStringConvertible {
    case connect(host: String, port: Int)
    case listen(host: String, port: Int)

    public var description: String {
        switch self {
        case let .connect(host, port): "connect \(host):\(port)"
        case let .listen(host, port): "listen \(host):\(port)"
        }
    }
}

/// Why a simulation stopped early.
public struct SimulatorError: Error, Sendable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// One TCP stream to the agent, re-established when it breaks (the agent restarting is part of
/// what a technician tests). Blocking; a simulator runs on its own thread (the CLI's main one).
final class SimulatorLink {
    private let endpoint: SimulatorEndpoint
    private var listener: TCPListener?
    private var connection: TCPConnection?
    private let log: (String) -> Void
    /// Times a connection was (re)established.
    private(set) var connections = 0

    init(_ endpoint: SimulatorEndpoint, log: @escaping (String) -> Void) throws(SimulatorError) {
        self.endpoint = endpoint
        self.log = log
        if case let .listen(host, port) = endpoint {
            do {
                let listener = try TCPListener(host: host, port: UInt16(clamping: port))
                self.listener = listener
                log("listening on \(host):\(listener.port); waiting for the agent's input to connect")
            } catch {
                throw SimulatorError("cannot listen on \(host):\(port): \(error)")
            }
        }
    }

    /// The bound port in listen mode.
    var listeningPort: UInt16? { listener?.port }

    /// Writes `bytes`, (re)connecting first when needed, until `deadline`. On a new connection,
    /// `greeting`'s bytes go first.
    func send(
        _ bytes: [UInt8], deadline: ContinuousClock.Instant, greeting: () -> [UInt8]? = { nil }
    ) throws(SimulatorError) {
        while true {
            let fresh = self.connection == nil
            let connection = try connected(deadline: deadline)
            do {
                if fresh, let greeting = greeting() { try connection.write(greeting) }
                try connection.write(bytes)
                return
            } catch {
                log("connection lost (\(error)); reconnecting")
                connection.close()
                self.connection = nil
            }
        }
    }

    private func connected(deadline: ContinuousClock.Instant) throws(SimulatorError) -> TCPConnection {
        if let connection { return connection }
        var delay = Duration.milliseconds(100)
        while ContinuousClock.now < deadline {
            switch endpoint {
            case let .connect(host, port):
                do {
                    let connection = try TCPConnection.connect(
                        host: host, port: UInt16(clamping: port), timeout: .seconds(5))
                    connection.writeTimeout = .seconds(30)
                    return established(connection)
                } catch {
                    if connections == 0 && delay == .milliseconds(100) {
                        log("cannot connect to \(host):\(port) (\(error)); retrying")
                    }
                    Thread.sleep(
                        forTimeInterval: Double(delay.components.seconds) + Double(delay.components.attoseconds) / 1e18)
                    delay = min(delay * 2, .seconds(2))
                }
            case .listen:
                do {
                    if let accepted = try listener?.accept(timeout: .seconds(1)) {
                        accepted.writeTimeout = .seconds(30)
                        return established(accepted)
                    }
                } catch {
                    log("accept failed: \(error)")
                }
            }
        }
        throw SimulatorError("no connection to the agent (\(endpoint)) before the deadline")
    }

    private func established(_ connection: TCPConnection) -> TCPConnection {
        connections += 1
        self.connection = connection
        log("connected to \(connection.peer)")
        return connection
    }

    func close() {
        if let connection {
            connection.shutdownWrite()
            connection.closeLingering(timeout: .seconds(2))
        }
        connection = nil
        listener?.close()
    }
}

/// Paces a loop at `rate` per second against the monotonic clock (0: as fast as possible).
struct Pacer {
    let rate: Double
    private let start = ContinuousClock.now

    init(rate: Double) { self.rate = rate }

    func wait(forItem index: Int) {
        guard rate > 0 else { return }
        let due = start + .nanoseconds(Int64(Double(index) / rate * 1e9))
        let remaining = due - ContinuousClock.now
        if remaining > .zero {
            Thread.sleep(
                forTimeInterval: Double(remaining.components.seconds) + Double(remaining.components.attoseconds) / 1e18)
        }
    }
}

/// Writes a manifest (JSON) atomically: temp file, then rename.
enum Manifest {
    static func write(_ value: JSONValue, to path: String) throws(SimulatorError) {
        var bytes = JSONWriter.encode(value)
        bytes.append(0x0A)
        let temporary = path + ".tmp"
        guard FileManager.default.createFile(atPath: temporary, contents: Data(bytes)) else {
            throw SimulatorError("cannot write \(temporary)")
        }
        guard rename(temporary, path) == 0 else {
            throw SimulatorError("cannot rename \(temporary) to \(path): \(String(cString: strerror(errno)))")
        }
    }
}

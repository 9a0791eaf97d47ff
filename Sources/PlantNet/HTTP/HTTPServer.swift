import Foundation
import Glibc

/// A small threaded HTTP/1.1 server: one accept thread, one thread per connection (up to
/// `maxConnections`), keep-alive, plain or TLS. The handler runs on the connection's thread, so
/// it may block (e.g. on a SQLite commit); it must be thread-safe across connections.
///
/// Lifecycle: `init` binds and starts accepting; `stop()` must be called to end it (the accept
/// thread keeps the server alive until then). Never call `stop()` from inside the handler: it
/// waits for every connection, the calling one included.
///
/// `@unchecked Sendable`: mutable state (counters, flags) is guarded by `condition`.
public final class HTTPServer: @unchecked Sendable {
    public typealias Handler = @Sendable (HTTPRequest) -> HTTPResponse

    public let configuration: HTTPServerConfiguration
    /// The bound port (the OS's choice when configured with 0).
    public let port: UInt16
    let handler: Handler
    private let listener: TCPListener
    /// Fired by `stop()`: idle keep-alive waits end, busy connections finish their request.
    let drainSignal = StopSignal()
    /// Fired when the grace period is over: all socket I/O is abandoned.
    let abortSignal = StopSignal()
    private let condition = NSCondition()
    private var active = 0
    private var stopping = false
    private var acceptLoopEnded = false
    private var stats = HTTPServerStatistics()

    /// Binds and starts accepting at once. Throws `SocketError` when the address is in use etc.
    public init(configuration: HTTPServerConfiguration, handler: @escaping Handler) throws {
        self.configuration = configuration
        self.handler = handler
        listener = try TCPListener(host: configuration.host, port: configuration.port, backlog: configuration.backlog)
        port = listener.port
        try NetThread.start(name: "http-accept", stackSize: 256 * 1024) { [self] in acceptLoop() }
    }

    public var activeConnections: Int {
        condition.lock()
        defer { condition.unlock() }
        return active
    }

    public var statistics: HTTPServerStatistics {
        condition.lock()
        defer { condition.unlock() }
        return stats
    }

    func record(_ update: (inout HTTPServerStatistics) -> Void) {
        condition.lock()
        update(&stats)
        condition.unlock()
    }

    private func acceptLoop() {
        while true {
            condition.lock()
            while active >= configuration.maxConnections && !stopping { condition.wait() }
            let stop = stopping
            condition.unlock()
            if stop { break }
            let connection: TCPConnection
            do {
                guard let accepted = try listener.accept(timeout: nil) else { break }
                connection = accepted
            } catch {
                // Out of descriptors or similar: back off briefly instead of spinning.
                _ = try? waitForSocket(
                    -1, events: 0, deadline: Deadline(.milliseconds(50)), stop: drainSignal,
                    operation: "accept", peer: "")
                continue
            }
            condition.lock()
            active += 1
            stats.connectionsAccepted += 1
            condition.unlock()
            connection.stop = abortSignal
            connection.readTimeout = configuration.ioTimeout
            connection.writeTimeout = configuration.ioTimeout
            do {
                try NetThread.start(name: "http-conn", stackSize: configuration.threadStackSize) { [self] in
                    serve(connection)
                }
            } catch {
                connectionEnded()
            }
        }
        listener.close()
        condition.lock()
        acceptLoopEnded = true
        condition.broadcast()
        condition.unlock()
    }

    func connectionEnded() {
        condition.lock()
        active -= 1
        condition.broadcast()
        condition.unlock()
    }

    /// Stops: closes the listener (new connections are refused), ends idle keep-alive
    /// connections at once, lets requests in flight finish and answers them with
    /// `Connection: close`. After `gracePeriod` all remaining socket I/O is cancelled; a handler
    /// still running then is not interrupted, its connection closes when it returns. Returns when
    /// every connection has ended or one second after the grace period.
    public func stop(gracePeriod: Duration = .seconds(5)) {
        condition.lock()
        let already = stopping
        stopping = true
        condition.broadcast()
        condition.unlock()
        listener.stop()
        drainSignal.fire()
        if already { return }
        if !waitUntilIdle(for: gracePeriod) {
            abortSignal.fire()
            _ = waitUntilIdle(for: .seconds(1))
        }
    }

    private func waitUntilIdle(for duration: Duration) -> Bool {
        let (seconds, atto) = duration.components
        let limit = Date(timeIntervalSinceNow: Double(seconds) + Double(atto) / 1e18)
        condition.lock()
        defer { condition.unlock() }
        while active > 0 || !acceptLoopEnded {
            if !condition.wait(until: limit) { return active == 0 && acceptLoopEnded }
        }
        return true
    }

    var isStopping: Bool {
        condition.lock()
        defer { condition.unlock() }
        return stopping
    }

    deinit {
        listener.close()
    }
}

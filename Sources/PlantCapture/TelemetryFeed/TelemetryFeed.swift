import Glibc
import PlantConfig
import PlantModel
import PlantNet
import Synchronization

/// The `telemetry_tcp` input: samples from PLCs and OPC gateways over TCP, in Kepware JSON or `lines`,
/// through the tag filter to the aggregator; with `raw_stream` on, the samples its deadband and minimum
/// interval keep are also journaled on the `telemetry` stream (`RawStreamCommitter`).
///
/// `connect:` dials one gateway on a dedicated thread and redials with capped exponential backoff and
/// jitter. `listen:` accepts gateways on a dedicated thread and reads each on its own thread, up to
/// `max_connections`. Bad input is quarantined line by line; nothing a peer sends stops the feed or
/// disturbs another connection.
public final class TelemetryFeed: InputAdapter {
    public static let typeName = "telemetry_tcp"

    /// The registry entry (`InputRegistry.types`).
    public static let inputType = InputType(
        name: typeName, decode: { Configuration($0) },
        make: { name, configuration, context in
            TelemetryFeed(name: name, configuration: configuration, plant: context.plant)
        })

    public let name: String
    public var type: String { Self.typeName }
    public let configuration: Configuration
    /// The plant id the raw stream's events carry.
    public let plant: String

    private let state: FeedState
    private let running = Mutex<Run?>(nil)

    /// One start…stop: its lifecycle, in listen mode the listener (so `stop` can end `accept`), and the raw
    /// stream's committer when `raw_stream` is on.
    private final class Run: Sendable {
        let lifecycle = FeedLifecycle()
        let listener = Mutex<TCPListener?>(nil)
        let raw: RawStreamCommitter?

        init(raw: RawStreamCommitter?) {
            self.raw = raw
        }
    }

    /// `plant` is carried by the raw stream's events; `now` stamps `lastData` and `lastErrorAt` (tests pass a
    /// fixed clock).
    public init(
        name: String, configuration: Configuration, plant: String,
        now: @escaping @Sendable () -> Timestamp = Timestamp.now
    ) {
        self.name = name
        self.configuration = configuration
        self.plant = plant
        self.state = FeedState(now: now)
    }

    public var health: InputHealth { state.health }

    public var statistics: TelemetryFeedStatistics { state.statistics }

    /// Listen mode: the port bound (the system's choice for port 0), once listening.
    public var listeningPort: UInt16? { state.listeningPort }

    public func start(sink: any CaptureSink) {
        let raw =
            configuration.rawStream.enabled
            ? RawStreamCommitter(input: name, plant: plant, sink: sink, state: state) : nil
        let run = Run(raw: raw)
        let previous = running.withLock { current -> Run? in
            defer { current = run }
            return current
        }
        if let previous { Self.end(previous) }
        let started: Bool
        switch configuration.mode {
        case .connect(let address):
            state.setConnection(.connecting)
            started = run.lifecycle.startThread { [self] in dialLoop(address, run: run, sink: sink) }
        case .listen(let address):
            state.setConnection(.connecting)
            started = run.lifecycle.startThread { [self] in listenLoop(address, run: run, sink: sink) }
        }
        if !started {
            run.raw?.finish()
            state.setConnection(.unavailable)
            state.recordError("cannot start a thread")
            sink.log(.error, "cannot start a thread; the input is not running", input: name)
        }
    }

    public func stop() {
        guard
            let run = running.withLock({ current -> Run? in
                defer { current = nil }
                return current
            })
        else { return }
        if !Self.end(run) {
            state.recordError("a connection thread did not end within 10s of stop (sink blocked?)")
        }
        state.setConnection(.stopped)
        state.setListeningPort(nil)
    }

    /// Stops the run's threads, then journals what the raw stream still holds. False when a connection
    /// thread did not end in time (its later raw samples are shed: the committer is closed).
    @discardableResult
    private static func end(_ run: Run) -> Bool {
        run.lifecycle.stop()
        run.listener.withLock { $0?.stop() }
        let ended = run.lifecycle.waitForThreads(timeout: .seconds(10))
        run.raw?.finish()
        return ended
    }

    // MARK: - connect:

    private func dialLoop(_ address: HostPort, run: Run, sink: any CaptureSink) {
        let lifecycle = run.lifecycle
        var backoff = ReconnectBackoff(initial: configuration.reconnectDelay, maximum: configuration.reconnectMaxDelay)
        var lastFailure: String?
        while !lifecycle.isStopped {
            state.setConnection(.connecting)
            let connection: TCPConnection
            do {
                connection = try TCPConnection.connect(
                    host: address.host, port: UInt16(address.port), timeout: configuration.connectTimeout,
                    stop: lifecycle.socketStop)
            } catch {
                if error.isCancelled { break }
                let message = "cannot connect to \(address): \(error.message)"
                state.recordError(message)
                if message != lastFailure { sink.log(.warning, message + "; retrying with backoff", input: name) }
                lastFailure = message
                if lifecycle.pause(backoff.nextDelay()) { break }
                continue
            }
            lastFailure = nil
            state.connectionOpened()
            sink.log(.info, "connected to \(address)", input: name)
            var reader = FeedConnectionReader(
                input: name, configuration: configuration, sink: sink, state: state, rawCommitter: run.raw)
            let end = reader.run(connection, idleTimeout: configuration.idleTimeout, stop: lifecycle.socketStop)
            connection.close()
            state.connectionClosed(idle: .connecting)
            if end == .stopped { break }
            report(end, peer: address.description, sink: sink)
            if reader.receivedData { backoff.reset() }
            if lifecycle.pause(backoff.nextDelay()) { break }
        }
    }

    // MARK: - listen:

    private func listenLoop(_ address: HostPort, run: Run, sink: any CaptureSink) {
        let lifecycle = run.lifecycle
        var backoff = ReconnectBackoff(initial: .seconds(1), maximum: .seconds(30))
        var listener: TCPListener?
        while listener == nil && !lifecycle.isStopped {
            do {
                listener = try TCPListener(host: address.host, port: UInt16(address.port))
            } catch {
                let message = "cannot listen on \(address): \(error.message)"
                state.setConnection(.unavailable)
                state.recordError(message)
                sink.log(.error, message + "; retrying", input: name)
                if lifecycle.pause(backoff.nextDelay()) { return }
            }
        }
        guard let listener else { return }
        defer { listener.close() }
        run.listener.withLock { $0 = listener }
        if lifecycle.isStopped { return }
        state.setListeningPort(listener.port)
        state.setConnection(.connecting)
        sink.log(.info, "listening on \(listener.localAddress)", input: name)
        while !lifecycle.isStopped {
            let accepted: TCPConnection?
            do {
                accepted = try listener.accept()
            } catch {
                // EMFILE and the like: say so, then give the system a moment instead of spinning.
                state.recordError("accept on \(listener.localAddress): \(error.message)")
                if lifecycle.pause(.milliseconds(200)) { return }
                continue
            }
            guard let connection = accepted else { continue }
            guard state.admit(limit: configuration.maxConnections) else {
                let message = "refused gateway \(connection.peer): \(configuration.maxConnections) already connected"
                state.recordError(message)
                sink.log(.warning, message + " (max_connections)", input: name)
                connection.close()
                continue
            }
            sink.log(.info, "gateway \(connection.peer) connected", input: name)
            let handoff = ConnectionHandoff(connection)
            let started = lifecycle.startThread { [self] in
                let connection = handoff.take()
                var reader = FeedConnectionReader(
                    input: name, configuration: configuration, sink: sink, state: state, rawCommitter: run.raw)
                let end = reader.run(connection, idleTimeout: configuration.idleTimeout, stop: lifecycle.socketStop)
                connection.close()
                state.connectionClosed(idle: .connecting)
                if end != .stopped { report(end, peer: connection.peer, sink: sink) }
            }
            if !started {
                handoff.take().close()
                state.connectionClosed(idle: .connecting)
            }
        }
    }

    private func report(_ end: FeedConnectionReader.End, peer: String, sink: any CaptureSink) {
        switch end {
        case .closedByPeer:
            sink.log(.info, "\(peer) closed the connection", input: name)
        case .failed(let error):
            let message = "connection to \(peer) failed: \(error.message)"
            state.recordError(message)
            sink.log(.warning, message, input: name)
        case .idle:
            let timeout = configuration.idleTimeout.map(DurationText.format) ?? "?"
            let message = "no data from \(peer) for \(timeout) (idle_timeout); closed the connection"
            state.recordError(message)
            sink.log(.warning, message, input: name)
        case .stopped:
            break
        }
    }
}

/// Hands an accepted connection to the one thread that reads it. `@unchecked Sendable`: the connection
/// is taken exactly once, by that thread (or, if the thread could not start, by the acceptor), under the lock.
private final class ConnectionHandoff: @unchecked Sendable {
    private let lock = Mutex(())
    private var connection: TCPConnection?

    init(_ connection: TCPConnection) {
        self.connection = connection
    }

    func take() -> TCPConnection {
        lock.withLock { _ in
            defer { connection = nil }
            return connection!
        }
    }
}

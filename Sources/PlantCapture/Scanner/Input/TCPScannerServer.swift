// scanner_tcp, mode server: scanners connect to the agent and push scans. Each connection has its own thread
// and station state; all share the input's scan sequence.
import PlantConfig
import PlantNet
import Synchronization

struct TCPScannerServer {
    let run: ScannerRun
    let address: HostPort
    let maxConnections: Int

    func loop() {
        guard let listener = bind() else { return }
        run.stop.onFire { listener.stop() }
        run.status.listeningPort = Int(listener.port)
        run.status.set(.connecting)
        run.log(.info, "listening on \(listener.localAddress) for scanners")
        let connections = ScannerThreadSet()
        let active = ConnectedScanners()
        while !run.stop.isFired {
            let accepted: TCPConnection?
            do {
                accepted = try listener.accept(timeout: nil)
            } catch {
                run.log(.warning, "accepting a scanner connection failed: \(error.message)")
                if run.stop.pause(.milliseconds(200)) { break }
                continue
            }
            guard let connection = accepted else { break }
            connections.reapFinished()
            let peer = connection.peer
            if active.count >= maxConnections {
                run.log(.warning, "refused scanner \(peer): \(maxConnections) scanners are connected (max_connections)")
                connection.close()
                continue
            }
            active.change(by: 1)
            run.status.set(.connected)
            run.log(.info, "scanner \(peer) connected")
            let run = self.run
            let started = connections.start {
                Self.serve(connection, peer: peer, run: run)
                if active.change(by: -1) == 0 && !run.stop.isFired {
                    run.status.set(.connecting)
                }
            }
            if !started {
                active.change(by: -1)
                run.log(.error, "no thread for scanner \(peer): connection closed")
            }
        }
        listener.close()
        connections.joinAll()
    }

    /// Binds the listening socket, retrying (port taken, address not yet up) until it works or the input stops.
    private func bind() -> TCPListener? {
        var pause: Duration = .seconds(1)
        var lastFailure: String?
        while !run.stop.isFired {
            do {
                return try TCPListener(host: address.host, port: UInt16(address.port))
            } catch {
                let message = "cannot listen on \(address): \(error.message)"
                run.status.set(.unavailable)
                run.failed(message)
                if message != lastFailure {
                    run.log(.error, message + "; retrying")
                    lastFailure = message
                }
                if run.stop.pause(pause) { return nil }
                pause = min(pause * 2, .seconds(30))
            }
        }
        return nil
    }

    private static func serve(_ connection: TCPConnection, peer: String, run: ScannerRun) {
        try? connection.setKeepAlive(true, idle: TCPScannerClient.keepAliveIdle)
        var station = run.makeStation()
        let source = "scanner \(peer)"
        let end = TCPScanReading.read(
            connection, framing: run.configuration.framing, idleFlush: run.configuration.idleFlush, stop: run.stop
        ) { frame in
            run.recorder.record(frame, station: &station, source: source)
        }
        connection.close()
        switch end {
        case .stopped: break
        case .closedByPeer: run.log(.info, "\(source) disconnected")
        case .failed(let reason): run.log(.warning, "connection to \(source) lost: \(reason)")
        }
    }
}

/// How many scanners are connected to a server-mode input, shared with the connection threads.
private final class ConnectedScanners: Sendable {
    private let value = Atomic<Int>(0)

    var count: Int { value.load(ordering: .acquiring) }

    /// Adds `delta` and returns the new count.
    @discardableResult
    func change(by delta: Int) -> Int {
        value.add(delta, ordering: .acquiringAndReleasing).newValue
    }
}

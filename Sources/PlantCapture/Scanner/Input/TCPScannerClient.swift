// scanner_tcp, mode client: the scanner (or its serial-to-Ethernet adapter) listens, e.g. on port 23; the
// agent connects, reads scans, and reconnects with capped backoff when the connection fails or ends.
import PlantConfig
import PlantNet

struct TCPScannerClient {
    static let firstPause: Duration = .milliseconds(500)
    static let connectTimeout: Duration = .seconds(5)
    static let keepAliveIdle: Duration = .seconds(60)

    let run: ScannerRun
    let address: HostPort
    let reconnectMax: Duration

    func loop() {
        // One scanner across reconnects: its sequence state (a scanned location) survives a network blip.
        var station = run.makeStation()
        var pause = Self.firstPause
        var lastFailure: String?
        let source = "scanner at \(address)"
        while !run.stop.isFired {
            run.status.set(.connecting)
            let connection: TCPConnection
            do {
                connection = try TCPConnection.connect(
                    host: address.host, port: UInt16(address.port), timeout: Self.connectTimeout, stop: run.stop.signal)
            } catch {
                if error.isCancelled { break }
                let message = "cannot connect to \(source): \(error.message)"
                run.failed(message)
                if message != lastFailure {
                    run.log(.warning, message + "; retrying with backoff up to \(DurationText.format(reconnectMax))")
                    lastFailure = message
                }
                if run.stop.pause(pause) { break }
                pause = min(pause * 2, reconnectMax)
                continue
            }
            try? connection.setKeepAlive(true, idle: Self.keepAliveIdle)
            run.status.set(.connected)
            run.log(.info, "connected to \(source)")
            lastFailure = nil
            var delivered = false
            let end = TCPScanReading.read(
                connection, framing: run.configuration.framing, idleFlush: run.configuration.idleFlush,
                stop: run.stop
            ) { frame in
                delivered = true
                run.recorder.record(frame, station: &station, source: source)
            }
            connection.close()
            switch end {
            case .stopped:
                return
            case .closedByPeer:
                run.log(.warning, "\(source) closed the connection; reconnecting")
            case .failed(let reason):
                run.failed("connection to \(source) lost: \(reason)")
                run.log(.warning, "connection to \(source) lost: \(reason); reconnecting")
            }
            // A scanner that accepts and hangs up at once must not make a busy loop.
            pause = delivered ? Self.firstPause : min(pause * 2, reconnectMax)
            run.status.set(.connecting)
            if run.stop.pause(delivered ? .zero : pause) { break }
        }
    }
}

// Bytes from one scanner TCP connection -> frames, with idle flush; used by client and server mode alike.
import PlantNet

enum TCPScanReading {
    /// Why reading a connection ended.
    enum End {
        case stopped
        /// The scanner closed the connection (its unterminated rest was delivered first).
        case closedByPeer
        case failed(String)
    }

    /// Reads `connection` until it ends or the input stops, handing every frame to `deliver`. Blocking: runs on
    /// the connection's own thread.
    static func read(
        _ connection: TCPConnection, framing: ScanFramingConfiguration, idleFlush: Duration?, stop: ScannerStop,
        deliver: (ScanFrame) -> Void
    ) -> End {
        connection.stop = stop.signal
        connection.readTimeout = .seconds(5)
        var decoder = ScanFrameDecoder(configuration: framing)
        var buffer = [UInt8](repeating: 0, count: 4096)
        let clock = ContinuousClock()
        var lastBytesAt: ContinuousClock.Instant?
        while true {
            var timeout: Duration?  // nil: until bytes arrive or the stop signal fires
            if let idleFlush, decoder.hasPendingData, let last = lastBytesAt {
                let remaining = clock.now.duration(to: last.advanced(by: idleFlush))
                if remaining <= .zero {
                    lastBytesAt = nil
                    if let frame = decoder.idleElapsed() { deliver(frame) }
                    continue
                }
                timeout = remaining
            }
            do {
                switch try connection.waitForInput(timeout: timeout, unless: stop.signal) {
                case .stopped: return .stopped
                case .timedOut: continue
                case .ready: break
                }
                let count = try buffer.withUnsafeMutableBytes { try connection.read(into: $0) }
                if count == 0 {
                    var rest = ArraySlice<UInt8>()
                    while let frame = decoder.decodeLast(&rest) { deliver(frame) }
                    return .closedByPeer
                }
                lastBytesAt = clock.now
                var input = buffer[0..<count]
                while let frame = decoder.decode(&input) { deliver(frame) }
            } catch let error as SocketError {
                return error.isCancelled ? .stopped : .failed(error.message)
            } catch {
                return .failed("\(error)")
            }
        }
    }
}

// A serial scanner as a stream of events: scans, rejected frames, and the device going and coming back.
// The scanner input adapter runs `next(timeout:)` in a loop on its own thread.
#if canImport(Glibc)
    import Glibc

    /// Reads scans from a serial device, flushing unterminated scans when the line goes idle and reopening the
    /// device after it disappears. Blocking: create and use it on one dedicated thread (not Sendable on purpose).
    public final class SerialScannerLink {
        public struct Configuration: Sendable, Hashable {
            /// Device path; prefer /dev/serial/by-id/… (stable across USB ports and re-plugging).
            public var path: String
            public var settings: SerialPortSettings
            public var framing: ScanFramingConfiguration
            /// Quiet time after which a pending unterminated scan is complete; nil: wait for a terminator.
            public var idleFlush: Duration?
            /// Pause between attempts to open the device while it is absent.
            public var reopenInterval: Duration

            public init(
                path: String, settings: SerialPortSettings = SerialPortSettings(),
                framing: ScanFramingConfiguration = ScanFramingConfiguration(),
                idleFlush: Duration? = .milliseconds(200), reopenInterval: Duration = .seconds(1)
            ) {
                self.path = path
                self.settings = settings
                self.framing = framing
                self.idleFlush = idleFlush
                self.reopenInterval = reopenInterval
            }
        }

        /// What happened on the line.
        public enum LineEvent: Sendable, Hashable {
            /// The device was opened (at start or after it came back).
            case opened(path: String)
            case scan(FramedScan)
            case rejected(RejectedScan)
            /// The device went away; the link keeps trying to reopen it. Reported once per loss.
            case gone(SerialDeviceGone)
            /// Opening failed; reported when the reason first appears or changes, then retried quietly.
            case openFailed(SerialPortError)
            /// Nothing happened within the timeout.
            case quiet
        }

        public let configuration: Configuration
        private var port: SerialPort?
        private var decoder: ScanFrameDecoder
        private var pending: [LineEvent] = []
        private let clock = ContinuousClock()
        private var lastBytesAt: ContinuousClock.Instant?
        private var nextOpenAt: ContinuousClock.Instant
        private var lastOpenError: SerialPortError?

        public init(configuration: Configuration) {
            self.configuration = configuration
            self.decoder = ScanFrameDecoder(configuration: configuration.framing)
            self.nextOpenAt = clock.now
        }

        deinit { port?.close() }

        /// Whether the device is open now.
        public var isOpen: Bool { port != nil }

        /// The next event, waiting at most about `timeout` (`.quiet` when nothing happened).
        public func next(timeout: Duration) -> LineEvent {
            let deadline = clock.now.advanced(by: timeout)
            while true {
                if !pending.isEmpty { return pending.removeFirst() }
                guard let port else {
                    if let event = tryOpen() { return event }
                    let wake = min(deadline, nextOpenAt)
                    if clock.now >= deadline { return .quiet }
                    sleep(until: wake)
                    continue
                }
                var readUntil = deadline
                if let idleFlush = configuration.idleFlush, decoder.hasPendingData, let lastBytesAt {
                    let flushAt = lastBytesAt.advanced(by: idleFlush)
                    if clock.now >= flushAt {
                        self.lastBytesAt = nil
                        if let frame = decoder.idleElapsed() { return Self.event(frame) }
                        continue
                    }
                    readUntil = min(readUntil, flushAt)
                }
                let now = clock.now
                if now >= deadline { return .quiet }
                switch port.read(timeout: now.duration(to: readUntil)) {
                case .bytes(let bytes):
                    lastBytesAt = clock.now
                    var input = bytes[...]
                    while let frame = decoder.decode(&input) { pending.append(Self.event(frame)) }
                case .timedOut:
                    continue
                case .gone(let gone):
                    lost(gone)
                }
            }
        }

        /// Closes the device; a later `next` opens it again.
        public func close() {
            port?.close()
            port = nil
        }

        private func tryOpen() -> LineEvent? {
            guard clock.now >= nextOpenAt else { return nil }
            do {
                port = try SerialPort.open(path: configuration.path, settings: configuration.settings)
                lastOpenError = nil
                decoder = ScanFrameDecoder(configuration: configuration.framing)
                lastBytesAt = nil
                return .opened(path: configuration.path)
            } catch {
                nextOpenAt = clock.now.advanced(by: configuration.reopenInterval)
                if error == lastOpenError { return nil }
                lastOpenError = error
                return .openFailed(error)
            }
        }

        /// The device went: what was framed so far is delivered, then the loss; reopening starts after a pause.
        private func lost(_ gone: SerialDeviceGone) {
            port?.close()
            port = nil
            var rest = ArraySlice<UInt8>()
            while let frame = decoder.decodeLast(&rest) { pending.append(Self.event(frame)) }
            decoder = ScanFrameDecoder(configuration: configuration.framing)
            pending.append(.gone(gone))
            lastOpenError = nil
            lastBytesAt = nil
            nextOpenAt = clock.now.advanced(by: configuration.reopenInterval)
        }

        private func sleep(until instant: ContinuousClock.Instant) {
            let milliseconds = SerialPort.milliseconds(until: instant, clock: clock)
            if milliseconds > 0 { _ = poll(nil, 0, milliseconds) }
        }

        private static func event(_ frame: ScanFrame) -> LineEvent {
            switch frame {
            case .scan(let scan): return .scan(scan)
            case .rejected(let rejected): return .rejected(rejected)
            }
        }
    }
#endif

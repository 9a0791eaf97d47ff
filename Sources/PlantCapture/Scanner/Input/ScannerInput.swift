// The scanner input adapter (`scanner_serial`, `scanner_tcp`): one dedicated thread reads the scanner (plus
// one per connected scanner in TCP server mode); every scan goes through ScanRecorder to the journal.
import PlantModel
import Synchronization

/// A barcode scanner as an input: reads scans over serial or TCP, applies the station rules and journals one
/// event per booked scan with id `scan/<station>/<sequence>`; the sequence is checkpointed in the same
/// journal transaction (`scanner/<input>/seq`) and resumes from there after a restart.
public final class ScannerInput: InputAdapter {
    private struct Running: Sendable {
        let stop: ScannerStop
        let thread: ScannerThread
        let recorder: ScanRecorder
    }

    public let name: String
    public let configuration: ScannerConfiguration
    private let context: InputContext
    private let clock: @Sendable () -> Timestamp
    private let status = ScannerStatus()
    private let running = Mutex<Running?>(nil)

    /// - Parameters:
    ///   - plant: the agent's plant id, carried by every event.
    ///   - currentOrder: the order running on a line now, or nil when none is known (issues and production
    ///     receipts are then refused into quarantine, never dropped).
    ///   - clock: when a scan was read (tests inject a fixed one).
    public init(
        name: String, configuration: ScannerConfiguration, plant: String,
        currentOrder: @escaping @Sendable (_ line: String) -> String? = { _ in nil },
        clock: @escaping @Sendable () -> Timestamp = { Timestamp.now() }
    ) {
        self.name = name
        self.configuration = configuration
        self.context = InputContext(plant: plant, currentOrder: currentOrder)
        self.clock = clock
    }

    /// For `InputRegistry`: the plant id and current orders come from the agent's context.
    public static func make(name: String, configuration: ScannerConfiguration, context: InputContext)
        -> any InputAdapter
    {
        ScannerInput(name: name, configuration: configuration, plant: context.plant, currentOrder: context.currentOrder)
    }

    public var type: String { configuration.connection.typeName }

    public var health: InputHealth { status.snapshot }

    /// The port a server-mode input listens on once it is bound (the OS's choice for port 0).
    public var listeningPort: Int? { status.listeningPort }

    /// The sequence number of the last scan journaled, while running.
    public var lastSequence: Int64? { running.withLock { $0?.recorder.lastSequence } }

    public func start(sink: any CaptureSink) {
        running.withLock { running in
            guard running == nil else { return }
            let wiring = context
            guard !wiring.plant.isEmpty else {
                let message = "not started: no plant id given"
                status.failed(message, at: clock())
                sink.log(.error, message, input: name)
                return
            }
            let stop = ScannerStop()
            let recorder = ScanRecorder(
                input: name, configuration: configuration, sink: sink, status: status, stop: stop, clock: clock)
            let station = configuration.station
            let run = ScannerRun(
                input: name, configuration: configuration, recorder: recorder, status: status, stop: stop,
                sink: sink, clock: clock,
                makeStation: { Station(configuration: station, plant: wiring.plant, currentOrder: wiring.currentOrder) }
            )
            status.set(.connecting)
            let connection = configuration.connection
            sink.log(
                .info,
                "started: \(connection.sourceDescription), station \(station.id) "
                    + "(\(station.movement.rawValue)), next scan id scan/\(station.id)/\(recorder.lastSequence + 1)",
                input: name)
            let thread = ScannerThread.start {
                switch connection {
                case .serial(let device, let settings, let reopenInterval):
                    SerialScannerReader(run: run, device: device, settings: settings, reopenInterval: reopenInterval)
                        .loop()
                case .tcpClient(let address, let reconnectMax):
                    TCPScannerClient(run: run, address: address, reconnectMax: reconnectMax).loop()
                case .tcpServer(let address, let maxConnections):
                    TCPScannerServer(run: run, address: address, maxConnections: maxConnections).loop()
                }
            }
            guard let thread else {
                status.set(.stopped)
                status.failed("not started: the system refused a thread", at: clock())
                sink.log(.error, "not started: the system refused a thread", input: name)
                return
            }
            running = Running(stop: stop, thread: thread, recorder: recorder)
        }
    }

    public func stop() {
        let current = running.withLock { running in
            defer { running = nil }
            return running
        }
        guard let current else { return }
        current.stop.fire()
        current.thread.join()
        status.set(.stopped)
    }
}

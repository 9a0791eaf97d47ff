import PlantModel

/// What every transport loop of one running input shares.
struct ScannerRun: Sendable {
    let input: String
    let configuration: ScannerConfiguration
    let recorder: ScanRecorder
    let status: ScannerStatus
    let stop: ScannerStop
    let sink: any CaptureSink
    let clock: @Sendable () -> Timestamp
    /// A station in its initial state (one per scanner connection: each has its own sequence state).
    let makeStation: @Sendable () -> Station

    func log(_ level: LogLevel, _ message: String) {
        sink.log(level, message, input: input)
    }

    func failed(_ message: String) {
        status.failed(message, at: clock())
    }
}

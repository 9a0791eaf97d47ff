// scanner_serial: reads the device through SerialScannerLink on the input's thread; says once when the
// device goes and once when it is back, and keeps trying in between.
#if canImport(Glibc)
    import PlantConfig

    struct SerialScannerReader {
        let run: ScannerRun
        let device: String
        let settings: SerialPortSettings
        let reopenInterval: Duration

        func loop() {
            let link = SerialScannerLink(
                configuration: .init(
                    path: device, settings: settings, framing: run.configuration.framing,
                    idleFlush: run.configuration.idleFlush, reopenInterval: reopenInterval))
            defer { link.close() }
            var station = run.makeStation()
            var gone = false
            run.status.set(.connecting)
            while !run.stop.isFired {
                switch link.next(timeout: .milliseconds(100)) {
                case .opened(let path):
                    run.status.set(.connected)
                    run.log(
                        .info,
                        gone ? "device back: \(path) (\(settings.summary))" : "opened \(path) (\(settings.summary))")
                    gone = false
                case .scan(let scan):
                    run.recorder.record(.scan(scan), station: &station, source: device)
                case .rejected(let rejected):
                    run.recorder.record(.rejected(rejected), station: &station, source: device)
                case .gone(let loss):
                    gone = true
                    run.status.set(.unavailable)
                    run.failed("device gone: \(loss.message)")
                    run.log(.warning, "device gone: \(loss.message); reopening it when it returns")
                case .openFailed(let error):
                    run.status.set(.unavailable)
                    run.failed(error.message)
                    // Absent right after it went is the expected state, already said by "device gone".
                    if case .deviceAbsent = error, gone { continue }
                    run.log(
                        .error, "cannot open \(error.message); retrying every \(DurationText.format(reopenInterval))")
                case .quiet:
                    continue
                }
            }
        }
    }
#endif

import PlantModel

/// Scans per second through the scanner input's in-process path, without I/O and without the journal:
/// framing, GS1 decoding, the station rules and making the event (id + validation). The scans are made
/// before the clock starts.
public enum ScannerBenchmark {
    /// What the timed loop covers.
    public enum Path: String, Sendable, CaseIterable {
        /// `GS1Decoder.decode` + `Station.handle`, as the benchmark asks.
        case decodeAndStation = "decode+station"
        /// Bytes as read -> `ScanFrameDecoder` -> decode -> station -> `Event` with id `scan/<station>/<seq>`.
        case framedToEvent = "frame+decode+station+event"
    }

    /// A receiving station with a fixed to-location: every item scan books one receipt.
    public static let station = StationConfiguration(id: "RCV-1", movement: .receipt, toLocation: "WH-RECV")

    /// Runs `scans` scans (a realistic mix: GS1-128 with GTIN, lot, expiry and count; GS1 DataMatrix with
    /// GTIN, serial and net weight; EAN-13; plain item numbers; a location scan now and then) and returns
    /// scans per second. Precondition-checks that every scan was booked or was a location, so a change that
    /// starts refusing scans cannot pass as fast.
    public static func run(scans: Int, path: Path = .decodeAndStation) -> Double {
        let samples = makeScans()
        let time = Timestamp(millisecondsSinceEpoch: 1_795_000_000_000)
        var station = Station(configuration: station, plant: "P100")
        var booked = 0
        var prompts = 0
        let clock = ContinuousClock()
        let start = clock.now
        switch path {
        case .decodeAndStation:
            for index in 0..<scans {
                let scan = samples[index % samples.count]
                guard let decoded = try? GS1Decoder.decode(scan.bytes, currentYear: 2026) else { continue }
                switch station.handle(scan: decoded, raw: scan.text, at: time) {
                case .record: booked += 1
                case .prompt: prompts += 1
                case .rejected: break
                }
            }
        case .framedToEvent:
            var framing = ScanFrameDecoder(configuration: ScanFramingConfiguration(terminator: .cr))
            var sequence: Int64 = 0
            for index in 0..<scans {
                var bytes = samples[index % samples.count].line[...]
                while let frame = framing.decode(&bytes) {
                    guard case .scan(let scan) = frame,
                        let decoded = try? GS1Decoder.decode(scan.bytes, currentYear: 2026)
                    else { continue }
                    switch station.handle(scan: decoded, raw: scan.text, at: time) {
                    case .record(let payload, let at):
                        sequence += 1
                        if let id = try? EventID.scan(station: "RCV-1", sequence: sequence),
                            (try? Event(id: id, occurredAt: at, payload: payload)) != nil
                        {
                            booked += 1
                        }
                    case .prompt: prompts += 1
                    case .rejected: break
                    }
                }
            }
        }
        let elapsed = clock.now - start
        precondition(booked + prompts == scans, "benchmark scans were refused: \(scans - booked - prompts)")
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        return seconds > 0 ? Double(scans) / seconds : 0
    }

    struct SampleScan {
        let text: String
        let bytes: [UInt8]
        /// As the scanner sends it: with CR.
        let line: [UInt8]

        init(_ text: String) {
            self.text = text
            bytes = Array(text.utf8)
            line = bytes + [0x0D]
        }
    }

    static func makeScans() -> [SampleScan] {
        [
            "]C10109876543210982\u{1D}10LOT-2026-117\u{1D}17261231\u{1D}3012",
            "]d2010400638133393121SN000123456\u{1D}3103001250",
            "]E04006381333931",
            "MAT-4711",
            "]C10109876543210982\u{1D}10LOT-2026-118\u{1D}3024",
            "MAT-100200300",
            "LOC-A-01-03",
            "]C1(01)14006381333938(10)B7(30)6",
        ].map(SampleScan.init)
    }
}

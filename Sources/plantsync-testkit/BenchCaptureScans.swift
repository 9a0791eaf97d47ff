import PlantCapture

/// Scans per second through GS1 decoding and the station rules (`ScannerBenchmark`, on the calling thread),
/// and from the bytes as read through framing to the event. Baseline: `GS1Decoder.decode` alone on the same
/// kinds of scan.
let benchCaptureScans = Subcommand(
    name: "bench-capture-scans",
    usage: "[--scans 1000000] [--repeats 3]"
) { arguments in
    let scans = try arguments.int("scans", default: 1_000_000)
    let repeats = try arguments.int("repeats", default: 3)
    for path in ScannerBenchmark.Path.allCases {
        // The benchmark precondition-checks that every scan was booked or was a location.
        let measured = BenchMeasurement.best(of: repeats, .thread) {
            _ = ScannerBenchmark.run(scans: scans, path: path)
            return scans
        }
        measured.report(bench: "capture", row: "scan-" + path.rawValue)
    }
    // The benchmark's own scan mix (its list is internal to PlantCapture).
    let mix = [
        "]C10109876543210982\u{1D}10LOT-2026-117\u{1D}17261231\u{1D}3012",
        "]d2010400638133393121SN000123456\u{1D}3103001250",
        "]E04006381333931",
        "MAT-4711",
        "]C10109876543210982\u{1D}10LOT-2026-118\u{1D}3024",
        "MAT-100200300",
        "LOC-A-01-03",
        "]C1(01)14006381333938(10)B7(30)6",
    ].map { Array($0.utf8) }
    let isGS1 = try mix.map { scan -> Bool in
        if case .gs1 = try GS1Decoder.decode(scan, currentYear: 2026) { return true }
        return false
    }
    let expected =
        scans / mix.count * isGS1.filter { $0 }.count + isGS1.prefix(scans % mix.count).filter { $0 }.count
    let decode = try BenchMeasurement.best(of: repeats, .thread) {
        var gs1 = 0
        for index in 0..<scans {
            if case .gs1 = try GS1Decoder.decode(mix[index % mix.count], currentYear: 2026) { gs1 += 1 }
        }
        precondition(gs1 == expected, "GS1 scans decoded: \(gs1), expected \(expected)")
        return scans
    }
    decode.report(bench: "capture", row: "scan-gs1-decode")
    return 0
}

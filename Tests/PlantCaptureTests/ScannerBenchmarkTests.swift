import Testing

@testable import PlantCapture

@Suite("Scanner benchmark")
struct ScannerBenchmarkTests {
    /// Keeps the benchmark honest: every sample scan decodes and is booked (or is a location), on both paths.
    @Test(arguments: ScannerBenchmark.Path.allCases)
    func everySampleScanIsBooked(_ path: ScannerBenchmark.Path) {
        #expect(ScannerBenchmark.run(scans: 800, path: path) > 0)
    }
}

import PlantConfig
import PlantModel
import Testing

@testable import PlantCapture

private typealias RecordingSink = ScannerTestSupport.RecordingSink
private typealias Socket = ScannerTestSupport.Socket

@Suite("Scanner bad input: counted, quarantined, never disturbing")
struct ScannerBadInputTests {
    private func serverInput(name: String, station: String) -> ScannerInput {
        ScannerInput(
            name: name,
            configuration: ScannerConfiguration(
                connection: .tcpServer(listen: HostPort(host: "127.0.0.1", port: 0), maxConnections: 2),
                station: StationConfiguration(id: station, movement: .receipt, toLocation: "WH")),
            plant: "P100", clock: { ScannerTestSupport.time })
    }

    @Test func aGarbageFloodOnOneInputLeavesTheOtherAlone() throws {
        let sink = RecordingSink()
        let noisy = serverInput(name: "noisy", station: "N-1")
        let quiet = serverInput(name: "quiet", station: "Q-1")
        noisy.start(sink: sink)
        defer { noisy.stop() }
        quiet.start(sink: sink)
        defer { quiet.stop() }
        #expect(sink.wait { $0.logs(containing: "for scanners").count == 2 })
        let noisyScanner = try Socket.connect(port: try #require(noisy.listeningPort))
        defer { Socket.close(noisyScanner) }
        let quietScanner = try Socket.connect(port: try #require(quiet.listeningPort))
        defer { Socket.close(quietScanner) }

        // 300 bad frames: invalid UTF-8, NUL noise, undecodable GS1; then 200 KiB without a terminator (over the
        // default 64 KiB), then a good scan.
        var garbage: [UInt8] = []
        for index in 0..<300 {
            switch index % 3 {
            case 0: garbage += [0xC3, 0x28, 0x0D]
            case 1: garbage += [0x00, 0x01, 0x02, 0x0D]
            default: garbage += Array("]C10109876543210983\r".utf8)
            }
        }
        garbage += [UInt8](repeating: 0x41, count: 200 * 1024) + [0x0D]
        garbage += Array("AFTER-NOISE\r".utf8)
        Socket.send(noisyScanner, garbage)
        for index in 1...50 { Socket.send(quietScanner, "MAT-\(index)\r") }

        #expect(
            sink.wait(timeout: .seconds(30)) { seen in
                seen.events.filter { $0.id.rawValue.hasPrefix("scan/Q-1/") }.count == 50
                    && seen.events.contains { $0.id.rawValue == "scan/N-1/1" }
            })
        noisy.stop()
        quiet.stop()
        let seen = sink.snapshot
        #expect(seen.eventIDs.filter { $0.hasPrefix("scan/Q-1/") } == (1...50).map { "scan/Q-1/\($0)" })
        #expect(seen.eventIDs.filter { $0.hasPrefix("scan/N-1/") } == ["scan/N-1/1"])
        #expect(noisy.health.quarantined == 301)
        #expect(noisy.health.journaled == 1)
        #expect(quiet.health.quarantined == 0)
        #expect(quiet.health.journaled == 50)
        // Records are rate-limited (20 at once, 5 per second after): the log and the quarantine table are not flooded.
        let noisyRecords = seen.problems.filter { $0.input == "noisy" }
        #expect(noisyRecords.count >= 20 && noisyRecords.count < 301)
        #expect(
            noisyRecords.prefix(3).map(\.reason) == [
                "scan is not valid UTF-8 at byte 1 (0xC3): binary noise or a scanner code page other than UTF-8/ASCII",
                "scan holds control byte 0x00 at byte 1: binary noise on the line",
                "GS1 scan does not decode: AI (01) at position 19: check digit 3 is wrong, expected 2",
            ])
    }

    @Test func theQuarantineBudgetAllowsABurstThenARateAndCountsTheRest() {
        var budget = QuarantineBudget(burst: 3, perSecond: 2)
        let start = ContinuousClock.now
        let admitted = (0..<5).map { _ in budget.admit(at: start) }
        #expect(admitted.map(\.admitted) == [true, true, true, false, false])
        #expect(budget.suppressed == 2)
        // Half a second later one token is back; the record says how many were suppressed before it.
        let later = budget.admit(at: start.advanced(by: .milliseconds(500)))
        #expect(later.admitted)
        #expect(later.suppressedBefore == 2)
        #expect(budget.suppressed == 0)
        #expect(!budget.admit(at: start.advanced(by: .milliseconds(600))).admitted)
        // The bucket never holds more than the burst.
        let muchLater = start.advanced(by: .seconds(60))
        #expect((0..<4).map { _ in budget.admit(at: muchLater).admitted } == [true, true, true, false])
    }
}

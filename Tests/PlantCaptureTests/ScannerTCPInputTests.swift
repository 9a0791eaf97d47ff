import PlantConfig
import PlantModel
import Testing

@testable import PlantCapture

private typealias RecordingSink = ScannerTestSupport.RecordingSink
private typealias Socket = ScannerTestSupport.Socket

private let gtinScan = "]C10109876543210982"

@Suite("scanner_tcp input on 127.0.0.1")
struct ScannerTCPInputTests {
    private func input(
        _ connection: ScannerConnection, station: StationConfiguration, maxLength: Int = 64,
        orders: [String: String] = [:]
    ) -> ScannerInput {
        let configuration = ScannerConfiguration(
            connection: connection, framing: ScanFramingConfiguration(terminator: .cr, maxLength: maxLength),
            station: station)
        return ScannerInput(
            name: "dock-1", configuration: configuration, plant: "P100", currentOrder: { orders[$0] },
            clock: { ScannerTestSupport.time })
    }

    @Test func clientModeJournalsGoodScansAndQuarantinesBadOnes() throws {
        let scanner = try Socket.listen()
        defer { Socket.close(scanner.descriptor) }
        let sink = RecordingSink()
        let input = input(
            .tcpClient(connect: HostPort(host: "127.0.0.1", port: scanner.port), reconnectMax: .seconds(1)),
            station: StationConfiguration(id: "RCV-1", movement: .receipt, toLocation: "WH"))
        input.start(sink: sink)
        defer { input.stop() }

        let first = try Socket.accept(scanner.descriptor)
        #expect(sink.wait { !$0.logs(containing: "connected to scanner at 127.0.0.1:\(scanner.port)").isEmpty })
        #expect(input.health.connection == .connected)
        Socket.send(first, "\(gtinScan)\rMAT-4711\r")
        Socket.send(first, [0x41, 0xFF, 0xFE, 0x0D])  // invalid UTF-8
        Socket.send(first, [0x41, 0x00, 0x42, 0x0D])  // binary noise
        Socket.send(first, String(repeating: "A", count: 100) + "\r")  // overlong (limit 64)
        Socket.send(first, "]C10109876543210983\r")  // wrong check digit
        Socket.send(first, "X-9\r")
        #expect(sink.wait { $0.events.count == 3 && $0.problems.count == 4 })

        let seen = sink.snapshot
        #expect(seen.eventIDs == ["scan/RCV-1/1", "scan/RCV-1/2", "scan/RCV-1/3"])
        #expect(seen.checkpoint("scanner/dock-1/seq") == "3")
        #expect(seen.events.map(\.occurredAt) == Array(repeating: ScannerTestSupport.time, count: 3))
        guard case .inventoryMovement(let movement) = seen.events[1].payload else {
            Issue.record("expected an inventory movement, got \(seen.events[1])")
            return
        }
        #expect(
            movement
                == InventoryMovement(
                    kind: .receipt, plant: "P100", item: "MAT-4711", quantity: DecimalNumber(1), unit: "EA",
                    toLocation: "WH",
                    station: "RCV-1", rawScan: "MAT-4711"))
        let source = "scanner at 127.0.0.1:\(scanner.port)"
        #expect(
            seen.problems.map(\.reason) == [
                "scan is not valid UTF-8 at byte 2 (0xFF): binary noise or a scanner code page other than UTF-8/ASCII",
                "scan holds control byte 0x00 at byte 2: binary noise on the line",
                "scan longer than 64 bytes without a terminator: discarded up to the next terminator (check the "
                    + "scanner's terminator setting)",
                "GS1 scan does not decode: AI (01) at position 19: check digit 3 is wrong, expected 2",
            ])
        #expect(
            seen.problems.map(\.location) == [
                "\(source) frame 3", "\(source) frame 4", "\(source) frame 5", "\(source) frame 6",
            ])
        #expect(seen.problems.map(\.input) == Array(repeating: "dock-1", count: 4))
        #expect(seen.problems[0].excerpt == [0x41, 0xFF, 0xFE])
        #expect(seen.problems[2].excerpt == Array(repeating: 0x41, count: 64))

        // The scanner drops the connection; the input reconnects and the sequence goes on.
        Socket.close(first)
        let second = try Socket.accept(scanner.descriptor)
        defer { Socket.close(second) }
        Socket.send(second, "MAT-4712\r")
        #expect(sink.wait { $0.events.count == 4 })
        #expect(sink.snapshot.eventIDs.last == "scan/RCV-1/4")
        #expect(sink.snapshot.logs(containing: "closed the connection; reconnecting").count == 1)

        input.stop()
        let health = input.health
        #expect(health.connection == .stopped)
        #expect(health.received == 8)
        #expect(health.journaled == 4)
        #expect(health.quarantined == 4)
        #expect(
            health.lastError == "GS1 scan does not decode: AI (01) at position 19: check digit 3 is wrong, expected 2")
    }

    @Test func aRestartResumesTheSequenceFromTheCheckpoint() throws {
        let scanner = try Socket.listen()
        defer { Socket.close(scanner.descriptor) }
        let sink = RecordingSink(checkpoints: ["scanner/dock-1/seq": Array("41".utf8)])
        let input = input(
            .tcpClient(connect: HostPort(host: "127.0.0.1", port: scanner.port), reconnectMax: .seconds(1)),
            station: StationConfiguration(id: "RCV-1", movement: .receipt, toLocation: "WH"))
        input.start(sink: sink)
        defer { input.stop() }
        let connection = try Socket.accept(scanner.descriptor)
        defer { Socket.close(connection) }
        Socket.send(connection, "A-1\rA-2\r")
        #expect(sink.wait { $0.events.count == 2 })
        #expect(sink.snapshot.eventIDs == ["scan/RCV-1/42", "scan/RCV-1/43"])
        #expect(sink.snapshot.checkpoint("scanner/dock-1/seq") == "43")
        #expect(input.lastSequence == 43)
        #expect(
            sink.snapshot.logs.first == "info: started: scanner at 127.0.0.1:\(scanner.port), station RCV-1 "
                + "(receipt), next scan id scan/RCV-1/42")
    }

    @Test func serverModeKeepsASequenceStatePerScanner() throws {
        let sink = RecordingSink()
        let input = input(
            .tcpServer(listen: HostPort(host: "127.0.0.1", port: 0), maxConnections: 2),
            station: StationConfiguration(id: "PUT-1", movement: .receipt))
        input.start(sink: sink)
        defer { input.stop() }
        #expect(sink.wait { !$0.logs(containing: "for scanners").isEmpty })
        let port = try #require(input.listeningPort)
        #expect(input.health.connection == .connecting)

        let first = try Socket.connect(port: port)
        defer { Socket.close(first) }
        let second = try Socket.connect(port: port)
        defer { Socket.close(second) }
        #expect(sink.wait { $0.logs(containing: "connected").count == 2 })
        #expect(input.health.connection == .connected)

        Socket.send(first, "LOC-A\rMAT-1\r")
        #expect(sink.wait { $0.events.count == 1 })
        Socket.send(second, "MAT-2\r")  // this scanner has not scanned a location
        #expect(sink.wait { $0.problems.count == 1 })
        Socket.send(second, "LOC-B\rMAT-2\r")
        #expect(sink.wait { $0.events.count == 2 })
        Socket.send(first, "MAT-3\r")
        #expect(sink.wait { $0.events.count == 3 })

        let seen = sink.snapshot
        #expect(seen.eventIDs == ["scan/PUT-1/1", "scan/PUT-1/2", "scan/PUT-1/3"])
        let locations = seen.events.map { event -> String? in
            if case .inventoryMovement(let movement) = event.payload { return movement.toLocation }
            return nil
        }
        #expect(locations == ["A", "B", "A"])
        #expect(
            seen.problems.map(\.reason) == [
                "station PUT-1 refused the scan: no to-location: scan a location (LOC-… or a GLN (414)) before "
                    + "the items; "
                    + "station PUT-1 has no to_location configured"
            ])
        #expect(seen.problems[0].location.hasPrefix("scanner 127.0.0.1:"))

        // A third scanner is over max_connections: refused, the others go on.
        let third = try Socket.connect(port: port)
        defer { Socket.close(third) }
        #expect(Socket.closedByPeer(third))
        #expect(sink.wait { $0.logs(containing: "2 scanners are connected (max_connections)").count == 1 })
        Socket.send(second, "MAT-4\r")
        #expect(sink.wait { $0.events.count == 4 })
    }

    @Test func scansWaitWhileTheJournalRefusesAndNothingIsLost() throws {
        let sink = RecordingSink(refusing: 2)
        let input = input(
            .tcpServer(listen: HostPort(host: "127.0.0.1", port: 0), maxConnections: 1),
            station: StationConfiguration(id: "ISS-3", movement: .issue, fromLocation: "L3-STAGE", line: "L3"),
            orders: ["L3": "WO-4711"])
        input.start(sink: sink)
        defer { input.stop() }
        #expect(sink.wait { !$0.logs(containing: "for scanners").isEmpty })
        let scanner = try Socket.connect(port: try #require(input.listeningPort))
        defer { Socket.close(scanner) }
        Socket.send(scanner, "MAT-1\rMAT-2\r")
        #expect(sink.wait { $0.events.count == 2 })
        let seen = sink.snapshot
        #expect(seen.eventIDs == ["scan/ISS-3/1", "scan/ISS-3/2"])
        #expect(seen.logs(containing: "the journal refused scan").count == 1)
        #expect(seen.logs(containing: "the journal takes scans again").count == 1)
        #expect(seen.problems.isEmpty)
        guard case .inventoryMovement(let movement) = seen.events[0].payload else {
            Issue.record("expected an inventory movement")
            return
        }
        #expect(movement.order == "WO-4711")
        #expect(movement.kind == .issue)
    }

    @Test func stopEndsAClientThatCannotConnect() throws {
        // A port nobody listens on: connecting fails, the input retries with backoff, and stop ends it at once.
        let unused = try Socket.listen()
        Socket.close(unused.descriptor)
        let sink = RecordingSink()
        let input = input(
            .tcpClient(connect: HostPort(host: "127.0.0.1", port: unused.port), reconnectMax: .seconds(30)),
            station: StationConfiguration(id: "RCV-1", movement: .receipt, toLocation: "WH"))
        input.start(sink: sink)
        #expect(sink.wait { !$0.logs(containing: "cannot connect to scanner at 127.0.0.1:\(unused.port)").isEmpty })
        let clock = ContinuousClock()
        let stopped = clock.measure { input.stop() }
        #expect(stopped < .seconds(2))
        #expect(input.health.connection == .stopped)
        #expect(sink.snapshot.logs(containing: "cannot connect").count == 1)
    }
}

#if canImport(Glibc)
    @testable import PlantCapture
    import PlantModel
    import Testing

    private typealias RecordingSink = ScannerTestSupport.RecordingSink
    private typealias PseudoTerminal = SerialPortTestSupport.PseudoTerminal
    private typealias ByIDLink = SerialPortTestSupport.ByIDLink

    @Suite("scanner_serial input on a pseudo-terminal")
    struct ScannerSerialInputTests {
        @Test func theDeviceVanishesAndReturnsAndScansGoOn() throws {
            let first = try PseudoTerminal()
            let byID = try ByIDLink(to: first.path)
            defer { byID.remove() }
            let configuration = ScannerConfiguration(
                connection: .serial(
                    device: byID.path, settings: SerialPortSettings(), reopenInterval: .milliseconds(20)),
                framing: ScanFramingConfiguration(terminator: .cr), idleFlush: nil,
                station: StationConfiguration(id: "CC-7", movement: .cycleCount, toLocation: "BIN-7"))
            let sink = RecordingSink()
            let input = ScannerInput(
                name: "counter", configuration: configuration, plant: "P100", clock: { ScannerTestSupport.time })
            input.start(sink: sink)
            defer { input.stop() }

            #expect(sink.wait { !$0.logs(containing: "opened \(byID.path) (9600 8N1)").isEmpty })
            #expect(input.health.connection == .connected)
            first.write("]C10109876543210982307\r")
            #expect(sink.wait { $0.events.count == 1 })

            byID.removeLink()  // as udev does on unplug; see SerialPortLinkTests
            first.unplug()
            #expect(sink.wait { !$0.logs(containing: "device gone").isEmpty })
            #expect(input.health.connection == .unavailable)
            #expect(input.health.lastError == "device gone: \(byID.path): device disconnected (line hung up)")

            let second = try PseudoTerminal()
            try byID.point(to: second.path)
            #expect(sink.wait { !$0.logs(containing: "device back").isEmpty })
            #expect(input.health.connection == .connected)
            second.write("LOC-BIN-8\r]C10109876543210982300\u{1D}10L1\r")
            #expect(sink.wait { $0.events.count == 2 })

            let seen = sink.snapshot
            #expect(seen.eventIDs == ["scan/CC-7/1", "scan/CC-7/2"])
            #expect(seen.checkpoint("scanner/counter/seq") == "2")
            #expect(
                seen.logs == [
                    "info: started: \(byID.path) (9600 8N1), station CC-7 (cycle_count), next scan id scan/CC-7/1",
                    "info: opened \(byID.path) (9600 8N1)",
                    "warning: device gone: \(byID.path): device disconnected (line hung up); reopening it when "
                        + "it returns",
                    "info: device back: \(byID.path) (9600 8N1)",
                    #"debug: station CC-7: to-location set to "BIN-8" (\#(byID.path) frame 2)"#,
                ])
            guard case .inventoryMovement(let counted) = seen.events[1].payload else {
                Issue.record("expected an inventory movement")
                return
            }
            #expect(
                counted
                    == InventoryMovement(
                        kind: .cycleCount, plant: "P100", gtin: "09876543210982", lot: "L1", quantity: DecimalNumber(0),
                        unit: "EA", toLocation: "BIN-8", station: "CC-7", rawScan: "]C10109876543210982300\u{1D}10L1"))
            input.stop()
            #expect(input.health.received == 3)
            #expect(input.health.journaled == 2)
            #expect(input.health.quarantined == 0)
        }

        @Test func anAbsentDeviceIsReportedOnceAndStopEndsTheRetries() {
            let configuration = ScannerConfiguration(
                connection: .serial(
                    device: "/dev/serial/by-id/usb-not-plugged", settings: SerialPortSettings(),
                    reopenInterval: .milliseconds(10)),
                station: StationConfiguration(id: "RCV-1", movement: .receipt, toLocation: "WH"))
            let sink = RecordingSink()
            let input = ScannerInput(name: "absent", configuration: configuration, plant: "P100")
            input.start(sink: sink)
            #expect(sink.wait { !$0.logs(containing: "cannot open").isEmpty })
            #expect(input.health.connection == .unavailable)
            input.stop()
            #expect(
                sink.snapshot.logs(containing: "cannot open") == [
                    "error: cannot open /dev/serial/by-id/usb-not-plugged: no such device (is the scanner "
                        + "plugged in? prefer "
                        + "a /dev/serial/by-id/ path); retrying every 10ms"
                ])
            #expect(input.health.connection == .stopped)
        }
    }
#endif

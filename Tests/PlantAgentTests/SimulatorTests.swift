import Foundation
import PlantCapture
import PlantModel
import PlantNet
import Testing

@testable import PlantAgent

@Suite("Simulators")
struct SimulatorTests {
    /// Replays the feed as the aggregator reads it (the first counter reading is the baseline;
    /// counts go to the order current when they arrive) and compares with the report.
    @Test(arguments: LineSimulation.Format.allCases)
    func theLineReportMatchesItsFeed(format: LineSimulation.Format) throws {
        var simulation = LineSimulation()
        simulation.format = format
        simulation.messages = 500
        simulation.orderEvery = 120
        simulation.orders = ["WO-1", "WO-2", "WO-3"]
        simulation.startTime = 1_795_000_000_000
        var generator = LineFeedGenerator(simulation, now: 0)
        var lines: [String] = []
        while let message = generator.next() {
            let text = String(decoding: message, as: UTF8.self)
            #expect(text.hasSuffix("\n"))
            lines += text.split(separator: "\n").map(String.init)
        }
        var values: [(tag: String, value: String, time: Int64)] = []
        for line in lines {
            switch format {
            case .kepwareJSON:
                let object = try #require(try JSONParser.parse(Array(line.utf8)).objectValue)
                for value in object["values"]?.arrayValue ?? [] {
                    let entry = try #require(value.objectValue)
                    let text = entry["v"]?.stringValue ?? entry["v"]?.numberValue?.text ?? "?"
                    #expect(entry["q"] == true)
                    values.append((entry["id"]!.stringValue!, text, entry["t"]!.numberValue!.int64Value!))
                }
            case .lines:
                let fields = line.split(separator: ",").map(String.init)
                #expect(fields.count == 4 && fields[2] == "good")
                values.append((fields[0], fields[1].replacingOccurrences(of: "\"", with: ""), Int64(fields[3])!))
            }
        }
        var last: [String: Int64] = [:]
        var order = ""
        var perOrder: [String: Int64] = [:]
        var stops = 0
        for value in values {
            switch value.tag {
            case "PLC1.L3.Order": order = value.value
            case "PLC1.L3.State": if value.value == "3" { stops += 1 }
            case "PLC1.L3.GoodCount":
                let count = Int64(value.value)!
                if let previous = last[value.tag] { perOrder[order, default: 0] += count - previous }
                last[value.tag] = count
            default: break
            }
        }
        let report = generator.report
        #expect(report.messages == 500)
        #expect(report.perOrder.map(\.order) == ["WO-1", "WO-2", "WO-3"])
        for entry in report.perOrder { #expect(perOrder[entry.order] == entry.good, "\(entry.order)") }
        #expect(report.good == perOrder.values.reduce(0, +))
        #expect(report.good > 500)
        #expect(stops == report.stops && stops == 3)
        #expect(report.orderChanges == 4)
        #expect(values.first?.time == 1_795_000_000_000)
        #expect(report.lastTime == 1_795_000_000_000 + 499_000)
        // Deterministic for a seed.
        var again = LineFeedGenerator(simulation, now: 0)
        while again.next() != nil {}
        #expect(again.report == report)
    }

    /// On a new connection the simulator first sends every tag's current value, stamped when it last
    /// changed, oldest first: what a killed agent missed of the order or state comes back.
    @Test func theInitialUpdateCarriesEveryTagsLastChangeOldestFirst() throws {
        var simulation = LineSimulation()
        simulation.messages = 100
        simulation.orderEvery = 30
        simulation.stopEvery = 0
        simulation.startTime = 1_795_000_000_000
        var generator = LineFeedGenerator(simulation, now: 0)
        #expect(generator.initialUpdate() == nil)
        for _ in 0..<35 { _ = generator.next() }
        let text = String(decoding: try #require(generator.initialUpdate()), as: UTF8.self)
        var seen: [(tag: String, value: String, time: Int64)] = []
        for line in text.split(separator: "\n") {
            let object = try #require(try JSONParser.parse(Array(line.utf8)).objectValue)
            for value in object["values"]?.arrayValue ?? [] {
                let entry = try #require(value.objectValue)
                let text = entry["v"]?.stringValue ?? entry["v"]?.numberValue?.text ?? "?"
                seen.append((entry["id"]!.stringValue!, text, entry["t"]!.numberValue!.int64Value!))
            }
        }
        let start = simulation.startTime!
        // Message 0 set the state; message 30 changed the order (alone); 34 was the last with counts.
        #expect(seen.map(\.tag) == ["PLC1.L3.State", "PLC1.L3.Order", "PLC1.L3.GoodCount", "PLC1.L3.ScrapCount"])
        #expect(seen.map(\.time) == [start, start + 30_000, start + 34_000, start + 34_000])
        #expect(seen[1].value == "WO-2")
        #expect(Int64(seen[2].value) == 100_000 + generator.report.good)
    }

    @Test func everyScanDecodesWithValidCheckDigits() throws {
        var simulation = ScannerSimulation()
        simulation.scans = 400
        var generator = ScanGenerator(simulation)
        var frames: [String] = []
        while let frame = generator.next() { frames.append(String(decoding: frame, as: UTF8.self)) }
        #expect(frames.first == "LOC-A-01\r")
        #expect(frames.last == "END\r")
        #expect(frames.count == 402)
        for frame in frames.dropFirst().dropLast() {
            #expect(frame.hasSuffix("\r"))
            let scan = try GS1Decoder.decode(String(frame.dropLast()), currentYear: 2026)
            guard case .gs1 = scan else {
                Issue.record("not GS1: \(frame)")
                continue
            }
        }
        let report = generator.report
        #expect(report.goodsScans == 400)
        #expect(report.byKind.values.reduce(0, +) == 400)
        #expect(Set(report.byKind.keys) == ["gs1-128", "sscc", "datamatrix", "ean13"])
    }

    @Test func aCatalogueAndChosenKindsGiveFewGTINsAndNoPallets() throws {
        var simulation = ScannerSimulation()
        simulation.scans = 300
        simulation.items = 3
        simulation.kinds = [.gs1128, .datamatrix, .ean13]
        var generator = ScanGenerator(simulation)
        var gtins = Set<String>()
        while let frame = generator.next() {
            let text = String(decoding: frame.dropLast(), as: UTF8.self)
            guard case .gs1(let elements) = try GS1Decoder.decode(text, currentYear: 2026) else { continue }
            #expect(elements.first("00") == nil, "an SSCC: \(text)")
            if let gtin = elements.first("01")?.value { gtins.insert(gtin) }
        }
        // Every kind scans the catalogue items as the same three GTIN-14s (EAN-13s padded with a 0).
        let catalogue = Set((1...3).map(ScannerSimulation.catalogueGTIN))
        #expect(catalogue == ["04012345000016", "04012345000023", "04012345000030"])
        #expect(gtins == catalogue)
        #expect(generator.report.gtins == catalogue.sorted())
        #expect(Set(generator.report.byKind.keys) == ["gs1-128", "datamatrix", "ean13"])
        #expect(generator.report.pallets == 0)
    }

    @Test func checkDigitsMatchTheGS1Examples() {
        #expect(GS1CheckDigit.gtin14(companyAndItem: "0950110153000") == "09501101530003")
        #expect(GS1CheckDigit.sscc(extensionAndSerial: "10614141123456789") == "106141411234567897")
        #expect(GS1CheckDigit.ean13(twelveDigits: "400638133393") == "4006381333931")
    }

    @Test func dropsAreCompleteFilesWithTheirDigests() throws {
        let directory = NSTemporaryDirectory() + "plantsync-drops-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var simulation = DropSimulation(directory: directory)
        simulation.files = 2
        simulation.rows = 25
        simulation.startTime = 1_795_000_000_000
        var logged: [String] = []
        let report = try DropSimulator.run(simulation, now: 0) { logged.append($0) }
        let names = try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
        #expect(names == report.files.map(\.name))
        #expect(names.allSatisfy { $0.hasSuffix(".csv") })
        #expect(logged.count == 2)
        for (file, start) in zip(report.files, ["11:06:40", "11:07:05"]) {
            let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: directory + "/" + file.name)))
            #expect(SHA256.hex(bytes) == file.digest)
            let lines = String(decoding: bytes, as: UTF8.self).split(separator: "\n")
            #expect(lines.count == 26)
            #expect(lines[0] == "occurred_at,kind,plant,item,lot,quantity,unit,to_location")
            #expect(lines[1].hasPrefix("2026-11-18T\(start).000Z,receipt,P100,MAT-"))
        }
        let manifest = try #require(report.json(input: "drops").objectValue)
        let ids = try #require(manifest["event_ids"]?.arrayValue)
        #expect(ids.count == 50)
        #expect(ids.first == .string("file/drops/\(report.files[0].digest)/1"))
        #expect(manifest["rows"] == 50)
        #expect(throws: SimulatorError.self) {
            try DropSimulator.run(DropSimulation(directory: directory + "/missing"), now: 0) { _ in }
        }
    }

    /// The line simulator over a real socket into a listener, as into a telemetry_tcp input.
    @Test func theLineFeedArrivesOverTCP() throws {
        let listener = try TCPListener(host: "127.0.0.1", port: 0)
        defer { listener.close() }
        var simulation = LineSimulation()
        simulation.messages = 50
        simulation.rate = 0
        simulation.format = .lines
        let received = ReceivedBytes()
        let reader = Thread {
            guard let connection = try? listener.accept(timeout: .seconds(20)) else { return }
            var buffer = ByteBuffer()
            while let count = try? connection.read(into: &buffer), count > 0 {}
            received.set(buffer.readableBytesArray)
            received.done.signal()
        }
        reader.start()
        let report = try SimulationRunner.line(simulation, to: .connect(host: "127.0.0.1", port: Int(listener.port))) {
            _ in
        }
        #expect(received.done.wait(timeout: .now() + 20) == .success)
        let lines = String(decoding: received.bytes, as: UTF8.self).split(separator: "\n")
        #expect(lines.count == report.samples)
        #expect(report.messages == 50)
    }

    final class ReceivedBytes: @unchecked Sendable {
        // @unchecked: written once by the reader thread before `done` is signalled, read after.
        private(set) var bytes: [UInt8] = []
        let done = DispatchSemaphore(value: 0)
        func set(_ bytes: some Collection<UInt8>) { self.bytes = Array(bytes) }
    }
}

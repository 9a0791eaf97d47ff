import Foundation
import PlantModel
import Testing

@testable import PlantCapture

/// One station, a series of scans, and what each scan must produce (rendered by `StationRulesTests.render`).
struct StationCase: Sendable, CustomTestStringConvertible {
    let name: String
    let station: StationConfiguration
    /// Orders running per line, for issue and production receipt.
    var orders: [String: String] = [:]
    /// Scans as a scanner sends them; `<GS>` stands for the group separator (FNC1).
    let steps: [(scan: String, expected: String)]

    var testDescription: String { name }
}

private let gtin = "09876543210982"
private let sscc = "000614141000000014"
private let gln = "4012345000016"

private func station(
    _ movement: StationMovement, from: String? = nil, to: String? = nil, location: String? = nil, line: String? = nil,
    reason: String? = nil
) -> StationConfiguration {
    StationConfiguration(
        id: "ST-1", movement: movement, fromLocation: from, toLocation: to, location: location, line: line,
        reason: reason)
}

private let stationCases: [StationCase] = [
    StationCase(
        name: "receipt into the configured location, GTIN + lot + count", station: station(.receipt, to: "WH-RECV"),
        steps: [
            (
                "]C101\(gtin)10LOT42<GS>3012",
                #"move {"gtin":"09876543210982","kind":"receipt","lot":"LOT42","plant":"P100","quantity":"12","#
                    + #""raw_scan":"]C1010987654321098210LOT42\u001d3012","station":"ST-1","to_location":"WH-RECV""#
                    + #","unit":"EA"}"#
            )
        ]),
    StationCase(
        name: "receipt: location first, then items, END, then a location is needed again",
        station: station(.receipt),
        steps: [
            (
                "MAT-4711",
                "rejected: no to-location: scan a location (LOC-… or a GLN (414)) before the items; station ST-1 "
                    + "has no to_location configured"
            ),
            ("LOC-A-01", #"prompt: to-location set to "A-01""#),
            (
                "MAT-4711",
                #"move {"item":"MAT-4711","kind":"receipt","plant":"P100","quantity":"1","raw_scan":"MAT-4711","#
                    + #""station":"ST-1","to_location":"A-01","unit":"EA"}"#
            ),
            (
                "MAT-4712",
                #"move {"item":"MAT-4712","kind":"receipt","plant":"P100","quantity":"1","raw_scan":"MAT-4712","#
                    + #""station":"ST-1","to_location":"A-01","unit":"EA"}"#
            ),
            ("END", "prompt: sequence ended after 2 item scans"),
            (
                "MAT-4711",
                "rejected: no to-location: scan a location (LOC-… or a GLN (414)) before the items; station ST-1 "
                    + "has no to_location configured"
            ),
        ]),
    StationCase(
        name: "a scanned location replaces the configured one until END", station: station(.receipt, to: "DOCK"),
        steps: [
            ("]C1414\(gln)", #"prompt: to-location set to "4012345000016""#),
            (
                "]E04006381333931",
                #"move {"gtin":"04006381333931","kind":"receipt","plant":"P100","quantity":"1","#
                    + #""raw_scan":"]E04006381333931","station":"ST-1","to_location":"4012345000016","unit":"EA"}"#
            ),
            ("END", "prompt: sequence ended after 1 item scan"),
            (
                "X-1",
                #"move {"item":"X-1","kind":"receipt","plant":"P100","quantity":"1","raw_scan":"X-1","#
                    + #""station":"ST-1","to_location":"DOCK","unit":"EA"}"#
            ),
        ]),
    StationCase(
        name: "issue to the order running on the line, net weight AI 3103",
        station: station(.issue, from: "L3-STAGE", line: "L3"), orders: ["L3": "WO-4711"],
        steps: [
            (
                "]C101\(gtin)3103000750",
                #"move {"from_location":"L3-STAGE","gtin":"09876543210982","kind":"issue","order":"WO-4711","#
                    + #""plant":"P100","quantity":"0.75","raw_scan":"]C101098765432109823103000750""#
                    + #","station":"ST-1","unit":"KG"}"#
            )
        ]),
    StationCase(
        name: "issue without a running order is refused", station: station(.issue, from: "L3-STAGE", line: "L3"),
        orders: ["L4": "WO-1"],
        steps: [
            ("MAT-1", "rejected: no order is running on line L3: movement issue books to the line's current order")
        ]),
    StationCase(
        name: "transfer: from, to, items, a new pair, CLEAR", station: station(.transfer),
        steps: [
            (
                "X-1",
                "rejected: no from-location: scan a location (LOC-… or a GLN (414)) before the items; station ST-1 "
                    + "has no from_location configured"
            ),
            ("LOC-A", #"prompt: from-location set to "A""#),
            (
                "LOC-A",
                #"rejected: to-location "A" is the from-location; scan a different location or the clear code "CLEAR""#
            ),
            ("LOC-B", #"prompt: to-location set to "B""#),
            (
                "]C102\(gtin)3724",
                #"move {"from_location":"A","gtin":"09876543210982","kind":"transfer","plant":"P100","#
                    + #""quantity":"24","raw_scan":"]C102098765432109823724","station":"ST-1","to_location":"B""#
                    + #","unit":"EA"}"#
            ),
            ("LOC-C", #"prompt: from-location set to "C""#),
            (
                "X-1",
                "rejected: no to-location: scan a location (LOC-… or a GLN (414)) before the items; station ST-1 "
                    + "has no to_location configured"
            ),
            ("CLEAR", "prompt: sequence cleared"),
            (
                "X-1",
                "rejected: no from-location: scan a location (LOC-… or a GLN (414)) before the items; station ST-1 "
                    + "has no from_location configured"
            ),
        ]),
    StationCase(
        name: "transfer with both locations configured takes no location scans",
        station: station(.transfer, from: "A", to: "B"),
        steps: [
            (
                "LOC-C",
                #"rejected: station ST-1 transfers from "A" to "B" as configured and takes no location scans; "#
                    + #"got location "C""#
            ),
            (
                "X-1",
                #"move {"from_location":"A","item":"X-1","kind":"transfer","plant":"P100","quantity":"1","#
                    + #""raw_scan":"X-1","station":"ST-1","to_location":"B","unit":"EA"}"#
            ),
        ]),
    StationCase(
        name: "transfer with a configured from-location: the scan is the to-location",
        station: station(.transfer, from: "A"),
        steps: [
            ("LOC-A", #"prompt: to-location set to "A""#),
            ("X-1", #"rejected: from-location and to-location are both "A": nothing moves"#),
        ]),
    StationCase(
        name: "production receipt of a whole pallet (SSCC, no quantity)",
        station: station(.productionReceipt, to: "FG-01", line: "L1"), orders: ["L1": "WO-9"],
        steps: [
            (
                "]C100\(sscc)",
                #"move {"kind":"production_receipt","order":"WO-9","plant":"P100","#
                    + #""raw_scan":"]C100000614141000000014","sscc":"000614141000000014","station":"ST-1""#
                    + #","to_location":"FG-01"}"#
            ),
            (
                "(00)\(sscc)(30)40",
                #"move {"kind":"production_receipt","order":"WO-9","plant":"P100","#
                    + #""quantity":"40","raw_scan":"(00)000614141000000014(30)40","sscc":"000614141000000014""#
                    + #","station":"ST-1","#
                    + #""to_location":"FG-01","unit":"EA"}"#
            ),
        ]),
    StationCase(
        name: "cycle count: location, then counted quantities (zero is a count)",
        station: station(.cycleCount),
        steps: [
            ("LOC-BIN-7", #"prompt: to-location set to "BIN-7""#),
            (
                "]C101\(gtin)300",
                #"move {"gtin":"09876543210982","kind":"cycle_count","plant":"P100","#
                    + #""quantity":"0","raw_scan":"]C10109876543210982300","station":"ST-1","to_location":"BIN-7""#
                    + #","unit":"EA"}"#
            ),
            (
                "]C101\(gtin)3102001250",
                #"move {"gtin":"09876543210982","kind":"cycle_count","plant":"P100","#
                    + #""quantity":"12.5","raw_scan":"]C101098765432109823102001250","station":"ST-1""#
                    + #","to_location":"BIN-7","#
                    + #""unit":"KG"}"#
            ),
        ]),
    StationCase(
        name: "quality hold and release of a lot", station: station(.qualityHold, location: "QA", reason: "QN-17"),
        steps: [
            (
                "]C101\(gtin)10L-77",
                #"hold {"gtin":"09876543210982","location":"QA","lot":"L-77","plant":"P100","#
                    + #""reason":"QN-17","station":"ST-1"}"#
            ),
            ("LOC-Q2", #"prompt: location set to "Q2""#),
            (
                "MAT-5",
                #"hold {"item":"MAT-5","location":"Q2","plant":"P100","reason":"QN-17","station":"ST-1"}"#
            ),
        ]),
    StationCase(
        name: "scans a station cannot book", station: station(.receipt, to: "WH"),
        steps: [
            ("]C101\(gtin)300", #"rejected: quantity 0 from AI (30): nothing to book for movement receipt"#),
            (
                "]C11726063010ABC",
                "rejected: GS1 scan (17) (10) says neither what moved (a GTIN (01), content GTIN (02) or "
                    + "SSCC (00)) nor where (a GLN (414))"
            ),
            (
                "AB<GS>C",
                "rejected: plain code holds control byte 0x1D at character 3, expected an item number (a GS1 scan "
                    + "without symbology identifier? set assume_gs1: true)"
            ),
            (
                String(repeating: "Z", count: 65),
                "rejected: plain code of 65 characters is not an item number (at most 64)"
            ),
            ("LOC-", #"rejected: location code "LOC-" names no location after the prefix "LOC-""#),
            (
                "]A0CODE39-ITEM",
                #"move {"item":"CODE39-ITEM","kind":"receipt","plant":"P100","quantity":"1","#
                    + #""raw_scan":"]A0CODE39-ITEM","station":"ST-1","to_location":"WH","unit":"EA"}"#
            ),
        ]),
]

@Suite("Station rules")
struct StationRulesTests {
    static let time = Timestamp(millisecondsSinceEpoch: 1_795_000_000_000)

    @Test(arguments: stationCases)
    func scansProduceTheExpectedResults(_ testCase: StationCase) throws {
        let orders = testCase.orders
        var station = Station(configuration: testCase.station, plant: "P100", currentOrder: { orders[$0] })
        for (index, step) in testCase.steps.enumerated() {
            let raw = step.scan.replacingOccurrences(of: "<GS>", with: "\u{1D}")
            let decoded = try GS1Decoder.decode(raw, currentYear: 2026)
            let result = station.handle(scan: decoded, raw: raw, at: Self.time)
            #expect(Self.render(result) == step.expected, "step \(index + 1): \(step.scan)")
        }
    }

    @Test func recordsCarryTheScanTime() throws {
        var station = Station(
            configuration: StationConfiguration(id: "S", movement: .receipt, toLocation: "A"),
            plant: "P100")
        let result = station.handle(scan: try GS1Decoder.decode("X", currentYear: 2026), raw: "X", at: Self.time)
        guard case .record(_, let at) = result else {
            Issue.record("expected a record, got \(result)")
            return
        }
        #expect(at == Self.time)
    }

    /// `kind {data JSON}` for a record (the canonical bytes events are journaled with), else the prompt or reason.
    static func render(_ result: StationResult) -> String {
        switch result {
        case .record(let payload, let at):
            do {
                let event = try Event(id: try EventID("t"), occurredAt: at, payload: payload)
                let json = String(decoding: event.canonicalJSON(), as: UTF8.self)
                let data = json.dropFirst(#"{"data":"#.count)
                guard let end = data.range(of: #","id":"t""#) else { return "unexpected JSON \(json)" }
                let label =
                    switch payload {
                    case .inventoryMovement: "move"
                    case .qualityHold: "hold"
                    case .qualityRelease: "release"
                    default: payload.kind.rawValue
                    }
                return "\(label) \(data[..<end.lowerBound])"
            } catch {
                return "invalid event: \(error)"
            }
        case .prompt(let prompt):
            return "prompt: \(prompt)"
        case .rejected(let rejection):
            return "rejected: \(rejection.reason)"
        }
    }
}

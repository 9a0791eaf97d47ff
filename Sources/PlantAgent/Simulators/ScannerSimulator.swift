import PlantModel

/// `plantsync simulate scanner`: a barcode scanner pushing scans to a `scanner_tcp` input in
/// server mode. Optionally a location scan first, then goods in a realistic mix — GS1-128 with
/// GTIN, lot and count; SSCCs of whole pallets; GS1 DataMatrix with GTIN and serial; EAN-13 —
/// every code with valid check digits, then the end code.
public struct ScannerSimulation: Sendable {
    /// Goods scans to send.
    public var scans = 100
    /// Scans per second (0: as fast as possible).
    public var rate: Double = 5
    /// Sent first (e.g. `LOC-A-01`), for stations without a configured location; nil: none.
    public var location: String? = "LOC-A-01"
    /// Sent last; nil: none.
    public var endCode: String? = "END"
    /// What ends each scan on the wire.
    public var terminator = "\r"
    public var seed: UInt64 = 1
    /// The kinds of goods scans sent, in their usual mix; leaving out `sscc` leaves out whole pallets
    /// (movements without a quantity, which an ERP posting may refuse).
    public var kinds: Set<ScanKind> = Set(ScanKind.allCases)
    /// Goods from a catalogue of this many items (item references 1…N, at most 9,999), so that GTINs
    /// repeat and can be mapped to an ERP's products; nil: any of 10,000. Every kind scans a catalogue
    /// item as the same GTIN-14 (an EAN-13 padded with a 0): see `catalogueGTIN`.
    public var items: Int?

    public init() {}

    /// The GTIN-14 of catalogue item `item` (1…9,999): `0` `4012345` `0` + the item as 4 digits + check digit.
    public static func catalogueGTIN(_ item: Int) -> String {
        GS1CheckDigit.gtin14(companyAndItem: "0" + "40123450" + fourDigits(item))
    }

    static func fourDigits(_ value: Int) -> String {
        let text = String(value)
        return String(repeating: "0", count: max(0, 4 - text.count)) + text
    }
}

/// The kinds of goods scans a simulated scanner sends.
public enum ScanKind: String, Sendable, CaseIterable {
    /// GS1-128 with GTIN, lot and count.
    case gs1128 = "gs1-128"
    /// An SSCC alone: a whole pallet, no quantity.
    case sscc
    /// GS1 DataMatrix with GTIN and serial.
    case datamatrix
    /// EAN-13: a GTIN, one piece.
    case ean13
}

/// What a scanner simulation sent. Each goods scan books one event at a station that accepts it.
public struct ScannerSimulationReport: Sendable, Equatable {
    public var goodsScans = 0
    public var locationScans = 0
    public var controlScans = 0
    /// Scans by kind: "gs1-128", "sscc", "datamatrix", "ean13".
    public var byKind: [String: Int] = [:]
    /// Quantity booked per unit code: counts (AI 30) and the station's default quantity (1 per
    /// scan without a quantity) in the station's unit ("EA" by default); SSCCs move whole
    /// pallets without a quantity and are counted in `pallets`.
    public var units: Int64 = 0
    public var pallets = 0
    public var codes: [String] = []
    /// The distinct GTINs sent (as GTIN-14, EAN-13s padded), sorted: what an ERP mapping must know.
    public var gtins: [String] = []

    public var summary: String {
        let kinds = byKind.keys.sorted().map { "\($0) \(byKind[$0]!)" }.joined(separator: ", ")
        return "scanner: sent \(goodsScans) goods scans (\(kinds)), \(locationScans) location scans, "
            + "\(controlScans) end codes: \(units) units and \(pallets) whole pallets"
    }

    public var json: JSONValue {
        var kinds = JSONObject()
        for (kind, count) in byKind { kinds[kind] = .integer(Int64(count)) }
        return .object([
            "kind": "scanner", "goods_scans": .integer(Int64(goodsScans)),
            "location_scans": .integer(Int64(locationScans)), "end_codes": .integer(Int64(controlScans)),
            "by_kind": .object(kinds), "units": .integer(units), "pallets": .integer(Int64(pallets)),
            "codes": .array(codes.map { .string($0) }), "gtins": .array(gtins.map { .string($0) }),
        ])
    }
}

/// Makes the scans of a simulation; pure and deterministic for a seed.
public struct ScanGenerator: Sendable {
    public let simulation: ScannerSimulation
    public private(set) var report = ScannerSimulationReport()
    private var random: SimulationRandom
    private var step = 0
    private var sent = 0
    private static let gs = "\u{1D}"

    public init(_ simulation: ScannerSimulation) {
        self.simulation = simulation
        random = SimulationRandom(seed: simulation.seed)
    }

    /// The next scan as sent on the wire (with its terminator), or nil when done.
    public mutating func next() -> [UInt8]? {
        defer { step += 1 }
        if step == 0, let location = simulation.location {
            report.locationScans += 1
            return frame(location)
        }
        if sent < simulation.scans {
            sent += 1
            let code = goods()
            report.goodsScans += 1
            report.codes.append(code)
            return frame(code)
        }
        if let end = simulation.endCode, report.controlScans == 0 {
            report.controlScans += 1
            return frame(end)
        }
        return nil
    }

    private func frame(_ code: String) -> [UInt8] { Array((code + simulation.terminator).utf8) }

    private mutating func goods() -> String {
        // The default draws (item, then kind) stay as they were, so a seed keeps meaning the same scans.
        let item = simulation.items.map { ScannerSimulation.fourDigits(1 + random.below(max(1, min($0, 9_999)))) }
        let itemDigits = item ?? digits(4)
        let gtin = GS1CheckDigit.gtin14(companyAndItem: "0" + "40123450" + itemDigits)
        var kind = Self.kind(random.below(10))
        while !simulation.kinds.contains(kind) && !simulation.kinds.isEmpty { kind = Self.kind(random.below(10)) }
        report.byKind[kind.rawValue, default: 0] += 1
        switch kind {
        case .gs1128:
            let count = 1 + random.below(24)
            report.units += Int64(count)
            note(gtin)
            return "]C101\(gtin)10LOT\(digits(5))\(Self.gs)30\(count)"
        case .sscc:
            report.pallets += 1
            return "]C100" + GS1CheckDigit.sscc(extensionAndSerial: "3" + "40123450" + digits(8))
        case .datamatrix:
            report.units += 1
            note(gtin)
            return "]d201\(gtin)21SN\(digits(8))"
        case .ean13:
            report.units += 1
            let ean = GS1CheckDigit.ean13(twelveDigits: "40" + "12345" + (item.map { "0" + $0 } ?? digits(5)))
            note("0" + ean)
            return "]E0" + ean
        }
    }

    /// The usual mix: half GS1-128, a fifth SSCC, a fifth DataMatrix, a tenth EAN-13.
    private static func kind(_ draw: Int) -> ScanKind {
        switch draw {
        case 0..<5: .gs1128
        case 5..<7: .sscc
        case 7..<9: .datamatrix
        default: .ean13
        }
    }

    private mutating func note(_ gtin: String) {
        let index = report.gtins.firstIndex { $0 >= gtin } ?? report.gtins.count
        if index == report.gtins.count || report.gtins[index] != gtin { report.gtins.insert(gtin, at: index) }
    }

    private mutating func digits(_ count: Int) -> String {
        String((0..<count).map { _ in Character(String(random.below(10))) })
    }
}

/// GS1 mod-10 check digits: weights 3 and 1 alternating from the rightmost data digit.
public enum GS1CheckDigit {
    public static func digit(for data: String) -> Int {
        var sum = 0
        for (offset, character) in data.reversed().enumerated() {
            let value = Int(String(character)) ?? 0
            sum += value * (offset % 2 == 0 ? 3 : 1)
        }
        return (10 - sum % 10) % 10
    }

    /// 13 digits in, the 14-digit GTIN out.
    public static func gtin14(companyAndItem data: String) -> String { data + String(digit(for: data)) }

    /// 17 digits in, the 18-digit SSCC out.
    public static func sscc(extensionAndSerial data: String) -> String { data + String(digit(for: data)) }

    /// 12 digits in, the EAN-13 out.
    public static func ean13(twelveDigits data: String) -> String { data + String(digit(for: data)) }
}

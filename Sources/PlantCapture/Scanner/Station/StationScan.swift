// What one decoded scan means to a station: a control code, a location, or goods (what moved, how much).
import PlantModel

/// Goods identified by one scan.
public struct ScannedGoods: Sendable, Hashable {
    /// A plain (non-GS1) code, taken as the ERP item number.
    public var item: String?
    /// AI (01), or AI (02) for the contents of a logistic unit.
    public var gtin: String?
    /// AI (10).
    public var lot: String?
    /// AI (21).
    public var serial: String?
    /// AI (00): a handling unit moved as a whole unless a quantity is scanned with it.
    public var sscc: String?
    /// AI (17); events have no field for it, it stays in `raw_scan`.
    public var expiry: GS1Date?
    /// From AI (30), (37) or a trade measure (310n–316n, 320n); nil when the scan carries none.
    public var quantity: DecimalNumber?
    public var unit: String?
    /// The AI the quantity came from, for messages.
    public var quantityAI: String?

    public init(
        item: String? = nil, gtin: String? = nil, lot: String? = nil, serial: String? = nil, sscc: String? = nil,
        expiry: GS1Date? = nil, quantity: DecimalNumber? = nil, unit: String? = nil, quantityAI: String? = nil
    ) {
        self.item = item
        self.gtin = gtin
        self.lot = lot
        self.serial = serial
        self.sscc = sscc
        self.expiry = expiry
        self.quantity = quantity
        self.unit = unit
        self.quantityAI = quantityAI
    }
}

/// The meaning of one scan at a station.
public enum StationScan: Sendable, Hashable {
    case endOfSequence
    case clear
    case location(String)
    case goods(ScannedGoods)

    /// Units of the GS1 trade measures by the AI's first three digits (the fourth is the decimal places).
    static let measureUnits: [String: String] = [
        "310": "KG", "311": "M", "312": "M", "313": "M", "314": "M2", "315": "L", "316": "M3", "320": "LB",
    ]

    /// Classifies `scan` for `configuration`; a scan that cannot mean anything here is refused with the reason.
    static func classify(
        _ scan: DecodedScan, configuration: StationConfiguration
    ) -> Result<StationScan, StationRejection> {
        switch scan {
        case .plain(let code): return classify(plain: code.data, configuration: configuration)
        case .gs1(let string): return classify(gs1: string, countUnit: configuration.unit)
        }
    }

    private static func classify(
        plain code: String, configuration: StationConfiguration
    ) -> Result<StationScan, StationRejection> {
        if code == configuration.endCode { return .success(.endOfSequence) }
        if code == configuration.clearCode { return .success(.clear) }
        if code.hasPrefix(configuration.locationPrefix) {
            let location = String(code.dropFirst(configuration.locationPrefix.count))
            if location.isEmpty {
                return .failure(
                    StationRejection(
                        "location code \"\(code)\" names no location after the prefix "
                            + "\"\(configuration.locationPrefix)\""))
            }
            return .success(.location(location))
        }
        if let control = code.utf8.firstIndex(where: { $0 < 0x20 || $0 == 0x7F }) {
            let offset = code.utf8.distance(from: code.utf8.startIndex, to: control) + 1
            let byte = code.utf8[control]
            let hint = byte == 0x1D ? " (a GS1 scan without symbology identifier? set assume_gs1: true)" : ""
            return .failure(
                StationRejection(
                    "plain code holds control byte 0x\(hex(byte)) at character \(offset), expected an item "
                        + "number\(hint)"))
        }
        let length = code.unicodeScalars.count
        if length > StationConfiguration.maxItemLength {
            return .failure(
                StationRejection(
                    "plain code of \(length) characters is not an item number "
                        + "(at most \(StationConfiguration.maxItemLength))"))
        }
        return .success(.goods(ScannedGoods(item: code)))
    }

    private static func classify(gs1 string: GS1ElementString, countUnit: String) -> Result<
        StationScan, StationRejection
    > {
        let gtin = string.first("01") ?? string.first("02")
        let sscc = string.first("00")
        if gtin == nil && sscc == nil {
            if let gln = string.first("414") {
                let location = string.first("254").map { "\(gln.value)-\($0.value)" } ?? gln.value
                return .success(.location(location))
            }
            let ais = string.elements.map { "(\($0.ai))" }.joined(separator: " ")
            return .failure(
                StationRejection(
                    "GS1 scan \(ais) says neither what moved (a GTIN (01), content GTIN "
                        + "(02) or SSCC (00)) nor where (a GLN (414))"))
        }
        var goods = ScannedGoods(
            gtin: gtin?.value, lot: string.first("10")?.value,
            serial: string.first("21")?.value, sscc: sscc?.value)
        if case .date(let date) = string.first("17")?.decoded { goods.expiry = date }
        // A count says how many trade items; a measure says how much of a variable-measure item.
        if let count = string.first("30") ?? string.first("37") {
            goods.quantity = DecimalNumber(integer: Int64(count.value) ?? 0)
            goods.unit = countUnit
            goods.quantityAI = count.ai
        } else if let measure = string.elements.first(where: { measureUnits[String($0.ai.prefix(3))] != nil }),
            case .decimal(let text) = measure.decoded
        {
            do {
                goods.quantity = try DecimalNumber(parsing: text)
            } catch {
                return .failure(StationRejection("AI (\(measure.ai)): quantity \"\(text)\" is not usable: \(error)"))
            }
            goods.unit = measureUnits[String(measure.ai.prefix(3))]
            goods.quantityAI = measure.ai
        }
        return .success(.goods(goods))
    }

    private static func hex(_ byte: UInt8) -> String {
        (byte < 16 ? "0" : "") + String(byte, radix: 16, uppercase: true)
    }
}

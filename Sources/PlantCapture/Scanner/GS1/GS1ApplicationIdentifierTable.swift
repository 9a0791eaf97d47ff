// The Application Identifiers PlantSync knows, after the GS1 General Specifications and the GS1 Barcode
// Syntax Dictionary. Association rules between AIs (e.g. 02 requires 37) are not checked here.

/// Lookup of Application Identifiers by their digits.
public enum GS1ApplicationIdentifierTable {
    /// Every known AI by its digits ("01", "3103", …).
    public static let byAI: [String: GS1ApplicationIdentifier] = {
        var table: [String: GS1ApplicationIdentifier] = [:]
        for entry in plainEntries + measureEntries + amountEntries {
            precondition(table[entry.ai] == nil, "duplicate AI \(entry.ai)")
            table[entry.ai] = entry
        }
        return table
    }()

    /// The AI whose digits are `ai`, if known.
    public static func lookup(_ ai: String) -> GS1ApplicationIdentifier? { byAI[ai] }

    /// The known AI that `digits` starts with (AIs are prefix-free, so at most one matches).
    static func match(digits: ArraySlice<UInt8>) -> GS1ApplicationIdentifier? {
        for length in 2...4 where digits.count >= length {
            let candidate = String(decoding: digits.prefix(length), as: UTF8.self)
            if let entry = byAI[candidate] { return entry }
        }
        return nil
    }

    /// For a 4-digit measure or amount AI such as "3106", the allowed decimal indicators (0–5 for 31nn–36nn)
    /// when its first three digits name a known family.
    static func decimalFamily(_ ai: String) -> ClosedRange<Int>? {
        guard ai.utf8.count == 4 else { return nil }
        let family = String(ai.prefix(3))
        if measureFamilies.contains(where: { $0.prefix == family }) { return 0...5 }
        return amountFamilies.first { $0.prefix == family }?.decimals
    }

    private static let date: GS1Component = .n(6, .date(dayMayBeZero: true))
    private static let gln: GS1Component = .n(13, .checkDigit)

    private static let plainEntries: [GS1ApplicationIdentifier] =
        [
            entry("00", "SSCC", [.n(18, .checkDigit)]),
            entry("01", "GTIN", [.n(14, .checkDigit)]),
            entry("02", "CONTENT", [.n(14, .checkDigit)]),
            entry("10", "BATCH/LOT", [.xUpTo(20)]),
            entry("11", "PROD DATE", [date]),
            entry("12", "DUE DATE", [date]),
            entry("13", "PACK DATE", [date]),
            entry("15", "BEST BEFORE or BEST BY", [date]),
            entry("16", "SELL BY", [date]),
            entry("17", "USE BY or EXPIRY", [date]),
            entry("20", "VARIANT", [.n(2)]),
            entry("21", "SERIAL", [.xUpTo(20)]),
            entry("22", "CPV", [.xUpTo(20)]),
            entry("235", "TPX", [.xUpTo(28)]),
            entry("240", "ADDITIONAL ID", [.xUpTo(30)]),
            entry("241", "CUST. PART No.", [.xUpTo(30)]),
            entry("242", "MTO VARIANT", [.nUpTo(6)]),
            entry("243", "PCN", [.xUpTo(20)]),
            entry("250", "SECONDARY SERIAL", [.xUpTo(30)]),
            entry("251", "REF. TO SOURCE", [.xUpTo(30)]),
            entry("253", "GDTI", [.n(13, .checkDigit), GS1Component(.set82, minLength: 0, maxLength: 17)]),
            entry("254", "GLN EXTENSION COMPONENT", [.xUpTo(20)]),
            entry("255", "GCN", [.n(13, .checkDigit), .optionalNUpTo(12)]),
            entry("30", "VAR. COUNT", [.nUpTo(8)]),
            entry("37", "COUNT", [.nUpTo(8)]),
            entry("400", "ORDER NUMBER", [.xUpTo(30)]),
            entry("401", "GINC", [.xUpTo(30)]),
            entry("402", "GSIN", [.n(17, .checkDigit)]),
            entry("403", "ROUTE", [.xUpTo(30)]),
            entry("410", "SHIP TO LOC", [gln]),
            entry("411", "BILL TO", [gln]),
            entry("412", "PURCHASE FROM", [gln]),
            entry("413", "SHIP FOR LOC", [gln]),
            entry("414", "LOC No.", [gln]),
            entry("415", "PAY TO", [gln]),
            entry("416", "PROD/SERV LOC", [gln]),
            entry("417", "PARTY", [gln]),
            entry("420", "SHIP TO POST", [.xUpTo(20)]),
            entry("421", "SHIP TO POST", [.n(3), .xUpTo(9)]),
            entry("422", "ORIGIN", [.n(3)]),
            entry("423", "COUNTRY - INITIAL PROCESS", [.nUpTo(15)]),
            entry("424", "COUNTRY - PROCESS", [.n(3)]),
            entry("425", "COUNTRY - DISASSEMBLY", [.nUpTo(15)]),
            entry("426", "COUNTRY - FULL PROCESS", [.n(3)]),
            entry("7001", "NSN", [.n(13)]),
            entry("7002", "MEAT CUT", [.xUpTo(30)]),
            entry("7003", "EXPIRY TIME", [.n(6, .date(dayMayBeZero: false)), .n(4, .hourMinute)]),
            entry("7006", "FIRST FREEZE DATE", [.n(6, .date(dayMayBeZero: false))]),
            entry(
                "7011", "TEST BY DATE",
                [
                    .n(6, .date(dayMayBeZero: false)),
                    GS1Component(.numeric, minLength: 0, maxLength: 4, rule: .hourMinute),
                ]),
            entry("8002", "CMT No.", [.xUpTo(20)]),
            entry("8004", "GIAI", [.xUpTo(30)]),
            entry("8005", "PRICE PER UNIT", [.n(6)]),
            entry("8008", "PROD TIME", [.n(8, .dateHour), .optionalNUpTo(4, .minuteOptionalSecond)]),
            entry("8012", "VERSION", [.xUpTo(20)]),
            entry("8017", "GSRN - PROVIDER", [.n(18, .checkDigit)]),
            entry("8018", "GSRN - RECIPIENT", [.n(18, .checkDigit)]),
            entry("8019", "SRIN", [.nUpTo(10)]),
            entry("8020", "REF No.", [.xUpTo(25)]),
            entry("8200", "PRODUCT URL", [.xUpTo(70)]),
            entry("90", "INTERNAL", [.xUpTo(30)]),
        ] + (91...99).map { entry(String($0), "INTERNAL", [.xUpTo(90)]) }

    /// Measures 31nn–36nn: N6 with the decimal point position 0–5 as the AI's last digit.
    private static let measureFamilies: [(prefix: String, title: String)] = [
        ("310", "NET WEIGHT (kg)"), ("311", "LENGTH (m)"), ("312", "WIDTH (m)"), ("313", "HEIGHT (m)"),
        ("314", "AREA (m2)"), ("315", "NET VOLUME (l)"), ("316", "NET VOLUME (m3)"),
        ("320", "NET WEIGHT (lb)"), ("321", "LENGTH (in)"), ("322", "LENGTH (ft)"), ("323", "LENGTH (yd)"),
        ("324", "WIDTH (in)"), ("325", "WIDTH (ft)"), ("326", "WIDTH (yd)"), ("327", "HEIGHT (in)"),
        ("328", "HEIGHT (ft)"), ("329", "HEIGHT (yd)"),
        ("330", "GROSS WEIGHT (kg)"), ("331", "LENGTH (m), log"), ("332", "WIDTH (m), log"),
        ("333", "HEIGHT (m), log"), ("334", "AREA (m2), log"), ("335", "VOLUME (l), log"),
        ("336", "VOLUME (m3), log"), ("337", "KG PER m2"),
        ("340", "GROSS WEIGHT (lb)"), ("341", "LENGTH (in), log"), ("342", "LENGTH (ft), log"),
        ("343", "LENGTH (yd), log"), ("344", "WIDTH (in), log"), ("345", "WIDTH (ft), log"),
        ("346", "WIDTH (yd), log"), ("347", "HEIGHT (in), log"), ("348", "HEIGHT (ft), log"),
        ("349", "HEIGHT (yd), log"),
        ("350", "AREA (in2)"), ("351", "AREA (ft2)"), ("352", "AREA (yd2)"), ("353", "AREA (in2), log"),
        ("354", "AREA (ft2), log"), ("355", "AREA (yd2), log"), ("356", "NET WEIGHT (t oz)"),
        ("357", "NET VOLUME (oz)"),
        ("360", "NET VOLUME (qt)"), ("361", "NET VOLUME (gal.)"), ("362", "VOLUME (qt), log"),
        ("363", "VOLUME (gal.), log"), ("364", "VOLUME (in3)"), ("365", "VOLUME (ft3)"), ("366", "VOLUME (yd3)"),
        ("367", "VOLUME (in3), log"), ("368", "VOLUME (ft3), log"), ("369", "VOLUME (yd3), log"),
    ]

    private static let measureEntries: [GS1ApplicationIdentifier] = measureFamilies.flatMap { family in
        (0...5).map { places in
            GS1ApplicationIdentifier(
                ai: family.prefix + String(places), title: family.title,
                components: [.n(6, .decimalValue)], decimalPlaces: places)
        }
    }

    /// Amounts and prices 390n–395n.
    private static let amountFamilies:
        [(
            prefix: String, title: String, decimals: ClosedRange<Int>,
            components: [GS1Component]
        )] = [
            ("390", "AMOUNT", 0...9, [.nUpTo(15, .decimalValue)]),
            ("391", "AMOUNT", 0...9, [.n(3, .currency), .nUpTo(15, .decimalValue)]),
            ("392", "PRICE", 0...9, [.nUpTo(15, .decimalValue)]),
            ("393", "PRICE", 0...9, [.n(3, .currency), .nUpTo(15, .decimalValue)]),
            ("394", "PRCNT OFF", 0...3, [.n(4, .decimalValue)]),
            ("395", "PRICE/UoM", 0...5, [.n(6, .decimalValue)]),
        ]

    private static let amountEntries: [GS1ApplicationIdentifier] = amountFamilies.flatMap { family in
        family.decimals.map { places in
            GS1ApplicationIdentifier(
                ai: family.prefix + String(places), title: family.title,
                components: family.components, decimalPlaces: places)
        }
    }

    private static func entry(_ ai: String, _ title: String, _ components: [GS1Component]) -> GS1ApplicationIdentifier {
        GS1ApplicationIdentifier(ai: ai, title: title, components: components)
    }
}

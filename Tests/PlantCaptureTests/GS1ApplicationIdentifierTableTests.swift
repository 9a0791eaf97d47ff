import Testing

@testable import PlantCapture

@Suite("GS1 Application Identifier table")
struct GS1ApplicationIdentifierTableTests {
    /// AI, title, format, check digit, date, predefined length.
    static let required: [(String, String, String, Bool, Bool, Bool)] = [
        ("00", "SSCC", "N18", true, false, true),
        ("01", "GTIN", "N14", true, false, true),
        ("02", "CONTENT", "N14", true, false, true),
        ("10", "BATCH/LOT", "X..20", false, false, false),
        ("11", "PROD DATE", "N6", false, true, true),
        ("13", "PACK DATE", "N6", false, true, true),
        ("15", "BEST BEFORE or BEST BY", "N6", false, true, true),
        ("16", "SELL BY", "N6", false, true, true),
        ("17", "USE BY or EXPIRY", "N6", false, true, true),
        ("20", "VARIANT", "N2", false, false, true),
        ("21", "SERIAL", "X..20", false, false, false),
        ("22", "CPV", "X..20", false, false, false),
        ("30", "VAR. COUNT", "N..8", false, false, false),
        ("3103", "NET WEIGHT (kg)", "N6", false, false, true),
        ("3695", "VOLUME (yd3), log", "N6", false, false, true),
        ("37", "COUNT", "N..8", false, false, false),
        ("240", "ADDITIONAL ID", "X..30", false, false, false),
        ("241", "CUST. PART No.", "X..30", false, false, false),
        ("250", "SECONDARY SERIAL", "X..30", false, false, false),
        ("251", "REF. TO SOURCE", "X..30", false, false, false),
        ("400", "ORDER NUMBER", "X..30", false, false, false),
        ("401", "GINC", "X..30", false, false, false),
        ("402", "GSIN", "N17", true, false, false),
        ("403", "ROUTE", "X..30", false, false, false),
        ("410", "SHIP TO LOC", "N13", true, false, true),
        ("417", "PARTY", "N13", true, false, true),
        ("420", "SHIP TO POST", "X..20", false, false, false),
        ("421", "SHIP TO POST", "N3+X..9", false, false, false),
        ("422", "ORIGIN", "N3", false, false, false),
        ("7003", "EXPIRY TIME", "N6+N4", false, true, false),
        ("8005", "PRICE PER UNIT", "N6", false, false, false),
        ("8008", "PROD TIME", "N8+[N..4]", false, true, false),
        ("8020", "REF No.", "X..25", false, false, false),
        ("90", "INTERNAL", "X..30", false, false, false),
        ("99", "INTERNAL", "X..90", false, false, false),
        ("3932", "PRICE", "N3+N..15", false, false, false),
    ]

    @Test func requiredAIsHaveTheirTitleFormatAndFlags() throws {
        for (ai, title, format, checkDigit, date, predefined) in Self.required {
            let entry = try #require(GS1ApplicationIdentifierTable.lookup(ai), "AI \(ai) missing")
            #expect(entry.title == title, "AI \(ai)")
            #expect(entry.format == format, "AI \(ai)")
            #expect(entry.hasCheckDigit == checkDigit, "AI \(ai)")
            #expect(entry.isDate == date, "AI \(ai)")
            #expect(entry.isPredefinedLength == predefined, "AI \(ai)")
        }
    }

    @Test func everyMeasureFamily310To369HasDecimalIndicators0To5() {
        var families = 0
        for prefix in 310...369 {
            let known = (0...5).compactMap { GS1ApplicationIdentifierTable.lookup("\(prefix)\($0)") }
            guard !known.isEmpty else { continue }
            families += 1
            #expect(known.map(\.decimalPlaces) == [0, 1, 2, 3, 4, 5], "\(prefix)n")
            #expect(GS1ApplicationIdentifierTable.lookup("\(prefix)6") == nil)
        }
        #expect(families == 53)
    }

    @Test func predefinedLengthsMatchEveryAIInThoseFamilies() {
        for entry in GS1ApplicationIdentifierTable.byAI.values {
            guard let length = GS1PredefinedLength.elementLength(aiPrefix: entry.ai) else { continue }
            #expect(entry.isFixedLength, "AI \(entry.ai)")
            #expect(entry.ai.count + entry.maxLength == length, "AI \(entry.ai)")
        }
        #expect(GS1PredefinedLength.byPrefix.count == 22)
    }

    @Test func aisArePrefixFree() {
        let ais = Array(GS1ApplicationIdentifierTable.byAI.keys)
        for ai in ais {
            for other in ais where other != ai {
                #expect(!other.hasPrefix(ai), "\(ai) is a prefix of \(other)")
            }
        }
    }

    @Test func checkDigits() {
        #expect(GS1Mod10.compute(Array("0987654321098".utf8)) == 2)
        #expect(GS1Mod10.compute(Array("37610425002123456".utf8)) == 9)
        #expect(GS1Mod10.compute(Array("401234500000".utf8)) == 9)
        #expect(GS1Mod10.compute(Array("9501234".utf8)) == 6)
        #expect(GS1Mod10.isValid(Array("4006381333931".utf8)))
        #expect(!GS1Mod10.isValid(Array("4006381333932".utf8)))
        #expect(!GS1Mod10.isValid(Array("40063813339A1".utf8)))
    }

    @Test func centuryRule() {
        #expect(GS1Date.resolveYear(76, currentYear: 2026) == 2076)
        #expect(GS1Date.resolveYear(77, currentYear: 2026) == 1977)
        #expect(GS1Date.resolveYear(25, currentYear: 2075) == 2125)
        #expect(GS1Date.resolveYear(26, currentYear: 2075) == 2026)
        #expect(GS1Date.resolveYear(26, currentYear: 2026) == 2026)
    }
}

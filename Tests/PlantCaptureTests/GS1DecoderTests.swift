import PlantCapture
import Testing

/// One row of the decoder table: a scan (with "<GS>" standing for the 0x1D byte) and what it must decode to.
struct GS1Case: Sendable, CustomTestStringConvertible {
    enum Outcome: Sendable {
        /// Elements rendered as "(AI)value", plus "=decoded" and " DD=00" where they apply.
        case gs1(String?, [String])
        case plain(String?, String)
        case error(String)
    }

    let name: String
    let scan: String
    let year: Int
    let assumeGS1: Bool
    let outcome: Outcome

    var testDescription: String { name }

    var bytes: [UInt8] {
        var bytes: [UInt8] = []
        var rest = Substring(scan)
        while let range = rest.range(of: "<GS>") {
            bytes += Array(rest[..<range.lowerBound].utf8) + [0x1D]
            rest = rest[range.upperBound...]
        }
        return bytes + Array(rest.utf8)
    }
}

private func ok(
    _ name: String, _ scan: String, _ elements: [String], symbology: String? = "]C1", year: Int = 2026,
    assumeGS1: Bool = false
) -> GS1Case {
    GS1Case(name: name, scan: scan, year: year, assumeGS1: assumeGS1, outcome: .gs1(symbology, elements))
}

private func plain(_ name: String, _ scan: String, _ symbology: String?, _ data: String) -> GS1Case {
    GS1Case(name: name, scan: scan, year: 2026, assumeGS1: false, outcome: .plain(symbology, data))
}

private func bad(
    _ name: String, _ scan: String, _ message: String, year: Int = 2026,
    assumeGS1: Bool = false
) -> GS1Case {
    GS1Case(name: name, scan: scan, year: year, assumeGS1: assumeGS1, outcome: .error(message))
}

private let gtin = "(01)09876543210982"

private let gs1ValidCases: [GS1Case] = [
    ok("GTIN alone", "]C10109876543210982", [gtin]),
    ok("GTIN then lot without GS (01 is predefined)", "]C1010987654321098210ABC123", [gtin, "(10)ABC123"]),
    ok("superfluous GS after predefined GTIN", "]C10109876543210982<GS>10ABC123", [gtin, "(10)ABC123"]),
    ok("lot then expiry after GS", "]C110ABC123<GS>17260131", ["(10)ABC123", "(17)260131=2026-01-31"]),
    ok("expiry DD=00 is end of month", "]C1010987654321098217260200", [gtin, "(17)260200=2026-02-28 DD=00"]),
    ok(
        "DD=00 in a leap February and a weight", "]C117240200" + "3103000750",
        ["(17)240200=2024-02-29 DD=00", "(3103)000750=0.750"]),
    ok("GS1 DataMatrix ]d2", "]d2010987654321098221SER-1<GS>10LOT", [gtin, "(21)SER-1", "(10)LOT"], symbology: "]d2"),
    ok("GS1 QR ]Q3", "]Q30109876543210982", [gtin], symbology: "]Q3"),
    ok("GS1 DataBar ]e0", "]e00109876543210982", [gtin], symbology: "]e0"),
    ok("GS1 DotCode ]J1", "]J10109876543210982", [gtin], symbology: "]J1"),
    ok("leading GS without identifier", "<GS>0109876543210982<GS>10X", [gtin, "(10)X"], symbology: nil),
    ok("leading GS after ]C1 is skipped", "]C1<GS>0109876543210982", [gtin]),
    ok(
        "parenthesised form", "(01)09876543210982(10)ABC(17)260131", [gtin, "(10)ABC", "(17)260131=2026-01-31"],
        symbology: nil),
    ok("parenthesised after ]C1", "]C1(01)09876543210982", [gtin]),
    ok("parenthesised escaped bracket", "(10)A\\(B(21)C)D", ["(10)A(B", "(21)C)D"], symbology: nil),
    ok(
        "assume GS1 without identifier", "0109876543210982" + "10L1", [gtin, "(10)L1"], symbology: nil, assumeGS1: true),
    ok("EAN-13 as GTIN", "]E04006381333931", ["(01)04006381333931"], symbology: "]E0"),
    ok("EAN-8 as GTIN", "]E495012346", ["(01)00000095012346"], symbology: "]E4"),
    ok("SSCC", "]C100376104250021234569", ["(00)376104250021234569"]),
    ok(
        "SSCC, CONTENT and COUNT", "]C100376104250021234569" + "0209501101530003" + "3724",
        ["(00)376104250021234569", "(02)09501101530003", "(37)24"]),
    ok("GTIN-14 with indicator 1", "]C10119501101530000", ["(01)19501101530000"]),
    ok(
        "production, packaging, best before, sell by", "]C111260115" + "13260116" + "15260630" + "16260701",
        ["(11)260115=2026-01-15", "(13)260116=2026-01-16", "(15)260630=2026-06-30", "(16)260701=2026-07-01"]),
    ok("due date 12", "]C112261231", ["(12)261231=2026-12-31"]),
    ok(
        "variant 20 then serial", "]C1" + "0109876543210982" + "2007" + "21A-1/2_b:c",
        [gtin, "(20)07", "(21)A-1/2_b:c"]),
    ok("serial with every set-82 punctuation", "]C121!\"%&'()*+,-./:;<=>?_", ["(21)!\"%&'()*+,-./:;<=>?_"]),
    ok("CPV 22", "]C1" + "0109876543210982" + "2212345", [gtin, "(22)12345"]),
    ok("VAR. COUNT 30 then GTIN", "]C130120<GS>0109876543210982", ["(30)120", gtin]),
    ok("COUNT 37 max 8 digits", "]C13712345678", ["(37)12345678"]),
    ok(
        "240 241 250 251", "]C1240ADD-1<GS>241CUST-2<GS>250SEC3<GS>251SRC4",
        ["(240)ADD-1", "(241)CUST-2", "(250)SEC3", "(251)SRC4"]),
    ok("400 401 403", "]C1400PO-4711<GS>401GINC99<GS>403ROUTE7", ["(400)PO-4711", "(401)GINC99", "(403)ROUTE7"]),
    ok("GSIN 402", "]C140203602345678901239", ["(402)03602345678901239"]),
    ok("GSIN 402 needs and has a GS", "]C140203602345678901239<GS>400PO", ["(402)03602345678901239", "(400)PO"]),
    ok(
        "GLNs 410 and 414 (predefined)", "]C1" + "4104012345000009" + "4140614141000005",
        ["(410)4012345000009", "(414)0614141000005"]),
    ok(
        "GLNs 411 412 413", "]C1" + "4114012345000009" + "4120614141000005" + "4134012345000009",
        ["(411)4012345000009", "(412)0614141000005", "(413)4012345000009"]),
    ok(
        "GLNs 415 416 417", "]C1" + "4154012345000009" + "4160614141000005" + "4174012345000009",
        ["(415)4012345000009", "(416)0614141000005", "(417)4012345000009"]),
    ok("ship-to postal code 420", "]C1420D80331", ["(420)D80331"]),
    ok("421 country + postal code", "]C1421276D80331", ["(421)276D80331"]),
    ok("422 origin then GS", "]C1422276<GS>10LOT", ["(422)276", "(10)LOT"]),
    ok("422 origin last", "]C1" + "0109876543210982" + "422276", [gtin, "(422)276"]),
    ok("expiry time 7003", "]C170032603140930", ["(7003)2603140930=2026-03-14T09:30"]),
    ok("price per unit 8005", "]C18005000250", ["(8005)000250"]),
    ok("production time 8008 with MMSS", "]C18008260314091530", ["(8008)260314091530=2026-03-14T09:15:30"]),
    ok("production time 8008 hour only", "]C1800826031409", ["(8008)26031409=2026-03-14T09:00"]),
    ok("production time 8008 with MM", "]C1800826031409" + "20", ["(8008)2603140920=2026-03-14T09:20"]),
    ok("payment reference 8020", "]C18020REF-0001", ["(8020)REF-0001"]),
    ok("internal 90", "]C190INT/1", ["(90)INT/1"]),
    ok("internal 91 and 99", "]C191ABC<GS>99XYZ", ["(91)ABC", "(99)XYZ"]),
    ok("net weight 3100 integer", "]C13100001234", ["(3100)001234=1234"]),
    ok("net weight 3102 two decimals", "]C13102012345", ["(3102)012345=123.45"]),
    ok("net weight 3105 five decimals", "]C13105000001", ["(3105)000001=0.00001"]),
    ok(
        "gross weight lb 3401 and length 3112", "]C13401001005" + "3112000300",
        ["(3401)001005=100.5", "(3112)000300=3.00"]),
    ok(
        "area, volume, yd3 log 3690", "]C13142000150" + "3155012500" + "3690000007",
        ["(3142)000150=1.50", "(3155)012500=0.12500", "(3690)000007=7"]),
    ok("price 3922", "]C139221299", ["(3922)1299=12.99"]),
    ok("price with currency 3932", "]C139329781299", ["(3932)9781299=978 12.99"]),
    ok("amount 3909 nine decimals", "]C13909123", ["(3909)123=0.000000123"]),
    ok("trailing GS tolerated", "]C110ABC<GS>", ["(10)ABC"]),
    ok("three variable-length elements", "]C110A<GS>21B<GS>22C", ["(10)A", "(21)B", "(22)C"]),
    ok("missing GS: the lot swallows the next element", "]C110ABC17260131", ["(10)ABC17260131"]),
    ok("century: +50 years stays ahead", "]C117760101", ["(17)760101=2076-01-01"]),
    ok("century: +51 years goes back", "]C117770101", ["(17)770101=1977-01-01"]),
    ok("century: -50 years goes ahead", "]C117250101", ["(17)250101=2125-01-01"], year: 2075),
    ok("century: -49 years stays", "]C117260101", ["(17)260101=2026-01-01"], year: 2075),
    ok("century: in 2000, 50 is 2050", "]C117500101", ["(17)500101=2050-01-01"], year: 2000),
    ok("century: in 2000, 51 is 1951", "]C117510101", ["(17)510101=1951-01-01"], year: 2000),
    ok("century: in 1999, 49 is 2049", "]C117490101", ["(17)490101=2049-01-01"], year: 1999),
    ok("century: in 1999, 50 is 1950", "]C117500101", ["(17)500101=1950-01-01"], year: 1999),
    ok("2000-02-29 is a leap day", "]C117000229", ["(17)000229=2000-02-29"]),
    ok("Feb 29 in a leap year", "]C117240229", ["(17)240229=2024-02-29"]),
    ok("GDTI 253 with serial", "]C12534012345000009ABC", ["(253)4012345000009ABC"]),
    ok("GSRN 8018", "]C18018123456789012345675", ["(8018)123456789012345675"]),
    ok("test-by date 7011 with time", "]C170112603141200", ["(7011)2603141200=2026-03-14T12:00"]),
]

private let gs1PlainCases: [GS1Case] = [
    plain("Code 39 ]A0", "]A0ABC-123", "]A0", "ABC-123"),
    plain("Code 128 ]C0 with AI-like data", "]C00109876543210982", "]C0", "0109876543210982"),
    plain("QR ]Q1 URL", "]Q1https://example.com/x", "]Q1", "https://example.com/x"),
    plain("no identifier, text", "HELLO", nil, "HELLO"),
    plain("no identifier, digits that look like AIs", "0109876543210982", nil, "0109876543210982"),
    plain("brackets that are not an AI", "(ABC)123", nil, "(ABC)123"),
    plain("]E0 with 12 digits", "]E0400638133393", "]E0", "400638133393"),
    plain("Data Matrix ]d1", "]d1PART-7", "]d1", "PART-7"),
    plain("lone bracket", "]", nil, "]"),
    plain("empty scan", "", nil, ""),
]

private let gs1ErrorCases: [GS1Case] = [
    bad("bad GTIN check digit", "]C10109876543210983", "AI (01) at position 19: check digit 3 is wrong, expected 2"),
    bad(
        "bad SSCC check digit", "]C100376104250021234568",
        "AI (00) at position 23: check digit 8 is wrong, expected 9"),
    bad("bad GLN check digit", "]C14140614141000006", "AI (414) at position 19: check digit 6 is wrong, expected 5"),
    bad("bad EAN-13 check digit", "]E04006381333932", "AI (01) at position 16: check digit 2 is wrong, expected 1"),
    bad(
        "bad GSIN check digit", "]C140203602345678901230",
        "AI (402) at position 23: check digit 0 is wrong, expected 9"),
    bad("bad CONTENT check digit", "]C10209501101530004", "AI (02) at position 19: check digit 4 is wrong, expected 3"),
    bad("bad GDTI check digit", "]C12534012345000008", "AI (253) at position 19: check digit 8 is wrong, expected 9"),
    bad("GTIN too short at end", "]C1010987654321098", "AI (01) at position 6: value has 13 characters, expected 14"),
    bad("GS inside GTIN", "]C1010987<GS>6543210982", "AI (01) at position 6: value has 4 characters, expected 14"),
    bad("letter in GTIN", "]C1010987654321098A", "AI (01) at position 19: expected a digit, found \"A\""),
    bad(
        "lot longer than 20", "]C110ABCDEFGHIJKLMNOPQRSTU",
        "AI (10) at position 26: value runs past 20 characters, expected a GS separator (FNC1) after at most 20"),
    bad(
        "serial longer than 20 before next AI", "]C121123456789012345678901<GS>10X",
        "AI (21) at position 26: value runs past 20 characters, expected a GS separator (FNC1) after at most 20"),
    bad(
        "missing GS after VAR. COUNT", "]C1301234567890109876543210982",
        "AI (30) at position 14: value runs past 8 characters, expected a GS separator (FNC1) after at most 8"),
    bad(
        "missing GS after COUNT runs into letters", "]C13712A",
        "AI (37) at position 8: expected a digit or a GS separator (FNC1), found \"A\""),
    bad(
        "missing GS after 422", "]C142227610ABC",
        "AI (422) at position 10: expected a GS separator (FNC1) after its fixed-length value, found \"1\""),
    bad(
        "missing GS after 8005", "]C1800500025010LOT",
        "AI (8005) at position 14: expected a GS separator (FNC1) after its fixed-length value, found \"1\""),
    bad(
        "missing GS after 7003", "]C17003260314093010LOT",
        "AI (7003) at position 18: expected a GS separator (FNC1) after its fixed-length value, found \"1\""),
    bad(
        "missing GS after 402", "]C140203602345678901239400PO",
        "AI (402) at position 24: expected a GS separator (FNC1) after its fixed-length value, found \"4\""),
    bad("empty lot", "]C110<GS>21X", "AI (10) at position 6: value has 0 characters, expected 1–20"),
    bad(
        "two GS in a row", "]C110A<GS><GS>21X",
        "position 8: expected an Application Identifier (2 to 4 digits), found a GS separator"),
    bad(
        "nothing after ]C1", "]C1",
        "position 4: expected an Application Identifier (2 to 4 digits), found end of data"),
    bad(
        "nothing after ]d2", "]d2",
        "position 4: expected an Application Identifier (2 to 4 digits), found end of data"),
    bad("only a GS", "<GS>", "position 2: expected an Application Identifier (2 to 4 digits), found end of data"),
    bad(
        "letters where an AI belongs", "]C1AB",
        "position 4: expected an Application Identifier (2 to 4 digits), found \"A\""),
    bad(
        "unknown AI 23", "]C12312345",
        "position 4: unknown Application Identifier, no AI in the table starts \"2312\""),
    bad(
        "unknown AI after a valid element", "]C1010987654321098223ABC",
        "position 20: unknown Application Identifier, no AI in the table starts \"23\""),
    bad(
        "truncated AI at end", "]C101098765432109823",
        "position 20: unknown Application Identifier, no AI in the table starts \"3\""),
    bad("unknown AI parenthesised", "(23)123", "position 2: unknown Application Identifier (23)"),
    bad("unknown 4-digit AI parenthesised", "(8999)X", "position 2: unknown Application Identifier (8999)"),
    bad(
        "decimal indicator 6 on 310n", "]C13106000750",
        "AI (3106) at position 4: decimal point indicator 6 is out of range, expected 0–5"),
    bad(
        "decimal indicator 6 on 369n parenthesised", "(3696)000750",
        "AI (3696) at position 2: decimal point indicator 6 is out of range, expected 0–5"),
    bad(
        "decimal indicator 4 on 394n", "]C139441234",
        "AI (3944) at position 4: decimal point indicator 4 is out of range, expected 0–3"),
    bad(
        "month 13", "]C117261301",
        "AI (17) at position 8: invalid date/time \"261301\": month 13 is out of range, expected 01–12"),
    bad(
        "month 00", "]C117260001",
        "AI (17) at position 8: invalid date/time \"260001\": month 00 is out of range, expected 01–12"),
    bad(
        "day 32", "]C117260132",
        "AI (17) at position 10: invalid date/time \"260132\": day 32 is out of range for 2026-01, expected 00–31"),
    bad(
        "Feb 30", "]C117260230",
        "AI (17) at position 10: invalid date/time \"260230\": day 30 is out of range for 2026-02, expected 00–28"),
    bad(
        "Feb 29 in 2025", "]C115250229",
        "AI (15) at position 10: invalid date/time \"250229\": day 29 is out of range for 2025-02, expected 00–28"),
    bad(
        "April 31", "]C111260431",
        "AI (11) at position 10: invalid date/time \"260431\": day 31 is out of range for 2026-04, expected 00–30"),
    bad(
        "2100 is not a leap year (century rule)", "]C117000229",
        "AI (17) at position 10: invalid date/time \"000229\": day 29 is out of range for 2100-02, expected 00–28",
        year: 2060),
    bad(
        "7003 hour 24", "]C170032603142400",
        "AI (7003) at position 14: invalid date/time \"2603142400\": hour 24 is out of range, expected 00–23"),
    bad(
        "7003 minute 60", "]C170032603142360",
        "AI (7003) at position 16: invalid date/time \"2603142360\": minute 60 is out of range, expected 00–59"),
    bad(
        "7003 has no DD=00", "]C170032603000930",
        "AI (7003) at position 12: invalid date/time \"2603000930\": "
            + "day 00 is out of range for 2026-03, expected 01–31"),
    bad(
        "8008 with 3 trailing digits", "]C18008" + "26031409123",
        "AI (8008) at position 16: invalid date/time \"26031409123\": "
            + "expected MM or MMSS after YYMMDDHH, found 3 digits"),
    bad(
        "8008 minute 60", "]C1800826031409" + "60",
        "AI (8008) at position 16: invalid date/time \"2603140960\": minute 60 is out of range, expected 00–59"),
    bad(
        "8008 hour 25", "]C18008260314" + "25",
        "AI (8008) at position 14: invalid date/time \"26031425\": hour 25 is out of range, expected 00–23"),
    bad(
        "7011 time of 2 digits", "]C1701126031412",
        "AI (7011) at position 14: invalid date/time \"26031412\": time must be HHMM, found 2 digits"),
    bad(
        "parenthesised GTIN too short", "(01)0987654321098",
        "AI (01) at position 5: value has 13 characters, expected 14"),
    bad(
        "parenthesised lot too long", "(10)ABCDEFGHIJKLMNOPQRSTU",
        "AI (10) at position 5: value has 21 characters, expected 1–20"),
    bad(
        "parenthesised bad character", "(10)AB#C",
        "AI (10) at position 7: expected a character of GS1 character set 82, found \"#\""),
    bad(
        "parenthesised GTIN with trailing letter", "(01)09876543210982X(10)A",
        "AI (01) at position 19: expected a digit, found \"X\""),
    bad(
        "parenthesised unclosed AI", "]C1(01",
        "position 7: expected \")\" closing the Application Identifier, found end of data"),
    bad(
        "parenthesised AI with a letter", "]C1(0A)1",
        "position 6: expected an Application Identifier (2 to 4 digits), found \"A\""),
    bad("parenthesised empty value", "(10)(21)X", "AI (10) at position 5: value has 0 characters, expected 1–20"),
    bad(
        "space in a lot", "]C110AB C",
        "AI (10) at position 8: expected a character of GS1 character set 82 or a GS separator (FNC1), found a space"),
    bad(
        "non-ASCII in a lot", "]C110\u{C4}B",
        "AI (10) at position 6: "
            + "expected a character of GS1 character set 82 or a GS separator (FNC1), found byte 0xC3"),
    bad(
        "control byte in a serial", "]C121A\u{07}B",
        "AI (21) at position 7: "
            + "expected a character of GS1 character set 82 or a GS separator (FNC1), found byte 0x07"),
    bad("letter in fixed-length variant 20", "]C1200A", "AI (20) at position 7: expected a digit, found \"A\""),
    bad("letter in 421 country code", "]C1421D80331", "AI (421) at position 7: expected a digit, found \"D\""),
    bad("3103 too short", "]C1310300075", "AI (3103) at position 8: value has 5 characters, expected 6"),
    bad(
        "assume GS1 with text", "HELLO",
        "position 1: expected an Application Identifier (2 to 4 digits), found \"H\"", assumeGS1: true),
    bad(
        "assume GS1 with bad GTIN", "0109876543210981", "AI (01) at position 16: check digit 1 is wrong, expected 2",
        assumeGS1: true),
    bad(
        "8008 day 32", "]C1800826013209",
        "AI (8008) at position 12: invalid date/time \"26013209\": "
            + "day 32 is out of range for 2026-01, expected 01–31"),
]

private func render(_ element: GS1Element) -> String {
    var text = "(\(element.ai))\(element.value)"
    if let decoded = element.decoded { text += "=" + decoded.text }
    if case .date(let date)? = element.decoded, date.dayUnspecified { text += " DD=00" }
    return text
}

@Suite("GS1 decoder, table-driven")
struct GS1DecoderTests {
    @Test("table has at least 90 cases")
    func tableSize() {
        #expect(gs1ValidCases.count + gs1PlainCases.count + gs1ErrorCases.count >= 90)
    }

    @Test(arguments: gs1ValidCases + gs1PlainCases + gs1ErrorCases)
    func decodes(_ testCase: GS1Case) {
        let result: Result<DecodedScan, GS1DecodeError>
        do {
            result = .success(
                try GS1Decoder.decode(
                    testCase.bytes, currentYear: testCase.year,
                    assumeGS1: testCase.assumeGS1))
        } catch {
            result = .failure(error)
        }
        switch (testCase.outcome, result) {
        case (.gs1(let symbology, let elements), .success(.gs1(let string))):
            #expect(string.elements.map(render) == elements)
            #expect(string.symbology?.description == symbology)
        case (.plain(let symbology, let data), .success(.plain(let code))):
            #expect(code.data == data)
            #expect(code.symbology?.description == symbology)
        case (.error(let message), .failure(let error)):
            #expect(error.message == message)
        default:
            Issue.record("expected \(testCase.outcome), got \(result)")
        }
    }
}

import PlantModel
import Testing

@testable import PlantCapture

@Suite("TelemetryFeed lines parser")
struct TelemetryFeedLineParserTests {
    typealias Support = TelemetryFeedTestSupport

    func parse(_ text: String) throws -> [TelemetrySample] {
        try TelemetryLineParser.parse(Support.bytes(text)).samples
    }

    @Test(arguments: [
        (
            "L3.Press.GoodCount,1121,good,1593698671342",
            Support.sample("L3.Press.GoodCount", Support.number("1121"), at: 1_593_698_671_342)
        ),
        (
            "L3.Temp,-21.50,uncertain,2026-11-22T14:15:00.250Z",
            Support.sample("L3.Temp", Support.number("-21.5"), .uncertain, at: 1_795_356_900_250)
        ),
        (
            "L3.Run,true,BAD,2026-11-22T15:15:00+01:00",
            Support.sample("L3.Run", .bool(true), .bad, at: 1_795_356_900_000)
        ),
        ("L3.Stop,false,Good,0", Support.sample("L3.Stop", .bool(false), at: 0)),
        (#"L3.Order,"WO-4711, ""rush""",good,5"#, Support.sample("L3.Order", .string(#"WO-4711, "rush""#), at: 5)),
        (#""Tag,with,commas",1.5e3,good,5"#, Support.sample("Tag,with,commas", Support.number("1500"), at: 5)),
        ("  L3.Speed ,\t12.5 , good ,  7  ", Support.sample("L3.Speed", Support.number("12.5"), at: 7)),
        ("L3.A,1,0,9", Support.sample("L3.A", Support.number("1"), code: 0, at: 9)),
        ("L3.A,1,1073741824,9", Support.sample("L3.A", Support.number("1"), .uncertain, code: 0x4000_0000, at: 9)),
        ("L3.A,1,0x80340000,9", Support.sample("L3.A", Support.number("1"), .bad, code: 0x8034_0000, at: 9)),
        ("L3.A,1,0XC0000000,9", Support.sample("L3.A", Support.number("1"), .bad, code: 0xC000_0000, at: 9)),
        ("L3.A,1,0x00960000,9", Support.sample("L3.A", Support.number("1"), code: 0x0096_0000, at: 9)),
        (#"L3.Text,"",good,9"#, Support.sample("L3.Text", .string(""), at: 9)),
    ])
    func validLines(_ text: String, _ expected: TelemetrySample) throws {
        #expect(try parse(text) == [expected])
    }

    @Test func commentsGiveNoSamples() throws {
        #expect(try parse("# tag,value,quality,timestamp").isEmpty)
        #expect(try parse("  # note").isEmpty)
    }

    @Test(arguments: [
        ("L3.A,1,good", "expected 4 comma-separated fields (tag,value,quality,timestamp), found 3"),
        ("L3.A,1,good,5,extra", "expected 4 comma-separated fields (tag,value,quality,timestamp), found 5"),
        ("garbage", "expected 4 comma-separated fields (tag,value,quality,timestamp), found 1"),
        (",1,good,5", "tag: expected a tag id, found nothing"),
        ("L3.A,,good,5", "value: expected a number, true, false or a quoted string, found nothing"),
        ("L3.A,abc,good,5", #"value: expected a number, true, false or a quoted string, found "abc""#),
        ("L3.A,TRUE,good,5", #"value: expected a number, true, false or a quoted string, found "TRUE""#),
        (
            "L3.A,12a,good,5",
            #"value: invalid decimal "12a": expected a digit, '.', 'e' or end of text at offset 2, found 'a'"#
        ),
        ("L3.A,1.,good,5", #"value: invalid decimal "1.": expected a digit after '.' at offset 2, found end of text"#),
        (
            "L3.A,99999999999999999999,good,5",
            #"value: invalid decimal "99999999999999999999": out of range (at most 19 significant digits, |significand| < 2^63)"#
        ),
        (#"L3.A,"open,good,5"#, "value: the quote opened at byte 5 is not closed"),
        (#"L3.A,"x"y,good,5"#, "value: expected ',' after the closing quote, found 'y' at byte 8"),
        (#"L3.A,ab"c,good,5"#, #"value: unexpected '"' at byte 7; quote the whole field"#),
        (
            "L3.A,1,ok,5",
            #"quality: expected good, uncertain, bad or an OPC UA StatusCode (decimal or 0x hex), found "ok""#
        ),
        (
            "L3.A,1,,5",
            "quality: expected good, uncertain, bad or an OPC UA StatusCode (decimal or 0x hex), found nothing"
        ),
        (
            "L3.A,1,0x,5",
            #"quality: expected good, uncertain, bad or an OPC UA StatusCode (decimal or 0x hex), found "0x""#
        ),
        (
            "L3.A,1,0x1FFFFFFFF,5",
            #"quality: expected good, uncertain, bad or an OPC UA StatusCode (decimal or 0x hex), found "0x1FFFFFFFF""#
        ),
        ("L3.A,1,4294967296,5", #"quality: StatusCode "4294967296" does not fit 32 bits"#),
        (
            #"L3.A,1,"good",5"#,
            "quality: expected good, uncertain, bad or an OPC UA StatusCode (decimal or 0x hex) without quotes, found a quoted string"
        ),
        (
            "L3.A,1,good,",
            "timestamp: expected RFC 3339 or epoch milliseconds (an integer 0–253402300799999), found nothing"
        ),
        (
            "L3.A,1,good,253402300800000",
            #"timestamp: expected epoch milliseconds (an integer 0–253402300799999), found "253402300800000""#
        ),
        (
            "L3.A,1,good,-5",
            #"timestamp: invalid timestamp "-5": expected a 4-digit year at offset 0, found "-""#
        ),
        (
            "L3.A,1,good,2026-13-01T00:00:00Z",
            #"timestamp: invalid timestamp "2026-13-01T00:00:00Z": expected a month 01-12 at offset 5, found "13""#
        ),
        (
            "L3.A,1,good,2026-11-22 14:15:00Z",
            #"timestamp: invalid timestamp "2026-11-22 14:15:00Z": expected 'T' between date and time at offset 10, found " ""#
        ),
        ("L3.A,1,good,1969-12-31T23:59:59Z", #"timestamp: "1969-12-31T23:59:59Z" is before 1970"#),
    ])
    func malformedLines(_ text: String, _ reason: String) {
        #expect(throws: TelemetryLineError(reason)) { try parse(text) }
    }

    @Test func binaryNoiseAndInvalidUTF8() {
        #expect(throws: TelemetryLineError("invalid UTF-8 at byte 5")) {
            try TelemetryLineParser.parse(Support.bytes("L3.A,") + [0xFF] + Support.bytes(",good,5"))
        }
        #expect(throws: TelemetryLineError("invalid UTF-8 at byte 2")) {
            try TelemetryLineParser.parse([0x41, 0x42, 0xE2, 0x82])
        }
        #expect(throws: TelemetryLineError("control character byte 0x00 at byte 4")) {
            try TelemetryLineParser.parse(Support.bytes("L3.A") + [0x00] + Support.bytes(",1,good,5"))
        }
        #expect(throws: TelemetryLineError("control character byte 0x1B at byte 0")) {
            try TelemetryLineParser.parse([0x1B, 0x5B, 0x32, 0x4A])
        }
    }
}

import PlantCapture
import Testing

@Suite("decode-scan report (JSON and text)")
struct GS1DecodeReportTests {
    @Test func jsonForSeparatedFormTypedWithBackslashX1D() {
        let report = ScanDecodeReport.make(input: "]C10109876543210982\\x1d10ABC", currentYear: 2026)
        #expect(
            report.json == """
                {"input": "]C10109876543210982\\\\x1d10ABC", "symbology": "]C1", "gs1": true, "elements": \
                [{"ai": "01", "title": "GTIN", "value": "09876543210982"}, \
                {"ai": "10", "title": "BATCH/LOT", "value": "ABC"}], "error": null}
                """)
        #expect(report.decoded)
        #expect(report.exitCode == 0)
    }

    @Test func jsonCarriesDecodedDatesAndDecimals() {
        let input = "(01)09876543210982(17)260200(3103)000750(11)260115"
        let report = ScanDecodeReport.make(input: input, currentYear: 2026)
        #expect(
            report.json == """
                {"input": "(01)09876543210982(17)260200(3103)000750(11)260115", "symbology": null, "gs1": true, \
                "elements": [{"ai": "01", "title": "GTIN", "value": "09876543210982"}, \
                {"ai": "17", "title": "USE BY or EXPIRY", "value": "260200", \
                "date": "2026-02-28", "day_unspecified": true}, \
                {"ai": "3103", "title": "NET WEIGHT (kg)", "value": "000750", "decimal": "0.750"}, \
                {"ai": "11", "title": "PROD DATE", "value": "260115", "date": "2026-01-15"}], "error": null}
                """)
    }

    @Test func jsonCarriesDateTimesAndCurrencies() {
        let report = ScanDecodeReport.make(input: "]C18008260314091530<GS>39329781299", currentYear: 2026)
        #expect(
            report.json == """
                {"input": "]C18008260314091530<GS>39329781299", "symbology": "]C1", "gs1": true, "elements": \
                [{"ai": "8008", "title": "PROD TIME", "value": "260314091530", "datetime": "2026-03-14T09:15:30"}, \
                {"ai": "3932", "title": "PRICE", "value": "9781299", "decimal": "12.99", "currency": "978"}], \
                "error": null}
                """)
    }

    @Test func jsonForAnErrorExitsWith65() {
        let report = ScanDecodeReport.make(input: "]C10109876543210983", currentYear: 2026)
        #expect(
            report.json == """
                {"input": "]C10109876543210983", "symbology": "]C1", "gs1": true, "elements": [], \
                "error": "AI (01) at position 19: check digit 3 is wrong, expected 2"}
                """)
        #expect(!report.decoded)
        #expect(report.exitCode == 65)
    }

    @Test func jsonForAPlainCode() {
        let report = ScanDecodeReport.make(input: "]A0A\"B\\C", currentYear: 2026)
        #expect(
            report.json == """
                {"input": "]A0A\\"B\\\\C", "symbology": "]A0", "gs1": false, "elements": [], "error": null}
                """)
        #expect(report.exitCode == 0)
    }

    @Test func jsonEscapesTheRawGSByteAndBackslashesInErrors() {
        let report = ScanDecodeReport.make(input: "]C110A\u{1D}21B\u{1D}10\\", currentYear: 2026)
        #expect(
            report.json == #"""
                {"input": "]C110A\u001d21B\u001d10\\", "symbology": "]C1", "gs1": true, "elements": [], \#
                "error": "AI (10) at position 14: expected a character of GS1 character set 82 or a GS separator (FNC1), \#
                found \"\\\""}
                """#)
    }

    @Test(arguments: ["]C110A\u{1D}21B", "]C110A\\x1d21B", "]C110A\\X1D21B", "]C110A<GS>21B", "]C110A<gs>21B"])
    func everySeparatorSpellingGivesTheSameBytes(_ input: String) {
        #expect(ScanDecodeReport.unescapeSeparators(input) == Array("]C110A".utf8) + [0x1D] + Array("21B".utf8))
        let report = ScanDecodeReport.make(input: input, currentYear: 2026)
        #expect(
            report.json.contains(
                "[{\"ai\": \"10\", \"title\": \"BATCH/LOT\", \"value\": \"A\"}, "
                    + "{\"ai\": \"21\", \"title\": \"SERIAL\", \"value\": \"B\"}]"))
    }

    @Test func unescapeLeavesOtherBackslashesAlone() {
        #expect(ScanDecodeReport.unescapeSeparators("A\\x1eB<G>\\") == Array("A\\x1eB<G>\\".utf8))
    }

    @Test func textForADecodedScan() {
        let report = ScanDecodeReport.make(input: "]C1010987654321098217260200<GS>10ABC", currentYear: 2026)
        #expect(
            report.text == """
                input:     ]C1010987654321098217260200<GS>10ABC
                symbology: ]C1 GS1-128
                GS1:       yes, FNC1-separated element string
                  (01) GTIN: 09876543210982
                  (17) USE BY or EXPIRY: 260200 -> 2026-02-28 (DD=00: day not given, end of month)
                  (10) BATCH/LOT: ABC

                """)
    }

    @Test func textForAnErrorPointsAtThePosition() {
        let report = ScanDecodeReport.make(input: "]C110ABC\\x1d17261301", currentYear: 2026)
        #expect(
            report.text == """
                input:     ]C110ABC<GS>17261301
                symbology: ]C1 GS1-128
                GS1:       yes
                error:     AI (17) at position 14: invalid date/time "261301": month 13 is out of range, expected 01–12
                           ]C110ABC<GS>17261301
                                           ^

                """)
    }

    @Test func textForAPlainCode() {
        let report = ScanDecodeReport.make(input: "]A0ABC-123", currentYear: 2026)
        #expect(
            report.text == """
                input:     ]A0ABC-123
                symbology: ]A0 Code 39
                GS1:       no, plain code
                code:      ABC-123

                """)
    }

    @Test func yearComesFromTheGivenMoment() {
        #expect(GS1Date.year(secondsSince1970: 0) == 1970)
        #expect(GS1Date.year(secondsSince1970: 1_767_225_599) == 2025)  // 2025-12-31T23:59:59Z
        #expect(GS1Date.year(secondsSince1970: 1_767_225_600) == 2026)  // 2026-01-01T00:00:00Z
        #expect(GS1Date.year(secondsSince1970: -1) == 1969)
        #expect(GS1Date.year(secondsSince1970: 951_782_400) == 2000)  // 2000-02-29
    }
}

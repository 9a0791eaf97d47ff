import Testing

@testable import PlantModel

@Suite struct TimestampTests {
    static let parsed: [(String, Int64, String)] = [
        ("1970-01-01T00:00:00Z", 0, "1970-01-01T00:00:00.000Z"),
        ("2026-11-22T14:15:00.000Z", 1_795_356_900_000, "2026-11-22T14:15:00.000Z"),
        ("2026-11-22T14:15:00Z", 1_795_356_900_000, "2026-11-22T14:15:00.000Z"),
        ("2026-11-22t14:15:00z", 1_795_356_900_000, "2026-11-22T14:15:00.000Z"),
        ("2026-11-22T15:15:00+01:00", 1_795_356_900_000, "2026-11-22T14:15:00.000Z"),
        ("2026-11-22T09:45:00-04:30", 1_795_356_900_000, "2026-11-22T14:15:00.000Z"),
        ("2026-11-22T14:15:00-00:00", 1_795_356_900_000, "2026-11-22T14:15:00.000Z"),
        ("2026-11-22T14:15:00.5Z", 1_795_356_900_500, "2026-11-22T14:15:00.500Z"),
        ("2026-11-22T14:15:00.12Z", 1_795_356_900_120, "2026-11-22T14:15:00.120Z"),
        ("2026-11-22T14:15:00.123999999Z", 1_795_356_900_123, "2026-11-22T14:15:00.123Z"),
        ("2024-02-29T23:59:59.999Z", 1_709_251_199_999, "2024-02-29T23:59:59.999Z"),
        ("2027-01-01T00:30:00+01:00", 1_798_759_800_000, "2026-12-31T23:30:00.000Z"),
        ("1969-12-31T23:59:59.999Z", -1, "1969-12-31T23:59:59.999Z"),
        ("0000-03-01T00:00:00Z", -62_162_035_200_000, "0000-03-01T00:00:00.000Z"),
        ("9999-12-31T23:59:59.999Z", 253_402_300_799_999, "9999-12-31T23:59:59.999Z"),
    ]

    @Test(arguments: parsed)
    func parsesAndFormats(text: String, milliseconds: Int64, formatted: String) throws {
        let timestamp = try Timestamp(parsing: text)
        #expect(timestamp.millisecondsSinceEpoch == milliseconds)
        #expect(timestamp.description == formatted)
        #expect(try Timestamp(parsing: formatted) == timestamp)
    }

    static let malformed: [(String, String)] = [
        ("", #"expected a 4-digit year at offset 0, found end of text"#),
        ("26-11-22T14:15:00Z", #"expected a 4-digit year at offset 0, found "26-""#),
        ("2026/11/22T14:15:00Z", #"expected '-' after the year at offset 4, found "/""#),
        ("2026-13-01T00:00:00Z", #"expected a month 01-12 at offset 5, found "13""#),
        ("2026-1-01T00:00:00Z", #"expected a 2-digit month at offset 5, found "1-""#),
        ("2026-02-29T00:00:00Z", #"expected a day 01-28 at offset 8, found "29""#),
        ("2026-04-31T00:00:00Z", #"expected a day 01-30 at offset 8, found "31""#),
        ("2026-11-00T00:00:00Z", #"expected a day 01-30 at offset 8, found "00""#),
        ("2026-11-22 14:15:00Z", #"expected 'T' between date and time at offset 10, found " ""#),
        ("2026-11-22T24:00:00Z", #"expected an hour 00-23 at offset 11, found "24""#),
        ("2026-11-22T14-15:00Z", #"expected ':' after the hour at offset 13, found "-""#),
        ("2026-11-22T14:60:00Z", #"expected minutes 00-59 at offset 14, found "60""#),
        (
            "2026-11-22T23:59:60Z",
            #"expected seconds 00-59 (leap seconds are not accepted) at offset 17, found "60""#
        ),
        ("2026-11-22T14:15:00", #"expected 'Z' or an offset like +01:00 at offset 19, found end of text"#),
        ("2026-11-22T14:15:00.Z", #"expected a fractional digit after '.' at offset 20, found "Z""#),
        (
            "2026-11-22T14:15:00.1234567890Z",
            #"expected at most 9 fractional digits, then 'Z' or an offset at offset 29, found "0""#
        ),
        ("2026-11-22T14:15:00+0100", #"expected ':' in the offset at offset 22, found "0""#),
        ("2026-11-22T14:15:00+24:00", #"expected an offset hour 00-23 at offset 20, found "24""#),
        ("2026-11-22T14:15:00+01:60", #"expected offset minutes 00-59 at offset 23, found "60""#),
        ("2026-11-22T14:15:00ZZ", #"expected end of text after the offset at offset 20, found "Z""#),
        ("2026-11-22T14:15:00.000Z\n", #"expected end of text after the offset at offset 24, found byte 0x0A"#),
        ("2026-11-22T14:15:00 UTC", #"expected 'Z' or an offset like +01:00 at offset 19, found " ""#),
    ]

    @Test(arguments: malformed)
    func rejectsMalformedWithPosition(text: String, message: String) {
        do {
            let value = try Timestamp(parsing: text)
            Issue.record("parsed \(text) as \(value)")
        } catch {
            #expect(error.description == "invalid timestamp \"\(text)\": \(message)")
        }
    }

    @Test func civilDateRoundTripsOverFourCenturies() {
        // Every day from 1800 to 2400 (covers 100/400-year leap rules) and back.
        var expected = CivilDate(year: 1800, month: 1, day: 1)!
        let first = CivilDate.daysFromCivil(year: 1800, month: 1, day: 1)
        for days in first...(first + 219_150) {
            let date = CivilDate(daysSinceEpoch: days)
            #expect(date == expected)
            #expect(date.daysSinceEpoch == days)
            if date != expected { break }
            if let next = CivilDate(year: expected.year, month: expected.month, day: expected.day + 1) {
                expected = next
            } else if let next = CivilDate(year: expected.year, month: expected.month + 1, day: 1) {
                expected = next
            } else {
                expected = CivilDate(year: expected.year + 1, month: 1, day: 1)!
            }
        }
        #expect(CivilDate.isLeapYear(2000) && !CivilDate.isLeapYear(1900) && CivilDate.isLeapYear(2024))
        #expect(CivilDate(year: 2026, month: 2, day: 29) == nil)
        #expect(CivilDate(year: 2026, month: 11, day: 22)!.isoWeekday == 7)  // a Sunday
        #expect(CivilDate(year: 1970, month: 1, day: 1)!.isoWeekday == 4)
        #expect(CivilDate(year: 1969, month: 12, day: 29)!.isoWeekday == 1)
        #expect(CivilDate(year: 2026, month: 11, day: 22)!.description == "2026-11-22")
    }

    @Test func fieldsWindowsAndArithmetic() throws {
        let t = try Timestamp(year: 2026, month: 11, day: 22, hour: 14, minute: 7, second: 30, millisecond: 250)
        #expect(t.description == "2026-11-22T14:07:30.250Z")
        #expect(t.flooredToMultiple(ofMilliseconds: 900_000).description == "2026-11-22T14:00:00.000Z")
        #expect(
            Timestamp(millisecondsSinceEpoch: -1).flooredToMultiple(ofMilliseconds: 1000).millisecondsSinceEpoch
                == -1000)
        #expect(t.date == CivilDate(year: 2026, month: 11, day: 22))
        #expect(t.millisecondOfDay == 50_850_250)
        #expect(t.adding(milliseconds: 29_750).description == "2026-11-22T14:08:00.000Z")
        #expect(t.adding(milliseconds: 1000).milliseconds(since: t) == 1000)
        #expect(
            throws: TimestampError(
                text: "year 2026 month 2 day 29 0:0:0.0", offset: nil,
                expected: "a day 1-28", found: "29")
        ) {
            try Timestamp(year: 2026, month: 2, day: 29)
        }
        let now = Timestamp.now()
        #expect(now > (try Timestamp(parsing: "2020-01-01T00:00:00Z")))
    }

    @Test func formatsOutsideFourDigitYearsWithoutTrapping() {
        let far = Timestamp(millisecondsSinceEpoch: 253_402_300_800_000)  // 10000-01-01
        #expect(far.description == "+10000-01-01T00:00:00.000Z")
        let early = Timestamp(millisecondsSinceEpoch: -62_167_219_200_001)  // just before 0000-01-01
        #expect(early.description == "-0001-12-31T23:59:59.999Z")
    }
}

import PlantModel
import Testing

@testable import PlantAggregate

@Suite struct PlantCalendarTests {
    static func period(_ calendar: PlantCalendar, _ text: String) throws -> String {
        let (start, end) = calendar.period(containing: try Timestamp(parsing: text).millisecondsSinceEpoch)
        return "\(Timestamp(millisecondsSinceEpoch: start)) \(Timestamp(millisecondsSinceEpoch: end))"
    }

    @Test func windowsAlignToThePlantsClockWithAFixedOffset() throws {
        let calendar = PlantCalendar(window: 3_600_000, timeZone: .fixed(offsetSeconds: 19_800), shiftStartMinutes: [])
        // 06:10Z is 11:40 at +05:30: the local hour 11:00–12:00 is 05:30Z–06:30Z.
        #expect(
            try Self.period(calendar, "2026-11-23T06:10:00Z") == "2026-11-23T05:30:00.000Z 2026-11-23T06:30:00.000Z")
        #expect(
            try Self.period(calendar, "2026-11-23T06:30:00Z") == "2026-11-23T06:30:00.000Z 2026-11-23T07:30:00.000Z")
    }

    @Test func shiftStartsCutWindowsIncludingOverMidnight() throws {
        let calendar = PlantCalendar(window: 8 * 3_600_000, timeZone: .utc, shiftStartMinutes: [1350, 390])
        #expect(
            try Self.period(calendar, "2026-11-23T05:00:00Z") == "2026-11-23T00:00:00.000Z 2026-11-23T06:30:00.000Z")
        #expect(
            try Self.period(calendar, "2026-11-23T07:00:00Z") == "2026-11-23T06:30:00.000Z 2026-11-23T08:00:00.000Z")
        #expect(
            try Self.period(calendar, "2026-11-23T23:00:00Z") == "2026-11-23T22:30:00.000Z 2026-11-24T00:00:00.000Z")
    }

    @Test func daylightSavingTransitionsCutDayWindowsInANamedZone() throws {
        let calendar = PlantCalendar(window: 86_400_000, timeZone: .named("Europe/Berlin"), shiftStartMinutes: [])
        // 2026-10-25 01:00Z: 03:00 CEST becomes 02:00 CET.
        #expect(
            try Self.period(calendar, "2026-10-25T00:30:00Z") == "2026-10-24T22:00:00.000Z 2026-10-25T01:00:00.000Z")
        #expect(
            try Self.period(calendar, "2026-10-25T12:00:00Z") == "2026-10-25T01:00:00.000Z 2026-10-25T23:00:00.000Z")
        #expect(
            try Self.period(calendar, "2026-11-23T12:00:00Z") == "2026-11-22T23:00:00.000Z 2026-11-23T23:00:00.000Z")
        let quarter = PlantCalendar(window: 900_000, timeZone: .named("Europe/Berlin"), shiftStartMinutes: [360])
        #expect(try Self.period(quarter, "2026-07-01T04:07:00Z") == "2026-07-01T04:00:00.000Z 2026-07-01T04:15:00.000Z")
    }
}

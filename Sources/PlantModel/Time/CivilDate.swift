/// A proleptic Gregorian calendar date, with the day-count conversions every module shares
/// (aggregator windows, GS1 expiry dates, timestamp parsing). Algorithms after Howard Hinnant's
/// `days_from_civil` / `civil_from_days`, exact for every Int64 day count a Timestamp can hold.
public struct CivilDate: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let year: Int
    public let month: Int  // 1...12
    public let day: Int  // 1...daysInMonth

    /// A validated date; nil when month or day is out of range (e.g. 2026-02-29).
    public init?(year: Int, month: Int, day: Int) {
        guard (1...12).contains(month), day >= 1, day <= Self.daysInMonth(year: year, month: month) else {
            return nil
        }
        self.init(unchecked: year, month, day)
    }

    init(unchecked year: Int, _ month: Int, _ day: Int) {
        self.year = year
        self.month = month
        self.day = day
    }

    /// The date `days` days after 1970-01-01 (negative: before).
    public init(daysSinceEpoch days: Int64) {
        let (y, m, d) = Self.civilFromDays(days)
        self.init(unchecked: y, m, d)
    }

    /// Days since 1970-01-01.
    public var daysSinceEpoch: Int64 { Self.daysFromCivil(year: year, month: month, day: day) }

    /// ISO weekday: 1 = Monday ... 7 = Sunday.
    public var isoWeekday: Int {
        let d = daysSinceEpoch  // 1970-01-01 was a Thursday (4)
        return Int((d % 7 + 7 + 3) % 7) + 1
    }

    /// "2026-11-22" (years outside 0...9999 are signed and padded to 4 digits).
    public var description: String {
        var bytes: [UInt8] = []
        writeDate(year: year, month: month, day: day, into: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    public static func < (lhs: CivilDate, rhs: CivilDate) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }

    public static func isLeapYear(_ year: Int) -> Bool {
        year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
    }

    public static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: return isLeapYear(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Days from 1970-01-01 to the given date. Does not validate: month 1...12 and day 1...31 expected.
    public static func daysFromCivil(year: Int, month: Int, day: Int) -> Int64 {
        let y = Int64(year) - (month <= 2 ? 1 : 0)
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400  // 0...399
        let m = Int64(month)
        let dayOfYear = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + Int64(day) - 1  // 0...365
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear  // 0...146096
        return era * 146_097 + dayOfEra - 719_468
    }

    /// (year, month, day) of the day `days` after 1970-01-01.
    public static func civilFromDays(_ days: Int64) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097  // 0...146096
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365  // 0...399
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)  // 0...365
        let mp = (5 * dayOfYear + 2) / 153  // 0...11, March-based
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return (Int(year), Int(month), Int(day))
    }
}

/// Two ASCII digits per value 0...99, for fast formatting.
let twoDigitTable: [UInt8] = {
    var table: [UInt8] = []
    for n in 0..<100 {
        table.append(UInt8(48 + n / 10))
        table.append(UInt8(48 + n % 10))
    }
    return table
}()

@inline(__always) func appendTwoDigits(_ n: Int, to bytes: inout [UInt8]) {
    bytes.append(twoDigitTable[2 * n])
    bytes.append(twoDigitTable[2 * n + 1])
}

func writeDate(year: Int, month: Int, day: Int, into bytes: inout [UInt8]) {
    if (0...9999).contains(year) {
        appendTwoDigits(year / 100, to: &bytes)
        appendTwoDigits(year % 100, to: &bytes)
    } else {
        // ISO 8601 expanded year; never produced for real plant data, but formatting stays total.
        bytes.append(year < 0 ? UInt8(ascii: "-") : UInt8(ascii: "+"))
        let digits = Array(String(year.magnitude).utf8)
        bytes.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: max(0, 4 - digits.count)))
        bytes.append(contentsOf: digits)
    }
    bytes.append(UInt8(ascii: "-"))
    appendTwoDigits(month, to: &bytes)
    bytes.append(UInt8(ascii: "-"))
    appendTwoDigits(day, to: &bytes)
}

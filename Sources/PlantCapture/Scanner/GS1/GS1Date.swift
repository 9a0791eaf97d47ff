// GS1 dates: YYMMDD with the century chosen relative to "now" (GS1 General Specifications 7.12).

/// A calendar date decoded from a GS1 YYMMDD field.
public struct GS1Date: Sendable, Hashable, CustomStringConvertible {
    public let year: Int
    public let month: Int
    /// The day of the month; when the field said DD = 00 this is the month's last day.
    public let day: Int
    /// True when the field said DD = 00: no day given. For expiry and best-before dates GS1 reads it as
    /// the end of the month, which `day` then holds.
    public let dayUnspecified: Bool

    public init(year: Int, month: Int, day: Int, dayUnspecified: Bool = false) {
        self.year = year
        self.month = month
        self.day = day
        self.dayUnspecified = dayUnspecified
    }

    /// ISO 8601, e.g. "2026-02-28".
    public var description: String { GS1Date.iso(year: year, month: month, day: day) }

    /// The four-digit year for a two-digit `yy` per GS1 General Specifications 7.12: the year lies within
    /// 49 years before and 50 years after `currentYear`.
    public static func resolveYear(_ yy: Int, currentYear: Int) -> Int {
        let currentYY = ((currentYear % 100) + 100) % 100
        let century = currentYear - currentYY
        let difference = yy - currentYY
        if difference >= 51 { return century - 100 + yy }
        if difference <= -50 { return century + 100 + yy }
        return century + yy
    }

    public static func isLeapYear(_ year: Int) -> Bool {
        (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
    }

    /// Days in `month` (1–12) of `year`.
    public static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: return isLeapYear(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// The proleptic Gregorian year of a moment given as seconds since 1970-01-01T00:00:00Z (UTC), for
    /// callers turning their clock reading into the `currentYear` the decoder takes.
    public static func year(secondsSince1970 seconds: Int64) -> Int {
        // Howard Hinnant's civil-from-days; exact for every representable day.
        let days = seconds >= 0 ? seconds / 86_400 : -((-seconds + 86_399) / 86_400)
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        return Int(yearOfEra + era * 400 + (month <= 2 ? 1 : 0))
    }

    static func iso(year: Int, month: Int, day: Int) -> String {
        "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))"
    }

    static func pad(_ value: Int, _ width: Int) -> String {
        let text = String(value)
        return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
    }
}

/// The meaning of a decoded element beyond its raw value.
public enum GS1DecodedValue: Sendable, Hashable {
    /// A YYMMDD date.
    case date(GS1Date)
    /// A date with a time of day (7003, 7011, 8008); minute and second only when encoded.
    case dateTime(GS1Date, hour: Int, minute: Int?, second: Int?)
    /// An exact decimal quantity, e.g. "0.750" for 3103 000750 (trailing zeros kept: they carry precision).
    case decimal(String)
    /// An amount with its ISO 4217 numeric currency code (391n, 393n).
    case amount(currency: String, decimal: String)

    /// ISO-style text of the decoded value: "2026-02-28", "2026-03-14T09:30", "0.750", "978 12.50".
    public var text: String {
        switch self {
        case .date(let date): return date.description
        case .dateTime(let date, let hour, let minute, let second):
            var text = "\(date)T\(GS1Date.pad(hour, 2))"
            text += ":" + GS1Date.pad(minute ?? 0, 2)
            if let second { text += ":" + GS1Date.pad(second, 2) }
            return text
        case .decimal(let decimal): return decimal
        case .amount(let currency, let decimal): return "\(currency) \(decimal)"
        }
    }
}

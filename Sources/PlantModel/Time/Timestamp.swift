#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// An instant in UTC, as whole milliseconds since 1970-01-01T00:00:00Z (what the journal stores and the
/// wire carries). Text form is RFC 3339 with exactly three fractional digits and "Z":
/// `2026-11-22T14:15:00.000Z`.
public struct Timestamp: Sendable, Hashable, Comparable, CustomStringConvertible {
    public static let millisecondsPerDay: Int64 = 86_400_000
    public static let epoch = Timestamp(millisecondsSinceEpoch: 0)

    public var millisecondsSinceEpoch: Int64

    public init(millisecondsSinceEpoch: Int64) {
        self.millisecondsSinceEpoch = millisecondsSinceEpoch
    }

    /// From calendar fields in UTC; throws when a field is out of range (e.g. month 13, 2026-02-29).
    public init(
        year: Int, month: Int, day: Int, hour: Int = 0, minute: Int = 0, second: Int = 0, millisecond: Int = 0
    ) throws(TimestampError) {
        func fail(_ field: String, _ range: String, _ value: Int) -> TimestampError {
            TimestampError(
                text: "year \(year) month \(month) day \(day) \(hour):\(minute):\(second).\(millisecond)",
                offset: nil, expected: "\(field) \(range)", found: "\(value)")
        }
        guard (1...12).contains(month) else { throw fail("a month", "1-12", month) }
        let lastDay = CivilDate.daysInMonth(year: year, month: month)
        guard (1...lastDay).contains(day) else { throw fail("a day", "1-\(lastDay)", day) }
        guard (0...23).contains(hour) else { throw fail("an hour", "0-23", hour) }
        guard (0...59).contains(minute) else { throw fail("a minute", "0-59", minute) }
        guard (0...59).contains(second) else { throw fail("a second", "0-59", second) }
        guard (0...999).contains(millisecond) else { throw fail("a millisecond", "0-999", millisecond) }
        let days = CivilDate.daysFromCivil(year: year, month: month, day: day)
        let msOfDay = Int64(((hour * 60 + minute) * 60 + second) * 1000 + millisecond)
        self.init(millisecondsSinceEpoch: days * Self.millisecondsPerDay + msOfDay)
    }

    /// The wall clock now (CLOCK_REALTIME), truncated to milliseconds. Logic that depends on time should
    /// take a clock as a parameter instead of calling this.
    public static func now() -> Timestamp {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Timestamp(millisecondsSinceEpoch: Int64(spec.tv_sec) * 1000 + Int64(spec.tv_nsec) / 1_000_000)
    }

    /// The UTC calendar date.
    public var date: CivilDate { CivilDate(daysSinceEpoch: daysSinceEpoch) }

    /// Whole days since the epoch (floored, so instants before 1970 land on the right day).
    public var daysSinceEpoch: Int64 { floorDivide(millisecondsSinceEpoch, Self.millisecondsPerDay) }

    /// Milliseconds since midnight UTC, 0...86_399_999.
    public var millisecondOfDay: Int64 {
        millisecondsSinceEpoch - daysSinceEpoch * Self.millisecondsPerDay
    }

    public func adding(milliseconds: Int64) -> Timestamp {
        Timestamp(millisecondsSinceEpoch: millisecondsSinceEpoch + milliseconds)
    }

    /// Milliseconds from `earlier` to self (negative when self is earlier).
    public func milliseconds(since earlier: Timestamp) -> Int64 {
        millisecondsSinceEpoch - earlier.millisecondsSinceEpoch
    }

    /// The start of the window of `windowMilliseconds` containing self, windows aligned to the epoch
    /// (so 15-minute windows start at :00, :15, :30, :45 UTC).
    public func flooredToMultiple(ofMilliseconds windowMilliseconds: Int64) -> Timestamp {
        precondition(windowMilliseconds > 0, "window length must be positive")
        return Timestamp(
            millisecondsSinceEpoch: floorDivide(millisecondsSinceEpoch, windowMilliseconds) * windowMilliseconds)
    }

    public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool {
        lhs.millisecondsSinceEpoch < rhs.millisecondsSinceEpoch
    }

    /// `2026-11-22T14:15:00.000Z`.
    public var description: String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(24)
        write(into: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends `2026-11-22T14:15:00.000Z` as UTF-8.
    public func write(into bytes: inout [UInt8]) {
        let days = daysSinceEpoch
        let (year, month, day) = CivilDate.civilFromDays(days)
        writeDate(year: year, month: month, day: day, into: &bytes)
        let ms = Int(millisecondsSinceEpoch - days * Self.millisecondsPerDay)
        let seconds = ms / 1000
        bytes.append(UInt8(ascii: "T"))
        appendTwoDigits(seconds / 3600, to: &bytes)
        bytes.append(UInt8(ascii: ":"))
        appendTwoDigits(seconds / 60 % 60, to: &bytes)
        bytes.append(UInt8(ascii: ":"))
        appendTwoDigits(seconds % 60, to: &bytes)
        bytes.append(UInt8(ascii: "."))
        let millis = ms % 1000
        bytes.append(UInt8(48 + millis / 100))
        appendTwoDigits(millis % 100, to: &bytes)
        bytes.append(UInt8(ascii: "Z"))
    }
}

func floorDivide(_ a: Int64, _ b: Int64) -> Int64 {
    let q = a / b
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
}

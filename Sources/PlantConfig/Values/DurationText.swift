/// Durations as written in configuration files: a whole number and one unit, `ms`, `s`, `m`, `h` or
/// `d` (24 hours): `500ms`, `30s`, `15m`, `2h`, `7d`. No fractions, no compound forms (`1h30m` is
/// `90m`), no bare numbers: a unit is always written, so `30` never means different things in
/// different settings.
public enum DurationText {
    private static let units: [(suffix: String, milliseconds: Int64)] = [
        ("ms", 1), ("s", 1_000), ("m", 60_000), ("h", 3_600_000), ("d", 86_400_000),
    ]

    public static func parse(_ text: String) -> Duration? {
        for unit in units.reversed() where text.hasSuffix(unit.suffix) {
            let number = text.dropLast(unit.suffix.count)
            // "5ms" also ends in "s"; the digits check rejects "5m" + "s" being read as seconds.
            guard !number.isEmpty, number.unicodeScalars.allSatisfy({ ("0"..."9").contains($0) }),
                let count = Int64(number)
            else { continue }
            let (milliseconds, overflow) = count.multipliedReportingOverflow(by: unit.milliseconds)
            return overflow ? nil : .milliseconds(milliseconds)
        }
        return nil
    }

    /// The shortest exact form: `7d`, `90m`, `1500ms`.
    public static func format(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        let (milliseconds, rest) = attoseconds.quotientAndRemainder(dividingBy: 1_000_000_000_000_000)
        guard rest == 0 else { return "\(duration)" }
        let total = seconds * 1_000 + milliseconds
        for unit in units.reversed() where total % unit.milliseconds == 0 && (total != 0 || unit.suffix == "s") {
            return "\(total / unit.milliseconds)\(unit.suffix)"
        }
        return "\(total)ms"
    }
}

extension ConfigConversion where Value == Duration {
    /// A duration (`500ms`, `30s`, `15m`, `2h`, `7d`), optionally within `range`.
    public static func duration(in range: ClosedRange<Duration>? = nil) -> ConfigConversion<Duration> {
        let expectation =
            if let range {
                "a duration from \(DurationText.format(range.lowerBound)) to \(DurationText.format(range.upperBound))"
            } else {
                "a duration like 500ms, 30s, 15m, 2h or 7d"
            }
        return ConfigConversion(expecting: expectation) { text in
            guard let duration = DurationText.parse(text) else { return nil }
            if let range, !range.contains(duration) { return nil }
            return duration
        }
    }
}

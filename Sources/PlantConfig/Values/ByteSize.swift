/// An amount of bytes, written with a unit: binary `KiB`, `MiB`, `GiB`, `TiB` (powers of 1024),
/// decimal `KB`, `MB`, `GB`, `TB` (powers of 1000, as disk vendors count), or plain `B`:
/// `64KiB`, `512MiB`, `4GiB`, `1MB`, `0B`. Whole numbers only; units are case-sensitive (`mb`
/// would be millibits); a bare number is refused so the unit is never a guess.
public struct ByteSize: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var bytes: Int

    public init(bytes: Int) {
        self.bytes = bytes
    }

    public static func kibibytes(_ count: Int) -> ByteSize { ByteSize(bytes: count << 10) }
    public static func mebibytes(_ count: Int) -> ByteSize { ByteSize(bytes: count << 20) }
    public static func gibibytes(_ count: Int) -> ByteSize { ByteSize(bytes: count << 30) }

    /// The largest size; as an upper bound, "no limit".
    public static let max = ByteSize(bytes: .max)

    public static func < (lhs: ByteSize, rhs: ByteSize) -> Bool { lhs.bytes < rhs.bytes }

    private static let units: [(suffix: String, factor: Int)] = [
        ("TiB", 1 << 40), ("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10),
        ("TB", 1_000_000_000_000), ("GB", 1_000_000_000), ("MB", 1_000_000), ("KB", 1_000), ("B", 1),
    ]

    /// Parses `512MiB`-style text; nil when malformed or too large for `Int`.
    public init?(_ text: String) {
        // Longest suffixes first, so "KiB" is not read as "B" with "Ki" left over.
        for unit in Self.units where text.hasSuffix(unit.suffix) {
            let number = text.dropLast(unit.suffix.count)
            guard !number.isEmpty, number.unicodeScalars.allSatisfy({ ("0"..."9").contains($0) }),
                let count = Int(number)
            else { return nil }
            let (bytes, overflow) = count.multipliedReportingOverflow(by: unit.factor)
            if overflow { return nil }
            self.bytes = bytes
            return
        }
        return nil
    }

    /// The shortest exact form in binary units, else decimal units, else bytes: `4GiB`, `1MB`, `1000B`.
    public var description: String {
        for unit in Self.units where bytes != 0 && bytes % unit.factor == 0 {
            return "\(bytes / unit.factor)\(unit.suffix)"
        }
        return "\(bytes)B"
    }
}

extension ConfigConversion where Value == ByteSize {
    /// A size (`64KiB`, `512MiB`, `4GiB`, `1MB`), optionally within `range`.
    public static func size(in range: ClosedRange<ByteSize>? = nil) -> ConfigConversion<ByteSize> {
        let expectation =
            if let range, range.upperBound.bytes == .max {
                "a size of at least \(range.lowerBound)"
            } else if let range {
                "a size from \(range.lowerBound) to \(range.upperBound)"
            } else {
                "a size like 64KiB, 512MiB or 4GiB"
            }
        return ConfigConversion(expecting: expectation) { text in
            guard let size = ByteSize(text) else { return nil }
            if let range, !range.contains(size) { return nil }
            return size
        }
    }
}

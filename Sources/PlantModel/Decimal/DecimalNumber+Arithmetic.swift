/// Exact arithmetic. Results are normalised; anything that does not fit throws, nothing is rounded
/// unless a rounding rule is asked for.
extension DecimalNumber {
    public static func + (lhs: DecimalNumber, rhs: DecimalNumber) throws(DecimalError) -> DecimalNumber {
        try lhs.adding(rhs)
    }

    public static func - (lhs: DecimalNumber, rhs: DecimalNumber) throws(DecimalError) -> DecimalNumber {
        try lhs.subtracting(rhs)
    }

    public static func * (lhs: DecimalNumber, rhs: DecimalNumber) throws(DecimalError) -> DecimalNumber {
        try lhs.multiplied(by: rhs)
    }

    public static func * (lhs: DecimalNumber, rhs: Int64) throws(DecimalError) -> DecimalNumber {
        try lhs.multiplied(by: rhs)
    }

    public func adding(_ other: DecimalNumber) throws(DecimalError) -> DecimalNumber {
        if scale == other.scale {
            let (sum, overflow) = significand.addingReportingOverflow(other.significand)
            if !overflow { return Self.stripped(sum, scale: scale) }
        }
        let (left, right) = Self.aligned(self, other)
        return try Self.normalised(left + right, scale: max(scale, other.scale)) { "\(self) + \(other)" }
    }

    public func subtracting(_ other: DecimalNumber) throws(DecimalError) -> DecimalNumber {
        if scale == other.scale {
            let (difference, overflow) = significand.subtractingReportingOverflow(other.significand)
            if !overflow { return Self.stripped(difference, scale: scale) }
        }
        let (left, right) = Self.aligned(self, other)
        return try Self.normalised(left + right.negated, scale: max(scale, other.scale)) { "\(self) - \(other)" }
    }

    public func multiplied(by factor: Int64) throws(DecimalError) -> DecimalNumber {
        let (product, overflow) = significand.multipliedReportingOverflow(by: factor)
        if !overflow { return Self.stripped(product, scale: scale) }
        return try multiplied(by: DecimalNumber(integer: factor))
    }

    public func multiplied(by other: DecimalNumber) throws(DecimalError) -> DecimalNumber {
        let magnitude = WideMagnitude(multiplying: significand.magnitude, by: other.significand.magnitude)
        let negative = (significand < 0) != (other.significand < 0)
        return try Self.normalised(negative: negative, magnitude: magnitude, scale: scale + other.scale) {
            "\(self) * \(other)"
        }
    }

    /// The product rounded to `targetScale` decimal places with `rule` (for unit conversions).
    public func multiplied(
        by other: DecimalNumber, roundingToScale targetScale: Int,
        rule: FloatingPointRoundingRule = .toNearestOrAwayFromZero
    ) throws(DecimalError) -> DecimalNumber {
        guard (0...Self.maxScale).contains(targetScale) else { throw .scaleOutOfRange(targetScale) }
        let magnitude = WideMagnitude(multiplying: significand.magnitude, by: other.significand.magnitude)
        let negative = (significand < 0) != (other.significand < 0)
        return try Self.rounding(
            negative: negative, magnitude: magnitude, scale: scale + other.scale, toScale: targetScale, rule: rule
        ) { "\(self) * \(other)" }
    }

    /// This value rounded to at most `targetScale` decimal places with `rule`.
    public func rounded(
        toScale targetScale: Int, rule: FloatingPointRoundingRule = .toNearestOrAwayFromZero
    ) throws(DecimalError) -> DecimalNumber {
        guard (0...Self.maxScale).contains(targetScale) else { throw .scaleOutOfRange(targetScale) }
        if scale <= targetScale { return self }
        return try Self.rounding(
            negative: significand < 0, magnitude: WideMagnitude(high: 0, low: significand.magnitude),
            scale: scale, toScale: targetScale, rule: rule
        ) { "rounding \(self)" }
    }

    /// -self; throws only for the one significand (-2^63) whose negation does not fit.
    public func negated() throws(DecimalError) -> DecimalNumber {
        guard significand != .min else { throw .overflow(operation: "-(\(self))") }
        return DecimalNumber(uncheckedSignificand: -significand, scale: scale)
    }

    /// |self|; throws only for the significand -2^63.
    public func magnitude() throws(DecimalError) -> DecimalNumber {
        significand < 0 ? try negated() : self
    }

    // MARK: - Normalisation

    static func stripped(_ significand: Int64, scale: Int) -> DecimalNumber {
        var s = significand
        var k = scale
        while k > 0 && s % 10 == 0 {
            s /= 10
            k -= 1
        }
        return DecimalNumber(uncheckedSignificand: s, scale: k)
    }

    static func normalised(
        _ value: WideInteger, scale: Int, operation: () -> String
    ) throws(DecimalError) -> DecimalNumber {
        try normalised(negative: value.isNegative, magnitude: value.magnitude, scale: scale, operation: operation)
    }

    /// Drops trailing zeros, then checks the scale and the 64-bit range.
    static func normalised(
        negative: Bool, magnitude: WideMagnitude, scale: Int, operation: () -> String
    ) throws(DecimalError) -> DecimalNumber {
        var m = magnitude
        var k = scale
        while k > 0 {
            var quotient = m
            guard quotient.divideByTen() == 0 else { break }
            m = quotient
            k -= 1
        }
        guard k <= maxScale else { throw .precisionExceeded(operation: operation()) }
        return try fitted(negative: negative, magnitude: m, scale: k, operation: operation)
    }

    static func fitted(
        negative: Bool, magnitude: WideMagnitude, scale: Int, operation: () -> String
    ) throws(DecimalError) -> DecimalNumber {
        guard magnitude.high == 0 else { throw .overflow(operation: operation()) }
        if negative {
            guard magnitude.low <= UInt64(1) << 63 else { throw .overflow(operation: operation()) }
            return DecimalNumber(uncheckedSignificand: Int64(bitPattern: 0 &- magnitude.low), scale: scale)
        }
        guard magnitude.low <= UInt64(Int64.max) else { throw .overflow(operation: operation()) }
        return DecimalNumber(uncheckedSignificand: Int64(magnitude.low), scale: scale)
    }

    static func rounding(
        negative: Bool, magnitude: WideMagnitude, scale: Int, toScale target: Int,
        rule: FloatingPointRoundingRule, operation: () -> String
    ) throws(DecimalError) -> DecimalNumber {
        var m = magnitude
        var firstDropped: UInt64 = 0
        var restNonZero = false
        var k = scale
        while k > target {
            if firstDropped != 0 { restNonZero = true }
            firstDropped = m.divideByTen()
            k -= 1
        }
        let anyDropped = firstDropped != 0 || restNonZero
        let roundAway: Bool
        switch rule {
        case .towardZero: roundAway = false
        case .awayFromZero: roundAway = anyDropped
        case .up: roundAway = anyDropped && !negative
        case .down: roundAway = anyDropped && negative
        case .toNearestOrEven:
            roundAway = firstDropped > 5 || (firstDropped == 5 && (restNonZero || m.low & 1 == 1))
        default:  // .toNearestOrAwayFromZero and any future rule
            roundAway = firstDropped >= 5
        }
        if roundAway { m.increment() }
        return try normalised(negative: negative && !m.isZero, magnitude: m, scale: k, operation: operation)
    }
}

/// A signed 128-bit integer in two's complement, just enough for exact decimal arithmetic without
/// depending on the stdlib `Int128` (which needs macOS 15).
struct WideInteger: Comparable {
    var high: Int64
    var low: UInt64

    init(high: Int64, low: UInt64) {
        self.high = high
        self.low = low
    }

    init(_ value: Int64) {
        self.init(high: value >> 63, low: UInt64(bitPattern: value))
    }

    init(multiplying a: Int64, by b: Int64) {
        let product = a.multipliedFullWidth(by: b)
        self.init(high: product.high, low: product.low)
    }

    static func + (x: WideInteger, y: WideInteger) -> WideInteger {
        let (low, carry) = x.low.addingReportingOverflow(y.low)
        return WideInteger(high: x.high &+ y.high &+ (carry ? 1 : 0), low: low)
    }

    var negated: WideInteger {
        let (low, carry) = (~low).addingReportingOverflow(1)
        return WideInteger(high: ~high &+ (carry ? 1 : 0), low: low)
    }

    var isNegative: Bool { high < 0 }

    /// |self| as an unsigned 128-bit (high, low) pair.
    var magnitude: WideMagnitude {
        let positive = isNegative ? negated : self
        return WideMagnitude(high: UInt64(bitPattern: positive.high), low: positive.low)
    }

    static func < (x: WideInteger, y: WideInteger) -> Bool {
        x.high != y.high ? x.high < y.high : x.low < y.low
    }
}

/// An unsigned 128-bit magnitude.
struct WideMagnitude {
    var high: UInt64
    var low: UInt64

    var isZero: Bool { high == 0 && low == 0 }

    init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }

    init(multiplying a: UInt64, by b: UInt64) {
        let product = a.multipliedFullWidth(by: b)
        self.init(high: product.high, low: product.low)
    }

    /// Divides by 10 in place and returns the remainder digit.
    mutating func divideByTen() -> UInt64 {
        let highQuotient = high / 10
        let highRemainder = high % 10
        let (lowQuotient, remainder) = UInt64(10).dividingFullWidth((high: highRemainder, low: low))
        high = highQuotient
        low = lowQuotient
        return remainder
    }

    var isMultipleOfTen: Bool {
        var copy = self
        return copy.divideByTen() == 0
    }

    /// Adds one (rounding up a magnitude).
    mutating func increment() {
        let (sum, carry) = low.addingReportingOverflow(1)
        low = sum
        if carry { high &+= 1 }
    }
}

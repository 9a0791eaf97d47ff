/// An exact decimal number, `significand × 10^-scale`, for quantities that ERP systems book.
///
/// Never binary floating point: "0.1" is exactly one tenth. Values are kept normalised (no trailing
/// zeros in the significand, zero has scale 0), so `==` and `hash` compare numeric values: 1.50 == 1.5.
/// Every operation that could exceed the 64-bit significand or 18 decimal places throws
/// `DecimalError` instead of trapping or rounding silently.
public struct DecimalNumber: Sendable, Hashable, CustomStringConvertible, LosslessStringConvertible {
    /// Most digits allowed after the decimal point.
    public static let maxScale = 18
    public static let zero = DecimalNumber(uncheckedSignificand: 0, scale: 0)

    /// The integer digits; the value is `significand / 10^scale`.
    public let significand: Int64
    private let storedScale: UInt8

    /// Digits after the decimal point, 0...18 (no trailing zeros counted).
    public var scale: Int { Int(storedScale) }

    init(uncheckedSignificand significand: Int64, scale: Int) {
        self.significand = significand
        self.storedScale = UInt8(scale)
    }

    /// `significand × 10^-scale`, normalised; throws for a scale outside 0...18.
    public init(significand: Int64, scale: Int) throws(DecimalError) {
        guard (0...Self.maxScale).contains(scale) else { throw .scaleOutOfRange(scale) }
        var s = significand
        var k = scale
        while k > 0 && s % 10 == 0 {
            s /= 10
            k -= 1
        }
        self.init(uncheckedSignificand: s, scale: k)
    }

    /// An integer value, exactly.
    public init(integer: Int64) {
        self.init(uncheckedSignificand: integer, scale: 0)
    }

    /// An integer value, exactly.
    public init(_ integer: Int) {
        self.init(uncheckedSignificand: Int64(integer), scale: 0)
    }

    /// Parses text such as "12.5", "-0.001", "007", "1.5e3"; nil when it is not a decimal (see `init(parsing:)`).
    public init?(_ description: String) {
        guard let value = try? DecimalNumber(parsing: description) else { return nil }
        self = value
    }

    public var isZero: Bool { significand == 0 }
    public var isNegative: Bool { significand < 0 }
    /// True when the value has no fractional part.
    public var isInteger: Bool { storedScale == 0 }
    /// The value as an integer when it has no fractional part.
    public var int64Value: Int64? { storedScale == 0 ? significand : nil }

    /// Canonical text: optional "-", digits, "." only when there is a fraction, no trailing zeros,
    /// no exponent, "0" for zero.
    public var description: String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(24)
        write(into: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends the canonical text as UTF-8 (the JSON writer's fast path).
    public func write(into bytes: inout [UInt8]) {
        if significand < 0 { bytes.append(UInt8(ascii: "-")) }
        var digits: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)  // 32 bytes of scratch, no allocation
        withUnsafeMutableBytes(of: &digits) { buffer in
            var magnitude = significand.magnitude
            var count = 0
            repeat {
                buffer[31 - count] = UInt8(truncatingIfNeeded: magnitude % 10) &+ 48
                magnitude /= 10
                count += 1
            } while magnitude > 0
            let scale = Int(storedScale)
            if count <= scale {
                bytes.append(UInt8(ascii: "0"))
                bytes.append(UInt8(ascii: "."))
                for _ in 0..<(scale - count) { bytes.append(UInt8(ascii: "0")) }
                bytes.append(contentsOf: buffer[(32 - count)...])
            } else if scale == 0 {
                bytes.append(contentsOf: buffer[(32 - count)...])
            } else {
                bytes.append(contentsOf: buffer[(32 - count)..<(32 - scale)])
                bytes.append(UInt8(ascii: "."))
                bytes.append(contentsOf: buffer[(32 - scale)...])
            }
        }
    }
}

extension DecimalNumber: Comparable {
    public static func < (lhs: DecimalNumber, rhs: DecimalNumber) -> Bool {
        if lhs.storedScale == rhs.storedScale { return lhs.significand < rhs.significand }
        let (left, right) = aligned(lhs, rhs)
        return left < right
    }

    /// Both significands at the larger scale, exactly (128-bit, so alignment never overflows).
    static func aligned(_ lhs: DecimalNumber, _ rhs: DecimalNumber) -> (WideInteger, WideInteger) {
        let scale = max(lhs.scale, rhs.scale)
        let left = WideInteger(multiplying: lhs.significand, by: powersOfTen[scale - lhs.scale])
        let right = WideInteger(multiplying: rhs.significand, by: powersOfTen[scale - rhs.scale])
        return (left, right)
    }
}

/// 10^0 ... 10^18 as Int64.
let powersOfTen: [Int64] = {
    var table: [Int64] = [1]
    for _ in 1...18 { table.append(table[table.count - 1] * 10) }
    return table
}()

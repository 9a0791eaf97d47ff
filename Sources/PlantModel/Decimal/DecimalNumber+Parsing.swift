/// Parsing decimal text: `-?digits(.digits)?([eE][+-]?digits)?`. Leading zeros are accepted (flat files
/// carry them); "+", ",", spaces, "1." and ".5" are not: callers normalise locale formats first.
extension DecimalNumber {
    /// Parses "12.5", "-0.001", "0012.500", "1.5e3". Trailing zeros beyond 18 places are fine; nonzero
    /// digits beyond 18 places or a significand beyond 64 bits throw.
    public init(parsing text: String) throws(DecimalError) {
        var text = text
        let result = text.withUTF8 { Self.parseResult(UnsafeRawBufferPointer($0)) }
        self = try result.get()
    }

    /// Parses UTF-8 bytes (e.g. a JSON number's text) without making a String.
    public static func parse(utf8 bytes: UnsafeRawBufferPointer) throws(DecimalError) -> DecimalNumber {
        try parseResult(bytes).get()
    }

    static func parseResult(_ bytes: UnsafeRawBufferPointer) -> Result<DecimalNumber, DecimalError> {
        let count = bytes.count
        var i = 0
        func text() -> String { String(decoding: bytes, as: UTF8.self) }
        func syntax(_ expected: String) -> Result<DecimalNumber, DecimalError> {
            let found: String
            if i >= count {
                found = "end of text"
            } else {
                let byte = bytes[i]
                found = byte >= 0x20 && byte < 0x7F ? "'\(Character(Unicode.Scalar(byte)))'" : "byte 0x\(hex(byte))"
            }
            return .failure(.syntax(text: text(), offset: i, expected: expected, found: found))
        }

        var negative = false
        if i < count && bytes[i] == UInt8(ascii: "-") {
            negative = true
            i += 1
        }
        var magnitude: UInt64 = 0
        var pendingZeros = 0  // zeros read but not yet multiplied in: trailing fraction zeros never are
        var fractionDigits = 0
        var sawDigit = false
        var overflow = false

        @inline(__always) func flush() {
            guard pendingZeros > 0 else { return }
            if magnitude != 0 {
                if pendingZeros > 19 {
                    overflow = true
                } else {
                    let scale = powersOfTen10to19[pendingZeros]
                    let (product, o) = magnitude.multipliedReportingOverflow(by: scale)
                    if o { overflow = true } else { magnitude = product }
                }
            }
        }
        @inline(__always) func push(_ digit: UInt64) {
            let (times10, o1) = magnitude.multipliedReportingOverflow(by: 10)
            let (sum, o2) = times10.addingReportingOverflow(digit)
            if o1 || o2 { overflow = true } else { magnitude = sum }
        }

        while i < count, case let byte = bytes[i], byte >= 0x30 && byte <= 0x39 {
            sawDigit = true
            if byte == 0x30 {
                pendingZeros += 1
            } else {
                flush()
                pendingZeros = 0
                push(UInt64(byte - 0x30))
            }
            i += 1
        }
        guard sawDigit else { return syntax(negative ? "a digit" : "a digit or '-'") }
        flush()  // integer zeros are significant
        pendingZeros = 0

        var expectedNext = "a digit, '.', 'e' or end of text"
        if i < count && bytes[i] == UInt8(ascii: ".") {
            i += 1
            expectedNext = "a digit, 'e' or end of text"
            var sawFraction = false
            while i < count, case let byte = bytes[i], byte >= 0x30 && byte <= 0x39 {
                sawFraction = true
                if byte == 0x30 {
                    pendingZeros += 1
                } else {
                    flush()
                    fractionDigits += pendingZeros
                    pendingZeros = 0
                    push(UInt64(byte - 0x30))
                    fractionDigits += 1
                }
                i += 1
            }
            guard sawFraction else { return syntax("a digit after '.'") }
        }

        var exponent = 0
        if i < count && (bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E")) {
            i += 1
            var exponentNegative = false
            if i < count && (bytes[i] == UInt8(ascii: "-") || bytes[i] == UInt8(ascii: "+")) {
                exponentNegative = bytes[i] == UInt8(ascii: "-")
                i += 1
            }
            var sawExponentDigit = false
            while i < count, case let byte = bytes[i], byte >= 0x30 && byte <= 0x39 {
                sawExponentDigit = true
                if exponent < 100_000 { exponent = exponent * 10 + Int(byte - 0x30) }
                i += 1
            }
            guard sawExponentDigit else { return syntax("a digit in the exponent") }
            expectedNext = "a digit or end of text"
            if exponentNegative { exponent = -exponent }
        }
        guard i == count else { return syntax(expectedNext) }
        if overflow { return .failure(.outOfRange(text: text())) }
        if magnitude == 0 { return .success(.zero) }

        var scale = fractionDigits - exponent
        while scale > 0 && magnitude % 10 == 0 {
            magnitude /= 10
            scale -= 1
        }
        if scale > maxScale { return .failure(.tooManyDecimalPlaces(text: text())) }
        if scale < 0 {
            guard -scale <= 19 else { return .failure(.outOfRange(text: text())) }
            let (product, o) = magnitude.multipliedReportingOverflow(by: powersOfTen10to19[-scale])
            guard !o else { return .failure(.outOfRange(text: text())) }
            magnitude = product
            scale = 0
        }
        if negative {
            guard magnitude <= UInt64(1) << 63 else { return .failure(.outOfRange(text: text())) }
            return .success(DecimalNumber(uncheckedSignificand: Int64(bitPattern: 0 &- magnitude), scale: scale))
        }
        guard magnitude <= UInt64(Int64.max) else { return .failure(.outOfRange(text: text())) }
        return .success(DecimalNumber(uncheckedSignificand: Int64(magnitude), scale: scale))
    }
}

extension DecimalNumber {
    /// True when `text` has the canonical shape `description` produces: `-?(0|[1-9][0-9]*)(\.[0-9]*[1-9])?`,
    /// not "-0". (Range is checked by parsing; a parsed value with this shape prints as exactly `text`.)
    static func isCanonical(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { bytes in
            var i = 0
            let count = bytes.count
            if i < count && bytes[i] == UInt8(ascii: "-") { i += 1 }
            let integerStart = i
            while i < count && isDigit(bytes[i]) { i += 1 }
            let integerDigits = i - integerStart
            let leadingZero = integerDigits > 1 && bytes[integerStart] == UInt8(ascii: "0")
            guard integerDigits > 0, !leadingZero else { return false }
            if i == count {
                return !(integerStart == 1 && integerDigits == 1 && bytes[1] == UInt8(ascii: "0"))  // "-0"
            }
            guard bytes[i] == UInt8(ascii: "."), i + 1 < count else { return false }
            i += 1
            while i < count && isDigit(bytes[i]) { i += 1 }
            return i == count && bytes[count - 1] != UInt8(ascii: "0")
        }
    }
}

/// 10^0 ... 10^19 as UInt64.
let powersOfTen10to19: [UInt64] = {
    var table: [UInt64] = [1]
    for _ in 1...19 { table.append(table[table.count - 1] * 10) }
    return table
}()

func hex(_ byte: UInt8) -> String {
    let digits = Array("0123456789ABCDEF")
    return String([digits[Int(byte >> 4)], digits[Int(byte & 0xF)]])
}

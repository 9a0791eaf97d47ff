import PlantModel

/// Small value readers shared by the two feed formats: numbers, epoch milliseconds, UTF-8 checks.
enum TelemetryText {
    /// Latest instant accepted as a source time: 9999-12-31T23:59:59.999Z.
    static let maxEpochMilliseconds: Int64 = 253_402_300_799_999

    static let epochExpectation = "epoch milliseconds (an integer 0–253402300799999)"

    /// A number as an exact decimal. Float tags often carry more than 18 decimal places
    /// (0.0012345678901234567); those are rounded half to even at the 18th place instead of refused,
    /// because the digits past it are float noise. Too large a value is still refused.
    static func decimal(_ bytes: UnsafeRawBufferPointer) -> Result<DecimalNumber, DecimalError> {
        do throws(DecimalError) {
            return .success(try DecimalNumber.parse(utf8: bytes))
        } catch .tooManyDecimalPlaces {
            return roundedTo18Places(bytes)
        } catch {
            return .failure(error)
        }
    }

    /// Rewrites `-?digits(.digits)?(e±digits)?` (known to be valid syntax) as round(value × 10^18) "e-18".
    private static func roundedTo18Places(_ bytes: UnsafeRawBufferPointer) -> Result<DecimalNumber, DecimalError> {
        var negative = false
        var digits: [UInt8] = []
        var integerDigits = 0
        var exponent = 0
        var exponentNegative = false
        var part = 0  // 0 integer, 1 fraction, 2 exponent
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "-") where part == 0 && digits.isEmpty: negative = true
            case UInt8(ascii: "-") where part == 2: exponentNegative = true
            case UInt8(ascii: "+"): break
            case UInt8(ascii: "."): part = 1
            case UInt8(ascii: "e"), UInt8(ascii: "E"): part = 2
            case 0x30...0x39:
                if part == 2 {
                    if exponent < 100_000 { exponent = exponent * 10 + Int(byte - 0x30) }
                } else {
                    digits.append(byte - 0x30)
                    if part == 0 { integerDigits += 1 }
                }
            default: break
            }
        }
        // Digit k stands at decimal place (k - point + 1); keep places 1...18.
        let point = integerDigits + (exponentNegative ? -exponent : exponent)
        let keep = point + 18
        var kept: [UInt8] = keep > 0 ? Array(digits.prefix(keep)) : [0]
        if keep >= 0 && keep < digits.count {
            let first = digits[keep]
            let restNonZero = digits[(keep + 1)...].contains { $0 != 0 }
            let lastOdd = (kept.last ?? 0) % 2 == 1
            if first > 5 || (first == 5 && (restNonZero || lastOdd)) {
                var k = kept.count - 1
                while k >= 0 {
                    if kept[k] == 9 {
                        kept[k] = 0
                        k -= 1
                    } else {
                        kept[k] += 1
                        break
                    }
                }
                if k < 0 { kept.insert(1, at: 0) }
            }
        }
        var text = negative ? "-" : ""
        text.unicodeScalars.append(contentsOf: kept.map { Unicode.Scalar($0 + 0x30) })
        text += "e-18"
        do throws(DecimalError) {
            return .success(try DecimalNumber(parsing: text))
        } catch {
            return .failure(error)
        }
    }

    /// A non-negative decimal integer of at most 15 digits (no sign, no leading zeros unless "0") within
    /// the accepted source-time range, or nil.
    static func epochMilliseconds(_ bytes: UnsafeRawBufferPointer) -> Int64? {
        guard !bytes.isEmpty, bytes.count <= 15, bytes.count == 1 || bytes[0] != 0x30 else { return nil }
        var value: Int64 = 0
        for byte in bytes {
            guard byte &- 0x30 < 10 else { return nil }
            value = value * 10 + Int64(byte - 0x30)
        }
        return value <= maxEpochMilliseconds ? value : nil
    }

    /// The 0-based offset of the first byte that is not part of valid UTF-8, or nil when all is valid.
    static func firstInvalidUTF8(_ bytes: UnsafeRawBufferPointer) -> Int? {
        var offset = 0
        var parser = Unicode.UTF8.ForwardParser()
        var iterator = bytes.makeIterator()
        while true {
            switch parser.parseScalar(from: &iterator) {
            case .valid(let scalar): offset += scalar.count
            case .emptyInput: return nil
            case .error: return offset
            }
        }
    }

    /// `'x'` for a printable ASCII byte, else `byte 0xNN`.
    static func describe(byte: UInt8) -> String {
        if byte >= 0x20 && byte < 0x7F { return "'\(Character(Unicode.Scalar(byte)))'" }
        let digits = Array("0123456789ABCDEF")
        return "byte 0x\(digits[Int(byte >> 4)])\(digits[Int(byte & 0xF)])"
    }

    /// `"text"` with quotes and control characters escaped, cut at `limit` characters.
    static func quoted(_ text: some StringProtocol, limit: Int = 40) -> String {
        var result = "\""
        var count = 0
        for scalar in text.unicodeScalars {
            if count == limit {
                result += "…"
                break
            }
            count += 1
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case _ where scalar.value < 0x20 || scalar.value == 0x7F:
                result += "\\x" + String(scalar.value, radix: 16, uppercase: true).leftPadded(to: 2)
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}

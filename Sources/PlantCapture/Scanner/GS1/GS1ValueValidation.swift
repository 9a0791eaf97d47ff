// Checks one element's value against its AI: characters, check digits, dates and times; and decodes
// dates and decimals. `positions[i]` is the 1-based scan position of `value[i]`, for error messages.

/// GS1 mod-10 check digits (GTIN-8/12/13/14, SSCC-18, GLN-13, GSIN-17, GSRN-18). Internal: PlantModel has the
/// public one for callers.
enum GS1Mod10 {
    /// The check digit (0–9) for `digits` (ASCII digits, check digit excluded): weights 3, 1, 3, … from the
    /// right.
    static func compute(_ digits: some BidirectionalCollection<UInt8>) -> Int {
        var sum = 0
        var weight = 3
        for digit in digits.reversed() {
            sum += Int(digit &- 0x30) * weight
            weight = 4 - weight
        }
        return (10 - sum % 10) % 10
    }

    /// Whether the last of `digits` (ASCII) is the correct check digit for the others.
    static func isValid(_ digits: [UInt8]) -> Bool {
        guard let last = digits.last, digits.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return false }
        return compute(digits.dropLast()) == Int(last - 0x30)
    }
}

enum GS1ValueValidation {
    /// "14" for fixed lengths, "1–20" for variable ones.
    static func lengthText(_ spec: GS1ApplicationIdentifier) -> String {
        spec.isFixedLength ? String(spec.maxLength) : "\(spec.minLength)–\(spec.maxLength)"
    }

    /// Every byte must belong to its component's character set. `separated`: the value was delimited by a GS
    /// search, so a stray character may really be a missing GS.
    static func checkCharacters(
        _ spec: GS1ApplicationIdentifier, value: [UInt8], positions: [Int], separated: Bool
    ) throws(GS1DecodeError) {
        var componentIndex = 0
        var componentStart = 0
        for (offset, byte) in value.enumerated() {
            while componentIndex < spec.components.count - 1,
                offset - componentStart >= spec.components[componentIndex].maxLength
            {
                componentStart += spec.components[componentIndex].maxLength
                componentIndex += 1
            }
            let component = spec.components[componentIndex]
            if component.characters.contains(byte) { continue }
            var expected = component.characters == .numeric ? "a digit" : "a character of GS1 character set 82"
            if separated && !spec.isFixedLength && componentIndex == spec.components.count - 1 {
                expected += " or a GS separator (FNC1)"
            }
            throw .invalidCharacter(
                ai: spec.ai, position: positions[offset], found: GS1DecodeError.describe(byte),
                expected: expected)
        }
    }

    /// Checks the rules of each component (characters and total length already checked) and returns the
    /// decoded meaning.
    static func validate(
        _ spec: GS1ApplicationIdentifier, value: [UInt8], positions: [Int], currentYear: Int
    ) throws(GS1DecodeError) -> GS1DecodedValue? {
        var check = ComponentCheck(spec: spec, value: value, positions: positions, currentYear: currentYear)
        var start = 0
        for (index, component) in spec.components.enumerated() {
            let isLast = index == spec.components.count - 1
            let length = isLast ? value.count - start : component.maxLength
            try check.apply(component.rule, range: start..<(start + length))
            start += length
        }
        return check.decoded
    }
}

/// Accumulates what the components of one value say (date, time, decimal, currency).
private struct ComponentCheck {
    let spec: GS1ApplicationIdentifier
    let value: [UInt8]
    let positions: [Int]
    let currentYear: Int
    var date: GS1Date?
    var hour: Int?
    var minute: Int?
    var second: Int?
    var decimal: String?
    var currency: String?

    init(spec: GS1ApplicationIdentifier, value: [UInt8], positions: [Int], currentYear: Int) {
        self.spec = spec
        self.value = value
        self.positions = positions
        self.currentYear = currentYear
    }

    var decoded: GS1DecodedValue? {
        if let date {
            if let hour { return .dateTime(date, hour: hour, minute: minute, second: second) }
            return .date(date)
        }
        if let decimal {
            if let currency { return .amount(currency: currency, decimal: decimal) }
            return .decimal(decimal)
        }
        return nil
    }

    mutating func apply(_ rule: GS1ComponentRule, range: Range<Int>) throws(GS1DecodeError) {
        switch rule {
        case .none:
            break
        case .checkDigit:
            let digits = value[range]
            let expected = GS1Mod10.compute(digits.dropLast())
            let found = Int(digits[range.upperBound - 1] - 0x30)
            if found != expected {
                throw .wrongCheckDigit(
                    ai: spec.ai, position: positions[range.upperBound - 1],
                    found: Character(String(found)), expected: Character(String(expected)))
            }
        case .date(let dayMayBeZero):
            date = try checkDate(at: range.lowerBound, dayMayBeZero: dayMayBeZero)
        case .dateHour:
            date = try checkDate(at: range.lowerBound, dayMayBeZero: false)
            hour = try checkField(at: range.lowerBound + 6, name: "hour", max: 23)
        case .hourMinute:
            if range.isEmpty { return }
            guard range.count == 4 else {
                throw invalid(at: range.lowerBound, "time must be HHMM, found \(range.count) digits")
            }
            hour = try checkField(at: range.lowerBound, name: "hour", max: 23)
            minute = try checkField(at: range.lowerBound + 2, name: "minute", max: 59)
        case .minuteOptionalSecond:
            switch range.count {
            case 0: break
            case 2: minute = try checkField(at: range.lowerBound, name: "minute", max: 59)
            case 4:
                minute = try checkField(at: range.lowerBound, name: "minute", max: 59)
                second = try checkField(at: range.lowerBound + 2, name: "second", max: 59)
            default:
                throw invalid(at: range.lowerBound, "expected MM or MMSS after YYMMDDHH, found \(range.count) digits")
            }
        case .decimalValue:
            decimal = Self.decimalText(value[range], places: spec.decimalPlaces ?? 0)
        case .currency:
            currency = String(decoding: value[range], as: UTF8.self)
        }
    }

    private func number(at offset: Int) -> Int { Int(value[offset] - 0x30) * 10 + Int(value[offset + 1] - 0x30) }

    private func invalid(at offset: Int, _ problem: String) -> GS1DecodeError {
        .invalidDate(
            ai: spec.ai, position: positions[offset], value: String(decoding: value, as: UTF8.self),
            problem: problem)
    }

    private func checkField(at offset: Int, name: String, max: Int) throws(GS1DecodeError) -> Int {
        let field = number(at: offset)
        if field > max {
            throw invalid(at: offset, "\(name) \(GS1Date.pad(field, 2)) is out of range, expected 00–\(max)")
        }
        return field
    }

    /// YYMMDD at `offset`, the century from the GS1 rule; DD = 00 only where `dayMayBeZero`.
    private func checkDate(at offset: Int, dayMayBeZero: Bool) throws(GS1DecodeError) -> GS1Date {
        let month = number(at: offset + 2)
        guard (1...12).contains(month) else {
            throw invalid(at: offset + 2, "month \(GS1Date.pad(month, 2)) is out of range, expected 01–12")
        }
        let year = GS1Date.resolveYear(number(at: offset), currentYear: currentYear)
        let lastDay = GS1Date.daysInMonth(year: year, month: month)
        let day = number(at: offset + 4)
        if day == 0 && dayMayBeZero {
            return GS1Date(year: year, month: month, day: lastDay, dayUnspecified: true)
        }
        guard (1...lastDay).contains(day) else {
            let lowest = dayMayBeZero ? "00" : "01"
            throw invalid(
                at: offset + 4,
                "day \(GS1Date.pad(day, 2)) is out of range for "
                    + "\(GS1Date.pad(year, 4))-\(GS1Date.pad(month, 2)), expected \(lowest)–\(lastDay)")
        }
        return GS1Date(year: year, month: month, day: day)
    }

    /// The exact decimal for `digits` with `places` decimals: "000750", 3 → "0.750"; leading zeros of the
    /// integer part dropped, trailing zeros kept.
    static func decimalText(_ digits: ArraySlice<UInt8>, places: Int) -> String {
        var text = String(decoding: digits, as: UTF8.self)
        if text.count <= places { text = String(repeating: "0", count: places - text.count + 1) + text }
        let integerEnd = text.index(text.endIndex, offsetBy: -places)
        var integer = text[..<integerEnd].drop { $0 == "0" }
        if integer.isEmpty { integer = "0" }
        return places == 0 ? String(integer) : String(integer) + "." + String(text[integerEnd...])
    }
}

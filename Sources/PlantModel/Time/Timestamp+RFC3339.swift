/// Hand-written RFC 3339 parsing: `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±hh:mm)`.
/// Accepts "T"/"t" and "Z"/"z", 1-9 fractional digits (truncated to milliseconds) and offsets up to
/// ±23:59. Rejects leap seconds (":60"), spaces instead of "T", and anything after the offset.
extension Timestamp {
    public init(parsing text: String) throws(TimestampError) {
        var text = text
        let result = text.withUTF8 { Self.parseResult(UnsafeRawBufferPointer($0)) }
        self = try result.get()
    }

    /// Parses UTF-8 bytes without making a String.
    public static func parse(utf8 bytes: UnsafeRawBufferPointer) throws(TimestampError) -> Timestamp {
        try parseResult(bytes).get()
    }

    /// For text that parses: true when it is in the canonical form `description` produces
    /// (`YYYY-MM-DDTHH:MM:SS.mmmZ`, uppercase T and Z, exactly 3 fractional digits).
    static func isCanonicalShape(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { bytes in
            bytes.count == 24 && bytes[10] == UInt8(ascii: "T") && bytes[19] == UInt8(ascii: ".")
                && bytes[23] == UInt8(ascii: "Z")
        }
    }

    static func parseResult(_ bytes: UnsafeRawBufferPointer) -> Result<Timestamp, TimestampError> {
        var reader = TimestampReader(bytes: bytes)
        do throws(TimestampError) {
            let year = try reader.digits(4, "a 4-digit year")
            try reader.literal(UInt8(ascii: "-"), "'-' after the year")
            let month = try reader.digits(2, "a 2-digit month")
            try reader.check(month >= 1 && month <= 12, back: 2, "a month 01-12")
            try reader.literal(UInt8(ascii: "-"), "'-' after the month")
            let day = try reader.digits(2, "a 2-digit day")
            let lastDay = CivilDate.daysInMonth(year: year, month: month)
            try reader.check(day >= 1 && day <= lastDay, back: 2, "a day 01-\(lastDay)")
            try reader.oneOf(UInt8(ascii: "T"), UInt8(ascii: "t"), "'T' between date and time")
            let hour = try reader.digits(2, "a 2-digit hour")
            try reader.check(hour <= 23, back: 2, "an hour 00-23")
            try reader.literal(UInt8(ascii: ":"), "':' after the hour")
            let minute = try reader.digits(2, "2-digit minutes")
            try reader.check(minute <= 59, back: 2, "minutes 00-59")
            try reader.literal(UInt8(ascii: ":"), "':' after the minutes")
            let second = try reader.digits(2, "2-digit seconds")
            try reader.check(second <= 59, back: 2, "seconds 00-59 (leap seconds are not accepted)")

            var millisecond = 0
            if reader.peek() == UInt8(ascii: ".") {
                reader.index += 1
                var count = 0
                while let byte = reader.peek(), byte >= 0x30 && byte <= 0x39 {
                    count += 1
                    try reader.check(count <= 9, back: 0, "at most 9 fractional digits, then 'Z' or an offset")
                    if count <= 3 { millisecond = millisecond * 10 + Int(byte - 0x30) }
                    reader.index += 1
                }
                try reader.check(count > 0, back: 0, "a fractional digit after '.'")
                if count < 3 { for _ in count..<3 { millisecond *= 10 } }
            }

            var offsetMinutes = 0
            switch reader.peek() {
            case UInt8(ascii: "Z"), UInt8(ascii: "z"):
                reader.index += 1
            case UInt8(ascii: "+"), UInt8(ascii: "-"):
                let sign = reader.peek() == UInt8(ascii: "-") ? -1 : 1
                reader.index += 1
                let offsetHour = try reader.digits(2, "a 2-digit offset hour")
                try reader.check(offsetHour <= 23, back: 2, "an offset hour 00-23")
                try reader.literal(UInt8(ascii: ":"), "':' in the offset")
                let offsetMinute = try reader.digits(2, "2-digit offset minutes")
                try reader.check(offsetMinute <= 59, back: 2, "offset minutes 00-59")
                offsetMinutes = sign * (offsetHour * 60 + offsetMinute)
            default:
                throw reader.failure(reader.index, "'Z' or an offset like +01:00")
            }
            try reader.check(reader.peek() == nil, back: 0, "end of text after the offset")

            let days = CivilDate.daysFromCivil(year: year, month: month, day: day)
            let localMs = Int64(((hour * 60 + minute) * 60 + second) * 1000 + millisecond)
            let ms = days * Timestamp.millisecondsPerDay + localMs - Int64(offsetMinutes) * 60_000
            return .success(Timestamp(millisecondsSinceEpoch: ms))
        } catch {
            return .failure(error)
        }
    }
}

/// A cursor over timestamp text that produces the exact error for each position.
struct TimestampReader {
    let bytes: UnsafeRawBufferPointer
    var index = 0

    init(bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
    }

    func peek() -> UInt8? { index < bytes.count ? bytes[index] : nil }

    func failure(_ at: Int, _ expected: String, length: Int = 1) -> TimestampError {
        var text = String(decoding: bytes, as: UTF8.self)
        if text.count > 64 { text = String(text.prefix(64)) + "…" }
        let found: String
        if at >= bytes.count {
            found = "end of text"
        } else {
            let end = min(bytes.count, at + length)
            let slice = UnsafeRawBufferPointer(rebasing: bytes[at..<end])
            if slice.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) {
                found = "\"\(String(decoding: slice, as: UTF8.self))\""
            } else {
                found = "byte 0x\(hex(bytes[at]))"
            }
        }
        return TimestampError(text: text, offset: at, expected: expected, found: found)
    }

    mutating func digits(_ count: Int, _ expected: String) throws(TimestampError) -> Int {
        var value = 0
        for k in 0..<count {
            guard let byte = peek(), byte >= 0x30 && byte <= 0x39 else {
                throw failure(index - k, expected, length: k + 1)
            }
            value = value * 10 + Int(byte - 0x30)
            index += 1
        }
        return value
    }

    mutating func literal(_ byte: UInt8, _ expected: String) throws(TimestampError) {
        guard peek() == byte else { throw failure(index, expected) }
        index += 1
    }

    mutating func oneOf(_ a: UInt8, _ b: UInt8, _ expected: String) throws(TimestampError) {
        guard let byte = peek(), byte == a || byte == b else { throw failure(index, expected) }
        index += 1
    }

    /// Fails at `index - back` (the start of the field just read) unless `condition` holds.
    func check(_ condition: Bool, back: Int, _ expected: String) throws(TimestampError) {
        guard condition else { throw failure(index - back, expected, length: max(1, back)) }
    }
}

import PlantModel

/// Parses one Kepware IoT Gateway message (standard template), one per line:
///
/// ```json
/// {"timestamp": 1593698672213, "values": [{"id": "Channel1.Device1.Tag1", "v": 1121, "q": true, "t": 1593698671342}]}
/// ```
///
/// `timestamp` (publish time, epoch ms) and `values` are required. Each value needs `id` (non-empty
/// string), `v` (number, boolean or string), `q` (boolean: true → good, false → bad) and `t` (source time,
/// epoch ms). Unknown keys are ignored (templates may add some). A value of the wrong shape is refused on its
/// own, with a reason naming the field; a line that is not JSON or not such a message is refused whole.
///
/// Two paths: a byte scanner for the template exactly as Kepware writes it (ASCII strings without escapes,
/// no unknown keys), and, whenever it meets anything else, the strict `JSONParser` plus a walk over the
/// value, which accepts every valid variant and words every refusal. Both give the same samples.
public enum KepwareJSONParser {
    public static func parse(_ line: UnsafeRawBufferPointer) throws(TelemetryLineError) -> TelemetryLine {
        var fast = KepwareFastReader(bytes: line)
        if let samples = fast.message() { return TelemetryLine(samples: samples) }
        return try KepwareMessageShape.parse(line)
    }

    public static func parse(_ line: [UInt8]) throws(TelemetryLineError) -> TelemetryLine {
        try line.withUnsafeBytes { bytes in Result { () throws(TelemetryLineError) in try parse(bytes) } }.get()
    }

    /// The fast path alone (nil: it stepped aside), for tests that compare the two paths.
    static func fastPath(_ line: [UInt8]) -> [TelemetrySample]? {
        line.withUnsafeBytes { bytes in
            var fast = KepwareFastReader(bytes: bytes)
            return fast.message()
        }
    }
}

/// The fast path: returns nil (never an error) at the first thing it does not handle itself.
struct KepwareFastReader {
    let bytes: UnsafeRawBufferPointer
    var index = 0

    init(bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
    }

    mutating func message() -> [TelemetrySample]? {
        var samples: [TelemetrySample] = []
        var sawTimestamp = false
        var sawValues = false
        guard take(UInt8(ascii: "{")) else { return nil }
        repeat {
            guard let key = rawString() else { return nil }
            guard take(UInt8(ascii: ":")) else { return nil }
            if equals(key, "timestamp") {
                guard !sawTimestamp, epochMilliseconds() != nil else { return nil }
                sawTimestamp = true
            } else if equals(key, "values") {
                guard !sawValues, values(into: &samples) else { return nil }
                sawValues = true
            } else {
                return nil
            }
        } while take(UInt8(ascii: ","))
        guard take(UInt8(ascii: "}")), sawTimestamp, sawValues else { return nil }
        skipWhitespace()
        return index == bytes.count ? samples : nil
    }

    private mutating func values(into samples: inout [TelemetrySample]) -> Bool {
        guard take(UInt8(ascii: "[")) else { return false }
        if take(UInt8(ascii: "]")) { return true }
        repeat {
            guard let sample = value() else { return false }
            samples.append(sample)
        } while take(UInt8(ascii: ","))
        return take(UInt8(ascii: "]"))
    }

    private mutating func value() -> TelemetrySample? {
        guard take(UInt8(ascii: "{")) else { return nil }
        var id: Range<Int>?
        var v: TelemetryValue?
        var q: Bool?
        var t: Int64?
        repeat {
            guard let key = rawString(), take(UInt8(ascii: ":")) else { return nil }
            if equals(key, "id") {
                guard id == nil, let text = rawString(), !text.isEmpty else { return nil }
                id = text
                continue
            }
            guard key.count == 1 else { return nil }
            switch bytes[key.lowerBound] {
            case UInt8(ascii: "v") where v == nil:
                guard let value = telemetryValue() else { return nil }
                v = value
            case UInt8(ascii: "q") where q == nil:
                guard let flag = boolean() else { return nil }
                q = flag
            case UInt8(ascii: "t") where t == nil:
                guard let time = epochMilliseconds() else { return nil }
                t = time
            default:
                return nil
            }
        } while take(UInt8(ascii: ","))
        guard take(UInt8(ascii: "}")), let id, let v, let q, let t else { return nil }
        let tag = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[id]), as: UTF8.self)
        return TelemetrySample(
            tag: tag, value: v, quality: q ? .good : .bad, sourceTime: Timestamp(millisecondsSinceEpoch: t))
    }

    private mutating func telemetryValue() -> TelemetryValue? {
        skipWhitespace()
        guard index < bytes.count else { return nil }
        switch bytes[index] {
        case UInt8(ascii: "\""):
            guard let text = rawString() else { return nil }
            return .string(String(decoding: UnsafeRawBufferPointer(rebasing: bytes[text]), as: UTF8.self))
        case UInt8(ascii: "t"), UInt8(ascii: "f"):
            return boolean().map(TelemetryValue.bool)
        default:
            guard let number = numberBytes() else { return nil }
            guard case .success(let value) = TelemetryText.decimal(UnsafeRawBufferPointer(rebasing: bytes[number]))
            else { return nil }
            return .number(value)
        }
    }

    /// A JSON number's bytes, checked against the grammar `-?(0|[1-9]d*)(.d+)?([eE][+-]?d+)?`.
    private mutating func numberBytes() -> Range<Int>? {
        let start = index
        if peek == UInt8(ascii: "-") { index += 1 }
        guard let first = peek, isDigit(first) else { return nil }
        index += 1
        if first == UInt8(ascii: "0") {
            if let next = peek, isDigit(next) { return nil }
        } else {
            while let byte = peek, isDigit(byte) { index += 1 }
        }
        if peek == UInt8(ascii: ".") {
            index += 1
            guard let byte = peek, isDigit(byte) else { return nil }
            while let byte = peek, isDigit(byte) { index += 1 }
        }
        if peek == UInt8(ascii: "e") || peek == UInt8(ascii: "E") {
            index += 1
            if peek == UInt8(ascii: "+") || peek == UInt8(ascii: "-") { index += 1 }
            guard let byte = peek, isDigit(byte) else { return nil }
            while let byte = peek, isDigit(byte) { index += 1 }
        }
        return start..<index
    }

    private mutating func epochMilliseconds() -> Int64? {
        skipWhitespace()
        let start = index
        while let byte = peek, isDigit(byte) { index += 1 }
        if let byte = peek, byte == UInt8(ascii: ".") || byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E") {
            return nil
        }
        return TelemetryText.epochMilliseconds(UnsafeRawBufferPointer(rebasing: bytes[start..<index]))
    }

    private mutating func boolean() -> Bool? {
        skipWhitespace()
        if matches("true") { return true }
        if matches("false") { return false }
        return nil
    }

    /// A string of printable ASCII without escapes; its content's byte range.
    private mutating func rawString() -> Range<Int>? {
        guard take(UInt8(ascii: "\"")) else { return nil }
        let start = index
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                index += 1
                return start..<(index - 1)
            }
            guard byte >= 0x20, byte < 0x7F, byte != UInt8(ascii: "\\") else { return nil }
            index += 1
        }
        return nil
    }

    private var peek: UInt8? { index < bytes.count ? bytes[index] : nil }

    @inline(__always) private func isDigit(_ byte: UInt8) -> Bool { byte &- 0x30 < 10 }

    /// Skips whitespace, then consumes `byte` if it is next.
    private mutating func take(_ byte: UInt8) -> Bool {
        skipWhitespace()
        guard index < bytes.count, bytes[index] == byte else { return false }
        index += 1
        return true
    }

    private mutating func matches(_ word: StaticString) -> Bool {
        let count = word.utf8CodeUnitCount
        guard index + count <= bytes.count else { return false }
        for k in 0..<count where bytes[index + k] != word.utf8Start[k] { return false }
        index += count
        return true
    }

    private func equals(_ range: Range<Int>, _ word: StaticString) -> Bool {
        guard range.count == word.utf8CodeUnitCount else { return false }
        for k in 0..<range.count where bytes[range.lowerBound + k] != word.utf8Start[k] { return false }
        return true
    }

    private mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return
            }
        }
    }
}

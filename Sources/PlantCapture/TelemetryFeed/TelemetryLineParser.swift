import PlantModel

/// Parses the `lines` format, one sample per line: `tag,value,quality,timestamp`.
///
/// - tag: the source's tag id; written plain or in double quotes (quotes let it hold commas).
/// - value: a number (`42`, `-0.5`, `1.2e3`), `true`, `false`, or a string in double quotes (`""` inside
///   quotes is one `"`).
/// - quality: `good`, `uncertain`, `bad` (any case), or an OPC UA StatusCode in decimal (`1073741824`) or hex
///   (`0x40000000`); its severity (bits 31–30) gives the quality and the code is kept.
/// - timestamp: RFC 3339 (`2026-11-22T14:15:00.250Z`, offsets allowed) or epoch milliseconds.
///
/// Spaces and tabs around fields are ignored. Lines starting with `#` are comments (no samples).
public enum TelemetryLineParser {
    static let fieldNames = ["tag", "value", "quality", "timestamp"]

    public static func parse(_ line: UnsafeRawBufferPointer) throws(TelemetryLineError) -> TelemetryLine {
        if let offset = TelemetryText.firstInvalidUTF8(line) {
            throw TelemetryLineError("invalid UTF-8 at byte \(offset)")
        }
        if let offset = line.firstIndex(where: { $0 < 0x20 && $0 != 0x09 || $0 == 0x7F }) {
            throw TelemetryLineError(
                "control character \(TelemetryText.describe(byte: line[offset])) at byte \(offset)")
        }
        var start = 0
        while start < line.count && (line[start] == 0x20 || line[start] == 0x09) { start += 1 }
        if start < line.count && line[start] == UInt8(ascii: "#") { return TelemetryLine(samples: []) }

        let fields = try split(line)
        guard fields.count == 4 else {
            throw TelemetryLineError(
                "expected 4 comma-separated fields (tag,value,quality,timestamp), found \(fields.count)")
        }
        let tag = fields[0].text
        guard !tag.isEmpty else { throw TelemetryLineError("tag: expected a tag id, found nothing") }
        let value = try value(fields[1])
        let (quality, code) = try quality(fields[2])
        let time = try timestamp(fields[3])
        return TelemetryLine(samples: [
            TelemetrySample(tag: tag, value: value, quality: quality, qualityCode: code, sourceTime: time)
        ])
    }

    public static func parse(_ line: [UInt8]) throws(TelemetryLineError) -> TelemetryLine {
        try line.withUnsafeBytes { bytes in Result { () throws(TelemetryLineError) in try parse(bytes) } }.get()
    }

    /// One field: its text (unquoted, unescaped) and whether it was quoted.
    struct Field {
        var text: String
        var quoted: Bool
    }

    /// Splits at commas outside quotes, trimming spaces and tabs around each field.
    static func split(_ line: UnsafeRawBufferPointer) throws(TelemetryLineError) -> [Field] {
        var fields: [Field] = []
        var index = 0
        func isBlank(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 }
        func name(_ position: Int) -> String {
            position < fieldNames.count ? fieldNames[position] : "field \(position + 1)"
        }
        while true {
            while index < line.count && isBlank(line[index]) { index += 1 }
            if index < line.count && line[index] == UInt8(ascii: "\"") {
                let opening = index
                index += 1
                var text: [UInt8] = []
                var closed = false
                while index < line.count {
                    let byte = line[index]
                    index += 1
                    if byte != UInt8(ascii: "\"") {
                        text.append(byte)
                    } else if index < line.count && line[index] == UInt8(ascii: "\"") {
                        text.append(byte)
                        index += 1
                    } else {
                        closed = true
                        break
                    }
                }
                guard closed else {
                    throw TelemetryLineError(
                        "\(name(fields.count)): the quote opened at byte \(opening) is not closed")
                }
                while index < line.count && isBlank(line[index]) { index += 1 }
                if index < line.count && line[index] != UInt8(ascii: ",") {
                    throw TelemetryLineError(
                        "\(name(fields.count)): expected ',' after the closing quote, found "
                            + "\(TelemetryText.describe(byte: line[index])) at byte \(index)")
                }
                fields.append(Field(text: String(decoding: text, as: UTF8.self), quoted: true))
            } else {
                let fieldStart = index
                while index < line.count && line[index] != UInt8(ascii: ",") {
                    if line[index] == UInt8(ascii: "\"") {
                        throw TelemetryLineError(
                            "\(name(fields.count)): unexpected '\"' at byte \(index); quote the whole field")
                    }
                    index += 1
                }
                var end = index
                while end > fieldStart && isBlank(line[end - 1]) { end -= 1 }
                let text = String(decoding: UnsafeRawBufferPointer(rebasing: line[fieldStart..<end]), as: UTF8.self)
                fields.append(Field(text: text, quoted: false))
            }
            guard index < line.count else { return fields }
            index += 1  // the comma
        }
    }

    static func value(_ field: Field) throws(TelemetryLineError) -> TelemetryValue {
        if field.quoted { return .string(field.text) }
        switch field.text {
        case "true": return .bool(true)
        case "false": return .bool(false)
        case "": throw TelemetryLineError("value: expected a number, true, false or a quoted string, found nothing")
        default: break
        }
        var text = field.text
        guard let first = text.utf8.first, first == UInt8(ascii: "-") || first &- 0x30 < 10 else {
            throw TelemetryLineError(
                "value: expected a number, true, false or a quoted string, found \(TelemetryText.quoted(field.text))")
        }
        switch text.withUTF8({ TelemetryText.decimal(UnsafeRawBufferPointer($0)) }) {
        case .success(let number): return .number(number)
        case .failure(let error): throw TelemetryLineError("value: \(error)")
        }
    }

    static func quality(_ field: Field) throws(TelemetryLineError) -> (SampleQuality, UInt32?) {
        let expectation = "good, uncertain, bad or an OPC UA StatusCode (decimal or 0x hex)"
        guard !field.quoted else {
            throw TelemetryLineError("quality: expected \(expectation) without quotes, found a quoted string")
        }
        let text = field.text
        switch text.lowercased() {
        case "good": return (.good, nil)
        case "uncertain": return (.uncertain, nil)
        case "bad": return (.bad, nil)
        default: break
        }
        let code: UInt32?
        if text.hasPrefix("0x") || text.hasPrefix("0X") {
            let digits = text.dropFirst(2)
            code = digits.count <= 8 && digits.allSatisfy(\.isHexDigit) ? UInt32(digits, radix: 16) : nil
        } else if !text.isEmpty && text.allSatisfy({ $0.isASCII && $0.isNumber }) {
            guard text.count <= 10, let value = UInt64(text), value <= UInt64(UInt32.max) else {
                throw TelemetryLineError("quality: StatusCode \(TelemetryText.quoted(text)) does not fit 32 bits")
            }
            code = UInt32(value)
        } else {
            code = nil
        }
        guard let code else {
            throw TelemetryLineError(
                "quality: expected \(expectation), found \(text.isEmpty ? "nothing" : TelemetryText.quoted(text))")
        }
        return (SampleQuality.fromStatusCode(code), code)
    }

    static func timestamp(_ field: Field) throws(TelemetryLineError) -> Timestamp {
        var text = field.text
        guard !text.isEmpty else {
            throw TelemetryLineError("timestamp: expected RFC 3339 or \(TelemetryText.epochExpectation), found nothing")
        }
        if text.utf8.allSatisfy({ $0 &- 0x30 < 10 }) {
            guard let milliseconds = text.withUTF8({ TelemetryText.epochMilliseconds(UnsafeRawBufferPointer($0)) })
            else {
                throw TelemetryLineError(
                    "timestamp: expected \(TelemetryText.epochExpectation), found \(TelemetryText.quoted(text))")
            }
            return Timestamp(millisecondsSinceEpoch: milliseconds)
        }
        let time: Timestamp
        do throws(TimestampError) {
            time = try Timestamp(parsing: text)
        } catch {
            throw TelemetryLineError("timestamp: \(error)")
        }
        guard time.millisecondsSinceEpoch >= 0 else {
            throw TelemetryLineError("timestamp: \(TelemetryText.quoted(text)) is before 1970")
        }
        return time
    }
}

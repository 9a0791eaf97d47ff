/// Strings: escapes, surrogate pairs and UTF-8 validation.
extension JSONByteReader {
    /// Parses a string starting at its opening quote; `index` ends after the closing quote.
    mutating func parseString() throws(JSONParseError) -> String {
        try parseStringReportingRaw().0
    }

    /// An object key: known keys come from `JSONKeyTable` without building a new String.
    mutating func parseKey() throws(JSONParseError) -> (String, Range<Int>?) {
        let start = index + 1
        var end = start
        while end < bytes.count {
            let byte = bytes[end]
            if byte == UInt8(ascii: "\"") {
                if let known = JSONKeyTable.shared.lookup(UnsafeRawBufferPointer(rebasing: bytes[start..<end])) {
                    index = end + 1
                    return (known, start..<end)
                }
                break
            }
            if byte == UInt8(ascii: "\\") || byte < 0x20 || byte >= 0x80 || end - start > 16 { break }
            end += 1
        }
        return try parseStringReportingRaw()
    }

    /// The string, and its byte range in the input when it contained no escapes.
    mutating func parseStringReportingRaw() throws(JSONParseError) -> (String, Range<Int>?) {
        index += 1  // opening quote
        let start = index
        // Fast path: plain ASCII/UTF-8 without escapes becomes a String straight from the input bytes.
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                let text = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
                index += 1
                return (text, start..<(index - 1))
            }
            if byte == UInt8(ascii: "\\") { break }
            if byte < 0x20 { throw controlCharacterError(byte) }
            if byte < 0x80 {
                index += 1
            } else {
                try validateUTF8Sequence()
            }
        }
        guard index < bytes.count else {
            throw error(
                .syntax,
                "expected '\"' to close the string that started at byte \(start - 1), found end of input")
        }
        return (try parseEscapedString(from: start), nil)
    }

    private func controlCharacterError(_ byte: UInt8) -> JSONParseError {
        error(
            .syntax,
            "unescaped control character 0x\(hex(byte)) in string; "
                + "expected it escaped (e.g. \\n or \\u00\(hex(byte)))")
    }

    /// Slow path once a backslash is seen: copy into a buffer, unescaping.
    private mutating func parseEscapedString(from start: Int) throws(JSONParseError) -> String {
        var buffer: [UInt8] = []
        buffer.reserveCapacity(index - start + 16)
        buffer.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[start..<index]))
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "\""):
                index += 1
                return String(decoding: buffer, as: UTF8.self)
            case UInt8(ascii: "\\"):
                try parseEscape(into: &buffer)
            case 0..<0x20:
                throw controlCharacterError(byte)
            case 0x20..<0x80:
                buffer.append(byte)
                index += 1
            default:
                let sequenceStart = index
                try validateUTF8Sequence()
                buffer.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[sequenceStart..<index]))
            }
        }
        throw error(.syntax, "expected '\"' to close the string that started at byte \(start - 1), found end of input")
    }

    private mutating func parseEscape(into buffer: inout [UInt8]) throws(JSONParseError) {
        let escapeStart = index
        index += 1  // backslash
        guard index < bytes.count else {
            throw error(.syntax, "expected an escape character after '\\', found end of input")
        }
        let byte = bytes[index]
        index += 1
        switch byte {
        case UInt8(ascii: "\""): buffer.append(UInt8(ascii: "\""))
        case UInt8(ascii: "\\"): buffer.append(UInt8(ascii: "\\"))
        case UInt8(ascii: "/"): buffer.append(UInt8(ascii: "/"))
        case UInt8(ascii: "b"): buffer.append(0x08)
        case UInt8(ascii: "f"): buffer.append(0x0C)
        case UInt8(ascii: "n"): buffer.append(0x0A)
        case UInt8(ascii: "r"): buffer.append(0x0D)
        case UInt8(ascii: "t"): buffer.append(0x09)
        case UInt8(ascii: "u"):
            var scalar = try parseHex4()
            if scalar >= 0xDC00 && scalar <= 0xDFFF {
                throw error(
                    .loneSurrogate,
                    "lone low surrogate \\u\(hex4(scalar)); expected a high surrogate "
                        + "\\uD800-\\uDBFF before it", at: escapeStart)
            }
            if scalar >= 0xD800 && scalar <= 0xDBFF {
                guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u")
                else {
                    throw error(
                        .loneSurrogate,
                        "lone high surrogate \\u\(hex4(scalar)); expected a low surrogate "
                            + "\\uDC00-\\uDFFF to follow", at: escapeStart)
                }
                let lowStart = index
                index += 2
                let low = try parseHex4()
                guard low >= 0xDC00 && low <= 0xDFFF else {
                    throw error(
                        .loneSurrogate,
                        "lone high surrogate \\u\(hex4(scalar)); expected a low surrogate "
                            + "\\uDC00-\\uDFFF to follow, found \\u\(hex4(low))", at: lowStart)
                }
                scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
            }
            appendUTF8(scalar, to: &buffer)
        default:
            let printable = byte >= 0x20 && byte < 0x7F
            let shown = printable ? "\\\(Character(Unicode.Scalar(byte)))" : "'\\' and byte 0x\(hex(byte))"
            throw error(
                .syntax,
                "invalid escape; expected one of \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX, "
                    + "found \(shown)", at: escapeStart)
        }
    }

    private mutating func parseHex4() throws(JSONParseError) -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard index < bytes.count else {
                throw error(.syntax, "expected 4 hex digits after \\u, found end of input")
            }
            let byte = bytes[index]
            let digit: UInt32
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - 0x30)
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - 0x61 + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - 0x41 + 10)
            default: throw error(.syntax, "expected 4 hex digits after \\u, found \(found())")
            }
            value = value << 4 | digit
            index += 1
        }
        return value
    }

    /// Validates one multi-byte UTF-8 sequence at `index` (RFC 3629: no overlongs, no surrogates,
    /// nothing above U+10FFFF) and moves past it.
    mutating func validateUTF8Sequence() throws(JSONParseError) {
        let lead = bytes[index]
        let length: Int
        var lowerBound: UInt8 = 0x80
        var upperBound: UInt8 = 0xBF
        switch lead {
        case 0xC2...0xDF: length = 2
        case 0xE0: length = 3; lowerBound = 0xA0  // no overlongs
        case 0xED: length = 3; upperBound = 0x9F  // no UTF-16 surrogates
        case 0xE1...0xEC, 0xEE...0xEF: length = 3
        case 0xF0: length = 4; lowerBound = 0x90
        case 0xF4: length = 4; upperBound = 0x8F  // nothing above U+10FFFF
        case 0xF1...0xF3: length = 4
        default:
            throw error(.invalidUTF8, "invalid UTF-8: byte 0x\(hex(lead)) cannot start a character")
        }
        for k in 1..<length {
            let at = index + k
            guard at < bytes.count else {
                throw error(
                    .invalidUTF8,
                    "invalid UTF-8: sequence starting with 0x\(hex(lead)) is truncated "
                        + "by end of input", at: at)
            }
            let byte = bytes[at]
            let low = k == 1 ? lowerBound : 0x80
            let high = k == 1 ? upperBound : 0xBF
            guard byte >= low && byte <= high else {
                throw error(
                    .invalidUTF8,
                    "invalid UTF-8: byte 0x\(hex(byte)) cannot follow 0x\(hex(lead)) "
                        + "(overlong, surrogate, out of range or truncated sequence)", at: at)
            }
        }
        index += length
    }
}

private func hex4(_ value: UInt32) -> String {
    hex(UInt8(value >> 8)) + hex(UInt8(value & 0xFF))
}

private func appendUTF8(_ scalar: UInt32, to buffer: inout [UInt8]) {
    switch scalar {
    case 0..<0x80:
        buffer.append(UInt8(scalar))
    case 0x80..<0x800:
        buffer.append(UInt8(0xC0 | scalar >> 6))
        buffer.append(UInt8(0x80 | scalar & 0x3F))
    case 0x800..<0x10000:
        buffer.append(UInt8(0xE0 | scalar >> 12))
        buffer.append(UInt8(0x80 | scalar >> 6 & 0x3F))
        buffer.append(UInt8(0x80 | scalar & 0x3F))
    default:
        buffer.append(UInt8(0xF0 | scalar >> 18))
        buffer.append(UInt8(0x80 | scalar >> 12 & 0x3F))
        buffer.append(UInt8(0x80 | scalar >> 6 & 0x3F))
        buffer.append(UInt8(0x80 | scalar & 0x3F))
    }
}

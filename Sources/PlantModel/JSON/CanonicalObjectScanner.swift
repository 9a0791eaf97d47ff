/// One member of an object found by `CanonicalObjectScanner`, as byte offsets into the scanned buffer.
struct ScannedMember {
    enum Kind: UInt8 {
        /// A string without escapes: `value` is its UTF-8 exactly.
        case plainString
        /// A string holding (canonical) escapes: `value` is the raw text between the quotes.
        case escapedString
        /// `-?(0|[1-9][0-9]*)`: no fraction, no exponent.
        case integer
        /// Any other number (fraction and/or exponent).
        case number
        case bool
        /// `value` runs from `{` to after `}`; its members follow this one with `parent` = this index.
        case object
    }

    /// The key's bytes, without quotes (never escaped).
    var keyStart: Int
    var keyEnd: Int
    /// Strings: between the quotes; other values: their bytes.
    var valueStart: Int
    var valueEnd: Int
    var kind: Kind
    /// For `.bool`: its value.
    var flag: Bool
    /// Index (in the scanner's `members`) of the object member holding this one; -1 for the scanned object.
    var parent: Int

    var keyCount: Int { keyEnd - keyStart }
    var valueCount: Int { valueEnd - valueStart }
    var isString: Bool { kind == .plainString || kind == .escapedString }
}

/// Scans one JSON object that must already be in the canonical form `JSONWriter` produces, without building a
/// tree: no whitespace, keys strictly increasing by UTF-8 bytes (so unique) and without escapes, strings with
/// exactly the writer's minimal escapes (`\"`, `\\`, `\b \f \n \r \t`, `\u00xx` lowercase for other controls),
/// valid UTF-8, no `null` members, no arrays. For such bytes `JSONWriter.encode(JSONParser.parse(bytes))`
/// is the bytes themselves, so a caller can keep them instead of re-encoding.
///
/// Every check only answers "certainly canonical and valid": anything else (a non-canonical but valid
/// document, or an invalid one) returns false, and the caller takes the full parser, which gives the exact
/// error. Members are recorded (keys, value ranges, nesting) for typed checks without a second parse.
struct CanonicalObjectScanner {
    let bytes: UnsafeRawBufferPointer
    var index: Int
    /// Deepest object nesting accepted, the scanned object being depth 1.
    let maxDepth: Int
    var members: [ScannedMember] = []

    init(bytes: UnsafeRawBufferPointer, index: Int = 0, maxDepth: Int) {
        self.bytes = bytes
        self.index = index
        self.maxDepth = maxDepth
        members.reserveCapacity(48)
    }

    /// Scans the members of an object whose `{` (and possibly leading members) were already consumed: `index`
    /// is at the first key. At least one member is required; `index` ends after the closing `}`.
    mutating func scanMembers(parent: Int, depth: Int) -> Bool {
        var previousKeyStart = -1
        var previousKeyEnd = -1
        while true {
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { return false }
            let keyStart = index + 1
            guard scanKey() else { return false }
            let keyEnd = index - 1
            if previousKeyStart >= 0 && !rawLess(previousKeyStart, previousKeyEnd, keyStart, keyEnd) { return false }
            previousKeyStart = keyStart
            previousKeyEnd = keyEnd
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { return false }
            index += 1
            guard scanValue(keyStart: keyStart, keyEnd: keyEnd, parent: parent, depth: depth) else { return false }
            guard index < bytes.count else { return false }
            let next = bytes[index]
            index += 1
            if next == UInt8(ascii: ",") { continue }
            return next == UInt8(ascii: "}")
        }
    }

    /// `index` at the `{`; ends after the `}`.
    mutating func scanObject(parent: Int, depth: Int) -> Bool {
        guard depth <= maxDepth else { return false }
        index += 1
        guard index < bytes.count else { return false }
        if bytes[index] == UInt8(ascii: "}") {
            index += 1
            return true
        }
        return scanMembers(parent: parent, depth: depth)
    }

    private mutating func scanValue(keyStart: Int, keyEnd: Int, parent: Int, depth: Int) -> Bool {
        guard index < bytes.count else { return false }
        var member = ScannedMember(
            keyStart: keyStart, keyEnd: keyEnd, valueStart: index, valueEnd: index, kind: .integer, flag: false,
            parent: parent)
        switch bytes[index] {
        case UInt8(ascii: "\""):
            member.valueStart = index + 1
            var escaped = false
            guard scanString(escaped: &escaped) else { return false }
            member.valueEnd = index - 1
            member.kind = escaped ? .escapedString : .plainString
        case UInt8(ascii: "{"):
            member.kind = .object
            let at = members.count
            members.append(member)
            guard scanObject(parent: at, depth: depth + 1) else { return false }
            members[at].valueEnd = index
            return true
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            var integer = true
            guard scanNumber(integer: &integer) else { return false }
            member.valueEnd = index
            member.kind = integer ? .integer : .number
        case UInt8(ascii: "t"):
            guard matches("true") else { return false }
            member.valueEnd = index
            member.kind = .bool
            member.flag = true
        case UInt8(ascii: "f"):
            guard matches("false") else { return false }
            member.valueEnd = index
            member.kind = .bool
        default:
            return false  // null (the writer omits null members), arrays, anything invalid
        }
        members.append(member)
        return true
    }

    mutating func matches(_ literal: StaticString) -> Bool {
        let count = literal.utf8CodeUnitCount
        guard index + count <= bytes.count else { return false }
        let word = literal.utf8Start
        for k in 0..<count where bytes[index + k] != word[k] { return false }
        index += count
        return true
    }

    /// Key bytes up to the closing quote: no escapes, no controls, valid UTF-8. `index` ends after the quote.
    mutating func scanKey() -> Bool {
        var i = index + 1
        defer { index = i }
        while i < bytes.count {
            let byte = bytes[i]
            if byte == UInt8(ascii: "\"") {
                i += 1
                return true
            }
            // A backslash (escaped keys take the full parser) or a control character.
            if byte == UInt8(ascii: "\\") || byte < 0x20 { return false }
            if byte < 0x80 {
                i += 1
            } else {
                let length = utf8SequenceLength(bytes, at: i)
                guard length > 0 else { return false }
                i += length
            }
        }
        return false
    }

    /// `index` at the opening quote; ends after the closing quote.
    mutating func scanString(escaped: inout Bool) -> Bool {
        let count = bytes.count
        guard let base = bytes.baseAddress else { return false }
        var i = index + 1
        defer { index = i }
        while true {
            // Eight plain ASCII bytes at a time; stop at a word holding anything else.
            while i + 8 <= count && !Self.mayHoldSpecialByte(base.loadUnaligned(fromByteOffset: i, as: UInt64.self)) {
                i += 8
            }
            guard i < count else { return false }
            let byte = bytes[i]
            if byte == UInt8(ascii: "\"") {
                i += 1
                return true
            }
            if byte == UInt8(ascii: "\\") {
                guard Self.isCanonicalEscape(bytes, at: i) else { return false }
                i += bytes[i + 1] == UInt8(ascii: "u") ? 6 : 2
                escaped = true
            } else if byte < 0x20 {
                return false
            } else if byte < 0x80 {
                i += 1
            } else {
                let length = utf8SequenceLength(bytes, at: i)
                guard length > 0 else { return false }
                i += length
            }
        }
    }

    /// True when one of the 8 bytes may be a quote, a backslash, a control character or non-ASCII (exact for
    /// "none of them": the zero-byte tests below have no false negatives).
    @inline(__always) static func mayHoldSpecialByte(_ word: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let high: UInt64 = 0x8080_8080_8080_8080
        let quote = word ^ (ones &* 0x22)
        let backslash = word ^ (ones &* 0x5C)
        let zeroInQuote = (quote &- ones) & ~quote
        let zeroInBackslash = (backslash &- ones) & ~backslash
        let belowSpace = (word &- ones &* 0x20) & ~word
        return (zeroInQuote | zeroInBackslash | belowSpace | word) & high != 0
    }

    /// An escape exactly as `JSONWriter.appendEscape` writes it, at the backslash at `at`.
    static func isCanonicalEscape(_ bytes: UnsafeRawBufferPointer, at: Int) -> Bool {
        guard at + 1 < bytes.count else { return false }
        switch bytes[at + 1] {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "b"), UInt8(ascii: "f"), UInt8(ascii: "n"),
            UInt8(ascii: "r"), UInt8(ascii: "t"):
            return true
        case UInt8(ascii: "u"):
            guard at + 5 < bytes.count, bytes[at + 2] == UInt8(ascii: "0"), bytes[at + 3] == UInt8(ascii: "0") else {
                return false
            }
            let high = bytes[at + 4]
            let low = bytes[at + 5]
            guard high == UInt8(ascii: "0") || high == UInt8(ascii: "1") else { return false }
            let lowValue: UInt8
            switch low {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): lowValue = low - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): lowValue = low - UInt8(ascii: "a") + 10
            default: return false
            }
            switch (high - UInt8(ascii: "0")) << 4 | lowValue {
            case 0x08, 0x09, 0x0A, 0x0C, 0x0D: return false  // the writer uses the short forms for these
            default: return true
            }
        default:
            return false  // `\/` and `\uXXXX` beyond controls are valid JSON but not canonical
        }
    }

    /// RFC 8259 number; `integer` stays true when there is no fraction and no exponent.
    private mutating func scanNumber(integer: inout Bool) -> Bool {
        if bytes[index] == UInt8(ascii: "-") { index += 1 }
        guard index < bytes.count, isDigit(bytes[index]) else { return false }
        if bytes[index] == UInt8(ascii: "0") {
            index += 1
            if index < bytes.count && isDigit(bytes[index]) { return false }
        } else {
            while index < bytes.count && isDigit(bytes[index]) { index += 1 }
        }
        if index < bytes.count && bytes[index] == UInt8(ascii: ".") {
            integer = false
            index += 1
            guard index < bytes.count, isDigit(bytes[index]) else { return false }
            while index < bytes.count && isDigit(bytes[index]) { index += 1 }
        }
        if index < bytes.count && (bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E")) {
            integer = false
            index += 1
            if index < bytes.count && (bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-")) {
                index += 1
            }
            guard index < bytes.count, isDigit(bytes[index]) else { return false }
            while index < bytes.count && isDigit(bytes[index]) { index += 1 }
        }
        return true
    }

    /// Byte-wise a < b.
    @inline(__always) private func rawLess(_ aStart: Int, _ aEnd: Int, _ bStart: Int, _ bEnd: Int) -> Bool {
        let n = min(aEnd - aStart, bEnd - bStart)
        var k = 0
        while k < n {
            let x = bytes[aStart + k]
            let y = bytes[bStart + k]
            if x != y { return x < y }
            k += 1
        }
        return aEnd - aStart < bEnd - bStart
    }

    // MARK: - Reading recorded members

    /// The member's key equals `name`.
    @inline(__always) func key(_ member: ScannedMember, is name: StaticString) -> Bool {
        equal(member.keyStart, member.keyEnd, name)
    }

    /// The bytes `start..<end` equal `name`.
    @inline(__always) func equal(_ start: Int, _ end: Int, _ name: StaticString) -> Bool {
        let count = name.utf8CodeUnitCount
        guard end - start == count else { return false }
        let word = name.utf8Start
        for k in 0..<count where bytes[start + k] != word[k] { return false }
        return true
    }

    /// The member's value bytes (string content for strings).
    @inline(__always) func value(_ member: ScannedMember) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: bytes[member.valueStart..<member.valueEnd])
    }
}

/// Length of the valid UTF-8 sequence (RFC 3629: no overlongs, no surrogates, nothing above U+10FFFF) starting
/// with a byte ≥ 0x80 at `index`; 0 when invalid. The same rules as the parser's `validateUTF8Sequence`.
func utf8SequenceLength(_ bytes: UnsafeRawBufferPointer, at index: Int) -> Int {
    let lead = bytes[index]
    let length: Int
    var lowerBound: UInt8 = 0x80
    var upperBound: UInt8 = 0xBF
    switch lead {
    case 0xC2...0xDF: length = 2
    case 0xE0: length = 3; lowerBound = 0xA0
    case 0xED: length = 3; upperBound = 0x9F
    case 0xE1...0xEC, 0xEE...0xEF: length = 3
    case 0xF0: length = 4; lowerBound = 0x90
    case 0xF4: length = 4; upperBound = 0x8F
    case 0xF1...0xF3: length = 4
    default: return 0
    }
    guard index + length <= bytes.count else { return 0 }
    let second = bytes[index + 1]
    guard second >= lowerBound && second <= upperBound else { return 0 }
    for k in 2..<max(2, length) {
        let byte = bytes[index + k]
        guard byte >= 0x80 && byte <= 0xBF else { return 0 }
    }
    return length
}

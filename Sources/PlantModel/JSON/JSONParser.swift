/// A strict RFC 8259 parser over bytes: no comments, no trailing commas, no BOM, no duplicate keys,
/// valid UTF-8 only, no lone surrogates, nothing after the value. Depth and size are limited.
public struct JSONParser: Sendable {
    public struct Limits: Sendable, Equatable {
        /// Deepest nesting of arrays/objects accepted (the top-level container is depth 1).
        public var maxDepth: Int
        /// Largest input accepted, in bytes.
        public var maxBytes: Int

        public init(maxDepth: Int = 64, maxBytes: Int = 16 << 20) {
            self.maxDepth = maxDepth
            self.maxBytes = maxBytes
        }
    }

    public var limits: Limits

    public init(limits: Limits = Limits()) {
        self.limits = limits
    }

    public func parse(_ bytes: [UInt8]) throws(JSONParseError) -> JSONValue {
        try bytes.withUnsafeBytes { parseResult($0) }.get()
    }

    public func parse(_ bytes: ArraySlice<UInt8>) throws(JSONParseError) -> JSONValue {
        try bytes.withUnsafeBytes { parseResult($0) }.get()
    }

    public func parse(_ text: String) throws(JSONParseError) -> JSONValue {
        var text = text
        return try text.withUTF8 { parseResult(UnsafeRawBufferPointer($0)) }.get()
    }

    /// Parses bytes the caller keeps alive for the duration of the call.
    public func parse(_ bytes: UnsafeRawBufferPointer) throws(JSONParseError) -> JSONValue {
        try parseResult(bytes).get()
    }

    /// Parses with the default limits.
    public static func parse(_ bytes: [UInt8]) throws(JSONParseError) -> JSONValue {
        try JSONParser().parse(bytes)
    }

    func parseResult(_ bytes: UnsafeRawBufferPointer) -> Result<JSONValue, JSONParseError> {
        guard bytes.count <= limits.maxBytes else {
            return .failure(
                JSONParseError(
                    code: .sizeLimit, offset: limits.maxBytes,
                    message: "input of \(bytes.count) bytes exceeds the limit of \(limits.maxBytes) bytes"))
        }
        var reader = JSONByteReader(bytes: bytes, maxDepth: limits.maxDepth)
        do throws(JSONParseError) {
            reader.skipWhitespace()
            let value = try reader.parseValue(depth: 0, context: "a JSON value")
            reader.skipWhitespace()
            if reader.index < bytes.count {
                throw reader.error(.trailingData, "expected end of input after the JSON value, found \(reader.found())")
            }
            return .success(value)
        } catch {
            return .failure(error)
        }
    }
}

/// The parser's cursor. Recursive descent; `index` is always the next unread byte.
struct JSONByteReader {
    let bytes: UnsafeRawBufferPointer
    let maxDepth: Int
    var index = 0
    var memberStack: [JSONObject.Member] = []
    var elementStack: [JSONValue] = []

    init(bytes: UnsafeRawBufferPointer, maxDepth: Int) {
        self.bytes = bytes
        self.maxDepth = maxDepth
    }

    @inline(__always) var atEnd: Bool { index >= bytes.count }

    func error(_ code: JSONParseError.Code, _ message: String, at offset: Int? = nil) -> JSONParseError {
        JSONParseError(code: code, offset: offset ?? index, message: message)
    }

    /// The byte at `offset` for a message: 'x', byte 0xNN, or end of input.
    func found(at offset: Int? = nil) -> String {
        let at = offset ?? index
        guard at < bytes.count else { return "end of input" }
        let byte = bytes[at]
        if byte >= 0x20 && byte < 0x7F { return "'\(Character(Unicode.Scalar(byte)))'" }
        return "byte 0x\(hex(byte))"
    }

    @inline(__always) mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x0A, 0x0D, 0x09: index += 1
            default: return
            }
        }
    }

    /// `context` names what was expected here, for the error when no value starts at `index`.
    mutating func parseValue(depth: Int, context: String) throws(JSONParseError) -> JSONValue {
        guard index < bytes.count else { throw error(.syntax, "expected \(context), found end of input") }
        switch bytes[index] {
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "{"): return .object(try parseObject(depth: depth + 1))
        case UInt8(ascii: "["): return .array(try parseArray(depth: depth + 1))
        case UInt8(ascii: "t"):
            try expectLiteral("true")
            return .bool(true)
        case UInt8(ascii: "f"):
            try expectLiteral("false")
            return .bool(false)
        case UInt8(ascii: "n"):
            try expectLiteral("null")
            return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return .number(try parseNumber())
        default:
            throw error(.syntax, "expected \(context), found \(found())")
        }
    }

    mutating func expectLiteral(_ literal: StaticString) throws(JSONParseError) {
        let start = index
        let word = UnsafeRawBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount)
        for k in 0..<word.count {
            guard index < bytes.count, bytes[index] == word[k] else {
                throw error(.syntax, "expected '\(literal)' (started at byte \(start)), found \(found())")
            }
            index += 1
        }
    }

    mutating func parseObject(depth: Int) throws(JSONParseError) -> JSONObject {
        guard depth <= maxDepth else { throw error(.depthLimit, "nesting deeper than \(maxDepth) levels") }
        index += 1  // '{'
        skipWhitespace()
        if index < bytes.count && bytes[index] == UInt8(ascii: "}") {
            index += 1
            return JSONObject()
        }
        // Members collect on a stack shared by all objects of this parse, so each object allocates its
        // array once, at its final size.
        if memberStack.capacity == 0 { memberStack.reserveCapacity(32) }
        let base = memberStack.count
        var keys = KeyOrder()
        var expectation = "a string key or '}'"
        while true {
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else {
                throw error(.syntax, "expected \(expectation), found \(found())")
            }
            let keyOffset = index
            let (key, raw) = try parseKey()
            if !keys.accept(key, raw: raw, bytes: bytes, stack: memberStack, base: base) {
                throw error(.duplicateKey, "duplicate key \"\(key)\" in object", at: keyOffset)
            }
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else {
                throw error(.syntax, "expected ':' after object key, found \(found())")
            }
            index += 1
            skipWhitespace()
            let value = try parseValue(depth: depth, context: "a JSON value after ':'")
            memberStack.append(JSONObject.Member(key: key, value: value))
            skipWhitespace()
            guard index < bytes.count else {
                throw error(.syntax, "expected ',' or '}' after an object member, found end of input")
            }
            switch bytes[index] {
            case UInt8(ascii: ","):
                index += 1
                skipWhitespace()
                expectation = "a string key after ','"
            case UInt8(ascii: "}"):
                index += 1
                var members = Array(memberStack[base...])
                memberStack.removeSubrange(base...)
                if !keys.sorted { members.sort { compareUTF8($0.key, $1.key) < 0 } }
                return JSONObject(sortedUniqueMembers: members)
            default:
                throw error(.syntax, "expected ',' or '}' after an object member, found \(found())")
            }
        }
    }

    mutating func parseArray(depth: Int) throws(JSONParseError) -> [JSONValue] {
        guard depth <= maxDepth else { throw error(.depthLimit, "nesting deeper than \(maxDepth) levels") }
        index += 1  // '['
        skipWhitespace()
        if index < bytes.count && bytes[index] == UInt8(ascii: "]") {
            index += 1
            return []
        }
        if elementStack.capacity == 0 { elementStack.reserveCapacity(32) }
        let base = elementStack.count
        var context = "a JSON value or ']'"
        while true {
            let element = try parseValue(depth: depth, context: context)
            elementStack.append(element)
            skipWhitespace()
            guard index < bytes.count else {
                throw error(.syntax, "expected ',' or ']' after an array element, found end of input")
            }
            switch bytes[index] {
            case UInt8(ascii: ","):
                index += 1
                skipWhitespace()
                context = "a JSON value after ','"
            case UInt8(ascii: "]"):
                index += 1
                let elements = Array(elementStack[base...])
                elementStack.removeSubrange(base...)
                return elements
            default:
                throw error(.syntax, "expected ',' or ']' after an array element, found \(found())")
            }
        }
    }

    /// `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`, kept as text.
    mutating func parseNumber() throws(JSONParseError) -> JSONNumber {
        let start = index
        if bytes[index] == UInt8(ascii: "-") { index += 1 }
        guard index < bytes.count, isDigit(bytes[index]) else {
            throw error(.syntax, "expected a digit after '-', found \(found())")
        }
        if bytes[index] == UInt8(ascii: "0") {
            index += 1
            if index < bytes.count && isDigit(bytes[index]) {
                throw error(
                    .syntax,
                    "leading zeros are not allowed in numbers; expected '.', 'e' or the end of "
                        + "the number after '0', found \(found())")
            }
        } else {
            while index < bytes.count && isDigit(bytes[index]) { index += 1 }
        }
        if index < bytes.count && bytes[index] == UInt8(ascii: ".") {
            index += 1
            guard index < bytes.count, isDigit(bytes[index]) else {
                throw error(.syntax, "expected a digit after '.', found \(found())")
            }
            while index < bytes.count && isDigit(bytes[index]) { index += 1 }
        }
        if index < bytes.count && (bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E")) {
            index += 1
            if index < bytes.count && (bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-")) {
                index += 1
            }
            guard index < bytes.count, isDigit(bytes[index]) else {
                throw error(.syntax, "expected a digit in the exponent, found \(found())")
            }
            while index < bytes.count && isDigit(bytes[index]) { index += 1 }
        }
        let text = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
        return JSONNumber(uncheckedText: text)
    }
}

@inline(__always) func isDigit(_ byte: UInt8) -> Bool { byte &- 0x30 < 10 }

/// Checks an object's keys for duplicates while it is parsed. Input already in UTF-8 key order (our
/// canonical form) costs one raw byte comparison per key; once out of order, small objects are checked
/// by a linear scan and large ones by a byte-keyed set, so hostile input cannot make parsing quadratic.
struct KeyOrder {
    private(set) var sorted = true
    private var count = 0
    private var previousRaw: Range<Int>? = nil
    private var seen: Set<[UInt8]>? = nil

    /// False when `key` is a duplicate. `raw` is the key's byte range in the input when it had no escapes.
    mutating func accept(
        _ key: String, raw: Range<Int>?, bytes: UnsafeRawBufferPointer, stack: [JSONObject.Member], base: Int
    ) -> Bool {
        defer {
            count += 1
            previousRaw = raw
        }
        if count == 0 { return true }
        if sorted {
            let inOrder: Bool
            if let raw, let previousRaw {
                inOrder = rawLess(bytes, previousRaw, raw)
            } else {
                inOrder = compareUTF8(stack[stack.count - 1].key, key) < 0
            }
            if inOrder { return true }
            sorted = false
        }
        if seen == nil {
            if count < 32 {
                for k in base..<stack.count where equalUTF8(stack[k].key, key) { return false }
                return true
            }
            seen = Set(stack[base...].map { Array($0.key.utf8) })
        }
        return seen!.insert(Array(key.utf8)).inserted
    }

    private func rawLess(_ bytes: UnsafeRawBufferPointer, _ a: Range<Int>, _ b: Range<Int>) -> Bool {
        let n = min(a.count, b.count)
        var k = 0
        while k < n {
            let x = bytes[a.lowerBound + k]
            let y = bytes[b.lowerBound + k]
            if x != y { return x < y }
            k += 1
        }
        return a.count < b.count
    }
}

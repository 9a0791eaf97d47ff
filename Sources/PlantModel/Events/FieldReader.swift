/// Strict reading of one JSON object of an event: unknown fields, missing required fields, wrong types and
/// non-canonical values are errors naming the field's path. Accepting only canonical values means any event
/// that decodes re-encodes to exactly the bytes it came from.
struct FieldReader {
    let object: JSONObject
    let path: String

    /// `fields` is the complete set of allowed names, sorted by UTF-8 bytes (they appear in that order in
    /// messages). Members are sorted too, so one merge walk finds the first unknown member.
    init(_ value: JSONValue, path: String, fields: [String]) throws(EventFieldError) {
        guard case .object(let object) = value else {
            throw EventFieldError(path: path, message: "expected an object, found \(value.typeName)")
        }
        var next = 0
        for member in object {
            var order = 1
            while next < fields.count {
                order = compareUTF8(member.key, fields[next])
                if order <= 0 { break }
                next += 1
            }
            guard order == 0 else {
                throw EventFieldError(
                    path: Self.join(path, member.key),
                    message: "unknown field; expected one of \(fields.joined(separator: ", "))")
            }
            next += 1
        }
        self.object = object
        self.path = path
    }

    /// A reader that allows any field (for envelopes and responses, where unknown keys are tolerated).
    init(lenient value: JSONValue, path: String) throws(EventFieldError) {
        guard case .object(let object) = value else {
            throw EventFieldError(path: path, message: "expected an object, found \(value.typeName)")
        }
        self.object = object
        self.path = path
    }

    static func join(_ path: String, _ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    func fail(_ key: String, _ message: String) -> EventFieldError {
        EventFieldError(path: Self.join(path, key), message: message)
    }

    /// The value, or nil when absent or null (null and absent mean the same; the writer omits nulls).
    func value(_ key: String) -> JSONValue? {
        guard let value = object[key], !value.isNull else { return nil }
        return value
    }

    func required(_ key: String, _ expected: @autoclosure () -> String) throws(EventFieldError) -> JSONValue {
        guard let value = value(key) else { throw fail(key, "missing required field; expected \(expected())") }
        return value
    }

    func string(_ key: String) throws(EventFieldError) -> String {
        try checkedString(key, try required(key, "a non-empty string"))
    }

    func optionalString(_ key: String) throws(EventFieldError) -> String? {
        guard let value = value(key) else { return nil }
        return try checkedString(key, value)
    }

    private func checkedString(_ key: String, _ value: JSONValue) throws(EventFieldError) -> String {
        guard case .string(let text) = value else {
            throw fail(key, "expected a non-empty string, found \(value.typeName)")
        }
        guard !text.isEmpty else { throw fail(key, "expected a non-empty string, found \"\"") }
        return text
    }

    /// A required string that may be empty (a PLC's string tag can hold "").
    func possiblyEmptyString(_ key: String) throws(EventFieldError) -> String {
        let value = try required(key, "a string")
        guard case .string(let text) = value else { throw fail(key, "expected a string, found \(value.typeName)") }
        return text
    }

    func bool(_ key: String) throws(EventFieldError) -> Bool {
        let value = try required(key, "true or false")
        guard case .bool(let flag) = value else { throw fail(key, "expected true or false, found \(value.typeName)") }
        return flag
    }

    func integer(_ key: String, minimum: Int64) throws(EventFieldError) -> Int64 {
        try checkedInteger(key, try required(key, "an integer ≥ \(minimum)"), minimum: minimum)
    }

    func optionalInteger(_ key: String, minimum: Int64) throws(EventFieldError) -> Int64? {
        guard let value = value(key) else { return nil }
        return try checkedInteger(key, value, minimum: minimum)
    }

    /// An optional JSON integer within `range`.
    func optionalInteger(_ key: String, in range: ClosedRange<Int64>) throws(EventFieldError) -> Int64? {
        guard let value = value(key) else { return nil }
        let expected = "expected an integer \(range.lowerBound)–\(range.upperBound)"
        guard case .number(let number) = value else { throw fail(key, "\(expected), found \(value.typeName)") }
        guard let integer = number.int64Value, range.contains(integer), number.text != "-0" else {
            throw fail(key, "\(expected), found \(number.text)")
        }
        return integer
    }

    private func checkedInteger(_ key: String, _ value: JSONValue, minimum: Int64) throws(EventFieldError) -> Int64 {
        guard case .number(let number) = value else {
            throw fail(key, "expected an integer ≥ \(minimum), found \(value.typeName)")
        }
        guard let integer = number.int64Value, integer >= minimum, number.text != "-0" else {
            throw fail(key, "expected an integer ≥ \(minimum), found \(number.text)")
        }
        return integer
    }

    /// A quantity: a JSON string holding a canonical decimal ("12.5").
    func decimal(_ key: String) throws(EventFieldError) -> DecimalNumber {
        try checkedDecimal(key, try required(key, "a decimal string like \"12.5\""))
    }

    func optionalDecimal(_ key: String) throws(EventFieldError) -> DecimalNumber? {
        guard let value = value(key) else { return nil }
        return try checkedDecimal(key, value)
    }

    private func checkedDecimal(_ key: String, _ value: JSONValue) throws(EventFieldError) -> DecimalNumber {
        guard case .string(let text) = value else {
            let hint = value.numberValue.map { " (quantities are strings: \"\($0.text)\")" } ?? ""
            throw fail(key, "expected a decimal string like \"12.5\", found \(value.typeName)\(hint)")
        }
        let decimal: DecimalNumber
        do {
            decimal = try DecimalNumber(parsing: text)
        } catch {
            throw fail(key, error.description)
        }
        guard DecimalNumber.isCanonical(text) else {
            throw fail(
                key,
                "expected a canonical decimal (no exponent, no leading or trailing zeros) "
                    + "\"\(decimal)\", found \"\(text)\"")
        }
        return decimal
    }

    func timestamp(_ key: String) throws(EventFieldError) -> Timestamp {
        let value = try required(key, "a timestamp like \"2026-11-22T14:15:00.000Z\"")
        guard case .string(let text) = value else {
            throw fail(key, "expected a timestamp like \"2026-11-22T14:15:00.000Z\", found \(value.typeName)")
        }
        return try Self.canonicalTimestamp(text) { message throws(EventFieldError) in throw fail(key, message) }
    }

    static func canonicalTimestamp(
        _ text: String, fail: (String) throws(EventFieldError) -> Never
    ) throws(EventFieldError) -> Timestamp {
        let timestamp: Timestamp
        do {
            timestamp = try Timestamp(parsing: text)
        } catch {
            try fail(error.description)
        }
        guard Timestamp.isCanonicalShape(text) else {
            try fail("expected the canonical UTC form \"\(timestamp)\", found \"\(text)\"")
        }
        return timestamp
    }

    /// A duration in seconds as a JSON number with at most 3 decimals, returned in milliseconds.
    func seconds(_ key: String) throws(EventFieldError) -> Int64 {
        try checkedSeconds(Self.join(path, key), try required(key, "seconds (a number ≥ 0, at most 3 decimals)"))
    }

    func checkedSeconds(_ fullPath: String, _ value: JSONValue) throws(EventFieldError) -> Int64 {
        let expected = "expected seconds (a number ≥ 0, at most 3 decimals)"
        guard case .number(let number) = value else {
            throw EventFieldError(path: fullPath, message: "\(expected), found \(value.typeName)")
        }
        guard let decimal = try? number.decimalValue(), DecimalNumber.isCanonical(number.text), !decimal.isNegative,
            decimal.scale <= 3, let milliseconds = try? decimal.multiplied(by: 1000).int64Value
        else {
            throw EventFieldError(path: fullPath, message: "\(expected) in canonical form, found \(number.text)")
        }
        return milliseconds
    }

    /// An object of name → seconds (e.g. downtime by reason), returned in milliseconds.
    func secondsByName(_ key: String) throws(EventFieldError) -> [String: Int64] {
        let value = try required(key, "an object of reason → seconds")
        guard case .object(let object) = value else {
            throw fail(key, "expected an object of reason → seconds, found \(value.typeName)")
        }
        var result: [String: Int64] = [:]
        for member in object where !member.value.isNull {
            let memberPath = Self.join(Self.join(path, key), member.key)
            guard !member.key.isEmpty else {
                throw EventFieldError(path: memberPath, message: "expected a non-empty reason name")
            }
            result[member.key] = try checkedSeconds(memberPath, member.value)
        }
        return result
    }

    func enumeration<Value: RawRepresentable & CaseIterable>(
        _ key: String, _ type: Value.Type
    ) throws(EventFieldError) -> Value where Value.RawValue == String {
        func names() -> String { Value.allCases.map(\.rawValue).sorted().joined(separator: ", ") }
        let value = try required(key, "one of \(names())")
        guard case .string(let text) = value, let result = Value(rawValue: text) else {
            let found = value.stringValue.map { "\"\($0)\"" } ?? value.typeName
            throw fail(key, "expected one of \(names()), found \(found)")
        }
        return result
    }
}

/// Canonical writing of event members: callers write keys in UTF-8 order (tests check it), nil skipped.
extension JSONWriter {
    mutating func key(_ key: StaticString) {
        if bytes.last != UInt8(ascii: "{") { bytes.append(UInt8(ascii: ",")) }
        bytes.append(UInt8(ascii: "\""))
        bytes.append(contentsOf: UnsafeBufferPointer(start: key.utf8Start, count: key.utf8CodeUnitCount))
        bytes.append(UInt8(ascii: "\""))
        bytes.append(UInt8(ascii: ":"))
    }

    mutating func member(_ name: StaticString, string: String?) {
        guard let string else { return }
        key(name)
        writeString(string)
    }

    mutating func member(_ name: StaticString, decimalString: DecimalNumber?) {
        guard let decimalString else { return }
        key(name)
        bytes.append(UInt8(ascii: "\""))
        decimalString.write(into: &bytes)
        bytes.append(UInt8(ascii: "\""))
    }

    mutating func member(_ name: StaticString, timestamp: Timestamp) {
        key(name)
        bytes.append(UInt8(ascii: "\""))
        timestamp.write(into: &bytes)
        bytes.append(UInt8(ascii: "\""))
    }

    mutating func member(_ name: StaticString, bool: Bool) {
        key(name)
        write(.bool(bool))
    }

    mutating func member(_ name: StaticString, integer: Int64?) {
        guard let integer else { return }
        key(name)
        writeInteger(integer)
    }

    /// Milliseconds written as seconds with up to 3 decimals (1500 → 1.5).
    mutating func member(_ name: StaticString, secondsFromMilliseconds milliseconds: Int64) {
        key(name)
        writeSeconds(milliseconds)
    }

    mutating func writeSeconds(_ milliseconds: Int64) {
        DecimalNumber.stripped(milliseconds, scale: 3).write(into: &bytes)
    }
}

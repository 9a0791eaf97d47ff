import PlantModel

/// The careful path of `KepwareJSONParser`: the strict JSON parser, then a walk over the message that
/// accepts every valid variant (escapes, unicode ids, extra keys, any key order) and words every refusal.
enum KepwareMessageShape {
    /// Nesting deeper than this is not a Kepware message (`values` → value → an array `v` is depth 4).
    static let limits = JSONParser.Limits(maxDepth: 8, maxBytes: .max)

    static func parse(_ line: UnsafeRawBufferPointer) throws(TelemetryLineError) -> TelemetryLine {
        let root: JSONValue
        do throws(JSONParseError) {
            root = try JSONParser(limits: limits).parse(line)
        } catch {
            // The parser's UTF-8 messages say so themselves; everything else is a syntax problem.
            let prefix = error.code == .invalidUTF8 ? "" : "not JSON: "
            throw TelemetryLineError("\(prefix)\(error.message) (at byte \(error.offset))")
        }
        guard case .object(let message) = root else {
            throw TelemetryLineError(
                "expected a JSON object like {\"timestamp\": …, \"values\": […]}, found \(found(root))")
        }
        guard let timestamp = message["timestamp"] else { throw TelemetryLineError("missing \"timestamp\"") }
        if case .failure(let reason) = epochMilliseconds(timestamp, field: "timestamp") {
            throw reason
        }
        guard let values = message["values"] else { throw TelemetryLineError("missing \"values\"") }
        guard case .array(let elements) = values else {
            throw TelemetryLineError("values: expected an array, found \(found(values))")
        }
        var line = TelemetryLine(samples: [])
        for (offset, element) in elements.enumerated() {
            switch sample(element, field: "values[\(offset)]") {
            case .success(let sample): line.samples.append(sample)
            case .failure(let problem): line.rejectedValues.append(problem.reason)
            }
        }
        return line
    }

    private static func sample(_ element: JSONValue, field: String) -> Result<TelemetrySample, TelemetryLineError> {
        guard case .object(let value) = element else {
            return .failure(
                TelemetryLineError(
                    "\(field): expected an object {\"id\", \"v\", \"q\", \"t\"}, found \(found(element))"))
        }
        guard let idValue = value["id"] else { return .failure(TelemetryLineError("\(field): missing \"id\"")) }
        guard case .string(let id) = idValue, !id.isEmpty else {
            return .failure(TelemetryLineError("\(field).id: expected a non-empty string, found \(found(idValue))"))
        }
        guard let v = value["v"] else { return .failure(TelemetryLineError("\(field): missing \"v\"")) }
        let telemetryValue: TelemetryValue
        switch v {
        case .bool(let flag): telemetryValue = .bool(flag)
        case .string(let text): telemetryValue = .string(text)
        case .number(let number):
            var text = number.text
            let decimal = text.withUTF8 { TelemetryText.decimal(UnsafeRawBufferPointer($0)) }
            switch decimal {
            case .success(let value): telemetryValue = .number(value)
            case .failure(let error): return .failure(TelemetryLineError("\(field).v: \(error)"))
            }
        case .null, .array, .object:
            return .failure(TelemetryLineError("\(field).v: expected a number, boolean or string, found \(found(v))"))
        }
        guard let q = value["q"] else { return .failure(TelemetryLineError("\(field): missing \"q\"")) }
        guard case .bool(let good) = q else {
            return .failure(TelemetryLineError("\(field).q: expected true or false, found \(found(q))"))
        }
        guard let t = value["t"] else { return .failure(TelemetryLineError("\(field): missing \"t\"")) }
        switch epochMilliseconds(t, field: "\(field).t") {
        case .failure(let reason): return .failure(reason)
        case .success(let milliseconds):
            return .success(
                TelemetrySample(
                    tag: id, value: telemetryValue, quality: good ? .good : .bad,
                    sourceTime: Timestamp(millisecondsSinceEpoch: milliseconds)))
        }
    }

    private static func epochMilliseconds(_ value: JSONValue, field: String) -> Result<Int64, TelemetryLineError> {
        if case .number(let number) = value {
            var text = number.text
            let milliseconds = text.withUTF8 { TelemetryText.epochMilliseconds(UnsafeRawBufferPointer($0)) }
            if let milliseconds { return .success(milliseconds) }
        }
        return .failure(
            TelemetryLineError("\(field): expected \(TelemetryText.epochExpectation), found \(found(value))"))
    }

    /// `number 1.5`, `string "abc"`, `boolean true`, `null`, `array`, `object`.
    static func found(_ value: JSONValue) -> String {
        switch value {
        case .number(let number): return "number \(number.text.prefix(40))"
        case .string(let text): return "string \(TelemetryText.quoted(text))"
        case .bool(let flag): return "boolean \(flag)"
        case .null: return "null"
        case .array: return "an array"
        case .object: return "an object"
        }
    }
}

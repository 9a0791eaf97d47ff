import Testing

@testable import PlantModel

/// The `telemetry_sample` event: canonical bytes, strict decoding with exact reasons, the rules between fields,
/// and an id that depends only on where and when the sample was measured.
@Suite struct RawTelemetrySampleTests {
    func text(_ event: Event) -> String { String(decoding: event.canonicalJSON(), as: UTF8.self) }

    /// Decodes `event` after `change` edits its `data`; returns the error text (or "accepted").
    func dataError(_ event: Event, _ change: (inout JSONObject) -> Void) -> String {
        var root = event.jsonValue.objectValue!
        var data = root["data"]!.objectValue!
        change(&data)
        root["data"] = .object(data)
        do {
            _ = try Event(json: .object(root))
            return "accepted"
        } catch {
            return error.description
        }
    }

    @Test func writesExactCanonicalBytes() {
        #expect(
            text(EventSamples.telemetry) == #"{"data":{"input":"line3-telemetry","plant":"P100","quality":"uncertain","#
                + #""quality_code":1083310080,"source_time":"2026-11-22T14:15:00.250Z","tag":"L3.Press.Temp","#
                + #""value":"-21.5","value_type":"number"},"#
                + #""id":"tele/P100/line3-telemetry/L3.Press.Temp/2026-11-22T14:15:00.250Z","#
                + #""occurred_at":"2026-11-22T14:15:00.250Z","type":"telemetry_sample"}"#)
        #expect(
            text(EventSamples.telemetryBool) == #"{"data":{"input":"line3-telemetry","plant":"P100","quality":"good","#
                + #""source_time":"2026-11-22T14:15:01.000Z","tag":"L3.Running","value":"true","value_type":"bool"},"#
                + #""id":"tele/P100/line3-telemetry/L3.Running/2026-11-22T14:15:01.000Z","#
                + #""occurred_at":"2026-11-22T14:15:01.000Z","type":"telemetry_sample"}"#)
        #expect(
            text(EventSamples.telemetryText) == #"{"data":{"input":"line3-telemetry","plant":"P100","quality":"bad","#
                + #""source_time":"2026-11-22T14:15:02.000Z","tag":"L3/Order #","value":"","value_type":"string"},"#
                + #""id":"tele/P100/line3-telemetry/L3%2FOrder%20%23/2026-11-22T14:15:02.000Z","#
                + #""occurred_at":"2026-11-22T14:15:02.000Z","type":"telemetry_sample"}"#)
    }

    @Test func theEventCarriesTheSampleBackUnchanged() throws {
        let sample = TelemetrySample(
            tag: "L3.Press.Temp", value: .number(try DecimalNumber(parsing: "-21.5")), statusCode: 0x4092_0000,
            sourceTime: try Timestamp(parsing: "2026-11-22T14:15:00.250Z"))
        let event = try Event(canonicalJSON: EventSamples.telemetry.canonicalJSON())
        guard case .telemetrySample(let raw) = event.payload else {
            Issue.record("decoded as \(event.type)")
            return
        }
        #expect(raw.sample == sample)
        #expect(raw.plant == "P100")
        #expect(raw.input == "line3-telemetry")
        #expect(event.occurredAt == sample.sourceTime)
        #expect(event.type == .telemetrySample)
        #expect(event.stream == "telemetry")
    }

    @Test func theIDDependsOnlyOnPlantInputTagAndSourceTime() throws {
        let at = try Timestamp(parsing: "2026-11-22T14:15:00.250Z")
        func event(_ value: TelemetryValue, _ quality: SampleQuality = .good, at time: Timestamp = at) throws -> Event {
            try Event.telemetrySample(
                plant: "P100", input: "feed",
                sample: TelemetrySample(tag: "L3.Temp", value: value, quality: quality, sourceTime: time))
        }
        // Read twice (a reconnect, a replay after a crash): the same event, byte for byte.
        #expect(
            try event(.number(DecimalNumber(7))).canonicalJSON() == event(.number(DecimalNumber(7))).canonicalJSON())
        // Another value at the same instant would be the same id: the filter never keeps two (see RawTelemetryFilter).
        #expect(try event(.number(DecimalNumber(8)), .bad).id == event(.number(DecimalNumber(7))).id)
        #expect(
            try event(.number(DecimalNumber(7)), at: at.adding(milliseconds: 1)).id
                != event(.number(DecimalNumber(7))).id)
        #expect(
            try EventID.telemetrySample(plant: "P100", input: "line 3", tag: "Channel1.L3/Temp", sourceTime: at)
                .rawValue
                == "tele/P100/line%203/Channel1.L3%2FTemp/2026-11-22T14:15:00.250Z")
        // A tag too long for an id is refused with the id's reason, not truncated into a collision.
        let long = TelemetrySample(
            tag: String(repeating: "t", count: 480), value: .bool(true), quality: .good, sourceTime: at)
        #expect(
            throws: EventFieldError(path: "id", message: "invalid event id: 520 bytes long; expected at most 512")
        ) {
            try Event.telemetrySample(plant: "P100", input: "feed", sample: long)
        }
    }

    @Test func swiftConstructionValidatesTheRules() {
        let at = Timestamp(millisecondsSinceEpoch: 0)
        #expect(
            throws: EventFieldError(
                path: "data.quality",
                message: "expected bad for quality_code 2150891520 (severity bits 31-30 = 10), found good")
        ) {
            try Event.telemetrySample(
                plant: "P100", input: "feed",
                sample: TelemetrySample(
                    tag: "T", value: .bool(false), quality: .good, qualityCode: 0x8034_0000, sourceTime: at))
        }
        #expect(throws: EventFieldError(path: "data.plant", message: "expected a non-empty string, found \"\"")) {
            try Event.telemetrySample(
                plant: "", input: "feed",
                sample: TelemetrySample(tag: "T", value: .bool(false), quality: .good, sourceTime: at))
        }
    }

    @Test func decodingRefusesWithThePathAndWhatWasExpected() {
        let sample = EventSamples.telemetry
        let cases: [(String, (inout JSONObject) -> Void)] = [
            (
                "data.value_number: unknown field; expected one of input, plant, quality, quality_code, source_time, "
                    + "tag, value, value_type", { $0["value_number"] = "1" }
            ),
            ("data.value_type: expected one of bool, number, string, found \"float\"", { $0["value_type"] = "float" }),
            (
                "data.value_type: missing required field; expected one of bool, number, string",
                { $0["value_type"] = nil }
            ),
            (
                "data.value: expected a canonical decimal (no exponent, no leading or trailing zeros) \"-21.5\", "
                    + "found \"-21.50\"", { $0["value"] = "-21.50" }
            ),
            (
                "data.value: expected a decimal string like \"12.5\", found number (quantities are strings: \"-21.5\")",
                { $0["value"] = .number(JSONNumber(uncheckedText: "-21.5")) }
            ),
            (
                "data.value: invalid decimal \"\": expected a digit or '-' at offset 0, found end of text",
                { $0["value"] = "" }
            ),
            (
                "data.value: expected \"true\" or \"false\" for value_type bool, found \"TRUE\"",
                {
                    $0["value_type"] = "bool"; $0["value"] = "TRUE"
                }
            ),
            (
                "data.value: expected a string, found boolean",
                {
                    $0["value_type"] = "bool"; $0["value"] = true
                }
            ),
            (
                "data.value: missing required field; expected a string",
                {
                    $0["value_type"] = "string"; $0["value"] = nil
                }
            ),
            ("data.quality: expected one of bad, good, uncertain, found \"ok\"", { $0["quality"] = "ok" }),
            (
                "data.quality: expected uncertain for quality_code 1083310080 (severity bits 31-30 = 01), found good",
                { $0["quality"] = "good" }
            ),
            (
                "data.quality_code: expected an integer 0–4294967295, found 4294967296",
                { $0["quality_code"] = 4_294_967_296 }
            ),
            ("data.quality_code: expected an integer 0–4294967295, found -1", { $0["quality_code"] = -1 }),
            (
                "data.quality_code: expected an integer 0–4294967295, found string",
                { $0["quality_code"] = "0x40920000" }
            ),
            ("data.tag: expected a non-empty string, found \"\"", { $0["tag"] = "" }),
            ("data.input: missing required field; expected a non-empty string", { $0["input"] = nil }),
            (
                "data.source_time: missing required field; expected a timestamp like \"2026-11-22T14:15:00.000Z\"",
                { $0["source_time"] = nil }
            ),
            (
                "data.source_time: expected the canonical UTC form \"2026-11-22T14:15:00.250Z\", found "
                    + "\"2026-11-22T15:15:00.250+01:00\"", { $0["source_time"] = "2026-11-22T15:15:00.250+01:00" }
            ),
        ]
        for (expected, change) in cases {
            #expect(dataError(sample, change) == expected)
        }
        // What is valid: a string value of any text (also empty), a code whose severity agrees, no code at all.
        #expect(
            dataError(sample) {
                $0["value_type"] = "string"; $0["value"] = "-21.50"
            } == "accepted")
        #expect(dataError(sample) { $0["quality_code"] = nil } == "accepted")
        #expect(
            dataError(sample) {
                $0["quality"] = "bad"; $0["quality_code"] = 4_294_967_295
            } == "accepted")
    }
}

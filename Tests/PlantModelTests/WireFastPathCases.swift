@testable import PlantModel

/// The cases of `WireFastPathTests`: broken payload rules and adversarial bodies.
extension WireFastPathTests {
    static func number(_ text: String) -> JSONValue { .number(JSONNumber(uncheckedText: text)) }

    /// One business or field rule of each payload, broken at a time.
    static let brokenRules: [(Event, @Sendable (inout JSONObject) -> Void)] = [
        (EventSamples.transfer, { $0["from_location"] = nil }),
        (EventSamples.transfer, { $0["to_location"] = "A-01-02" }),
        (EventSamples.transfer, { $0["gtin"] = "04012345678902" }),
        (EventSamples.transfer, { $0["gtin"] = nil }),
        (EventSamples.transfer, { $0["unit"] = nil }),
        (EventSamples.transfer, { $0["quantity"] = "-2" }),
        (EventSamples.transfer, { $0["station"] = "" }),
        (EventSamples.receipt, { $0["sscc"] = "340123450000000018" }),
        (
            EventSamples.receipt,
            {
                $0["sscc"] = nil; $0["gtin"] = "04012345678901"
            }
        ),
        (
            EventSamples.receipt,
            {
                $0["kind"] = "adjustment"; $0["from_location"] = "X"
            }
        ),
        (
            EventSamples.receipt,
            {
                $0["kind"] = "adjustment"; $0["to_location"] = nil
            }
        ),
        (EventSamples.receipt, { $0["kind"] = "production_receipt" }),
        (
            EventSamples.receipt,
            {
                $0["kind"] = "cycle_count"; $0["from_location"] = "X"
            }
        ),
        (EventSamples.receipt, { $0["kind"] = "issue" }),
        (EventSamples.receipt, { $0["to_location"] = nil }),
        (EventSamples.receipt, { $0["kind"] = "Receipt" }),
        (EventSamples.release, { $0["lot"] = nil }),
        (EventSamples.release, { $0["quantity"] = "1" }),
        (EventSamples.hold, { $0["unit"] = nil }),
        (EventSamples.hold, { $0["gtin"] = "4012345678902" }),
        (EventSamples.hold, { $0["reason"] = nil }),
        (EventSamples.downtime, { $0["duration_s"] = 200 }),
        (EventSamples.downtime, { $0["end"] = "2026-11-22T14:00:00.000Z" }),
        (EventSamples.downtime, { $0["reason"] = "" }),
        (EventSamples.downtime, { $0["start"] = "2026-11-31T14:00:00.000Z" }),
        (EventSamples.confirmation, { $0["window_end"] = "2026-11-22T14:00:00.000Z" }),
        (EventSamples.confirmation, { $0["final"] = "true" }),
        (EventSamples.confirmation, { $0["counter_reset"] = nil }),
        (EventSamples.confirmation, { $0["part"] = 0 }),
        (EventSamples.confirmation, { $0["gap_bridged_ms"] = -1 }),
        (EventSamples.confirmation, { $0["gap_bridged_ms"] = number("1.5") }),
        (EventSamples.confirmation, { $0["downtime"] = ["": 1] }),
        (EventSamples.confirmation, { $0["downtime"] = ["blocked": number("1.5e1")] }),
        (EventSamples.confirmation, { $0["downtime"] = ["blocked": number("0.0005")] }),
        (EventSamples.confirmation, { $0["downtime"] = "none" }),
        (EventSamples.confirmation, { $0["yield"] = "-1" }),
        (EventSamples.confirmation, { $0["scrap"] = "1.50" }),
        (EventSamples.confirmation, { $0["rework"] = number("0") }),
        (EventSamples.confirmation, { $0["runtime_s"] = -1 }),
        (EventSamples.confirmation, { $0["runtime_s"] = number("9223372036854775.808") }),
        (EventSamples.confirmation, { $0["work_center"] = "" }),
        (EventSamples.confirmation, { $0["unit"] = 1 }),
        (EventSamples.tombstone, { $0["original_seq"] = 0 }),
        (EventSamples.tombstone, { $0["original_id"] = "a b" }),
        (EventSamples.tombstone, { $0["original_type"] = "" }),
        (EventSamples.tombstone, { $0["original_stream"] = nil }),
        (EventSamples.telemetry, { $0["quality"] = "good" }),
        (EventSamples.telemetry, { $0["quality_code"] = 4_294_967_296 }),
        (EventSamples.telemetry, { $0["quality_code"] = 0 }),
        (EventSamples.telemetry, { $0["value"] = "-21.50" }),
        (EventSamples.telemetry, { $0["value"] = "-0" }),
        (EventSamples.telemetry, { $0["value"] = number("-21.5") }),
        (EventSamples.telemetry, { $0["value_type"] = "bool" }),
        (EventSamples.telemetry, { $0["value_type"] = "Number" }),
        (EventSamples.telemetry, { $0["tag"] = "" }),
        (EventSamples.telemetry, { $0["source_time"] = nil }),
        (EventSamples.telemetryBool, { $0["value"] = "True" }),
        (EventSamples.telemetryBool, { $0["value"] = true }),
        (EventSamples.telemetryBool, { $0["value_type"] = "number" }),
        (EventSamples.telemetryText, { $0["value_type"] = "bool" }),
        (EventSamples.telemetryText, { $0["value"] = nil }),
        (EventSamples.telemetryText, { $0["input"] = "" }),
    ]

    /// Bodies the fast path must leave to the full decoder, which accepts or refuses them exactly as before.
    static let adversarial: [(String, @Sendable (String) -> String)] = [
        ("whitespace in the header", { $0.replacing(#""plant":"P100""#, with: #""plant": "P100""#) }),
        ("whitespace between events", { $0.replacing(#"},{"seq":1202"#, with: "},\n{\"seq\":1202") }),
        ("whitespace inside an event", { $0.replacing(#""line":"L3""#, with: #""line" :"L3""#) }),
        ("trailing newline", { $0 + "\n" }),
        (
            "event keys reordered",
            {
                $0.replacing(
                    #""id":"down/P100/L3/2026-11-22T14:03:10.250Z","occurred_at""#,
                    with: #""occurred_at""#
                )
                .replacing(
                    #""type":"downtime"}"#,
                    with: #""type":"downtime","id":"down/P100/L3/2026-11-22T14:03:10.250Z"}"#)
            }
        ),
        (
            "seq not first",
            {
                $0.replacing(#"{"seq":1201,"data":"#, with: #"{"data":"#)
                    .replacing(#""type":"downtime"}"#, with: #""type":"downtime","seq":1201}"#)
            }
        ),
        ("data keys reordered", { $0.replacing(#""line":"L3","plant":"P100""#, with: #""plant":"P100","line":"L3""#) }),
        ("escaped letter", { $0.replacing(#""reason":"blocked""#, with: #""reason":"bl\u006fcked""#) }),
        ("escaped slash in the id", { $0.replacing(#""id":"down/P100"#, with: #""id":"down\/P100"#) }),
        ("uppercase control escape", { $0.replacing(#""reason":"blocked""#, with: #""reason":"blocked\u001D""#) }),
        ("long form of a short escape", { $0.replacing(#""reason":"blocked""#, with: #""reason":"blocked\u000a""#) }),
        ("escaped key", { $0.replacing(#""line":"L3""#, with: #""l\u0069ne":"L3""#) }),
        ("duplicate key in data", { $0.replacing(#""line":"L3""#, with: #""line":"L3","line":"L3""#) }),
        (
            "second seq among sorted keys",
            { $0.replacing(#""type":"downtime"}"#, with: #""seq":1201,"type":"downtime"}"#) }
        ),
        ("keys out of order", { $0.replacing(#""type":"downtime"}"#, with: #""type":"downtime","aaa":1}"#) }),
        ("duplicate header key", { $0.replacing(#""plant":"P100""#, with: #""plant":"P100","plant":"P100""#) }),
        ("null member", { $0.replacing(#""line":"L3""#, with: #""line":"L3","order":null"#) }),
        ("null event member", { $0.replacing(#""id":"#, with: #""extra":null,"id":"#) }),
        (
            "events before first_seq",
            {
                $0.replacing(#""first_seq":1201,"#, with: "")
                    .replacing(#"]}"#, with: #"],"first_seq":1201}"#)
            }
        ),
        ("first_seq as 1201.0", { $0.replacing(#""first_seq":1201"#, with: #""first_seq":1201.0"#) }),
        ("seq as 1.201e3", { $0.replacing(#"{"seq":1201,"#, with: #"{"seq":1.201e3,"#) }),
        ("seq with leading zero", { $0.replacing(#"{"seq":1201,"#, with: #"{"seq":01201,"#) }),
        ("negative pending", { $0.replacing(#""pending":0"#, with: #""pending":-0"#) }),
        ("escaped stream name", { $0.replacing(#""stream":"production""#, with: #""stream":"pr\u006fduction""#) }),
        (
            "backlog keys reordered",
            {
                $0.replacing(
                    #""backlog":{"inventory":{"oldest_age_s":0,"pending":0},"production":{"oldest_age_s":5400,"pending":3400}}"#,
                    with:
                        #""backlog":{"production":{"oldest_age_s":5400,"pending":3400},"inventory":{"oldest_age_s":0,"pending":0}}"#
                )
            }
        ),
        (
            "backlog fields reordered",
            { $0.replacing(#"{"oldest_age_s":0,"pending":0}"#, with: #"{"pending":0,"oldest_age_s":0}"#) }
        ),
        ("unknown header field", { $0.replacing(#""plant":"P100""#, with: #""plant":"P100","priority":1"#) }),
        ("array in data", { $0.replacing(#""line":"L3""#, with: #""line":["L3"]"#) }),
        ("deep nesting", { $0.replacing(#""line":"L3""#, with: #""line":{"a":{"b":{"c":{"d":1}}}}"#) }),
        ("byte-order mark", { "\u{FEFF}" + $0 }),
        ("empty body", { _ in "" }),
        ("truncated", { String($0.dropLast()) }),
        ("lone surrogate escape", { $0.replacing(#""reason":"blocked""#, with: #""reason":"\ud800""#) }),
        ("id with a space", { $0.replacing(#""id":"down/P100"#, with: #""id":"down P100"#) }),
        ("id escaped quote", { $0.replacing(#""id":"down/P100"#, with: #""id":"down\"P100"#) }),
        ("type escaped", { $0.replacing(#""type":"downtime""#, with: #""type":"d\u006fwntime""#) }),
        (
            "occurred_at non-canonical",
            {
                $0.replacing(
                    #""occurred_at":"2026-11-22T14:05:00.000Z""#,
                    with: #""occurred_at":"2026-11-22T14:05:00Z""#)
            }
        ),
        ("seq gap", { $0.replacing(#"{"seq":1202,"#, with: #"{"seq":1203,"#) }),
        ("empty event", { $0.replacing(#"{"seq":1202,"#, with: #"{"seq":1202},{"seq":1203,"#) }),
    ]
}

import Testing

@testable import PlantModel

/// The batch decoder's fast path (`CanonicalBatchReader`, `EventCertifier`) against the full decoder: for every
/// body, `BatchRequest.decode` must give exactly what the full decoder gives — the same batch, the same canonical
/// bytes, the same per-event verdicts and error texts — and the fast path may only ever decline, never differ.
@Suite struct WireFastPathTests {
    static let limits = BatchRequest.Limits()

    /// What a decoder made of a body: the batch (or its error) and each event's verdict (nil: valid).
    struct Outcome: Equatable, CustomStringConvertible {
        var batch: BatchRequest?
        var error: BatchDecodingError?
        var verdicts: [String?] = []

        var description: String {
            if let error { return "error \(error)" }
            return "batch of \(batch!.events.count), verdicts \(verdicts)"
        }
    }

    /// The full decoder alone, events judged by a full decode.
    static func full(_ body: [UInt8], limits: BatchRequest.Limits = limits) -> Outcome {
        do {
            let batch = try BatchRequest.decodeFull(body, limits: limits)
            return Outcome(
                batch: batch,
                verdicts: batch.events.map { event in
                    do throws(EventFieldError) {
                        _ = try event.decodeEvent()
                        return nil
                    } catch {
                        return error.description
                    }
                })
        } catch {
            return Outcome(error: error)
        }
    }

    /// What the hub runs: `decode` (fast path first) and `validate()`.
    static func hub(_ body: [UInt8], limits: BatchRequest.Limits = limits) -> Outcome {
        do {
            let batch = try BatchRequest.decode(body, limits: limits)
            return Outcome(
                batch: batch,
                verdicts: batch.events.map { event in
                    do throws(EventFieldError) {
                        try event.validate()
                        return nil
                    } catch {
                        return error.description
                    }
                })
        } catch {
            return Outcome(error: error)
        }
    }

    /// Both decoders agree on `body`; returns the fast path's batch (nil when it declined).
    @discardableResult
    static func agree(_ body: [UInt8], limits: BatchRequest.Limits = limits, _ context: @autoclosure () -> String)
        -> BatchRequest?
    {
        let expected = full(body, limits: limits)
        let actual = hub(body, limits: limits)
        #expect(actual == expected, "\(context()): \(String(decoding: body, as: UTF8.self))")
        guard let fast = BatchRequest.decodeCanonical(body, limits: limits) else { return nil }
        #expect(expected.batch == fast, "\(context()): fast path differs")
        for (k, event) in fast.events.enumerated() where event.certified {
            #expect(expected.verdicts[k] == nil, "\(context()): certified an event the full decoder refuses")
        }
        return fast
    }

    static func body(_ events: [[UInt8]], firstSeq: Int64 = 1201) -> [UInt8] {
        var encoder = BatchEncoder(
            plant: "P100", stream: "production", epoch: "4f1c9a", firstSeq: firstSeq,
            backlog: [
                "production": StreamBacklog(pending: 3400, oldestAgeSeconds: 5400),
                "inventory": StreamBacklog(pending: 0, oldestAgeSeconds: 0),
            ])
        for (k, event) in events.enumerated() { try! encoder.append(seq: firstSeq + Int64(k), canonicalEvent: event) }
        return encoder.finish()
    }

    static func text(_ body: [UInt8]) -> String { String(decoding: body, as: UTF8.self) }

    static func replacing(_ body: [UInt8], _ old: String, _ new: String) -> [UInt8] {
        let text = text(body)
        precondition(text.contains(old), "no \(old) in \(text)")
        return Array(text.replacing(old, with: new, maxReplacements: 1).utf8)
    }

    // MARK: - Generated events

    @Test func plainGeneratedEventsAreCertifiedOnTheFastPath() throws {
        var generator = WireEventGenerator(seed: 1)
        generator.simple = true
        var kinds: Set<EventKind> = []
        for round in 0..<20 {
            let events = (0..<20).map { _ in generator.event() }
            kinds.formUnion(events.map(\.type))
            let body = Self.body(events.map { $0.canonicalJSON() })
            let fast = try #require(Self.agree(body, "round \(round)"))
            for (k, wire) in fast.events.enumerated() {
                #expect(wire.canonical == events[k].canonicalJSON())
                #expect(wire.certified, "round \(round) event \(k): \(Self.text(wire.canonical))")
                #expect(wire.kind == events[k].type)
            }
        }
        #expect(kinds == Set(EventKind.allCases))
    }

    @Test func trickyGeneratedEventsAgreeWithTheFullDecoder() {
        var generator = WireEventGenerator(seed: 2)
        var fastBatches = 0
        var certified = 0
        for round in 0..<40 {
            let events = (0..<15).map { _ in generator.event() }
            let body = Self.body(events.map { $0.canonicalJSON() })
            if let fast = Self.agree(body, "round \(round)") {
                fastBatches += 1
                certified += fast.events.filter(\.certified).count
                #expect(fast.events.map(\.canonical) == events.map { $0.canonicalJSON() })
            }
        }
        // Escaped event ids or downtime reasons send a batch to the full decoder; most batches stay fast.
        #expect(fastBatches >= 20)
        #expect(certified >= fastBatches * 10)
    }

    static let badValues: [JSONValue] = [
        "", 0, -1, true, false, [:], ["a": 1], ["": 1], ["blocked": -1], ["blocked": "1"],
        ["blocked": .number(JSONNumber(uncheckedText: "1.5e1"))],
        ["blocked": .number(JSONNumber(uncheckedText: "0.0001"))],
        .number(JSONNumber(uncheckedText: "1.50")), .number(JSONNumber(uncheckedText: "1e3")),
        .number(JSONNumber(uncheckedText: "-0")), .number(JSONNumber(uncheckedText: "0.0001")),
        .number(JSONNumber(uncheckedText: "99999999999999999999")),
        .number(JSONNumber(uncheckedText: "9223372036854775807")),
        .number(JSONNumber(uncheckedText: "9223372036854775808")),
        .number(JSONNumber(uncheckedText: "9223372036854775.807")),
        .number(JSONNumber(uncheckedText: "9223372036854775.808")),
        .number(JSONNumber(uncheckedText: "1000000000000000")), .number(JSONNumber(uncheckedText: "-0.5")),
        .number(JSONNumber(uncheckedText: "12.5")), "12.50", "-0", "0012", "-2", "1e2", ".5", "0.0", "12.5",
        "9223372036854775807", "9223372036854775808", "0.1234567890123456789", "123456789012345678.9",
        "2026-11-22T14:15:00Z", "2026-11-22T14:15:00.000+00:00", "2026-02-29T00:00:00.000Z", "2028-02-29T00:00:00.000Z",
        "2026-11-22t14:15:00.000Z", "2026-13-01T00:00:00.000Z", "2026-11-22T24:00:00.000Z", "2026-11-22T14:15:60.000Z",
        "04012345678901", "04012345678902", "340123450000000017", "340123450000000018", "4012345678901",
        "transfer", "adjustment", "cycle_count", "receipt", "issue", "production_receipt", "move", "é", "e\u{301}",
        "a\"b", "a\\b", "\u{1D}", "scan/GI-02/1", "a b",
        "true", "false", "TRUE", "good", "bad", "uncertain", "Good", "number", "bool", "string", "float", "-21.5",
        "-0.5", "-0.0", "--1", "-", 4_294_967_295, 4_294_967_296, 1_073_741_824, 3_221_225_472, "1073741824",
    ]

    static let badTimestamps: [JSONValue] = [
        "2026-11-22T14:15:00Z", "2026-11-22T14:15:00.000+00:00", "2026-02-29T00:00:00.000Z",
        "2026-11-22T14:15:00.0000Z",
        "2026-11-22 14:15:00.000Z", 1, "",
    ]

    /// One random change to an event, written back canonically (so the body keeps the fast path's shape).
    static func mutate(_ event: Event, _ generator: inout WireEventGenerator) -> [UInt8] {
        var root = event.jsonValue.objectValue!
        var data = root["data"]!.objectValue!
        for _ in 0..<Int.random(in: 1...2, using: &generator.random) {
            switch Int.random(in: 0..<10, using: &generator.random) {
            case 0: data[generator.pick(data.keys)] = nil
            case 1, 2: data[generator.pick(data.keys)] = generator.pick(badValues)
            case 3: data[generator.pick(["zzz", "aaa", "plant_", "Plant", "from_locaton", "seq"])] = 1
            case 4:
                root["type"] = .string(
                    generator.pick(EventKind.allCases.map(\.rawValue) + ["shift_report", "Downtime"]))
            case 5: root["occurred_at"] = generator.pick(badTimestamps)
            case 6: root[generator.pick(["extra", "zz", "Data"])] = "x"
            case 7:
                let names = [
                    "from_location", "to_location", "order", "sscc", "gtin", "item", "lot", "unit", "quantity",
                    "value", "value_type", "quality", "quality_code",
                ]
                data[generator.pick(names)] = generator.chance(50) ? generator.pick(badValues) : "B-07"
            case 8:
                let spellings: [JSONValue] = ["é", "e\u{301}", "B-07", "b-07"]
                data["from_location"] = generator.pick(spellings)
                data["to_location"] = generator.pick(spellings)
            default: root["data"] = generator.pick(["x", 1, true, [:]])
            }
        }
        if root["data"]?.objectValue != nil { root["data"] = .object(data) }
        return JSONWriter.encode(.object(root))
    }

    @Test func mutatedEventsGetTheSameVerdictsAndReasons() {
        var generator = WireEventGenerator(seed: 3)
        var uncertifiedOnFastPath = 0
        var refused = 0
        for round in 0..<300 {
            let valid = generator.event().canonicalJSON()
            let mutated = Self.mutate(generator.event(), &generator)
            guard mutated.count > 2 else { continue }
            let body = Self.body([valid, mutated, valid])
            if let fast = Self.agree(body, "round \(round)") {
                if !fast.events[1].certified { uncertifiedOnFastPath += 1 }
            }
            if case let verdicts = Self.full(body).verdicts, verdicts.count == 3, verdicts[1] != nil { refused += 1 }
        }
        // The mutations mostly make invalid events, judged by the full decoder after the fast path kept the batch.
        #expect(refused >= 200)
        #expect(uncertifiedOnFastPath >= 150)
    }

    @Test func byteLevelMutationsNeverMakeTheFastPathDiffer() {
        var generator = WireEventGenerator(seed: 4)
        let inserts: [[UInt8]] = [
            [0x20], [0x0A], Array("null".utf8), [0x2C], [0x22], [0x5C], [0x7B], [0x7D], [0x5B], [0x5D], [0x3A], [0x30],
            [0x2D], [0x2E], [0x65], Array(#"\u0041"#.utf8), Array(#"\/"#.utf8), Array(#"\u001D"#.utf8),
            Array(#"\u001d"#.utf8), Array(#"\u000a"#.utf8), [0x80], [0xC3], [0xC3, 0xA9], [0xFF], [0x00], [0x1F],
            Array(#""seq":1,"#.utf8), Array(#""x":null,"#.utf8),
        ]
        var declined = 0
        for round in 0..<1500 {
            if round % 50 == 0 { generator.simple = round % 100 == 0 }
            var body = Self.body((0..<2).map { _ in generator.event().canonicalJSON() })
            for _ in 0..<Int.random(in: 1...2, using: &generator.random) {
                let at = Int.random(in: 0..<body.count, using: &generator.random)
                switch Int.random(in: 0..<4, using: &generator.random) {
                case 0: body.insert(contentsOf: generator.pick(inserts), at: at)
                case 1: body.removeSubrange(at..<min(body.count, at + Int.random(in: 1...3, using: &generator.random)))
                case 2: body.replaceSubrange(at...at, with: generator.pick(inserts))
                default: if at + 1 < body.count { body.swapAt(at, at + 1) }
                }
            }
            if Self.agree(body, "round \(round)") == nil { declined += 1 }
        }
        #expect(declined >= 1000)
    }

    @Test(arguments: brokenRules.indices)
    func aBrokenRuleIsJudgedByTheFullDecoder(case index: Int) throws {
        let (event, change) = Self.brokenRules[index]
        var root = event.jsonValue.objectValue!
        var data = root["data"]!.objectValue!
        change(&data)
        root["data"] = .object(data)
        let body = Self.body([event.canonicalJSON(), JSONWriter.encode(.object(root))])
        let fast = try #require(Self.agree(body, "rule \(index)"))
        #expect(fast.events.map(\.certified) == [true, false])
        let reasons = fast.invalidEvents()
        #expect(reasons.map(\.seq) == [1202])
        #expect(reasons.first?.reason.hasPrefix("data") == true, "\(reasons)")
    }

    // MARK: - Adversarial bodies

    static let sample = WireProtocolTests.sampleBody

    @Test(arguments: adversarial.indices)
    func adversarialBodiesTakeTheFullDecoder(case index: Int) throws {
        let (name, change) = Self.adversarial[index]
        let original = Self.text(Self.sample)
        let body = Array(change(original).utf8)
        #expect(Self.text(body) != original, "\(name): the change did not apply")
        #expect(BatchRequest.decodeCanonical(body, limits: Self.limits) == nil, "\(name)")
        Self.agree(body, name)
    }

    @Test func aResendInAnotherShapeKeepsTheJournaledBytes() throws {
        // Whitespace and another key order: the full decoder re-encodes and gets the same canonical bytes.
        let pretty = Self.replacing(
            Self.replacing(Self.sample, #""line":"L3","plant":"P100""#, #""plant" : "P100", "line":"L3""#),
            #"{"seq":1201,"#, "{ \"seq\" : 1201 ,")
        #expect(BatchRequest.decodeCanonical(pretty, limits: Self.limits) == nil)
        let fast = try #require(BatchRequest.decodeCanonical(Self.sample, limits: Self.limits))
        #expect(try BatchRequest.decode(pretty) == fast)
        #expect(try BatchRequest.decode(pretty).events[0].canonical == EventSamples.downtime.canonicalJSON())
    }

    @Test func nonCanonicalValuesInTheFastShapeAreRefusedWithTheFullReason() throws {
        let cases: [(String, String, String)] = [
            (
                #""duration_s":109.75"#, #""duration_s":109.750"#,
                "data.duration_s: expected seconds (a number ≥ 0, at most 3 decimals) in canonical form, found 109.750"
            ),
            (
                #""duration_s":109.75"#, #""duration_s":1.0975e2"#,
                "data.duration_s: expected seconds (a number ≥ 0, at most 3 decimals) in canonical form, found 1.0975e2"
            ),
            (
                #""start":"2026-11-22T14:03:10.250Z""#, #""start":"2026-11-22T14:03:10.25Z""#,
                "data.start: expected the canonical UTC form \"2026-11-22T14:03:10.250Z\", found \"2026-11-22T14:03:10.25Z\""
            ),
            (#""reason":"blocked""#, #""reason":"""#, "data.reason: expected a non-empty string, found \"\""),
            (
                #""type":"downtime""#, #""type":"shift_report""#,
                "type: expected one of dead_lettered, downtime, inventory_movement, production_confirmation, "
                    + "quality_hold, quality_release, telemetry_sample, found \"shift_report\""
            ),
            (
                #""line":"L3","#, #""line":"L3","lines":2,"#,
                "data.lines: unknown field; expected one of duration_s, end, line, plant, reason, start"
            ),
        ]
        for (old, new, reason) in cases {
            let body = Self.replacing(Self.sample, old, new)
            let fast = try #require(BatchRequest.decodeCanonical(body, limits: Self.limits), "\(new)")
            #expect(!fast.events[0].certified)
            #expect(fast.invalidEvents() == [InvalidEvent(seq: 1201, reason: reason)])
            #expect(try BatchRequest.decodeFull(body, limits: Self.limits).invalidEvents() == fast.invalidEvents())
            Self.agree(body, new)
        }
    }

    @Test func limitsAreLeftToTheFullDecoder() throws {
        let body = Self.body([EventSamples.downtime.canonicalJSON(), EventSamples.transfer.canonicalJSON()])
        #expect(BatchRequest.decodeCanonical(body, limits: .init(maxEvents: 1)) == nil)
        #expect(BatchRequest.decodeCanonical(body, limits: .init(maxEvents: 2)) != nil)
        Self.agree(body, limits: .init(maxEvents: 1), "maxEvents 1")
        // 18 digits are read on the fast path; 19 (up to Int64.max) are left to the full decoder.
        let high = Self.body([EventSamples.downtime.canonicalJSON()], firstSeq: 999_999_999_999_999_999)
        #expect(BatchRequest.decodeCanonical(high, limits: Self.limits)?.events.map(\.seq) == [999_999_999_999_999_999])
        let last = Self.body([EventSamples.downtime.canonicalJSON()], firstSeq: .max)
        #expect(BatchRequest.decodeCanonical(last, limits: Self.limits) == nil)
        #expect(Self.agree(last, "Int64.max") == nil)
        #expect(Self.full(last).batch?.events.map(\.seq) == [.max])
        let overflow = Self.replacing(
            last, "}]}", #"},{"seq":1,"data":{},"id":"a","occurred_at":"1970-01-01T00:00:00.000Z","type":"t"}]}"#)
        #expect(Self.full(overflow).error?.description == "events[1]: seq exceeds the 64-bit range")
        Self.agree(overflow, "seq overflow")
    }

    // MARK: - Building blocks

    @Test func scannerAcceptsEveryEscapeTheWriterWritesAndNoOther() {
        for byte in UInt8(0)..<0x80 {
            let written = JSONWriter.encode(["k": .string(String(UnicodeScalar(byte)))])
            written.withUnsafeBytes { bytes in
                var scanner = CanonicalObjectScanner(bytes: bytes, index: 0, maxDepth: 2)
                let accepted = scanner.scanObject(parent: -1, depth: 1)
                #expect(accepted && scanner.index == bytes.count, "byte \(byte)")
            }
        }
        for escape in [#"\/"#, #"\u0041"#, #"\u001D"#, #"\u000a"#, #"\u0008"#, #"\u00e9"#, #"\ud83d\ude00"#, #"\x"#] {
            Array(#"{"k":"\#(escape)"}"#.utf8).withUnsafeBytes { bytes in
                var scanner = CanonicalObjectScanner(bytes: bytes, index: 0, maxDepth: 2)
                let accepted = scanner.scanObject(parent: -1, depth: 1)
                #expect(!accepted, "\(escape)")
            }
        }
    }

    @Test func fastTimestampsAreExactlyTheCanonicalOnes() throws {
        var generator = SeededGenerator(seed: 5)
        for _ in 0..<3000 {
            let millis = Int64.random(in: -62_167_219_200_000...253_402_300_799_999, using: &generator)
            var text = Array(Timestamp(millisecondsSinceEpoch: millis).description.utf8)
            if Int.random(in: 0..<2, using: &generator) == 0 {
                text[Int.random(in: 0..<text.count, using: &generator)] = Array("0123456789-:.TZtz ".utf8)
                    .randomElement(
                        using: &generator)!
            }
            let fast = text.withUnsafeBytes { canonicalTimestampMilliseconds($0) }
            let string = String(decoding: text, as: UTF8.self)
            let slow = (try? Timestamp(parsing: string)).flatMap { Timestamp.isCanonicalShape(string) ? $0 : nil }
            #expect(fast == slow?.millisecondsSinceEpoch, "\(string)")
        }
    }
}

extension WireProtocolTests {
    /// One downtime event in `BatchEncoder`'s shape, seq 1201 (plus a second event at 1202 for spacing cases).
    static let sampleBody: [UInt8] = {
        var encoder = BatchEncoder(
            plant: "P100", stream: "production", epoch: "4f1c9a", firstSeq: 1201,
            backlog: [
                "production": StreamBacklog(pending: 3400, oldestAgeSeconds: 5400),
                "inventory": StreamBacklog(pending: 0, oldestAgeSeconds: 0),
            ])
        try! encoder.append(seq: 1201, canonicalEvent: EventSamples.downtime.canonicalJSON())
        try! encoder.append(seq: 1202, canonicalEvent: EventSamples.transfer.canonicalJSON())
        return encoder.finish()
    }()
}

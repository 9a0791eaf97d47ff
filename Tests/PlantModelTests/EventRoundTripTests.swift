import Testing

@testable import PlantModel

/// Property-style: generated valid events survive canonical encoding, strict decoding, key shuffling and
/// the wire unchanged.
@Suite struct EventRoundTripTests {
    @Test func generatedEventsRoundTripByteForByte() throws {
        var random = SeededRandom(seed: 0xE7E7_2026)
        var bodyEncoder = BatchEncoder(plant: "P100", stream: "mixed", epoch: "e", firstSeq: 1)
        var canonicals: [[UInt8]] = []
        for _ in 0..<400 {
            let event = random.event()
            let bytes = event.canonicalJSON()
            canonicals.append(bytes)
            try bodyEncoder.append(seq: bodyEncoder.nextSeq, canonicalEvent: bytes)
            let decoded = try Event(canonicalJSON: bytes)
            #expect(decoded == event)
            #expect(decoded.canonicalJSON() == bytes)
            // The same document with its keys in another order decodes to the same canonical bytes.
            let shuffled = random.shuffledText(try JSONParser.parse(bytes))
            #expect(try Event(canonicalJSON: Array(shuffled.utf8)).canonicalJSON() == bytes, "\(shuffled)")
        }
        let request = try BatchRequest.decode(bodyEncoder.finish())
        #expect(request.events.map(\.canonical) == canonicals)
        #expect(request.invalidEvents() == [])
    }
}

extension SeededRandom {
    mutating func pick<T>(_ options: [T]) -> T { options[Int.random(in: 0..<options.count, using: &self)] }

    mutating func name() -> String {
        pick(["P100", "L3", "WO-4711", "10", "A-01-02", "Bin 7", "Größe/€", "x\"y\\z", "tab\there", "ü"])
    }

    mutating func maybe<T>(_ make: (inout SeededRandom) -> T) -> T? {
        Bool.random(using: &self) ? make(&self) : nil
    }

    mutating func quantity() -> DecimalNumber {
        try! DecimalNumber(
            significand: .random(in: 0...10_000_000, using: &self), scale: .random(in: 0...6, using: &self))
    }

    mutating func timestamp() -> Timestamp {
        Timestamp(millisecondsSinceEpoch: .random(in: 0...4_102_444_800_000, using: &self))
    }

    mutating func event() -> Event {
        let at = timestamp()
        let payload: EventPayload
        switch Int.random(in: 0..<7, using: &self) {
        case 0:
            let start = timestamp()
            var downtime: [String: Int64] = [:]
            for _ in 0..<Int.random(in: 0...3, using: &self) {
                downtime[name()] = .random(in: 0...900_000, using: &self)
            }
            payload = .productionConfirmation(
                ProductionConfirmation(
                    plant: name(), line: name(), workCenter: maybe { $0.name() }, order: name(), operation: name(),
                    yield: quantity(), scrap: quantity(), rework: quantity(), unit: pick(["PCE", "KG"]),
                    runtimeMilliseconds: .random(in: 0...900_000, using: &self), downtimeMilliseconds: downtime,
                    windowStart: start, windowEnd: start.adding(milliseconds: .random(in: 1...3_600_000, using: &self)),
                    isFinal: .random(using: &self), counterReset: .random(using: &self),
                    gapBridgedMilliseconds: maybe { .random(in: 0...60_000, using: &$0) },
                    part: maybe { .random(in: 1...3, using: &$0) }))
        case 1:
            let start = timestamp()
            let length = Int64.random(in: 0...7_200_000, using: &self)
            payload = .downtime(
                Downtime(
                    plant: name(), line: name(), reason: name(), start: start,
                    end: start.adding(milliseconds: length),
                    durationMilliseconds: .random(in: 0...length, using: &self)))
        case 2:
            let kind = pick(InventoryMovement.Kind.allCases)
            let from = name()
            var movement = InventoryMovement(
                kind: kind, plant: name(), item: name(), gtin: maybe { $0.pick(["04012345678901", "4006381333931"]) },
                lot: maybe { $0.name() }, serial: maybe { $0.name() }, quantity: quantity(), unit: "KG",
                order: maybe { $0.name() }, station: maybe { $0.name() }, rawScan: maybe { $0.string() + "x" })
            switch kind {
            case .receipt, .cycleCount: movement.toLocation = name()
            case .productionReceipt:
                movement.toLocation = name()
                movement.order = name()
            case .issue: movement.fromLocation = from
            case .transfer:
                movement.fromLocation = from
                movement.toLocation = from + "-2"
            case .adjustment:
                if Bool.random(using: &self) { movement.fromLocation = from } else { movement.toLocation = from }
            }
            payload = .inventoryMovement(movement)
        case 3, 4:
            let hold = QualityHold(
                plant: name(), lot: name(), sscc: maybe { _ in "340123450000000017" },
                location: maybe { $0.name() }, reason: name() + " " + name())
            payload = Bool.random(using: &self) ? .qualityHold(hold) : .qualityRelease(hold)
        case 5:
            let value: TelemetryValue = pick([
                .number(quantity()), .number(try! DecimalNumber(significand: -1_234_567, scale: 3)), .bool(true),
                .string(name()), .string(""),
            ])
            let code: UInt32? = maybe { .random(in: 0...UInt32.max, using: &$0) }
            payload = .telemetrySample(
                RawTelemetrySample(
                    plant: name(), input: name(), tag: name(), value: value,
                    quality: code.map(SampleQuality.fromStatusCode) ?? pick(SampleQuality.allCases), qualityCode: code,
                    sourceTime: timestamp()))
        default:
            let original = try! EventID.scan(station: name(), sequence: .random(in: 1...1_000_000, using: &self))
            payload = .deadLettered(
                DeadLetterTombstone(
                    originalSeq: .random(in: 1...1_000_000, using: &self), originalID: original,
                    originalType: "inventory_movement", originalStream: "inventory", reason: name()))
        }
        let id = try! EventID.scan(station: name(), sequence: .random(in: 1...1_000_000_000, using: &self))
        return try! Event(id: id, occurredAt: at, payload: payload)
    }

    /// JSON text of `value` with object members in a random order and some whitespace.
    mutating func shuffledText(_ value: JSONValue) -> String {
        switch value {
        case .object(let object):
            var members = Array(object)
            members.shuffle(using: &self)
            let parts = members.map { member in
                String(decoding: JSONWriter.encode(.string(member.key)), as: UTF8.self) + " : "
                    + shuffledText(member.value)
            }
            return "{ " + parts.joined(separator: ",\n") + " }"
        case .array(let elements):
            return "[" + elements.map { shuffledText($0) }.joined(separator: ", ") + "]"
        default:
            return String(decoding: JSONWriter.encode(value), as: UTF8.self)
        }
    }
}

@testable import PlantModel

/// A seeded, reproducible random source (SplitMix64) for the wire property tests.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Random valid events of every type, with the texts and numbers that make canonical JSON interesting: escapes,
/// control characters, non-ASCII (also canonically equivalent spellings), 18- and 19-digit quantities, huge
/// durations, leap days, years 0000 and 9999.
struct WireEventGenerator {
    var random: SeededGenerator
    /// Only plain printable ASCII texts, ids without escapes, numbers of at most 18 digits: events the fast
    /// path must certify.
    var simple = false

    init(seed: UInt64) { random = SeededGenerator(seed: seed) }

    mutating func chance(_ percent: Int) -> Bool { Int.random(in: 0..<100, using: &random) < percent }

    mutating func pick<T>(_ options: [T]) -> T { options[Int.random(in: 0..<options.count, using: &random)] }

    static let plainPieces = ["P100", "L3", "WO-4711", "A-01-02", "B-07", "KG", "PCE", "x", "QN 42", "a/b", "#1", "~"]
    static let trickyPieces = [
        "\"", "\\", "/", "\n", "\t", "\u{1D}", "\u{0}", "\u{7F}", "é", "e\u{301}", "中", "😀", "\r\n", "\u{8}",
        "\u{C}", "\u{1F}", "K", "\u{212A}",
    ]

    /// A non-empty text.
    mutating func text() -> String {
        var result = ""
        for _ in 0..<Int.random(in: 1...3, using: &random) {
            result += simple || chance(70) ? pick(Self.plainPieces) : pick(Self.trickyPieces)
        }
        return result
    }

    mutating func optionalText(_ percent: Int = 50) -> String? { chance(percent) ? text() : nil }

    mutating func timestamp() -> Timestamp {
        if chance(10) {
            return pick([
                try! Timestamp(parsing: "0000-01-01T00:00:00.000Z"),
                try! Timestamp(parsing: "9999-12-31T23:59:59.999Z"),
                try! Timestamp(parsing: "2028-02-29T12:00:00.001Z"),
                try! Timestamp(parsing: "2000-02-29T00:00:00.000Z"),
            ])
        }
        return Timestamp(millisecondsSinceEpoch: Int64.random(in: 0...4_102_444_800_000, using: &random))
    }

    /// Well inside years 1970-2100, so that a window or standstill after it still has a 4-digit year.
    mutating func windowStart() -> Timestamp {
        Timestamp(millisecondsSinceEpoch: Int64.random(in: 0...4_102_444_800_000, using: &random))
    }

    mutating func quantity() -> DecimalNumber {
        if chance(15) {
            return pick([
                DecimalNumber.zero, try! DecimalNumber(parsing: "999999999999999999"),
                try! DecimalNumber(parsing: "0.000000000000000001"),
                try! DecimalNumber(parsing: simple ? "100000000000000000" : "9223372036854775807"),
                try! DecimalNumber(parsing: "0.123456789012345678"), try! DecimalNumber(parsing: "1000000"),
            ])
        }
        return try! DecimalNumber(
            significand: Int64.random(in: 0...10_000_000, using: &random),
            scale: Int.random(in: 0...4, using: &random))
    }

    /// Milliseconds of a duration: usually small, sometimes at the edges of what the fast path certifies.
    mutating func milliseconds(upTo limit: Int64 = 10_000_000) -> Int64 {
        if chance(10) {
            let edges: [Int64] =
                simple
                ? [0, 1, 999_999_999_999_999_999] : [0, 999_999_999_999_999_999, Int64.max, 1_000_000_000_000_000_000]
            return min(limit, pick(edges))
        }
        return Int64.random(in: 0...max(0, min(limit, 10_000_000)), using: &random)
    }

    mutating func gs1(length: Int) -> String {
        var digits = (0..<(length - 1)).map { _ in UInt8(ascii: "0") + UInt8.random(in: 0...9, using: &random) }
        digits.append(UInt8(ascii: "0") + GS1CheckDigit.compute(for: digits)!)
        return String(decoding: digits, as: UTF8.self)
    }

    mutating func eventID() -> EventID {
        if !simple && chance(1) { return try! EventID("id\"with\\quotes/\(UInt32.random(in: 0...99, using: &random))") }
        // Ids with quotes or backslashes (escaped on the wire) send their whole batch to the full decoder: rare.
        let station = chance(95) ? pick(Self.plainPieces) : text()
        return try! EventID.scan(station: station, sequence: Int64.random(in: 1...1_000_000, using: &random))
    }

    mutating func event() -> Event {
        let occurredAt = timestamp()
        switch Int.random(in: 0..<7, using: &random) {
        case 0:
            let start = windowStart()
            let end = start.adding(milliseconds: 1 + Int64.random(in: 0...86_400_000, using: &random))
            var downtime: [String: Int64] = [:]
            for _ in 0..<Int.random(in: 0...3, using: &random) {
                downtime[chance(80) ? pick(["blocked", "changeover", "no_material"]) : text()] = milliseconds()
            }
            let payload = ProductionConfirmation(
                plant: text(), line: text(), workCenter: optionalText(), order: text(), operation: text(),
                yield: quantity(), scrap: quantity(), rework: quantity(), unit: text(),
                runtimeMilliseconds: milliseconds(),
                downtimeMilliseconds: downtime, windowStart: start, windowEnd: end, isFinal: chance(50),
                counterReset: chance(50), gapBridgedMilliseconds: chance(30) ? milliseconds() : nil,
                part: chance(30) ? Int.random(in: 1...5, using: &random) : nil)
            return try! Event(id: eventID(), occurredAt: occurredAt, payload: .productionConfirmation(payload))
        case 1:
            let start = windowStart()
            let end = start.adding(milliseconds: Int64.random(in: 0...86_400_000, using: &random))
            let interval = end.milliseconds(since: start)
            let payload = Downtime(
                plant: text(), line: text(), reason: text(), start: start, end: end,
                durationMilliseconds: chance(50) ? interval : Int64.random(in: 0...interval, using: &random))
            return try! Event(id: eventID(), occurredAt: occurredAt, payload: .downtime(payload))
        case 2:
            return try! Event(id: eventID(), occurredAt: occurredAt, payload: .inventoryMovement(movement()))
        case 3, 4:
            let quantity = chance(50) ? quantity() : nil
            var hold = QualityHold(
                plant: text(), item: optionalText(), gtin: chance(30) ? gs1(length: pick([8, 12, 13, 14])) : nil,
                lot: optionalText(), sscc: chance(20) ? gs1(length: 18) : nil, location: optionalText(),
                quantity: quantity, unit: quantity == nil ? nil : text(), reason: text(), station: optionalText())
            if hold.item == nil && hold.gtin == nil && hold.lot == nil && hold.sscc == nil { hold.lot = text() }
            let payload: EventPayload = chance(50) ? .qualityHold(hold) : .qualityRelease(hold)
            return try! Event(id: eventID(), occurredAt: occurredAt, payload: payload)
        case 5:
            return telemetrySample()
        default:
            let payload = DeadLetterTombstone(
                originalSeq: chance(10)
                    ? (simple ? 999_999_999_999_999_999 : Int64.max) : Int64.random(in: 1...1_000_000, using: &random),
                originalID: eventID(), originalType: text(), originalStream: text(), reason: text())
            return try! Event(
                id: EventID.tombstone(ofID: eventID()), occurredAt: occurredAt, payload: .deadLettered(payload))
        }
    }

    /// A kept raw sample: numbers of either sign (up to Int64's edges unless `simple`), booleans, texts (also
    /// empty), with or without a StatusCode whose severity gives the quality.
    mutating func telemetrySample() -> Event {
        let value: TelemetryValue
        switch Int.random(in: 0..<3, using: &random) {
        case 0:
            var number = quantity()
            if chance(40) && !number.isZero {
                number = try! DecimalNumber(significand: -number.significand, scale: number.scale)
            }
            if !simple && chance(5) {
                number = pick([
                    try! DecimalNumber(parsing: "-9223372036854775808"),
                    try! DecimalNumber(parsing: "-0.000000000000000001"),
                    try! DecimalNumber(parsing: "-999999999999999999"),
                ])
            }
            value = .number(number)
        case 1:
            value = .bool(chance(50))
        default:
            value = .string(chance(20) ? "" : text())
        }
        let code: UInt32? =
            chance(50)
            ? pick([
                0, 0x4092_0000, 0x8034_0000, 0xC000_0000, UInt32.max, 0x3FFF_FFFF,
                UInt32.random(in: 0...UInt32.max, using: &random),
            ])
            : nil
        let sample = TelemetrySample(
            tag: text(), value: value, quality: code.map(SampleQuality.fromStatusCode) ?? pick(SampleQuality.allCases),
            qualityCode: code, sourceTime: timestamp())
        return try! Event.telemetrySample(plant: text(), input: text(), sample: sample)
    }

    mutating func movement() -> InventoryMovement {
        let kind = pick(InventoryMovement.Kind.allCases)
        var movement = InventoryMovement(
            kind: kind, plant: text(), item: optionalText(),
            gtin: chance(40) ? gs1(length: pick([8, 12, 13, 14])) : nil,
            lot: optionalText(30), serial: optionalText(20), sscc: chance(30) ? gs1(length: 18) : nil,
            station: optionalText(), rawScan: optionalText(30))
        if movement.item == nil && movement.gtin == nil && movement.sscc == nil { movement.item = text() }
        if movement.sscc == nil || chance(50) {
            movement.quantity = quantity()
            movement.unit = text()
        }
        let from = text()
        var to = text()
        if to == from { to += "-2" }
        switch kind {
        case .receipt: movement.toLocation = to
        case .issue: movement.fromLocation = from
        case .transfer: (movement.fromLocation, movement.toLocation) = (from, to)
        case .adjustment: if chance(50) { movement.toLocation = to } else { movement.fromLocation = from }
        case .productionReceipt: (movement.toLocation, movement.order) = (to, text())
        case .cycleCount: movement.toLocation = to
        }
        if kind != .productionReceipt && chance(30) { movement.order = text() }
        return movement
    }
}

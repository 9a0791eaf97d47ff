/// Typed checks of a scanned canonical event, without building a tree or Strings: true only when
/// `Event(json:)` would accept the event. These mirror `FieldReader` and each payload's `init(reading:)` and
/// `validate()`, but only ever answer "certainly valid"; anything else (including every invalid event) is left
/// to the full decoder, which gives the exact error text. The property tests in WireFastPathTests compare both
/// on generated and mutated events of every type: a rule added to a payload must be added here too.
extension CanonicalObjectScanner {
    /// `data` is the index of the event's `data` member (an object), `kind` the event's known type.
    func certifiesPayload(_ kind: EventKind, data: Int) -> Bool {
        switch kind {
        case .productionConfirmation: return certifiesConfirmation(data)
        case .downtime: return certifiesDowntime(data)
        case .inventoryMovement: return certifiesMovement(data)
        case .qualityHold, .qualityRelease: return certifiesHold(data)
        case .deadLettered: return certifiesTombstone(data)
        case .telemetrySample: return certifiesTelemetrySample(data)
        }
    }

    private static let confirmationFields: [StaticString] = [
        "counter_reset", "downtime", "final", "gap_bridged_ms", "line", "operation", "order", "part", "plant",
        "rework", "runtime_s", "scrap", "unit", "window_end", "window_start", "work_center", "yield",
    ]

    private func certifiesConfirmation(_ data: Int) -> Bool {
        withUnsafeTemporaryAllocation(of: Int.self, capacity: 17) { s -> Bool in
            guard mapFields(of: data, Self.confirmationFields, into: s) else { return false }
            guard bool(s[0]), bool(s[2]), requiredString(s[4]), requiredString(s[5]), requiredString(s[6]),
                requiredString(s[8]), requiredString(s[12]), optionalString(s[15]), quantity(s[9]), quantity(s[11]),
                quantity(s[16]), seconds(s[10]) != nil, let start = timestamp(s[14]), let end = timestamp(s[13]),
                end > start
            else { return false }
            if s[3] >= 0 && integer(s[3], minimum: 0) == nil { return false }
            if s[7] >= 0 && integer(s[7], minimum: 1) == nil { return false }
            // downtime: an object of non-empty reason → seconds (possibly empty)
            let downtime = s[1]
            guard downtime >= 0, members[downtime].kind == .object else { return false }
            var i = downtime + 1
            let objectEnd = members[downtime].valueEnd
            while i < members.count && members[i].keyStart < objectEnd {
                let reason = members[i]
                guard reason.parent == downtime, reason.keyCount > 0, seconds(i) != nil else { return false }
                i += 1
            }
            return true
        }
    }

    private static let downtimeFields: [StaticString] = ["duration_s", "end", "line", "plant", "reason", "start"]

    private func certifiesDowntime(_ data: Int) -> Bool {
        withUnsafeTemporaryAllocation(of: Int.self, capacity: 6) { s -> Bool in
            guard mapFields(of: data, Self.downtimeFields, into: s), let duration = seconds(s[0]),
                let end = timestamp(s[1]), let start = timestamp(s[5]), requiredString(s[2]), requiredString(s[3]),
                requiredString(s[4])
            else { return false }
            return end >= start && duration <= end - start
        }
    }

    private static let movementFields: [StaticString] = [
        "from_location", "gtin", "item", "kind", "lot", "order", "plant", "quantity", "raw_scan", "serial", "sscc",
        "station", "to_location", "unit",
    ]

    private func certifiesMovement(_ data: Int) -> Bool {
        withUnsafeTemporaryAllocation(of: Int.self, capacity: 14) { s -> Bool in
            guard mapFields(of: data, Self.movementFields, into: s), let kind = movementKind(s[3]),
                requiredString(s[6])
            else { return false }
            for k in [0, 1, 2, 4, 5, 8, 9, 10, 11, 12, 13] where !optionalString(s[k]) { return false }
            let (from, gtin, item, order, quantity, sscc, to, unit) = (
                s[0], s[1], s[2], s[5], s[7], s[10], s[12], s[13]
            )
            guard item >= 0 || gtin >= 0 || sscc >= 0 else { return false }
            guard gtin < 0 || gs1(gtin, lengths: 8, 12, 13, 14), sscc < 0 || gs1(sscc, lengths: 18, 18, 18, 18),
                quantity < 0 || self.quantity(quantity), (quantity >= 0) == (unit >= 0), quantity >= 0 || sscc >= 0
            else { return false }
            switch kind {
            case .receipt: return to >= 0
            case .productionReceipt: return to >= 0 && order >= 0
            case .issue: return from >= 0
            case .transfer: return from >= 0 && to >= 0 && certainlyDifferent(from, to)
            case .adjustment: return (from >= 0) != (to >= 0)
            case .cycleCount: return to >= 0 && from < 0
            }
        }
    }

    private static let holdFields: [StaticString] = [
        "gtin", "item", "location", "lot", "plant", "quantity", "reason", "sscc", "station", "unit",
    ]

    private func certifiesHold(_ data: Int) -> Bool {
        withUnsafeTemporaryAllocation(of: Int.self, capacity: 10) { s -> Bool in
            guard mapFields(of: data, Self.holdFields, into: s), requiredString(s[4]), requiredString(s[6]) else {
                return false
            }
            for k in [0, 1, 2, 3, 7, 8, 9] where !optionalString(s[k]) { return false }
            let (gtin, item, lot, quantity, sscc, unit) = (s[0], s[1], s[3], s[5], s[7], s[9])
            return (item >= 0 || gtin >= 0 || lot >= 0 || sscc >= 0)
                && (gtin < 0 || gs1(gtin, lengths: 8, 12, 13, 14)) && (sscc < 0 || gs1(sscc, lengths: 18, 18, 18, 18))
                && (quantity < 0 || self.quantity(quantity)) && (quantity >= 0) == (unit >= 0)
        }
    }

    private static let tombstoneFields: [StaticString] = [
        "original_id", "original_seq", "original_stream", "original_type", "reason",
    ]

    private func certifiesTombstone(_ data: Int) -> Bool {
        withUnsafeTemporaryAllocation(of: Int.self, capacity: 5) { s -> Bool in
            mapFields(of: data, Self.tombstoneFields, into: s) && s[0] >= 0 && isEventID(members[s[0]])
                && integer(s[1], minimum: 1) != nil && requiredString(s[2]) && requiredString(s[3])
                && requiredString(s[4])
        }
    }

    private static let telemetrySampleFields: [StaticString] = [
        "input", "plant", "quality", "quality_code", "source_time", "tag", "value", "value_type",
    ]

    private func certifiesTelemetrySample(_ data: Int) -> Bool {
        withUnsafeTemporaryAllocation(of: Int.self, capacity: 8) { s -> Bool in
            guard mapFields(of: data, Self.telemetrySampleFields, into: s), requiredString(s[0]), requiredString(s[1]),
                requiredString(s[5]), timestamp(s[4]) != nil, let severity = qualitySeverity(s[2])
            else { return false }
            if s[3] >= 0 {
                // An OPC UA StatusCode whose severity (bits 31-30: 00 good, 01 uncertain, 1x bad) is the quality's.
                guard let code = integer(s[3], minimum: 0), code <= Int64(UInt32.max), min(code >> 30, 2) == severity
                else { return false }
            }
            let value = s[6]
            let type = s[7]
            guard value >= 0, members[value].isString, type >= 0, members[type].kind == .plainString else {
                return false
            }
            let (start, end) = (members[type].valueStart, members[type].valueEnd)
            if equal(start, end, "string") { return true }
            guard members[value].kind == .plainString else { return false }
            if equal(start, end, "number") { return signedDecimal(value) }
            if equal(start, end, "bool") {
                let (valueStart, valueEnd) = (members[value].valueStart, members[value].valueEnd)
                return equal(valueStart, valueEnd, "true") || equal(valueStart, valueEnd, "false")
            }
            return false
        }
    }

    /// `good` 0, `uncertain` 1, `bad` 2 (as `min(StatusCode >> 30, 2)`); nil for anything else.
    private func qualitySeverity(_ slot: Int) -> Int64? {
        guard slot >= 0, members[slot].kind == .plainString else { return nil }
        let (start, end) = (members[slot].valueStart, members[slot].valueEnd)
        if equal(start, end, "good") { return 0 }
        if equal(start, end, "uncertain") { return 1 }
        if equal(start, end, "bad") { return 2 }
        return nil
    }

    // MARK: - Fields

    /// `slots[k]` = index of the member of `parent` named `fields[k]`, or -1. False when `parent` is not an
    /// object or has a member not in `fields` (both sorted, so one merge walk, as `FieldReader` does).
    func mapFields(of parent: Int, _ fields: [StaticString], into slots: UnsafeMutableBufferPointer<Int>) -> Bool {
        slots.initialize(repeating: -1)
        guard members[parent].kind == .object else { return false }
        let end = members[parent].valueEnd
        var next = 0
        var i = parent + 1
        while i < members.count && members[i].keyStart < end {
            let member = members[i]
            if member.parent == parent {
                var order = 1
                while next < fields.count {
                    order = compareKey(member, fields[next])
                    if order <= 0 { break }
                    next += 1
                }
                guard order == 0 else { return false }
                slots[next] = i
                next += 1
            }
            i += 1
        }
        return true
    }

    private func compareKey(_ member: ScannedMember, _ name: StaticString) -> Int {
        let word = name.utf8Start
        let n = min(member.keyCount, name.utf8CodeUnitCount)
        for k in 0..<n {
            let x = bytes[member.keyStart + k]
            let y = word[k]
            if x != y { return Int(x) - Int(y) }
        }
        return member.keyCount - name.utf8CodeUnitCount
    }

    /// A non-empty string (any canonical escapes).
    private func requiredString(_ slot: Int) -> Bool {
        slot >= 0 && members[slot].isString && members[slot].valueCount > 0
    }

    private func optionalString(_ slot: Int) -> Bool { slot < 0 || requiredString(slot) }

    private func bool(_ slot: Int) -> Bool { slot >= 0 && members[slot].kind == .bool }

    /// The decoded strings differ as Swift compares them. Canonical escaping is one-to-one, so for ASCII the raw
    /// bytes decide; non-ASCII text is left to the full decoder (Swift's `==` is canonical equivalence: "é" ==
    /// "e\u{301}").
    private func certainlyDifferent(_ a: Int, _ b: Int) -> Bool {
        let x = value(members[a])
        let y = value(members[b])
        for byte in x where byte >= 0x80 { return false }
        for byte in y where byte >= 0x80 { return false }
        return x.count != y.count || !x.elementsEqual(y)
    }

    /// A quantity: a string holding a canonical decimal ≥ 0, `(0|[1-9][0-9]*)(\.[0-9]*[1-9])?`, with at most 18
    /// significant digits and 18 decimals (so it parses within DecimalNumber's range and scale).
    private func quantity(_ slot: Int) -> Bool {
        guard slot >= 0, members[slot].kind == .plainString else { return false }
        return canonicalDigits(value(members[slot]), maxFraction: 18) != nil
    }

    /// A canonical decimal of either sign in a plain string: an optional `-` before what `quantity` accepts,
    /// but not `-0`.
    private func signedDecimal(_ slot: Int) -> Bool {
        let text = value(members[slot])
        guard text.count > 1, text[0] == UInt8(ascii: "-") else {
            return canonicalDigits(text, maxFraction: 18) != nil
        }
        let magnitude = UnsafeRawBufferPointer(rebasing: text[1...])
        guard let (integer, fraction, _) = canonicalDigits(magnitude, maxFraction: 18) else { return false }
        return integer != 0 || fraction != 0
    }

    /// Seconds: a JSON number, canonical, ≥ 0, at most 3 decimals; returned in milliseconds.
    private func seconds(_ slot: Int) -> Int64? {
        guard slot >= 0, members[slot].kind == .integer || members[slot].kind == .number,
            let (integer, fraction, fractionDigits) = canonicalDigits(value(members[slot]), maxFraction: 3),
            integer < 1_000_000_000_000_000
        else { return nil }
        var milliseconds = fraction
        for _ in fractionDigits..<3 { milliseconds *= 10 }
        return integer * 1000 + milliseconds
    }

    /// `(0|[1-9][0-9]*)(\.[0-9]*[1-9])?` with at most `maxFraction` decimals and 18 significant digits (integer
    /// and fraction together, without a lone leading "0"): (integer part, fraction digits as an integer, count
    /// of fraction digits).
    private func canonicalDigits(_ text: UnsafeRawBufferPointer, maxFraction: Int) -> (Int64, Int64, Int)? {
        let count = text.count
        guard count > 0, isDigit(text[0]) else { return nil }
        var i = 0
        var integer: Int64 = 0
        if text[0] == UInt8(ascii: "0") {
            i = 1
        } else {
            while i < count && isDigit(text[i]) {
                guard i < 18 else { return nil }
                integer = integer * 10 + Int64(text[i] &- 0x30)
                i += 1
            }
        }
        if i == count { return (integer, 0, 0) }
        guard text[i] == UInt8(ascii: "."), text[count - 1] != UInt8(ascii: "0") else { return nil }
        let significantIntegerDigits = integer == 0 ? 0 : i
        i += 1
        let fractionStart = i
        var fraction: Int64 = 0
        while i < count && isDigit(text[i]) {
            guard i - fractionStart < maxFraction else { return nil }
            fraction = fraction * 10 + Int64(text[i] &- 0x30)
            i += 1
        }
        let fractionDigits = count - fractionStart
        guard i == count, fractionDigits > 0, significantIntegerDigits + fractionDigits <= 18 else { return nil }
        return (integer, fraction, fractionDigits)
    }

    /// A JSON integer ≥ `minimum` (≥ 0) of at most 18 digits.
    private func integer(_ slot: Int, minimum: Int64) -> Int64? {
        guard slot >= 0, members[slot].kind == .integer else { return nil }
        let text = value(members[slot])
        guard text.count <= 18, text[0] != UInt8(ascii: "-") else { return nil }
        var result: Int64 = 0
        for byte in text { result = result * 10 + Int64(byte &- 0x30) }
        return result >= minimum ? result : nil
    }

    /// A canonical timestamp string, in milliseconds since the epoch.
    private func timestamp(_ slot: Int) -> Int64? {
        guard slot >= 0, members[slot].kind == .plainString else { return nil }
        return canonicalTimestampMilliseconds(value(members[slot]))
    }

    /// An event id: 1-512 bytes 0x21-0x7E (strings with escapes are left to the full decoder).
    func isEventID(_ member: ScannedMember) -> Bool {
        guard member.kind == .plainString, member.valueCount >= 1, member.valueCount <= EventID.maxLength else {
            return false
        }
        for byte in value(member) where byte &- 0x21 > 0x7E - 0x21 { return false }
        return true
    }

    /// GS1 identifier: all digits, one of the lengths, valid mod-10 check digit (as `GS1CheckDigit.isValid`).
    private func gs1(_ slot: Int, lengths a: Int, _ b: Int, _ c: Int, _ d: Int) -> Bool {
        guard members[slot].kind == .plainString else { return false }
        let text = value(members[slot])
        let count = text.count
        guard count == a || count == b || count == c || count == d else { return false }
        var sum = 0
        var weight = 3
        var k = count - 2
        while k >= 0 {
            let byte = text[k]
            guard isDigit(byte) else { return false }
            sum += Int(byte &- 0x30) * weight
            weight = 4 - weight
            k -= 1
        }
        return text[count - 1] == UInt8(truncatingIfNeeded: 0x30 + (10 - sum % 10) % 10)
    }

    private func movementKind(_ slot: Int) -> InventoryMovement.Kind? {
        guard slot >= 0, members[slot].kind == .plainString else { return nil }
        let (start, end) = (members[slot].valueStart, members[slot].valueEnd)
        if equal(start, end, "transfer") { return .transfer }
        if equal(start, end, "receipt") { return .receipt }
        if equal(start, end, "issue") { return .issue }
        if equal(start, end, "adjustment") { return .adjustment }
        if equal(start, end, "production_receipt") { return .productionReceipt }
        if equal(start, end, "cycle_count") { return .cycleCount }
        return nil
    }

    /// The event type named by a plain string member.
    func eventKind(_ member: ScannedMember) -> EventKind? {
        let (start, end) = (member.valueStart, member.valueEnd)
        switch end - start {
        case 8: return equal(start, end, "downtime") ? .downtime : nil
        case 12: return equal(start, end, "quality_hold") ? .qualityHold : nil
        case 13: return equal(start, end, "dead_lettered") ? .deadLettered : nil
        case 15: return equal(start, end, "quality_release") ? .qualityRelease : nil
        case 16: return equal(start, end, "telemetry_sample") ? .telemetrySample : nil
        case 18: return equal(start, end, "inventory_movement") ? .inventoryMovement : nil
        case 23: return equal(start, end, "production_confirmation") ? .productionConfirmation : nil
        default: return nil
        }
    }
}

/// `YYYY-MM-DDTHH:MM:SS.mmmZ` with every field in range (as `Timestamp(parsing:)` checks it), in milliseconds
/// since the epoch; nil for anything else, including valid but non-canonical forms.
func canonicalTimestampMilliseconds(_ text: UnsafeRawBufferPointer) -> Int64? {
    guard text.count == 24, text[4] == UInt8(ascii: "-"), text[7] == UInt8(ascii: "-"), text[10] == UInt8(ascii: "T"),
        text[13] == UInt8(ascii: ":"), text[16] == UInt8(ascii: ":"), text[19] == UInt8(ascii: "."),
        text[23] == UInt8(ascii: "Z")
    else { return nil }
    @inline(__always) func digits(_ at: Int, _ count: Int) -> Int? {
        var value = 0
        for k in at..<(at + count) {
            let digit = text[k] &- 0x30
            guard digit < 10 else { return nil }
            value = value * 10 + Int(digit)
        }
        return value
    }
    guard let year = digits(0, 4), let month = digits(5, 2), let day = digits(8, 2), let hour = digits(11, 2),
        let minute = digits(14, 2), let second = digits(17, 2), let millisecond = digits(20, 3),
        month >= 1, month <= 12, day >= 1, day <= CivilDate.daysInMonth(year: year, month: month), hour <= 23,
        minute <= 59, second <= 59
    else { return nil }
    let days = CivilDate.daysFromCivil(year: year, month: month, day: day)
    return days * Timestamp.millisecondsPerDay + Int64(((hour * 60 + minute) * 60 + second) * 1000 + millisecond)
}

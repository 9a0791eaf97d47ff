import PlantModel

/// The checkpoint format, version 1: "PSAG", a version byte, then the fields in the order below.
/// A new field means a new version; older versions stay readable.
extension AggregatorState {
    static let magic: [UInt8] = Array("PSAG".utf8)
    static let formatVersion: UInt8 = 1

    /// The compact, versioned bytes to store as the line's checkpoint.
    public func encoded() -> [UInt8] {
        var w = StateWriter()
        w.bytes.reserveCapacity(128 + tracks.count * 48)
        w.bytes.append(contentsOf: Self.magic)
        w.byte(Self.formatVersion)
        w.count(tracks.count)
        for (tag, track) in tracks.sorted(by: { $0.key < $1.key }) {  // sorted: equal states, equal bytes
            w.string(tag)
            w.signed(track.time)
            switch track.reading {
            case .number(let number):
                w.byte(0)
                w.signed(number.significand)
                w.byte(UInt8(number.scale))
            case .bool(let flag):
                w.byte(flag ? 2 : 1)
            case .string(let text):
                w.byte(3)
                w.string(text)
            }
            w.unsigned(track.raw)
        }
        w.byte(machineState.map { UInt8(MachineState.allCases.firstIndex(of: $0)! + 1) } ?? 0)
        w.optionalString(reason)
        w.signed(accountedTo)
        w.optionalString(order)
        w.optionalString(operation)
        w.count(pendingResetTags.count)
        for tag in pendingResetTags { w.string(tag) }
        w.signed(pendingGapMilliseconds)
        w.signed(scrapCarry)
        for value in [excluded.bad, excluded.uncertain, excluded.outOfOrder, excluded.duplicates, excluded.invalid] {
            w.count(value)
        }
        if let part {
            w.byte(1)
            w.signed(part.periodStart)
            w.signed(part.periodEnd)
            w.signed(part.start)
            w.count(part.number)
            w.count(part.partials)
            for value in [part.good, part.scrap, part.total, part.rework] { w.unsigned(value) }
            for value in [part.runningMilliseconds, part.idleMilliseconds, part.downMilliseconds] { w.signed(value) }
            w.count(part.downtime.count)
            for piece in part.downtime {
                w.signed(piece.start)
                w.signed(piece.end)
                w.string(piece.reason)
            }
            w.byte(part.stateChanged ? 1 : 0)
        } else {
            w.byte(0)
        }
        return w.bytes
    }

    /// Reads bytes written by `encoded()`.
    public init(decoding bytes: [UInt8]) throws(AggregatorStateError) {
        guard bytes.count >= 5, Array(bytes[0..<4]) == Self.magic else { throw .notACheckpoint }
        guard bytes[4] == Self.formatVersion else { throw .unsupportedVersion(Int(bytes[4])) }
        var r = StateReader(bytes)
        r.offset = 5
        self.init()
        for _ in 0..<(try r.count()) {
            let tag = try r.string()
            let time = try r.signed()
            let kindOffset = r.offset
            let reading: TelemetryValue
            switch try r.byte() {
            case 0:
                let significand = try r.signed()
                let scaleOffset = r.offset
                let scale = Int(try r.byte())
                do {
                    reading = .number(try DecimalNumber(significand: significand, scale: scale))
                } catch {
                    throw .invalid(offset: scaleOffset, expected: "a decimal scale 0...18")
                }
            case 1: reading = .bool(false)
            case 2: reading = .bool(true)
            case 3: reading = .string(try r.string())
            default: throw .invalid(offset: kindOffset, expected: "a value kind 0...3")
            }
            tracks[tag] = TagTrack(time: time, reading: reading, raw: try r.unsigned())
        }
        let stateOffset = r.offset
        switch try r.byte() {
        case 0: machineState = nil
        case let code where code <= 3: machineState = MachineState.allCases[Int(code) - 1]
        default: throw .invalid(offset: stateOffset, expected: "a machine state 0...3")
        }
        reason = try r.optionalString()
        accountedTo = try r.signed()
        order = try r.optionalString()
        operation = try r.optionalString()
        for _ in 0..<(try r.count()) { pendingResetTags.append(try r.string()) }
        pendingGapMilliseconds = try r.signed()
        scrapCarry = try r.signed()
        excluded.bad = try r.count(limit: .max)
        excluded.uncertain = try r.count(limit: .max)
        excluded.outOfOrder = try r.count(limit: .max)
        excluded.duplicates = try r.count(limit: .max)
        excluded.invalid = try r.count(limit: .max)
        if try r.flag() {
            var part = OpenPart(periodStart: try r.signed(), periodEnd: try r.signed(), start: try r.signed())
            part.number = try r.count()
            part.partials = try r.count()
            part.good = try r.unsigned()
            part.scrap = try r.unsigned()
            part.total = try r.unsigned()
            part.rework = try r.unsigned()
            part.runningMilliseconds = try r.signed()
            part.idleMilliseconds = try r.signed()
            part.downMilliseconds = try r.signed()
            for _ in 0..<(try r.count()) {
                part.downtime.append(DowntimePiece(start: try r.signed(), end: try r.signed(), reason: try r.string()))
            }
            part.stateChanged = try r.flag()
            self.part = part
        }
        guard r.isAtEnd else { throw .invalid(offset: r.offset, expected: "the end of the checkpoint") }
    }
}

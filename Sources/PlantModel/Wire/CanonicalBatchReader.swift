/// The fast path of `BatchRequest.decode`, for bodies in the shape `BatchEncoder` writes: no whitespace, header
/// members (any order, `first_seq` before `events`), and each event `{"seq":N,` followed by canonical event
/// bytes. One pass over the body checks the envelope, checks that each event is canonical (so its stored form
/// is `{` + the bytes after `"seq":N,`, exactly what the full parser plus `JSONWriter` would give) and certifies
/// valid events with typed checks (`EventCertifier`), recording byte ranges instead of building a JSON tree.
///
/// It returns nil for anything else — another shape, whitespace, escapes in the header, a non-canonical event,
/// or any error — and the caller runs the full decoder, which also produces the exact error messages. So
/// whenever it returns a batch, the full decoder would have returned the same batch.
struct CanonicalBatchReader {
    private var scanner: CanonicalObjectScanner
    private let limits: BatchRequest.Limits

    /// Deepest nesting inside an event accepted here (event, data, downtime-by-reason, one spare level); the
    /// full parser allows 16 from the body, i.e. 14 from an event.
    static let maxEventDepth = 4

    init(body: UnsafeRawBufferPointer, limits: BatchRequest.Limits) {
        scanner = CanonicalObjectScanner(bytes: body, maxDepth: Self.maxEventDepth)
        self.limits = limits
    }

    private var bytes: UnsafeRawBufferPointer { scanner.bytes }

    private var index: Int {
        get { scanner.index }
        set { scanner.index = newValue }
    }

    @inline(__always) private func at(_ byte: UInt8) -> Bool { index < bytes.count && bytes[index] == byte }

    @inline(__always) private mutating func take(_ byte: UInt8) -> Bool {
        guard at(byte) else { return false }
        index += 1
        return true
    }

    mutating func read() -> BatchRequest? {
        guard take(UInt8(ascii: "{")) else { return nil }
        var plant: String?
        var stream: String?
        var epoch: String?
        var firstSeq: Int64?
        var backlog: [String: StreamBacklog]?
        var events: [WireEvent]?
        repeat {
            guard at(UInt8(ascii: "\"")) else { return nil }
            let keyStart = index + 1
            guard scanner.scanKey(), take(UInt8(ascii: ":")) else { return nil }
            let keyEnd = index - 2
            if scanner.equal(keyStart, keyEnd, "events") {
                guard events == nil, let firstSeq, let read = readEvents(firstSeq: firstSeq) else { return nil }
                events = read
            } else if scanner.equal(keyStart, keyEnd, "backlog") {
                guard backlog == nil, let read = readBacklog() else { return nil }
                backlog = read
            } else if scanner.equal(keyStart, keyEnd, "first_seq") {
                guard firstSeq == nil, let read = readInteger(minimum: 1) else { return nil }
                firstSeq = read
            } else if scanner.equal(keyStart, keyEnd, "plant") {
                guard plant == nil, let read = readHeaderString() else { return nil }
                plant = read
            } else if scanner.equal(keyStart, keyEnd, "stream") {
                guard stream == nil, let read = readHeaderString() else { return nil }
                stream = read
            } else if scanner.equal(keyStart, keyEnd, "epoch") {
                guard epoch == nil, let read = readHeaderString() else { return nil }
                epoch = read
            } else {
                return nil
            }
        } while take(UInt8(ascii: ","))
        guard take(UInt8(ascii: "}")), index == bytes.count, let plant, let stream, let epoch, let firstSeq,
            let events
        else { return nil }
        return BatchRequest(
            plant: plant, stream: stream, epoch: epoch, firstSeq: firstSeq, events: events, backlog: backlog ?? [:])
    }

    /// A non-empty string without escapes.
    private mutating func readHeaderString() -> String? {
        guard at(UInt8(ascii: "\"")) else { return nil }
        let start = index + 1
        var escaped = false
        guard scanner.scanString(escaped: &escaped), !escaped, index - 1 > start else { return nil }
        return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<(index - 1)]), as: UTF8.self)
    }

    /// `0|[1-9][0-9]*`, at most 18 digits, ≥ `minimum` (which is 0 or 1).
    private mutating func readInteger(minimum: Int64) -> Int64? {
        guard index < bytes.count else { return nil }
        let start = index
        var value: Int64 = 0
        while index < bytes.count, case let digit = bytes[index] &- 0x30, digit < 10 {
            guard index - start < 18 else { return nil }
            value = value * 10 + Int64(digit)
            index += 1
        }
        let leadingZero = index - start > 1 && bytes[start] == UInt8(ascii: "0")
        guard index > start, !leadingZero, value >= minimum, !at(UInt8(ascii: ".")), !at(UInt8(ascii: "e")),
            !at(UInt8(ascii: "E"))
        else { return nil }
        return value
    }

    /// `{"<stream>":{"oldest_age_s":N,"pending":N},…}`, streams strictly in UTF-8 order, without escapes.
    private mutating func readBacklog() -> [String: StreamBacklog]? {
        guard take(UInt8(ascii: "{")) else { return nil }
        var backlog: [String: StreamBacklog] = [:]
        if take(UInt8(ascii: "}")) { return backlog }
        var previous: UnsafeRawBufferPointer?
        repeat {
            guard at(UInt8(ascii: "\"")) else { return nil }
            let start = index + 1
            guard scanner.scanKey() else { return nil }
            let name = UnsafeRawBufferPointer(rebasing: bytes[start..<(index - 1)])
            if let previous, !previous.lexicographicallyPrecedes(name) { return nil }
            previous = name
            guard scanner.matches(#":{"oldest_age_s":"#), let age = readInteger(minimum: 0),
                scanner.matches(#","pending":"#), let pending = readInteger(minimum: 0), take(UInt8(ascii: "}"))
            else { return nil }
            backlog[String(decoding: name, as: UTF8.self)] = StreamBacklog(pending: pending, oldestAgeSeconds: age)
        } while take(UInt8(ascii: ","))
        return take(UInt8(ascii: "}")) ? backlog : nil
    }

    private mutating func readEvents(firstSeq: Int64) -> [WireEvent]? {
        guard take(UInt8(ascii: "[")) else { return nil }
        var events: [WireEvent] = []
        if take(UInt8(ascii: "]")) { return events }
        events.reserveCapacity(min(limits.maxEvents, (bytes.count - index) / 128 + 1))
        repeat {
            let (expectedSeq, overflow) = firstSeq.addingReportingOverflow(Int64(events.count))
            guard !overflow, events.count < limits.maxEvents, scanner.matches(#"{"seq":"#),
                readInteger(minimum: 1) == expectedSeq, take(UInt8(ascii: ","))
            else { return nil }
            guard let event = readEvent(seq: expectedSeq) else { return nil }
            events.append(event)
        } while take(UInt8(ascii: ","))
        return take(UInt8(ascii: "]")) ? events : nil
    }

    /// The event's members after `"seq":N,`, up to and including its `}`.
    private mutating func readEvent(seq: Int64) -> WireEvent? {
        let restStart = index
        scanner.members.removeAll(keepingCapacity: true)
        guard scanner.scanMembers(parent: -1, depth: 1) else { return nil }
        var data = -1
        var id = -1
        var occurredAt = -1
        var type = -1
        var onlyEventFields = true  // `Event(json:)` allows nothing else; the envelope tolerates more
        for k in scanner.members.indices where scanner.members[k].parent == -1 {
            let member = scanner.members[k]
            if scanner.key(member, is: "data") {
                data = k
            } else if scanner.key(member, is: "id") {
                id = k
            } else if scanner.key(member, is: "occurred_at") {
                occurredAt = k
            } else if scanner.key(member, is: "type") {
                type = k
            } else if scanner.key(member, is: "seq") {
                return nil  // a second seq: the full parser refuses the duplicate key
            } else {
                onlyEventFields = false
            }
        }
        guard data >= 0, id >= 0, scanner.isEventID(scanner.members[id]), type >= 0,
            scanner.members[type].kind == .plainString, scanner.members[type].valueCount > 0, occurredAt >= 0,
            scanner.members[occurredAt].kind == .plainString,
            let milliseconds = canonicalTimestampMilliseconds(scanner.value(scanner.members[occurredAt]))
        else { return nil }
        let kind = scanner.eventKind(scanner.members[type])
        var certified = false
        if let kind, onlyEventFields { certified = scanner.certifiesPayload(kind, data: data) }
        let rest = UnsafeRawBufferPointer(rebasing: bytes[restStart..<index])
        let canonical = [UInt8](unsafeUninitializedCapacity: rest.count + 1) { buffer, count in
            buffer[0] = UInt8(ascii: "{")
            UnsafeMutableRawBufferPointer(UnsafeMutableBufferPointer(rebasing: buffer[1...])).copyMemory(from: rest)
            count = rest.count + 1
        }
        return WireEvent(
            seq: seq, id: EventID(unchecked: String(decoding: scanner.value(scanner.members[id]), as: UTF8.self)),
            type: kind?.rawValue ?? String(decoding: scanner.value(scanner.members[type]), as: UTF8.self),
            kind: kind, occurredAt: Timestamp(millisecondsSinceEpoch: milliseconds), canonical: canonical,
            certified: certified)
    }
}

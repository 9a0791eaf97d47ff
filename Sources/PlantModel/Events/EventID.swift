/// An event's identity, derived deterministically from its source (DESIGN invariant 3) so that reading the
/// same input twice cannot make two events. 1-512 bytes of printable ASCII without spaces (0x21-0x7E).
public struct EventID: Sendable, Hashable, Comparable, CustomStringConvertible {
    public static let maxLength = 512

    public let rawValue: String

    /// Validates an id received from elsewhere (the journal, the wire).
    public init(_ rawValue: String) throws(EventIDError) {
        var text = rawValue
        let invalid: EventIDError? = text.withUTF8 { bytes in
            guard !bytes.isEmpty else { return .empty }
            guard bytes.count <= Self.maxLength else { return .tooLong(length: bytes.count) }
            for offset in 0..<bytes.count where bytes[offset] &- 0x21 > 0x7E - 0x21 {
                return .invalidCharacter(offset: offset, byte: bytes[offset])
            }
            return nil
        }
        if let invalid { throw invalid }
        self.rawValue = rawValue
    }

    init(unchecked rawValue: String) {
        self.rawValue = rawValue
    }

    public var description: String { rawValue }

    public static func < (lhs: EventID, rhs: EventID) -> Bool { compareUTF8(lhs.rawValue, rhs.rawValue) < 0 }

    // MARK: - Builders. Components are percent-encoded (bytes outside 0x21-0x7E and '%', '/', '#'), so any
    // input text gives a valid, unambiguous id.

    /// `conf/P100/L3/WO-4711/10/2026-11-22T14:00:00.000Z`, plus `#2`, `#3`… when an order change split the
    /// window and this order's part is not the first.
    public static func confirmation(
        plant: String, line: String, order: String, operation: String, windowStart: Timestamp, part: Int? = nil
    ) throws(EventIDError) -> EventID {
        var id = "conf/\(escaped(plant))/\(escaped(line))/\(escaped(order))/\(escaped(operation))/\(windowStart)"
        if let part, part >= 2 { id += "#\(part)" }
        return try EventID(id)
    }

    /// `down/P100/L3/2026-11-22T14:03:10.250Z`: one downtime per line and start instant.
    public static func downtime(plant: String, line: String, start: Timestamp) throws(EventIDError) -> EventID {
        try EventID("down/\(escaped(plant))/\(escaped(line))/\(start)")
    }

    /// `file/<input>/<digest>/<row>`: one event per row of a dropped file, identified by content digest.
    public static func fileRow(input: String, digestHex: String, row: Int) throws(EventIDError) -> EventID {
        try EventID("file/\(escaped(input))/\(escaped(digestHex))/\(row)")
    }

    /// `scan/<station>/<sequence>`: one event per scan a station numbered.
    public static func scan(station: String, sequence: Int64) throws(EventIDError) -> EventID {
        try EventID("scan/\(escaped(station))/\(sequence)")
    }

    /// `tele/<plant>/<input>/<tag>/<source time>`: one raw telemetry sample per tag and source instant, so a
    /// sample read again (a reconnect, a replay after a crash) is the same event.
    public static func telemetrySample(
        plant: String, input: String, tag: String, sourceTime: Timestamp
    ) throws(EventIDError) -> EventID {
        try EventID("tele/\(escaped(plant))/\(escaped(input))/\(escaped(tag))/\(sourceTime)")
    }

    /// `dead/<original id>`: the tombstone sent in place of an event the hub refused for good. Never fails:
    /// when the result would exceed 512 bytes the tail of the original is replaced by its FNV-1a digest.
    public static func tombstone(ofID original: EventID) -> EventID {
        let plain = "dead/" + original.rawValue
        if plain.utf8.count <= maxLength { return EventID(unchecked: plain) }
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in original.rawValue.utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        let digest = String(hash, radix: 16)
        let keep = maxLength - 5 - 1 - 16
        let head = String(decoding: original.rawValue.utf8.prefix(keep), as: UTF8.self)
        return EventID(unchecked: "dead/\(head)~\(String(repeating: "0", count: 16 - digest.count))\(digest)")
    }

    /// Percent-encodes what an id component must not contain.
    static func escaped(_ component: String) -> String {
        let utf8 = component.utf8
        if !utf8.isEmpty && utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F && $0 != 0x25 && $0 != 0x2F && $0 != 0x23 }) {
            return component
        }
        var bytes: [UInt8] = []
        for byte in utf8 {
            if byte > 0x20 && byte < 0x7F && byte != 0x25 && byte != 0x2F && byte != 0x23 {
                bytes.append(byte)
            } else {
                bytes.append(0x25)
                bytes.append(contentsOf: hex(byte).utf8)
            }
        }
        return bytes.isEmpty ? "%00" : String(decoding: bytes, as: UTF8.self)  // never an empty component
    }
}

/// Why text is not a valid event id.
public enum EventIDError: Error, Equatable, Sendable, CustomStringConvertible {
    case empty
    case tooLong(length: Int)
    case invalidCharacter(offset: Int, byte: UInt8)

    public var description: String {
        switch self {
        case .empty:
            return "invalid event id: empty; expected 1-512 printable ASCII characters"
        case let .tooLong(length):
            return "invalid event id: \(length) bytes long; expected at most 512"
        case let .invalidCharacter(offset, byte):
            return "invalid event id: byte 0x\(hex(byte)) at offset \(offset); expected printable ASCII without spaces"
        }
    }
}

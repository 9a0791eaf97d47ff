/// A little binary writer and reader for the state checkpoint: LEB128 varints (zigzag for signed
/// values) and length-prefixed UTF-8 strings. Compact, and no Foundation coder on the checkpoint path.
struct StateWriter {
    var bytes: [UInt8] = []

    mutating func byte(_ value: UInt8) { bytes.append(value) }

    mutating func unsigned(_ value: UInt64) {
        var v = value
        while v >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        bytes.append(UInt8(v))
    }

    mutating func signed(_ value: Int64) {
        unsigned(UInt64(bitPattern: (value << 1) ^ (value >> 63)))
    }

    mutating func count(_ value: Int) { unsigned(UInt64(value)) }

    mutating func string(_ value: String) {
        let utf8 = Array(value.utf8)
        count(utf8.count)
        bytes.append(contentsOf: utf8)
    }

    mutating func optionalString(_ value: String?) {
        if let value {
            byte(1)
            string(value)
        } else {
            byte(0)
        }
    }
}

struct StateReader {
    let bytes: [UInt8]
    var offset = 0

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    var isAtEnd: Bool { offset == bytes.count }

    mutating func byte() throws(AggregatorStateError) -> UInt8 {
        guard offset < bytes.count else { throw .truncated(offset: offset) }
        defer { offset += 1 }
        return bytes[offset]
    }

    mutating func unsigned() throws(AggregatorStateError) -> UInt64 {
        let start = offset
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let b = try byte()
            guard shift < 64, shift < 63 || b <= 1 else {
                throw .invalid(offset: start, expected: "a varint of at most 64 bits")
            }
            value |= UInt64(b & 0x7F) << shift
            if b < 0x80 { return value }
            shift += 7
        }
    }

    mutating func signed() throws(AggregatorStateError) -> Int64 {
        let raw = try unsigned()
        return Int64(bitPattern: raw >> 1) ^ -Int64(bitPattern: raw & 1)
    }

    mutating func count(limit: Int = 1 << 24) throws(AggregatorStateError) -> Int {
        let start = offset
        let value = try unsigned()
        guard value <= UInt64(limit) else { throw .invalid(offset: start, expected: "a count of at most \(limit)") }
        return Int(value)
    }

    mutating func string() throws(AggregatorStateError) -> String {
        let length = try count()
        guard bytes.count - offset >= length else { throw .truncated(offset: bytes.count) }
        defer { offset += length }
        return String(decoding: bytes[offset..<(offset + length)], as: UTF8.self)
    }

    mutating func optionalString() throws(AggregatorStateError) -> String? {
        try flag() ? try string() : nil
    }

    mutating func flag() throws(AggregatorStateError) -> Bool {
        let start = offset
        switch try byte() {
        case 0: return false
        case 1: return true
        default: throw .invalid(offset: start, expected: "0 or 1")
        }
    }
}

/// Why checkpoint bytes could not be read back.
public enum AggregatorStateError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Not an aggregator checkpoint (the first four bytes are not "PSAG").
    case notACheckpoint
    /// Written by a newer PlantSync.
    case unsupportedVersion(Int)
    /// The bytes end early.
    case truncated(offset: Int)
    /// A value at `offset` is not what the format allows.
    case invalid(offset: Int, expected: String)

    public var description: String {
        switch self {
        case .notACheckpoint:
            return "aggregator checkpoint: not a checkpoint (expected the bytes to start with \"PSAG\")"
        case .unsupportedVersion(let version):
            return "aggregator checkpoint: format version \(version) is newer than this PlantSync reads (1)"
        case .truncated(let offset):
            return "aggregator checkpoint: truncated at byte \(offset)"
        case .invalid(let offset, let expected):
            return "aggregator checkpoint: byte \(offset): expected \(expected)"
        }
    }
}

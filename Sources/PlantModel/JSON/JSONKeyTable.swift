/// Object keys the parser sees over and over (event fields, wire envelope). Reusing one String per known key
/// skips UTF-8 validation and String construction for most keys of our own documents.
struct JSONKeyTable: Sendable {
    static let shared = JSONKeyTable(keys: [
        "data", "id", "occurred_at", "type", "seq", "events", "backlog", "epoch", "first_seq", "plant", "stream",
        "pending", "oldest_age_s", "acked_through", "error", "expected_seq", "reason", "max_bytes", "retry_after_s",
        "message", "counter_reset", "downtime", "final", "gap_bridged_ms", "line", "operation", "order", "part",
        "rework", "runtime_s", "scrap", "unit", "window_end", "window_start", "work_center", "yield", "duration_s",
        "end", "start", "from_location", "gtin", "item", "kind", "lot", "quantity", "raw_scan", "serial", "sscc",
        "station", "to_location", "location", "original_id", "original_seq", "original_stream", "original_type",
    ])

    /// Keys of at most 16 bytes packed into two words (zero padded), so a lookup is a hash and two compares.
    private struct Slot: Sendable {
        var low: UInt64
        var high: UInt64
        var count: Int
        var key: String
    }

    private let slots: [Slot?]
    private let mask: Int

    init(keys: [String]) {
        var size = 16
        while size < keys.count * 4 { size *= 2 }
        var slots = [Slot?](repeating: nil, count: size)
        for key in keys {
            let bytes = Array(key.utf8)
            precondition(bytes.count <= 16, "interned keys are at most 16 bytes")
            let (low, high) = bytes.withUnsafeBytes { Self.pack($0) }
            var slot = Self.hash(low, high, bytes.count) & (size - 1)
            while slots[slot] != nil { slot = (slot + 1) & (size - 1) }
            slots[slot] = Slot(low: low, high: high, count: bytes.count, key: key)
        }
        self.slots = slots
        self.mask = size - 1
    }

    @inline(__always) static func pack(_ bytes: UnsafeRawBufferPointer) -> (UInt64, UInt64) {
        var words: (UInt64, UInt64) = (0, 0)
        withUnsafeMutableBytes(of: &words) { target in
            if let base = bytes.baseAddress, bytes.count > 0 {
                target.baseAddress!.copyMemory(from: base, byteCount: bytes.count)
            }
        }
        return words
    }

    @inline(__always) static func hash(_ low: UInt64, _ high: UInt64, _ count: Int) -> Int {
        var h = (low ^ (high &* 0x9E37_79B9_7F4A_7C15) ^ UInt64(count)) &* 0xBF58_476D_1CE4_E5B9
        h ^= h >> 31
        return Int(truncatingIfNeeded: h)
    }

    /// The shared String for these raw key bytes, or nil when the key is not a known one.
    func lookup(_ bytes: UnsafeRawBufferPointer) -> String? {
        guard bytes.count <= 16 else { return nil }
        let (low, high) = Self.pack(bytes)
        var slot = Self.hash(low, high, bytes.count) & mask
        while let entry = slots[slot] {
            if entry.low == low && entry.high == high && entry.count == bytes.count { return entry.key }
            slot = (slot + 1) & mask
        }
        return nil
    }
}

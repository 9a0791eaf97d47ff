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

    private let slots: [(bytes: [UInt8], key: String)?]
    private let mask: Int

    init(keys: [String]) {
        var size = 16
        while size < keys.count * 4 { size *= 2 }
        var slots = [(bytes: [UInt8], key: String)?](repeating: nil, count: size)
        for key in keys {
            let bytes = Array(key.utf8)
            var slot = Self.hash(bytes.withUnsafeBytes { $0 }) & (size - 1)
            while slots[slot] != nil { slot = (slot + 1) & (size - 1) }
            slots[slot] = (bytes, key)
        }
        self.slots = slots
        self.mask = size - 1
    }

    @inline(__always) static func hash(_ bytes: UnsafeRawBufferPointer) -> Int {
        var h: UInt32 = 2_166_136_261
        for byte in bytes { h = (h ^ UInt32(byte)) &* 16_777_619 }
        return Int(h)
    }

    /// The shared String for these raw key bytes, or nil when the key is not a known one.
    func lookup(_ bytes: UnsafeRawBufferPointer) -> String? {
        guard bytes.count <= 16 else { return nil }
        var slot = Self.hash(bytes) & mask
        while let entry = slots[slot] {
            if entry.bytes.count == bytes.count && entry.bytes.withUnsafeBytes({ $0.elementsEqual(bytes) }) {
                return entry.key
            }
            slot = (slot + 1) & mask
        }
        return nil
    }
}

/// The `events` rowid: `stream_key << 40 | position`. Keeps each stream's events together and in
/// feed order in the table itself, so no separate position index is written per event.
/// Room for 2^40 (≈ 10^12) events per stream and 2^23 (≈ 8 million) streams.
enum FeedRecord {
    static let positionBits: Int64 = 40
    static let positionMask: Int64 = (1 << positionBits) - 1
    static let maxStreamKey: Int64 = (1 << (63 - positionBits)) - 1

    static func record(streamKey: Int64, position: Int64) -> Int64 { streamKey << positionBits | position }

    static func position(_ record: Int64) -> Int64 { record & positionMask }

    /// The rowid range of a stream's feed after `position` (exclusive) to its end (inclusive).
    static func range(streamKey: Int64, after position: Int64) -> (lower: Int64, upper: Int64) {
        (record(streamKey: streamKey, position: position), record(streamKey: streamKey, position: positionMask))
    }
}

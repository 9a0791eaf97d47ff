/// What `plantsync hub erp-errors` does, on the hub store directly (the hub may be running: the
/// outbox notices a released stream within its poll interval).
public enum ERPErrors {
    /// Parked postings, by connector, plant, stream.
    public static func parked(storePath: String, now: Int64) throws -> [ParkedPosting] {
        let ledger = try OutboxLedger(path: storePath, synchronousFull: true, now: now)
        defer { ledger.close() }
        return try ledger.parked()
    }

    /// Operator decisions, newest first.
    public static func decisions(storePath: String, limit: Int, now: Int64) throws -> [ERPDecision] {
        let ledger = try OutboxLedger(path: storePath, synchronousFull: true, now: now)
        defer { ledger.close() }
        return try ledger.decisions(limit: limit)
    }

    /// Records `action` for the posting parked on (connector, plant, stream) and releases the
    /// stream; nil when nothing is parked there.
    public static func decide(
        _ action: ERPDecision.Action, storePath: String, connector: String, plant: String, stream: String, by: String,
        reason: String, now: Int64
    ) throws -> ERPDecision? {
        let ledger = try OutboxLedger(path: storePath, synchronousFull: true, now: now)
        defer { ledger.close() }
        return try ledger.decide(
            action, connector: connector, key: FeedStreamKey(plant: plant, stream: stream), by: by, reason: reason,
            now: now)
    }
}

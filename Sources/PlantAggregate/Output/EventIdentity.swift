import PlantModel

/// The deterministic ids of the aggregator's events (PlantModel's `EventID` builders): re-emitting after
/// a crash yields the same id, so the journal keeps one copy.
enum EventIdentity {
    /// `conf/<plant>/<line>/<order>/<operation>/<window start>`, `#<part>` for the parts after an order
    /// change in the window, then `#p<k>` for the k-th partial confirmation at a shutdown.
    static func confirmation(
        plant: String, line: String, order: String, operation: String, windowStart: Int64, part: Int, partial: Int?
    ) throws(EventIDError) -> EventID {
        let base = try EventID.confirmation(
            plant: plant, line: line, order: order, operation: operation,
            windowStart: Timestamp(millisecondsSinceEpoch: windowStart), part: part)
        guard let partial else { return base }
        return try EventID(base.rawValue + "#p\(partial)")
    }

    /// `down/<plant>/<line>/<start>`: stretches of downtime never overlap, so their start is unique.
    static func downtime(plant: String, line: String, start: Int64) throws(EventIDError) -> EventID {
        try EventID.downtime(plant: plant, line: line, start: Timestamp(millisecondsSinceEpoch: start))
    }
}

import PlantModel

/// The deterministic ids of the aggregator's events: re-emitting after a crash yields the same id, so
/// the journal keeps one copy.
enum EventIdentity {
    /// `conf/<plant>/<line>/<order>/<operation or ->/<window start>`, then `/<part>` for the parts after an
    /// order change in the window, then `#p<k>` for the k-th partial confirmation at a shutdown.
    static func confirmation(
        plant: String, line: String, order: String, operation: String?, windowStart: Int64, part: Int, partial: Int?
    ) -> String {
        var id = "conf/\(plant)/\(line)/\(order)/\(operation ?? "-")/"
        id += Timestamp(millisecondsSinceEpoch: windowStart).description
        if part > 1 { id += "/\(part)" }
        if let partial { id += "#p\(partial)" }
        return id
    }

    /// `down/<plant>/<line>/<start>`: stretches of downtime never overlap, so their start is unique.
    static func downtime(plant: String, line: String, start: Int64) -> String {
        "down/\(plant)/\(line)/\(Timestamp(millisecondsSinceEpoch: start).description)"
    }
}

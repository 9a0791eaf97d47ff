import PlantJournal
import PlantModel
import PlantNet

/// What every stream lane of one forwarder shares.
struct LaneContext: Sendable {
    let settings: ForwarderSettings
    let journal: Journal
    let plant: String
    let epoch: String
    let tls: TLSClientContext?
    let health: HubHealth
    let bookkeeper: JournalBookkeeper
    let pacer: CatchUpPacer?
    /// Wall clock, ms since the Unix epoch (status times, ages).
    let clock: @Sendable () -> Int64
    /// Uniform random numbers in [0, 1) for backoff jitter.
    let random: @Sendable () -> Double
    let log: ForwarderLogger
    /// Every forwarded stream's backlog, for the body of each batch.
    let backlog: @Sendable (_ now: Int64) -> [String: PlantModel.StreamBacklog]
}

import PlantModel

/// Hub settings that `hub.yaml` does not carry (yet), with production defaults. Tests inject a
/// clock, reader tokens and small limits here.
public struct HubOptions: Sendable {
    /// Wall clock, ms since the Unix epoch: stamps received events and plant contact.
    public var clock: @Sendable () -> Int64 = { Timestamp.now().millisecondsSinceEpoch }
    /// How much commit work may wait before agents are asked to come back (429/503).
    public var commitQueue = CommitQueueLimits()
    public var eventRules = EventRules()
    /// SHA-256 digests of tokens that may read every plant's status and feed (operators, ERP
    /// middleware). A plant's own token reads only that plant.
    public var readerTokenSHA256: [[UInt8]] = []
    /// `limit` of `GET /v1/events` when the request gives none, and its largest accepted value.
    public var defaultFeedLimit = 1_000
    public var maxFeedLimit = 10_000
    /// How long an idle keep-alive connection stays open.
    public var idleTimeout: Duration = .seconds(120)
    /// One line per notable refusal or failure (logfmt); default: standard error.
    public var log: @Sendable (String) -> Void = HubLog.standardError

    public init() {}
}

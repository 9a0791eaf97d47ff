/// A piece of bad input: it gets one log line, a counter, and a quarantine record with the reason.
public struct InputProblem: Sendable, Equatable {
    /// The input's name.
    public var input: String
    /// Why it was refused: what was wrong and what was expected.
    public var reason: String
    /// Where it came from: `peer 10.1.2.3:5000 line 1422`, `orders.csv:17`, `/dev/ttyUSB0`.
    public var location: String
    /// The offending bytes, cut to a few hundred, for the quarantine record.
    public var excerpt: [UInt8]

    public static let excerptLimit = 512

    public init(input: String, reason: String, location: String, excerpt: some Collection<UInt8>) {
        self.input = input
        self.reason = reason
        self.location = location
        self.excerpt = Array(excerpt.prefix(Self.excerptLimit))
    }
}

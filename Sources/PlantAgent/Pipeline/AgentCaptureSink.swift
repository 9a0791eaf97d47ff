import PlantCapture
import PlantForward
import PlantJournal
import PlantModel

/// The agent's side of `CaptureSink`: business events go into the journal (durable before the
/// adapter acknowledges anything upstream), telemetry goes to the aggregation stage, bad input is
/// logged, counted and quarantined in the journal.
final class AgentCaptureSink: CaptureSink {
    let input: String
    private let journal: Journal
    private let forwarder: Forwarder?
    private let aggregation: AggregationStage?
    private let logger: AgentLogger
    private let counters: InputCounters

    init(
        input: String, journal: Journal, forwarder: Forwarder?, aggregation: AggregationStage?, logger: AgentLogger,
        counters: InputCounters
    ) {
        self.input = input
        self.journal = journal
        self.forwarder = forwarder
        self.aggregation = aggregation
        self.logger = logger
        self.counters = counters
    }

    func journal(_ events: [Event], checkpoints: [String: [UInt8]]) throws -> [JournalOutcome] {
        let outcomes = try journal.append(events.map(JournalRecord.init), checkpoints: checkpoints)
        var appended = 0
        var highest: [String: Int64] = [:]
        for (event, outcome) in zip(events, outcomes) {
            if case .appended(let seq) = outcome {
                appended += 1
                highest[event.stream] = max(highest[event.stream] ?? 0, seq)
            }
        }
        counters.update(input) {
            $0.journaled += Int64(appended)
            $0.duplicates += Int64(events.count - appended)
        }
        for (stream, seq) in highest { forwarder?.wake(stream: stream, journaledThrough: seq) }
        return outcomes.map { outcome in
            if case .appended(let seq) = outcome { return .appended(seq: seq) }
            return .duplicate
        }
    }

    func deliver(_ samples: [TelemetrySample], from input: String) {
        counters.update(input) { $0.samples += Int64(samples.count) }
        guard let aggregation else { return }
        aggregation.deliver(samples)
    }

    func quarantine(_ problem: InputProblem) {
        counters.update(problem.input) { $0.quarantined += 1 }
        logger.warning(
            "input", "bad input quarantined",
            [("input", problem.input), ("reason", problem.reason), ("location", problem.location)])
        do {
            try journal.quarantine(
                input: problem.input, reason: problem.reason, excerpt: problem.excerpt, location: problem.location)
        } catch {
            logger.error("input", "could not record quarantine", [("input", problem.input), ("error", "\(error)")])
        }
    }

    func checkpoint(_ key: String) -> [UInt8]? {
        do {
            return try journal.checkpoint(key)
        } catch {
            logger.error("input", "could not read checkpoint", [("key", key), ("error", "\(error)")])
            return nil
        }
    }

    func log(_ level: LogLevel, _ message: String, input: String) {
        let mapped: AgentLogger.Level =
            switch level {
            case .debug: .debug
            case .info: .info
            case .warning: .warning
            case .error: .error
            }
        logger.log(mapped, "input", message, [("input", input)])
    }
}

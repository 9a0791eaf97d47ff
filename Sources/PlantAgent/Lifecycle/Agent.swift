import Foundation
import PlantAggregate
import PlantCapture
import PlantConfig
import PlantForward
import PlantJournal
import PlantModel

/// One running agent: the journal, the forwarder, the aggregation stage and the inputs.
///
/// Startup goes in dependency order (journal → forwarder → aggregation → inputs), shutdown in
/// reverse: inputs stop first so nothing new arrives, the aggregation stage journals its partial
/// confirmations, the forwarder finishes or safely abandons its in-flight batches, and the journal
/// writer flushes and closes last.
public final class Agent: @unchecked Sendable {
    // @unchecked: the component references are set once in `start()` and read after it, from
    // the thread that owns the agent's lifecycle; `stop()` is called from that same thread.
    public let configuration: AgentConfiguration
    private let logger: AgentLogger
    private let counters = InputCounters()
    private(set) var journal: Journal?
    private(set) var forwarder: Forwarder?
    private var aggregation: AggregationStage?
    private var inputs: [any InputAdapter] = []
    /// Data-directory lock, state record, status endpoint (Status/AgentStatusParts.swift).
    private var status = AgentStatusParts()

    /// Open a journal that lost committed events (`plantsync agent --accept-journal-loss`).
    private let acceptJournalLoss: Bool

    public init(configuration: AgentConfiguration, logger: AgentLogger, acceptJournalLoss: Bool = false) {
        self.configuration = configuration
        self.logger = logger
        self.acceptJournalLoss = acceptJournalLoss
    }

    public func start() throws {
        try FileManager.default.createDirectory(
            atPath: configuration.dataDirectory, withIntermediateDirectories: true,
            attributes: [.posixPermissions: 0o750])
        try status.lockDataDirectory(configuration.dataDirectory)
        let journalPath = AgentLayout.journalPath(dataDirectory: configuration.dataDirectory)
        let journal = try Journal.open(path: journalPath, options: journalOptions())
        self.journal = journal
        logger.info("journal", "opened", [("path", journalPath), ("epoch", journal.epoch)])
        if !journal.lostCommits.isEmpty {
            logger.error(
                "journal",
                "started with --accept-journal-loss: committed events the damaged journal no longer holds are lost "
                    + "(\(journal.lostCommits.joined(separator: ", "))); new events take their seqs",
                [("path", journalPath)])
        }

        let forwarder = try Forwarder(
            journal: journal, settings: forwarderSettings(),
            logger: { [logger] record in
                let level: AgentLogger.Level =
                    switch record.level {
                    case .info: .info
                    case .warning: .warning
                    case .error: .error
                    }
                logger.log(level, "forwarder", record.message, record.stream.map { [("stream", $0)] } ?? [])
            })
        try forwarder.start()
        self.forwarder = forwarder
        logger.info("forwarder", "started", [("hub", configuration.hub.url.description)])

        if !configuration.lines.isEmpty {
            let aggregation = try AggregationStage(
                lines: configuration.lines, plant: configuration.plant, journal: journal, forwarder: forwarder,
                logger: logger)
            aggregation.start()
            self.aggregation = aggregation
            logger.info("aggregate", "started", [("lines", String(aggregation.lineCount))])
        }

        let context = InputContext(
            plant: configuration.plant, currentOrder: { [aggregation] line in aggregation?.currentOrder(line: line) })
        for section in configuration.inputs {
            guard let adapter = InputRegistry.adapter(for: section, context: context) else {
                logger.error("input", "no adapter for input type", [("input", section.name), ("type", section.type)])
                continue
            }
            let sink = AgentCaptureSink(
                input: section.name, journal: journal, forwarder: forwarder, aggregation: aggregation, logger: logger,
                counters: counters)
            adapter.start(sink: sink)
            inputs.append(adapter)
            logger.info("input", "started", [("input", section.name), ("type", section.type)])
        }
        status.start(
            configuration: configuration, journal: journal, forwarder: forwarder, inputs: inputs, logger: logger)
    }

    /// Stops everything in reverse order of start; the forwarder gets until `deadline` for batches
    /// already on the wire.
    public func stop(forwarderGrace: Duration = .seconds(5)) {
        status.stopServing()
        for input in inputs.reversed() {
            input.stop()
            logger.info("input", "stopped", [("input", input.name)])
        }
        inputs.removeAll()
        aggregation?.stop()
        aggregation = nil
        if let forwarder {
            let report = forwarder.stop(deadline: .now + forwarderGrace)
            logger.info("forwarder", report.finishedCleanly ? "stopped" : "stopped; in-flight batches will be resent")
        }
        forwarder = nil
        status.writeFinalRecord()
        journal?.close()
        journal = nil
        status.releaseLock()
        logger.info("journal", "closed")
    }

    /// Inputs' health for the status page.
    public var inputHealth: [(name: String, type: String, health: InputHealth)] {
        inputs.map { ($0.name, $0.type, $0.health) }
    }

    public var forwarderStatus: ForwarderStatus? { forwarder?.status() }

    /// The journal's settings from the configuration. Raw telemetry is the one low-priority stream: under disk
    /// pressure it is refused (shed) first, business streams only at the full budget (invariant 5).
    func journalOptions() -> JournalOptions {
        var options = JournalOptions()
        options.durability = configuration.durability == .normal ? .normal : .full
        options.diskBudget = Int64(clamping: configuration.diskBudget.bytes)
        options.reserve = Int64(clamping: configuration.diskReserve.bytes)
        options.streamPriorities = [StreamName.telemetry: .low]
        options.acceptLostCommits = acceptJournalLoss
        return options
    }

    private func forwarderSettings() -> ForwarderSettings {
        let hub = configuration.hub
        var settings = ForwarderSettings(
            hubURL: hub.url.description, plant: configuration.plant, token: hub.token.value, caFile: hub.caFile,
            clientCertFile: hub.clientCertificateFile, clientKeyFile: hub.clientKeyFile)
        settings.maxBatchEvents = hub.maxBatchEvents
        settings.maxBatchBytes = Int(clamping: hub.maxBatchBytes.bytes)
        settings.catchUpEventsPerSecond = hub.catchUpRate  // nil: unpaced, as agent.yaml documents
        settings.connectTimeout = hub.connectTimeout
        settings.requestTimeout = hub.requestTimeout
        return settings
    }
}

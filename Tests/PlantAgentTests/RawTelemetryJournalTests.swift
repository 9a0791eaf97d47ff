import Foundation
import PlantCapture
import PlantConfig
import PlantJournal
import PlantModel
import PlantNet
import Synchronization
import Testing

@testable import PlantAgent

/// The raw-telemetry stream as the agent wires it: a `telemetry_tcp` input configured from agent.yaml text, made by
/// the input registry, fed over real loopback TCP, journaling through `AgentCaptureSink` into a real journal file
/// opened with the agent's own journal options.
@Suite("Raw telemetry into the journal")
struct RawTelemetryJournalTests {
    final class Lines: Sendable {
        private let lines = Mutex<[String]>([])
        func append(_ line: String) { lines.withLock { $0.append(line) } }
        var all: [String] { lines.withLock { $0 } }
    }

    /// An agent's pieces in a temporary directory: configuration, logger, counters, and the journal path.
    final class Rig {
        let directory = NSTemporaryDirectory() + "plantsync-raw-" + UUID().uuidString
        let lines = Lines()
        let counters = InputCounters()
        let configuration: AgentConfiguration
        let logger: AgentLogger
        var journalPath: String { directory + "/journal.sqlite" }

        init(rawStream: Bool) throws {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            let token = directory + "/token"
            _ = FileManager.default.createFile(
                atPath: token, contents: Data("t0k3n-0123456789".utf8), attributes: [.posixPermissions: 0o600])
            let text = """
                plant: P100
                data_dir: \(directory)
                disk_reserve: 0B
                hub:
                  url: http://127.0.0.1:9
                  allow_plain_http: true
                  token_file: \(token)
                inputs:
                  - name: line3-telemetry
                    type: telemetry_tcp
                    listen: 127.0.0.1:0
                    format: lines
                    include:
                      - Channel1.L3.*
                    rename:
                      Channel1.L3.Temp: L3.temp
                      Channel1.L3.Running: L3.running
                    raw_stream:
                      enabled: \(rawStream)
                      deadband: 0.5
                      min_interval: 1s

                """
            configuration = try AgentConfiguration.parse(
                text: text, file: "agent.yaml", environment: [:], inputDecoders: InputRegistry.decoders
            ).get()
            let lines = self.lines
            logger = AgentLogger(settings: LogSettings(), write: { lines.append($0) })
        }

        deinit { try? FileManager.default.removeItem(atPath: directory) }

        /// The agent's journal options (what `Agent.start` opens the journal with).
        var agentOptions: JournalOptions { Agent(configuration: configuration, logger: logger).journalOptions() }

        /// The configured feed, made as `Agent.start` makes it, running on `journal`.
        func startFeed(_ journal: Journal) throws -> (TelemetryFeed, AgentCaptureSink, UInt16) {
            let section = try #require(configuration.inputs.first)
            let adapter = InputRegistry.adapter(for: section, context: InputContext(plant: configuration.plant))
            let feed = try #require(adapter as? TelemetryFeed)
            let sink = AgentCaptureSink(
                input: section.name, journal: journal, forwarder: nil, aggregation: nil, logger: logger,
                counters: counters)
            feed.start(sink: sink)
            #expect(waitUntil { feed.listeningPort != nil })
            return (feed, sink, try #require(feed.listeningPort))
        }
    }

    /// Twelve lines: eleven samples of three tags pass the include filter; the raw filter keeps seven.
    static let feedLines = """
        Channel1.L3.Temp,20,good,2026-11-22T14:00:01Z
        Channel1.L3.Running,true,good,2026-11-22T14:00:01Z
        Channel1.L3.Order,"WO-4711",good,2026-11-22T14:00:01Z
        Other.Tag,1,good,2026-11-22T14:00:01Z
        Channel1.L3.Temp,20.4,good,2026-11-22T14:00:02.500Z
        Channel1.L3.Temp,21,good,2026-11-22T14:00:02.800Z
        Channel1.L3.Temp,25,good,2026-11-22T14:00:03Z
        Channel1.L3.Temp,25,0x40920000,2026-11-22T14:00:03Z
        Channel1.L3.Temp,25,uncertain,2026-11-22T14:00:03Z
        Channel1.L3.Running,true,good,2026-11-22T14:00:05Z
        Channel1.L3.Running,false,good,2026-11-22T14:00:05Z
        Channel1.L3.Temp,-3.25,uncertain,2026-11-22T14:00:09Z

        """

    static func expectedEvents() throws -> [Event] {
        func at(_ text: String) throws -> Timestamp { try Timestamp(parsing: "2026-11-22T14:00:\(text)Z") }
        func number(_ text: String) throws -> TelemetryValue { .number(try DecimalNumber(parsing: text)) }
        let samples = [
            TelemetrySample(tag: "L3.temp", value: try number("20"), quality: .good, sourceTime: try at("01")),
            TelemetrySample(tag: "L3.running", value: .bool(true), quality: .good, sourceTime: try at("01")),
            TelemetrySample(
                tag: "Channel1.L3.Order", value: .string("WO-4711"), quality: .good, sourceTime: try at("01")),
            TelemetrySample(tag: "L3.temp", value: try number("21"), quality: .good, sourceTime: try at("02.800")),
            TelemetrySample(
                tag: "L3.temp", value: try number("25"), statusCode: 0x4092_0000, sourceTime: try at("03")),
            TelemetrySample(tag: "L3.running", value: .bool(false), quality: .good, sourceTime: try at("05")),
            TelemetrySample(tag: "L3.temp", value: try number("-3.25"), quality: .uncertain, sourceTime: try at("09")),
        ]
        return try samples.map { try Event.telemetrySample(plant: "P100", input: "line3-telemetry", sample: $0) }
    }

    static func send(_ text: String, to port: UInt16) throws {
        let connection = try TCPConnection.connect(host: "127.0.0.1", port: port)
        try connection.write(Array(text.utf8))
        connection.close()
    }

    static func telemetryEvents(_ journal: Journal) throws -> [StoredEvent] {
        try journal.pending(stream: StreamName.telemetry, after: 0, limit: 1_000)
    }

    @Test func theAgentShedsRawTelemetryFirst() throws {
        let rig = try Rig(rawStream: true)
        #expect(rig.agentOptions.streamPriorities == [StreamName.telemetry: .low])
        #expect(rig.agentOptions.lowPriorityShare < 1)
    }

    @Test func keptSamplesLandInTheJournalFileOnTheTelemetryStreamAndAReplayAddsNothing() throws {
        let rig = try Rig(rawStream: true)
        do {
            let journal = try Journal.open(path: rig.journalPath, options: rig.agentOptions)
            let (feed, _, port) = try rig.startFeed(journal)
            try Self.send(Self.feedLines, to: port)
            #expect(waitUntil { feed.statistics.rawJournaled == 7 && feed.statistics.samplesDelivered == 11 })
            feed.stop()
            journal.close()
        }
        #expect(rig.counters.snapshot["line3-telemetry"]?.journaled == 7)
        #expect(rig.counters.snapshot["line3-telemetry"]?.samples == 11)

        // The journal file, opened afresh: seven telemetry_sample events, seq 1…7, in the order they were kept.
        let journal = try Journal.open(path: rig.journalPath, options: rig.agentOptions)
        defer { journal.close() }
        #expect(try journal.streams() == [StreamName.telemetry])
        let stored = try Self.telemetryEvents(journal)
        let expected = try Self.expectedEvents()
        #expect(stored.map(\.seq) == Array(1...7))
        #expect(stored.map(\.type) == Array(repeating: "telemetry_sample", count: 7))
        #expect(stored.map(\.id) == expected.map(\.id.rawValue))
        #expect(stored.map(\.occurredAt) == expected.map(\.occurredAt.millisecondsSinceEpoch))
        #expect(stored.map(\.body) == expected.map { $0.canonicalJSON() })
        #expect(try stored.map { try Event(canonicalJSON: $0.body) } == expected)

        // After a restart the gateway sends the same values again: the same ids, nothing new journaled.
        let (feed, _, port) = try rig.startFeed(journal)
        try Self.send(Self.feedLines, to: port)
        #expect(waitUntil { feed.statistics.rawDuplicates == 7 })
        feed.stop()
        #expect(try Self.telemetryEvents(journal).count == 7)
        #expect(rig.counters.snapshot["line3-telemetry"]?.duplicates == 7)
    }

    @Test func withTheRawStreamOffNothingIsJournaled() throws {
        let rig = try Rig(rawStream: false)
        let journal = try Journal.open(path: rig.journalPath, options: rig.agentOptions)
        defer { journal.close() }
        let (feed, _, port) = try rig.startFeed(journal)
        try Self.send(Self.feedLines, to: port)
        #expect(waitUntil { feed.statistics.samplesDelivered == 11 && feed.statistics.activeConnections == 0 })
        feed.stop()
        #expect(try journal.streams() == [])
        #expect(rig.counters.snapshot["line3-telemetry"]?.samples == 11)
        #expect(
            rig.counters.snapshot["line3-telemetry"]?.journaled == nil
                || rig.counters.snapshot["line3-telemetry"]?.journaled == 0)
        #expect(feed.statistics.rawKept == 0)
    }

    @Test func underDiskPressureTelemetryIsShedWhileBusinessEventsStillGoIn() throws {
        let rig = try Rig(rawStream: true)
        // A journal of about 2 MB of production events, then a budget 10% above what it uses: past the
        // low-priority share (80%) already, with room for business events.
        do {
            let journal = try Journal.open(path: rig.journalPath, options: rig.agentOptions)
            let body = Array(String(repeating: "p", count: 1_000).utf8)
            try journal.append(
                (1...2_000).map {
                    JournalRecord(
                        stream: StreamName.production, id: "prefill/\($0)", type: "downtime", occurredAt: 0, body: body)
                })
            journal.close()  // checkpoints: the database file now holds everything, the WAL is gone
        }
        let used = try #require(try FileManager.default.attributesOfItem(atPath: rig.journalPath)[.size] as? Int)
        #expect(used > 2_000_000)
        var options = rig.agentOptions
        options.diskBudget = Int64(used) * 11 / 10
        options.diskMeasureInterval = .zero
        let journal = try Journal.open(path: rig.journalPath, options: options)
        defer { journal.close() }

        let (feed, sink, port) = try rig.startFeed(journal)
        defer { feed.stop() }
        try Self.send(Self.feedLines, to: port)
        #expect(waitUntil { feed.statistics.rawShed == 7 && feed.statistics.samplesDelivered == 11 })
        #expect(feed.statistics.rawJournaled == 0)
        #expect(try journal.streams() == [StreamName.production])
        #expect(rig.counters.snapshot["line3-telemetry"]?.samples == 11)  // the aggregator path saw every sample
        let warnings = rig.lines.all.filter { $0.contains("raw telemetry: the journal refuses kept samples") }
        #expect(warnings.count == 1)
        #expect(
            warnings.first?.contains(#"append to stream \"telemetry\" (low priority) refused"#) == true, "\(warnings)")

        // A business event still goes in, through the same sink, at the next production seq.
        let downtime = try Event(
            id: EventID.downtime(plant: "P100", line: "L3", start: Timestamp(parsing: "2026-11-22T14:00:00Z")),
            occurredAt: try Timestamp(parsing: "2026-11-22T14:05:00Z"),
            payload: .downtime(
                Downtime(
                    plant: "P100", line: "L3", reason: "blocked", start: try Timestamp(parsing: "2026-11-22T14:00:00Z"),
                    end: try Timestamp(parsing: "2026-11-22T14:05:00Z"))))
        #expect(try sink.journal([downtime], checkpoints: [:]) == [.appended(seq: 2_001)])
    }
}

/// Waits for `condition` with a deadline, polling (never a bare sleep to synchronise).
private func waitUntil(timeout: Duration = .seconds(10), _ condition: () throws -> Bool) rethrows -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try condition() { return true }
        usleep(2_000)
    }
    return try condition()
}

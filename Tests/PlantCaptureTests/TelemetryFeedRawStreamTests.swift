import Foundation
import PlantConfig
import PlantModel
import Synchronization
import Testing

@testable import PlantCapture

/// The raw-telemetry stream over real loopback TCP: what the deadband and minimum interval keep goes to the
/// sink's journal as `telemetry_sample` events, in batches, while every sample still reaches the aggregator;
/// off means no journal call at all; a refusing or slow journal sheds raw samples, counted and logged, and never
/// holds up the feed. (PlantAgentTests' RawTelemetryJournalTests run the same path into a real journal file.)
@Suite("TelemetryFeed raw stream")
struct TelemetryFeedRawStreamTests {
    typealias Support = TelemetryFeedTestSupport
    typealias Sockets = TelemetryFeedTestSockets

    static let clockTime = Timestamp(millisecondsSinceEpoch: 1_800_000_000_000)

    static func configuration(raw: Bool) -> TelemetryFeed.Configuration {
        TelemetryFeed.Configuration(
            mode: .listen(HostPort(host: "127.0.0.1", port: 0)), format: .lines,
            tags: TagFilter(
                include: [TagPattern("Channel1.L3.*")],
                rename: ["Channel1.L3.Temp": "L3.temp", "Channel1.L3.Running": "L3.running"]),
            rawStream: RawTelemetrySettings(enabled: raw, deadband: DecimalNumber("0.5")!, minInterval: .seconds(1)))
    }

    /// Eleven samples of three tags (and one tag the include filter drops), with what the raw filter does.
    static let lines = """
        Channel1.L3.Temp,20,good,1000
        Channel1.L3.Running,true,good,1000
        Channel1.L3.Order,"WO-4711, rush",good,1000
        Other.Tag,1,good,1000
        Channel1.L3.Temp,20.4,good,2500
        Channel1.L3.Temp,21,good,2800
        Channel1.L3.Temp,25,good,3000
        Channel1.L3.Temp,25,0x40920000,3000
        Channel1.L3.Temp,25,uncertain,3000
        Channel1.L3.Running,true,good,5000
        Channel1.L3.Running,false,good,5000
        Channel1.L3.Temp,-3.25,uncertain,9000

        """
    // Kept: the first of each tag; Temp 21 (moved 1 after 1.8 s; 20.4 was inside the deadband); Temp 25 with a
    // StatusCode (its quality changed; the plain 25 a moment earlier was only 0.2 s after the last kept one);
    // Running false (changed after 4 s); Temp -3.25 (moved 28.25). Not kept: the uncertain 25 at 3000, which has
    // the source time of the last kept sample (it would be the same event id).

    static func kept(input: String = "feed") -> [Event] {
        let samples = [
            TelemetrySample(tag: "L3.temp", value: Support.number("20"), quality: .good, sourceTime: ms(1000)),
            TelemetrySample(tag: "L3.running", value: .bool(true), quality: .good, sourceTime: ms(1000)),
            TelemetrySample(
                tag: "Channel1.L3.Order", value: .string("WO-4711, rush"), quality: .good, sourceTime: ms(1000)),
            TelemetrySample(tag: "L3.temp", value: Support.number("21"), quality: .good, sourceTime: ms(2800)),
            TelemetrySample(
                tag: "L3.temp", value: Support.number("25"), statusCode: 0x4092_0000, sourceTime: ms(3000)),
            TelemetrySample(tag: "L3.running", value: .bool(false), quality: .good, sourceTime: ms(5000)),
            TelemetrySample(
                tag: "L3.temp", value: Support.number("-3.25"), quality: .uncertain, sourceTime: ms(9000)),
        ]
        return samples.map { try! Event.telemetrySample(plant: "P100", input: input, sample: $0) }
    }

    static func ms(_ milliseconds: Int64) -> Timestamp { Timestamp(millisecondsSinceEpoch: milliseconds) }

    func start(raw: Bool, sink: RawStreamRecordingSink) throws -> (TelemetryFeed, UInt16) {
        let feed = TelemetryFeed(
            name: "feed", configuration: Self.configuration(raw: raw), plant: "P100", now: { Self.clockTime })
        feed.start(sink: sink)
        #expect(Support.waitUntil { feed.listeningPort != nil })
        return (feed, try #require(feed.listeningPort))
    }

    func send(_ text: String, to port: UInt16) throws {
        let gateway = try Sockets.Peer.connect(port: port)
        gateway.send(text)
        gateway.close()
    }

    @Test func keptSamplesAreJournaledOnTheTelemetryStreamAndEverySampleStillReachesTheAggregator() throws {
        let sink = RawStreamRecordingSink()
        let (feed, port) = try start(raw: true, sink: sink)
        defer { feed.stop() }
        try send(Self.lines, to: port)
        #expect(Support.waitUntil { feed.statistics.rawJournaled == 7 && feed.statistics.samplesDelivered == 11 })
        #expect(sink.journaled == Self.kept())
        #expect(sink.journaled.allSatisfy { $0.stream == "telemetry" && $0.type == .telemetrySample })
        #expect(sink.checkpointsGiven == false)
        #expect(sink.samples.count == 11)
        #expect(feed.statistics.rawKept == 7)
        #expect(feed.statistics.rawShed == 0)
        #expect(feed.health.journaled == 7)
        #expect(feed.health.received == 11)

        // The gateway sends the same values again (as gateways do on a new connection): the same events,
        // which the journal already holds.
        try send(Self.lines, to: port)
        #expect(Support.waitUntil { feed.statistics.rawDuplicates == 7 })
        #expect(feed.statistics.rawJournaled == 7)
        #expect(sink.journaled == Self.kept())
        #expect(sink.samples.count == 22)
    }

    @Test func offByDefaultNothingIsJournaled() throws {
        let sink = RawStreamRecordingSink()
        let (feed, port) = try start(raw: false, sink: sink)
        try send(Self.lines, to: port)
        #expect(Support.waitUntil { feed.statistics.samplesDelivered == 11 && feed.statistics.activeConnections == 0 })
        feed.stop()
        #expect(sink.journalCalls == 0)
        #expect(sink.samples.count == 11)
        #expect(feed.statistics.rawKept == 0)
        #expect(feed.statistics.rawJournaled == 0)
        #expect(feed.health.journaled == 0)
        #expect(
            TelemetryFeed.Configuration(mode: .connect(HostPort(host: "h", port: 1)), format: .lines).rawStream.enabled
                == false)
    }

    @Test func stopJournalsWhatIsStillQueued() throws {
        let sink = RawStreamRecordingSink()
        let (feed, port) = try start(raw: true, sink: sink)
        try send(Self.lines, to: port)
        #expect(Support.waitUntil { feed.statistics.samplesDelivered == 11 })
        feed.stop()  // kept samples are handed over before the batch is delivered; stop waits for their commit
        #expect(sink.journaled == Self.kept())
        let calls = sink.journalCalls
        #expect(feed.statistics.rawJournaled == 7)
        #expect(sink.journalCalls == calls)  // nothing after stop returned
    }

    @Test func aRefusingJournalShedsRawSamplesCountedAndLoggedWhileTheAggregatorGetsEverySample() throws {
        let sink = RawStreamRecordingSink()
        sink.refusing = true
        let (feed, port) = try start(raw: true, sink: sink)
        defer { feed.stop() }
        try send(Self.lines, to: port)
        #expect(Support.waitUntil { feed.statistics.rawShed == 7 && feed.statistics.samplesDelivered == 11 })
        #expect(sink.samples.count == 11)
        #expect(sink.journaled.isEmpty)
        #expect(feed.statistics.rawJournaled == 0)
        #expect(
            sink.logs.filter { $0.hasPrefix("warning feed: raw telemetry: the journal refuses kept samples") } == [
                "warning feed: raw telemetry: the journal refuses kept samples (disk budget reached); they are shed "
                    + "(dropped and counted) until it takes them again; aggregation is not affected"
            ])
        #expect(feed.health.lastError?.hasPrefix("raw telemetry: the journal refused ") == true)
        #expect(feed.health.lastError?.hasSuffix(" kept samples, shed: disk budget reached") == true)

        // Room again: the next kept sample is journaled, and the log says how many were shed meanwhile.
        sink.refusing = false
        try send("Channel1.L3.Temp,40,good,20000\n", to: port)
        #expect(Support.waitUntil { feed.statistics.rawJournaled == 1 })
        #expect(
            sink.journaled == [
                try Event.telemetrySample(
                    plant: "P100", input: "feed",
                    sample: TelemetrySample(
                        tag: "L3.temp", value: Support.number("40"), quality: .good, sourceTime: Self.ms(20_000)))
            ])
        #expect(
            Support.waitUntil {
                sink.logs.contains(
                    "info feed: raw telemetry: the journal takes kept samples again; 7 were shed meanwhile")
            })
    }

    @Test func aFullHandOffQueueShedsNewSamplesInsteadOfBlockingTheFeed() throws {
        let sink = RawStreamRecordingSink()
        sink.gate.withLock { $0 = false }
        let state = FeedState(now: { Self.clockTime })
        let committer = RawStreamCommitter(input: "feed", plant: "P100", sink: sink, state: state, capacity: 2)
        func sample(_ ms: Int64) -> TelemetrySample {
            TelemetrySample(
                tag: "T", value: .number(DecimalNumber(integer: ms)), quality: .good, sourceTime: Self.ms(ms))
        }
        committer.submit([sample(1)])
        #expect(Support.waitUntil { sink.waitingInJournal })  // the committer holds sample 1 in a journal call
        committer.submit([sample(2), sample(3), sample(4), sample(5)])  // returns at once: 2 fit, 2 are shed
        #expect(state.statistics.rawShed == 2)
        #expect(
            sink.logs == [
                "warning feed: raw telemetry: 2 kept samples wait for the journal; newer ones are shed until it "
                    + "catches up (aggregation is not affected)"
            ])
        sink.gate.withLock { $0 = true }
        committer.finish()
        #expect(sink.journaled.map(\.occurredAt) == [Self.ms(1), Self.ms(2), Self.ms(3)])
        #expect(state.statistics.rawJournaled == 3)
        #expect(sink.logs.last == "info feed: raw telemetry: the journal caught up with the feed")
        committer.submit([sample(6)])  // after finish: shed, never journaled
        #expect(state.statistics.rawShed == 3)
        #expect(sink.journaled.count == 3)
    }
}

/// A `CaptureSink` whose journal keeps events in memory, stores each id once (as the journal does), can refuse
/// (as a journal over its disk budget does) and can hold a call until its gate opens.
final class RawStreamRecordingSink: CaptureSink {
    struct Refused: Error, CustomStringConvertible {
        var description: String { "disk budget reached" }
    }

    private struct Record {
        var journaled: [Event] = []
        var ids: Set<EventID> = []
        var journalCalls = 0
        var checkpointsGiven = false
        var waitingInJournal = false
        var samples: [TelemetrySample] = []
        var logs: [String] = []
    }

    private let record = Mutex(Record())
    private let refusal = Mutex(false)
    /// While false, journal calls wait.
    let gate = Mutex(true)

    var refusing: Bool {
        get { refusal.withLock { $0 } }
        set { refusal.withLock { $0 = newValue } }
    }

    var journaled: [Event] { record.withLock { $0.journaled } }
    var journalCalls: Int { record.withLock { $0.journalCalls } }
    var checkpointsGiven: Bool { record.withLock { $0.checkpointsGiven } }
    var waitingInJournal: Bool { record.withLock { $0.waitingInJournal } }
    var samples: [TelemetrySample] { record.withLock { $0.samples } }
    var logs: [String] { record.withLock { $0.logs } }

    func journal(_ events: [Event], checkpoints: [String: [UInt8]]) throws -> [JournalOutcome] {
        record.withLock {
            $0.journalCalls += 1
            $0.waitingInJournal = true
        }
        _ = TelemetryFeedTestSupport.waitUntil { gate.withLock { $0 } }
        if refusing {
            record.withLock { $0.waitingInJournal = false }
            throw Refused()
        }
        return record.withLock { record in
            record.waitingInJournal = false
            record.checkpointsGiven = record.checkpointsGiven || !checkpoints.isEmpty
            return events.map { event in
                guard record.ids.insert(event.id).inserted else { return .duplicate }
                record.journaled.append(event)
                return .appended(seq: Int64(record.journaled.count))
            }
        }
    }

    func deliver(_ samples: [TelemetrySample], from input: String) {
        record.withLock { $0.samples.append(contentsOf: samples) }
    }

    func quarantine(_ problem: InputProblem) {}

    func checkpoint(_ key: String) -> [UInt8]? { nil }

    func log(_ level: LogLevel, _ message: String, input: String) {
        record.withLock { $0.logs.append("\(level.rawValue) \(input): \(message)") }
    }
}

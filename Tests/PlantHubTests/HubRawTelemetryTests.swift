import Foundation
import PlantConfig
import PlantHub
import PlantModel
import PlantNet
import Synchronization
import Testing

/// Raw telemetry at the hub: `telemetry_sample` batches on the `telemetry` stream are checked, stored once and
/// served like any stream; the ERP outbox hands them to no connector unless one lists the stream, and a
/// `tryton` connector may not.
@Suite("Raw telemetry at the hub")
struct HubRawTelemetryTests {
    static func sample(_ second: Int, _ value: String, code: UInt32? = nil) -> [UInt8] {
        let number = try! DecimalNumber(parsing: value)
        let time = Events.base.adding(milliseconds: Int64(second) * 1_000)
        let sample =
            code.map { TelemetrySample(tag: "L3.temp", value: .number(number), statusCode: $0, sourceTime: time) }
            ?? TelemetrySample(tag: "L3.temp", value: .number(number), quality: .good, sourceTime: time)
        return try! Event.telemetrySample(plant: "P100", input: "line3-telemetry", sample: sample).canonicalJSON()
    }

    @Test func telemetrySamplesAreStoredOnceAndServedInOrder() throws {
        let fixture = try HubFixture()
        let events = [Self.sample(1, "20"), Self.sample(3, "-21.5", code: 0x4092_0000), Self.sample(9, "0.001")]
        let batch = WireBatch(stream: "telemetry", firstSeq: 1, events: events)
        let stored = try fixture.post(batch)
        #expect(stored.status == 200)
        #expect(stored.bodyText == "{\"acked_through\":3}\n")
        // A resend (the agent did not see the 200) is acknowledged again without a second copy.
        #expect(try fixture.post(batch).bodyText == "{\"acked_through\":3}\n")

        let feed = try JSONParser.parse(try fixture.get("/v1/events?plant=P100&stream=telemetry").body)
        #expect(feed["feed_through"] == .number(JSONNumber(3)))
        let served = try #require(feed["events"]?.arrayValue)
        #expect(served.compactMap { $0["event"].map { JSONWriter.encode($0) } } == events)
        #expect(served.map { $0["seq"] } == [1, 2, 3].map { .number(JSONNumber($0)) })
        #expect(
            Events.text(events[1]) == #"{"data":{"input":"line3-telemetry","plant":"P100","quality":"uncertain","#
                + #""quality_code":1083310080,"source_time":"2026-11-22T14:00:03.000Z","tag":"L3.temp","#
                + #""value":"-21.5","value_type":"number"},"#
                + #""id":"tele/P100/line3-telemetry/L3.temp/2026-11-22T14:00:03.000Z","#
                + #""occurred_at":"2026-11-22T14:00:03.000Z","type":"telemetry_sample"}"#)
        let plants = try JSONParser.parse(try fixture.get("/v1/plants").body)
        let streams = try #require(plants["plants"]?[0]?["streams"]?.arrayValue)
        #expect(streams.map { $0["stream"] } == [.string("telemetry")])
        #expect(streams.first?["acked_through"] == .number(JSONNumber(3)))
    }

    @Test func anInvalidSampleIsRefusedWithItsReason() throws {
        let fixture = try HubFixture()
        let wrongQuality = Events.replacing(
            Self.sample(2, "7", code: 0x8034_0000), "\"quality\":\"bad\"", "\"quality\":\"good\"")
        let refused = try fixture.post(
            WireBatch(stream: "telemetry", firstSeq: 1, events: [Self.sample(1, "6"), wrongQuality]))
        #expect(refused.status == 422)
        let body = try JSONParser.parse(refused.body)
        let events = try #require(body["events"]?.arrayValue)
        #expect(events.count == 1)
        #expect(events[0]["seq"] == .number(JSONNumber(2)))
        #expect(
            events[0]["reason"]
                == .string(
                    "invalid_event: data.quality: expected bad for quality_code 2150891520 (severity bits 31-30 = 10), "
                        + "found good"))
    }

    @Test func theERPOutboxHandsRawTelemetryOnlyToAConnectorThatListsIt() throws {
        let fixture = try ERPHubFixture(connectors: [])
        // Telemetry stored first, so every pass of the outbox has it pending.
        try fixture.send(
            WireBatch(stream: "telemetry", firstSeq: 1, events: [Self.sample(1, "20"), Self.sample(2, "21")]))
        try fixture.send(WireBatch(firstSeq: 1, events: [ERPEvents.downtime("P100", 1)]))

        let business = RecordingConnector.Deliveries()
        let everything = RecordingConnector.Deliveries()
        func settings(_ name: String, streams: [String]?) -> ERPConnectorSettings {
            let webhook = ERPHubFixture.webhook(name: name, port: 9)
            return ERPConnectorSettings(
                name: name, kind: webhook.kind, streams: streams ?? ERPConnectorSettings.defaultStreams,
                pollInterval: .milliseconds(20))
        }
        let outbox = try ERPOutbox(
            storePath: fixture.storePath,
            connectors: [settings("erp", streams: nil), settings("historian", streams: ["telemetry", "production"])],
            factories: [
                "erp": { RecordingConnector(business) }, "historian": { RecordingConnector(everything) },
            ],
            clock: { HubFixture.start }, log: { _ in })
        defer { outbox.stop() }
        #expect(waitUntil { everything.streams == ["production", "telemetry", "telemetry"] })
        #expect(waitUntil { business.ids == [ERPEvents.id("P100", 1)] })
        // One more business event: once it arrives, the pass that took the first one (and saw the telemetry
        // pending) is over.
        try fixture.send(WireBatch(firstSeq: 2, events: [ERPEvents.downtime("P100", 2)]))
        outbox.wake()
        #expect(waitUntil { business.ids.count == 2 })
        #expect(business.streams == ["production", "production"])
        #expect(ERPConnectorSettings.defaultStreams.contains(StreamName.telemetry) == false)
        #expect(ERPConnectorSettings.rawTelemetryStream == StreamName.telemetry)
    }

    @Test func aTrytonConnectorRefusesTheTelemetryStream() {
        let text = """
            listen: 127.0.0.1:0
            allow_plain_http: true
            plants:
              - id: P100
                token_sha256: \(String(repeating: "a", count: 64))
            erp:
              connectors:
                - name: tryton
                  type: tryton
                  streams: [production, telemetry]
                  tryton:
                    url: http://127.0.0.1:8000
                    allow_plain_http: true
                    database: plantsync
                    user: admin
                    password_file: /etc/plantsync/tryton.password
                    plants:
                      - plant: P100
                        company: 1
                        warehouse: WH

            """
        let files = StubFilesForERP(["/etc/plantsync/tryton.password": (0o600, "pw\n")])
        switch HubConfiguration.parse(text: text, file: "hub.yaml", environment: [:], files: files) {
        case .success:
            Issue.record("a tryton connector with the telemetry stream was accepted")
        case .failure(let errors):
            #expect(
                errors.description
                    == "hub.yaml:10:16: erp.connectors[0].streams: a tryton connector books business events; stream "
                    + "\"telemetry\" holds raw samples with nothing to book: leave it out (a webhook connector can "
                    + "hand it on)")
        }
    }
}

/// A connector that accepts everything and records what it was given (shared across the worker's connectors).
final class RecordingConnector: ERPConnector {
    final class Deliveries: Sendable {
        private let events = Mutex<[OutboxEvent]>([])
        func append(_ more: [OutboxEvent]) { events.withLock { $0.append(contentsOf: more) } }
        var ids: [String] { events.withLock { $0.map(\.id) } }
        var streams: [String] { events.withLock { $0.map(\.stream) }.sorted() }
    }

    let deliveries: Deliveries

    init(_ deliveries: Deliveries) { self.deliveries = deliveries }

    var maxEventsPerPosting: Int { 100 }

    func deliver(_ events: [OutboxEvent]) -> DeliveryOutcome {
        deliveries.append(events)
        return .all(events.count)
    }

    func close() {}
}

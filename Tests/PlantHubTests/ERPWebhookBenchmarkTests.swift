import Foundation
import PlantHub
import Testing

/// Webhook postings per second to a local signature-checking receiver: 8 streams (4 plants'
/// worth of production and quality) posted by 4 workers, ordered per stream. Prints the figure;
/// asserts only completeness and order (the box is shared, so no speed threshold).
@Suite(.serialized) struct ERPWebhookBenchmarkTests {
    @Test(arguments: [1, 50]) func postingsPerSecond(batchEvents: Int) throws {
        let clock = TestClock(HubFixture.start)
        let receiver = try WebhookReceiver(clock: clock)
        defer { receiver.kill() }
        let fixture = try ERPHubFixture(
            connectors: [
                ERPHubFixture.webhook(port: receiver.listeningPort, batchEvents: batchEvents, workers: 4)
            ])
        fixture.stopHub()  // store the feed first, then measure delivery alone
        let perStream = 500
        fixture.connectors = []
        try fixture.startHub()
        for plant in ["P100", "P200"] {
            for stream in ["production", "quality"] {
                for part in 0..<2 {
                    let line = "L\(part)"
                    try fixture.send(
                        WireBatch(
                            plant: plant, stream: stream, firstSeq: Int64(part * perStream / 2 + 1),
                            events: (1...(perStream / 2)).map {
                                ERPEvents.downtime(plant, $0 + (stream == "quality" ? 10_000 : 0), line: line)
                            }))
                }
            }
        }
        fixture.stopHub()
        fixture.connectors = [ERPHubFixture.webhook(port: receiver.listeningPort, batchEvents: batchEvents, workers: 4)]
        let start = ContinuousClock.now
        try fixture.startHub()
        let total = 4 * perStream
        #expect(waitUntil(timeout: .seconds(60)) { receiver.state.withLock { $0.seen.count } == total })
        let elapsed = ContinuousClock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        print(
            "webhook benchmark: batch_events \(batchEvents): \(total) events in \(String(format: "%.2f", seconds)) s = \(Int(Double(total) / seconds)) events/s, \(receiver.state.withLock { $0.requests }) requests"
        )
        for plant in ["P100", "P200"] {
            #expect(receiver.accepted(plant, "production").count == perStream)
        }
    }
}

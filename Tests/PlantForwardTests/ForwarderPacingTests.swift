import Foundation
import PlantForward
import Testing

/// Catch-up pacing after an outage, with live events of other streams going out in between.
@Suite struct ForwarderPacingTests {
    @Test func catchUpIsPacedWhileLiveStreamsFlow() throws {
        let journal = try TestJournal()
        defer { journal.close() }
        let hub = try TestHub()
        defer { hub.stop() }
        // 500 backlogged telemetry events at 200 events/s with a one-second burst: the last of ten
        // 50-event batches may leave no earlier than 1.5 s after the first.
        try journal.append("telemetry", 1...500)
        var settings = testSettings(hub.url)
        settings.maxBatchEvents = 50
        settings.catchUpEventsPerSecond = 200
        let forwarder = try Forwarder(journal: journal.journal, settings: settings)
        try forwarder.start()
        defer { forwarder.stop(deadline: .now + .seconds(2)) }

        #expect(hub.waitForRequests("telemetry", count: 1))
        for n in 1...5 {
            try journal.append("production", n...n)
            forwarder.wake(stream: "production")
        }
        #expect(hub.waitForStored("production", count: 5))
        let telemetryWhenLiveArrived = hub.stored("telemetry").count
        #expect(hub.waitForStored("telemetry", count: 500))

        let telemetry = hub.requests("telemetry")
        #expect(telemetry.count == 10)
        let first = try #require(telemetry.first)
        let last = try #require(telemetry.last)
        #expect(first.at.duration(to: last.at) >= .milliseconds(1_400))
        // The live stream was not queued behind the catch-up.
        #expect(telemetryWhenLiveArrived < 500)
        #expect(hub.stored("production").map(\.id) == (1...5).map { TestEvents.id("production", $0) })
    }
}

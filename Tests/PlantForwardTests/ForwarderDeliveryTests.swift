import Foundation
import PlantForward
import PlantJournal
import Testing

/// Delivery against the loopback hub double: order, acknowledgement only after 200, gaps,
/// stop and restart. Real sockets, a real journal in a temporary directory.
@Suite struct ForwarderDeliveryTests {
    private func ids(_ stream: String, _ numbers: ClosedRange<Int>) -> [String] {
        numbers.map { TestEvents.id(stream, $0) }
    }

    @Test func deliversThreeStreamsInOrderWithBacklogInEveryBatch() throws {
        let journal = try TestJournal()
        defer { journal.close() }
        let hub = try TestHub()
        defer { hub.stop() }
        try journal.append("production", 1...250)
        try journal.append("inventory", 1...120)
        try journal.append("quality", 1...7)
        var settings = testSettings(hub.url)
        settings.maxBatchEvents = 50
        let forwarder = try Forwarder(journal: journal.journal, settings: settings)
        try forwarder.start()
        defer { forwarder.stop(deadline: .now + .seconds(2)) }
        // Live events after the start go out on the wake-up.
        try journal.append("production", 251...300)
        forwarder.wake(stream: "production", journaledThrough: 300)

        #expect(hub.waitForStored("production", count: 300))
        #expect(hub.waitForStored("inventory", count: 120))
        #expect(hub.waitForStored("quality", count: 7))
        #expect(hub.stored("production").map(\.id) == ids("production", 1...300))
        #expect(hub.stored("production").map(\.seq) == Array(1...300))
        #expect(hub.stored("inventory").map(\.id) == ids("inventory", 1...120))
        #expect(hub.stored("quality").map(\.id) == ids("quality", 1...7))
        let requests = hub.requests()
        #expect(requests.allSatisfy { $0.seqs.count <= 50 })
        // Each batch reports every stream's backlog.
        #expect(requests.allSatisfy { $0.backlog?.keys == ["inventory", "production", "quality"] })
        let first = try #require(hub.requests("production").first)
        #expect(first.backlog?["production"]?.objectValue?["pending"]?.numberValue?.int64Value ?? 0 >= 250)

        #expect(try eventually { try journal.acknowledgedSeq("production") == 300 })
        #expect(try eventually { try journal.acknowledgedSeq("inventory") == 120 })
        #expect(try eventually { try journal.acknowledgedSeq("quality") == 7 })
        #expect(eventually { forwarder.status()["production"]?.acknowledgedSeq == 300 })
        let status = forwarder.status()
        #expect(status.streams.map(\.stream) == ["inventory", "production", "quality"])
        #expect(status["production"]?.state == .ok)
        #expect(status["production"]?.lastSentSeq == 300)
        #expect(status["production"]?.inFlight == nil)
        #expect(status["production"]?.pending == 0)
        #expect(status["production"]?.oldestPendingAgeSeconds == nil)
        #expect(status["production"]?.drainRate ?? 0 > 0)
        if case .reachable = status.hub {} else { Issue.record("hub should be reachable, is \(status.hub)") }
    }

    @Test func newStreamIsPickedUpAfterStart() throws {
        let journal = try TestJournal()
        defer { journal.close() }
        let hub = try TestHub()
        defer { hub.stop() }
        let forwarder = try Forwarder(journal: journal.journal, settings: testSettings(hub.url))
        try forwarder.start()
        defer { forwarder.stop(deadline: .now + .seconds(2)) }
        try journal.append("downtime", 1...3)
        forwarder.wake(stream: "downtime")
        #expect(hub.waitForStored("downtime", count: 3))
        #expect(hub.stored("downtime").map(\.id) == ids("downtime", 1...3))
    }

    @Test func acknowledgesOnlyAfterTheHubAnswers200() throws {
        let journal = try TestJournal()
        defer { journal.close() }
        let hub = try TestHub()
        defer { hub.stop() }
        try journal.append("production", 1...20)
        // The first request is stored but its answer never arrives.
        hub.setScript { _, index in index == 0 ? .commitAndHold : .normal }
        let probeJournal = journal
        hub.setAcknowledgementProbe { stream in (try? probeJournal.acknowledgedSeq(stream)) ?? -1 }
        var settings = testSettings(hub.url)
        settings.requestTimeout = .milliseconds(300)
        let forwarder = try Forwarder(journal: journal.journal, settings: settings)
        try forwarder.start()
        defer { forwarder.stop(deadline: .now + .seconds(2)) }

        #expect(try eventually { try journal.acknowledgedSeq("production") == 20 })
        let requests = hub.requests("production")
        #expect(requests.count == 2)
        #expect(requests.map(\.firstSeq) == [1, 1])
        // When the resend arrived, nothing had been acknowledged in the journal.
        #expect(requests.map(\.acknowledgedAtArrival) == [0, 0])
        #expect(hub.stored("production").map(\.id) == ids("production", 1...20))
    }

    @Test func resendsFromTheSeqTheHubExpects() throws {
        let journal = try TestJournal()
        defer { journal.close() }
        let hub = try TestHub()
        defer { hub.stop() }
        try journal.append("production", 1...30)
        // The journal believes 1…10 reached the hub; this (new) hub has nothing.
        try journal.journal.acknowledge(stream: "production", through: 10)
        let log = LogRecorder()
        let forwarder = try Forwarder(journal: journal.journal, settings: testSettings(hub.url), logger: log.logger)
        try forwarder.start()
        defer { forwarder.stop(deadline: .now + .seconds(2)) }

        #expect(hub.waitForStored("production", count: 30))
        #expect(hub.stored("production").map(\.id) == ids("production", 1...30))
        #expect(hub.requests("production").map(\.firstSeq).prefix(2) == [11, 1])
        #expect(log.count(containing: "hub expects seq 1 (batch started at 11); resending from seq 1") == 1)
        #expect(try eventually { try journal.acknowledgedSeq("production") == 30 })
    }

    @Test func stopMidBatchThenRestartDeliversEverythingExactlyOnce() throws {
        let journal = try TestJournal()
        defer { journal.close() }
        let hub = try TestHub()
        defer { hub.stop() }
        try journal.append("production", 1...100)
        // The fourth batch (31…40) is stored, but its answer is held past the stop deadline.
        hub.setScript { _, index in index == 3 ? .commitAndHold : .normal }
        var settings = testSettings(hub.url)
        settings.maxBatchEvents = 10
        let first = try Forwarder(journal: journal.journal, settings: settings)
        try first.start()
        #expect(hub.waitForRequests("production", count: 4))
        #expect(first.status()["production"]?.inFlight == 31...40)
        let report = first.stop(deadline: .now + .milliseconds(200))
        #expect(report.abandonedStreams == ["production"])
        // Answers received before the stop were written; the abandoned batch was not acknowledged.
        #expect(try journal.acknowledgedSeq("production") == 30)
        #expect(first.status()["production"]?.state == .stopped)
        #expect(hub.stored("production").count == 40)

        hub.setScript(nil)
        let second = try Forwarder(journal: journal.journal, settings: settings)
        try second.start()
        defer { second.stop(deadline: .now + .seconds(2)) }
        #expect(hub.waitForStored("production", count: 100))
        #expect(try eventually { try journal.acknowledgedSeq("production") == 100 })
        #expect(hub.stored("production").map(\.id) == ids("production", 1...100))
        #expect(hub.requests("production")[4].firstSeq == 31)  // resent; the hub deduplicated it
    }

    @Test func stopWithoutTrafficEndsPromptlyAndCleanly() throws {
        let journal = try TestJournal()
        defer { journal.close() }
        let hub = try TestHub()
        defer { hub.stop() }
        try journal.append("production", 1...5)
        let forwarder = try Forwarder(journal: journal.journal, settings: testSettings(hub.url))
        try forwarder.start()
        #expect(hub.waitForStored("production", count: 5))
        #expect(try eventually { try journal.acknowledgedSeq("production") == 5 })
        let report = forwarder.stop(deadline: .now + .seconds(5))
        #expect(report == ForwarderStopReport(abandonedStreams: []))
        #expect(forwarder.status()["production"]?.state == .stopped)
    }
}

import Foundation
import PlantForward
import PlantJournal
import PlantNet
import Testing

/// Answers that take events out of the flow or stop a stream: 422, 413, sequence_conflict.
@Suite struct ForwarderRejectionTests {
    @Test func rejectedEventIsDeadLetteredAndATombstoneTakesItsSeq() throws {
        let journal = try TestJournal()
        defer { journal.close() }
        let hub = try TestHub()
        defer { hub.stop() }
        try journal.append("production", 1...40, poison: [17])
        var settings = testSettings(hub.url)
        settings.maxBatchEvents = 10
        let log = LogRecorder()
        let forwarder = try Forwarder(journal: journal.journal, settings: settings, logger: log.logger)
        try forwarder.start()
        defer { forwarder.stop(deadline: .now + .seconds(2)) }

        try #require(hub.waitForStored("production", count: 40))
        let stored = hub.stored("production")
        #expect(stored.map(\.seq) == Array(1...40))
        #expect(stored[16] == TestHub.Stored(seq: 17, id: "dead/production/17", type: "dead_lettered"))
        #expect(
            stored.filter { $0.type == "test_event" }.map(\.id)
                == (1...40).filter { $0 != 17 }.map { TestEvents.id("production", $0) })
        let letters = try journal.journal.deadLetters(limit: 10)
        #expect(letters.map(\.seq) == [17])
        #expect(letters.first?.id == "production/17")
        #expect(letters.first?.reason == "data.poison is not allowed")
        #expect(
            try journal.journal.pending(stream: "production", after: 16, limit: 1).first?.id
                == "dead/production/17")
        #expect(try eventually { try journal.acknowledgedSeq("production") == 40 })
        #expect(forwarder.status()["production"]?.deadLettered == 1)
        #expect(log.count(containing: "dead-lettered seq 17 (id production/17): data.poison is not allowed") == 1)
    }

    /// An operator retries a dead letter, the hub refuses it again: a second, seq-qualified
    /// tombstone takes the new seq (the plain tombstone id is taken) and the stream goes on.
    @Test func aRetriedDeadLetterRefusedAgainGetsItsOwnTombstone() throws {
        let journal = try TestJournal()
        defer { journal.close() }
        let hub = try TestHub()
        defer { hub.stop() }
        try journal.append("production", 1...20, poison: [17])
        let forwarder = try Forwarder(journal: journal.journal, settings: testSettings(hub.url))
        try forwarder.start()
        defer { forwarder.stop(deadline: .now + .seconds(2)) }
        try #require(hub.waitForStored("production", count: 20))

        let retried = try journal.journal.retryDeadLetter(id: "production/17", requestedBy: "test")
        #expect(retried.newSeq == 21)
        forwarder.wake(stream: "production", journaledThrough: 21)
        try #require(hub.waitForStored("production", count: 21))
        #expect(
            hub.stored("production")[20]
                == TestHub.Stored(seq: 21, id: "dead/production/17@seq-21", type: "dead_lettered"))
        try journal.append("production", 22...25)
        forwarder.wake(stream: "production", journaledThrough: 25)
        try #require(hub.waitForStored("production", count: 25))
        #expect(hub.stored("production").map(\.seq) == Array(1...25))
        #expect(try eventually { try journal.acknowledgedSeq("production") == 25 })
    }

    @Test func tooLargeHalvesTheBatchAndDeadLettersASingleOversizedEvent() throws {
        let journal = try TestJournal()
        defer { journal.close() }
        let hub = try TestHub()
        defer { hub.stop() }
        try journal.append("production", 1...20)
        // More than 4 events, or event 9 at all (not its tombstone), is "too large" for this hub.
        hub.setScript { request, _ in
            request.seqs.count > 4 || request.ids.contains("production/9")
                ? .respond(HTTPResponse(status: 413, contentType: "application/json", body: "{}")) : .normal
        }
        var settings = testSettings(hub.url)
        settings.maxBatchEvents = 10
        let forwarder = try Forwarder(journal: journal.journal, settings: settings)
        try forwarder.start()
        defer { forwarder.stop(deadline: .now + .seconds(2)) }

        try #require(hub.waitForStored("production", count: 20))
        let stored = hub.stored("production")
        #expect(stored.map(\.seq) == Array(1...20))
        #expect(stored[8].id == "dead/production/9")
        // After the first refusal batches hold at most half as much; event 9 ends up alone.
        let requests = hub.requests("production")
        #expect(requests.first?.seqs == Array(1...10))
        #expect(requests.dropFirst().allSatisfy { $0.seqs.count <= 5 })
        #expect(requests.filter { $0.seqs == [9] }.count == 2)  // refused alone, then its tombstone
        let letter = try #require(try journal.journal.deadLetters(limit: 5).first)
        #expect(letter.seq == 9)
        #expect(letter.reason.hasSuffix("bytes is larger than the hub accepts (413)"))
    }

    @Test func sequenceConflictStopsOnlyThatStreamLoudly() throws {
        let journal = try TestJournal()
        defer { journal.close() }
        let hub = try TestHub()
        defer { hub.stop() }
        // The hub already holds a different event at seq 1 of "production".
        hub.preload("production", [TestHub.Stored(seq: 1, id: "someone-else/1", type: "test_event")])
        try journal.append("production", 1...5)
        try journal.append("inventory", 1...5)
        let log = LogRecorder()
        let forwarder = try Forwarder(journal: journal.journal, settings: testSettings(hub.url), logger: log.logger)
        try forwarder.start()
        defer { forwarder.stop(deadline: .now + .seconds(2)) }

        #expect(hub.waitForStored("inventory", count: 5))
        #expect(
            eventually {
                if case .conflict = forwarder.status()["production"]?.state { return true }
                return false
            })
        // More events and wake-ups do not make it try again.
        try journal.append("production", 6...8)
        try journal.append("inventory", 6...8)
        forwarder.wake()
        #expect(hub.waitForStored("inventory", count: 8))
        #expect(hub.requests("production").count == 1)
        #expect(hub.stored("production") == [TestHub.Stored(seq: 1, id: "someone-else/1", type: "test_event")])
        #expect(try journal.acknowledgedSeq("production") == 0)
        let status = forwarder.status()
        guard case .conflict(let reason) = status["production"]?.state else {
            Issue.record("expected a conflict state")
            return
        }
        #expect(
            reason.hasPrefix("hub reports sequence_conflict at seq 1: event id someone-else/1 is stored at this seq"))
        #expect(status.lastError?.stream == "production")
        let errors = log.all.filter { $0.level == .error }
        #expect(errors.count == 1)
        #expect(errors.first?.stream == "production")
        #expect(errors.first?.message.hasPrefix("stopped: hub reports sequence_conflict") == true)
    }
}

import Testing

@testable import PlantJournal

@Suite struct JournalAcknowledgeTests {
    @Test func acknowledgeMovesForwardOnlyAndRecordsTheTime() throws {
        let clock = ManualClock(1_000_000)
        try withJournal(options: testOptions(clock: clock)) { (journal, _) throws in
            try journal.append((1...5).map { record("s", "e\($0)", body: "12345") })
            clock.advance(by: 10)
            try journal.acknowledge(stream: "s", through: 3)
            var backlog = try #require(try journal.backlog().first)
            #expect(backlog.acknowledgedSeq == 3)
            #expect(backlog.acknowledgedAt == 1_000_010)
            #expect(backlog.pendingCount == 2)
            #expect(backlog.pendingBytes == 10)

            clock.advance(by: 10)
            try journal.acknowledge(stream: "s", through: 2)  // an older ack: ignored
            try journal.acknowledge(stream: "s", through: 3)  // a repeated ack: ignored, time kept
            backlog = try #require(try journal.backlog().first)
            #expect(backlog.acknowledgedSeq == 3)
            #expect(backlog.acknowledgedAt == 1_000_010)

            #expect(
                errorText { try journal.acknowledge(stream: "s", through: 6) }
                    == "stream \"s\": acknowledgement through seq 6 but the journal holds only up to 5")
            #expect(
                errorText { try journal.acknowledge(stream: "nope", through: 1) } == "no stream \"nope\" in the journal"
            )
            try journal.acknowledge(stream: "s", through: 5)
            backlog = try #require(try journal.backlog().first)
            #expect(backlog.pendingCount == 0)
            #expect(backlog.pendingBytes == 0)
            #expect(backlog.oldestPendingJournaledAt == nil)
        }
    }

    @Test func backlogReportsEveryFigurePerStream() throws {
        let clock = ManualClock(2_000_000)
        try withJournal(options: testOptions(clock: clock)) { (journal, _) throws in
            try journal.append([record("a", "a1", body: "aaaa"), record("b", "b1", body: "bb")])
            clock.advance(by: 1_000)
            try journal.append([record("a", "a2", body: "aaaaaa")])
            try journal.acknowledge(stream: "a", through: 1)
            let tombstone = JournalRecord(stream: "b", id: "b1/dead", type: "tombstone", occurredAt: 1, body: [])
            try journal.deadLetter(stream: "b", seq: 1, reason: "422 unknown material", tombstone: tombstone)
            let backlog = try journal.backlog()
            #expect(
                backlog == [
                    StreamBacklog(
                        stream: "a", lastSeq: 2, acknowledgedSeq: 1, acknowledgedAt: 2_001_000, pendingCount: 1,
                        pendingBytes: 6, oldestPendingJournaledAt: 2_001_000, deadLetterCount: 0),
                    StreamBacklog(
                        stream: "b", lastSeq: 1, acknowledgedSeq: 0, acknowledgedAt: nil, pendingCount: 1,
                        pendingBytes: 0, oldestPendingJournaledAt: 2_000_000, deadLetterCount: 1),
                ])
            #expect(backlog[1].oldestPendingAge(now: 2_005_000) == 5_000)
        }
    }

    @Test func pruningDeletesOnlyAcknowledgedEventsPastRetentionInBatches() throws {
        let clock = ManualClock(10_000_000)
        try withJournal(options: testOptions(clock: clock)) { (journal, _) throws in
            try journal.append((1...7).map { record("s", "old\($0)") })
            clock.advance(by: 3_600_000)
            try journal.append((8...9).map { record("s", "new\($0)") })
            try journal.append([record("t", "t1")])
            try journal.acknowledge(stream: "s", through: 8)
            let now = clock.milliseconds + 1
            // Retention one hour: events 1–7 are old enough; 8 is acknowledged but too young; 9 and
            // t1 are not acknowledged.
            #expect(try journal.pruneAcknowledged(olderThan: .seconds(3_600), now: now, batchSize: 3) == 7)
            #expect(try journal.pending(stream: "s", after: 0, limit: 20).map(\.seq) == [8, 9])
            #expect(try journal.pending(stream: "t", after: 0, limit: 20).map(\.seq) == [1])
            #expect(try journal.pruneAcknowledged(olderThan: .seconds(3_600), now: now, batchSize: 3) == 0)
            // Long after, everything acknowledged goes; the unacknowledged stays.
            #expect(try journal.pruneAcknowledged(olderThan: .seconds(0), now: now + 10, batchSize: 100) == 1)
            #expect(try journal.pending(stream: "s", after: 0, limit: 20).map(\.seq) == [9])
            // Numbering continues after pruning.
            #expect(try journal.append([record("s", "s10")]) == [.appended(seq: 10)])
            let backlog = try #require(try journal.backlog().first)
            #expect(backlog.lastSeq == 10)
            #expect(backlog.pendingCount == 2)
        }
    }

    @Test func backlogHistoryIsSampledAndKeptFortyEightHours() throws {
        let clock = ManualClock(50_000_000)
        try withJournal(options: testOptions(clock: clock)) { (journal, _) throws in
            try journal.append([record("s", "e1", body: "123")])
            let start = clock.milliseconds
            try journal.sampleBacklog(now: start)
            try journal.sampleBacklog(now: start + 60_000)
            #expect(
                try journal.backlogHistory(since: 0) == [
                    BacklogSample(sampledAt: start, stream: "s", pendingCount: 1, pendingBytes: 3, oldestPendingAge: 0),
                    BacklogSample(
                        sampledAt: start + 60_000, stream: "s", pendingCount: 1, pendingBytes: 3,
                        oldestPendingAge: 60_000),
                ])
            try journal.acknowledge(stream: "s", through: 1)
            let later = start + 48 * 3_600_000 + 30_000
            try journal.sampleBacklog(now: later)
            #expect(
                try journal.backlogHistory(since: 0) == [
                    BacklogSample(
                        sampledAt: start + 60_000, stream: "s", pendingCount: 1, pendingBytes: 3,
                        oldestPendingAge: 60_000),
                    BacklogSample(
                        sampledAt: later, stream: "s", pendingCount: 0, pendingBytes: 0, oldestPendingAge: nil),
                ])
        }
    }
}

import Testing

@testable import PlantJournal

@Suite struct JournalDeadLetterTests {
    @Test func deadLetterKeepsTheOriginalAndPutsTheTombstoneAtTheSameSeq() throws {
        let clock = ManualClock(3_000_000)
        try withJournal(options: testOptions(clock: clock)) { (journal, _) throws in
            try journal.append([record("s", "e1"), record("s", "e2", body: "{\"bad\":true}"), record("s", "e3")])
            clock.advance(by: 7)
            let tombstone = JournalRecord(
                stream: "s", id: "e2/tombstone", type: "tombstone", occurredAt: 42, body: Array("{\"dead\":2}".utf8))
            try journal.deadLetter(stream: "s", seq: 2, reason: "hub 422: unknown material M-9", tombstone: tombstone)

            let events = try journal.pending(stream: "s", after: 0, limit: 10)
            #expect(events.map(\.seq) == [1, 2, 3])
            #expect(events.map(\.id) == ["e1", "e2/tombstone", "e3"])
            #expect(events[1].type == "tombstone")
            #expect(events[1].body.text == "{\"dead\":2}")
            #expect(events[1].journaledAt == 3_000_000)

            #expect(
                try journal.deadLetters(limit: 10) == [
                    DeadLetter(
                        stream: "s", seq: 2, id: "e2", type: "test_event", occurredAt: 1_000,
                        body: Array("{\"bad\":true}".utf8), journaledAt: 3_000_000,
                        reason: "hub 422: unknown material M-9", deadLetteredAt: 3_000_007)
                ])
            #expect(try journal.deadLetterCount() == 1)
            // The original id stays known: reading the same input again cannot bring it back.
            #expect(
                try journal.append([record("s", "e2"), record("s", "e4")])
                    == [.duplicate(existingSeq: 2, stream: "s"), .appended(seq: 4)])
        }
    }

    @Test func deadLetterRefusesWhatItCannotDo() throws {
        try withJournal { (journal, _) throws in
            try journal.append([record("s", "e1"), record("s", "e2")])
            let tombstone = JournalRecord(stream: "s", id: "t1", type: "tombstone", occurredAt: 0, body: [])
            #expect(
                errorText { try journal.deadLetter(stream: "s", seq: 9, reason: "r", tombstone: tombstone) }
                    == "stream \"s\": no event at seq 9")
            #expect(
                errorText { try journal.deadLetter(stream: "x", seq: 1, reason: "r", tombstone: tombstone) }
                    == "record 0: tombstone is for stream \"s\", not \"x\"")
            var clash = tombstone
            clash.id = "e2"
            #expect(
                errorText { try journal.deadLetter(stream: "s", seq: 1, reason: "r", tombstone: clash) }
                    == "record 0: tombstone id \"e2\" is already journaled")
            try journal.deadLetter(stream: "s", seq: 1, reason: "r", tombstone: tombstone)
            var again = tombstone
            again.id = "t2"
            #expect(
                errorText { try journal.deadLetter(stream: "s", seq: 1, reason: "r", tombstone: again) }
                    == "stream \"s\": the event at seq 1 is already dead-lettered")
            #expect(try journal.deadLetterCount() == 1)
        }
    }

    @Test func quarantineRecordsBadInputWithReasonAndLocation() throws {
        var options = testOptions(clock: ManualClock(4_000_000))
        options.maxQuarantineExcerpt = 8
        try withJournal(options: options) { (journal, _) throws in
            try journal.quarantine(
                input: "filedrop:receipts", reason: "column 3: expected a quantity, found \"12x\"",
                excerpt: Array("R-1;M-7;12x;EA".utf8), location: "receipts-0412.csv:17")
            try journal.quarantine(
                input: "scanner:dock-3", reason: "GS1: bad check digit", excerpt: [0x01],
                location: "scan 88")
            #expect(try journal.quarantineCount() == 2)
            #expect(
                try journal.quarantined(limit: 10) == [
                    QuarantineEntry(
                        number: 2, input: "scanner:dock-3", reason: "GS1: bad check digit", excerpt: [0x01],
                        location: "scan 88", quarantinedAt: 4_000_000),
                    QuarantineEntry(
                        number: 1, input: "filedrop:receipts",
                        reason: "column 3: expected a quantity, found \"12x\"",
                        excerpt: Array("R-1;M-7;".utf8), location: "receipts-0412.csv:17",
                        quarantinedAt: 4_000_000),
                ])
            #expect(try journal.quarantined(limit: 1).map(\.number) == [2])
        }
    }
}

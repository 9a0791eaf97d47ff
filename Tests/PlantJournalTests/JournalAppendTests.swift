import Foundation
import Testing

@testable import PlantJournal

@Suite struct JournalAppendTests {
    @Test func numbersEachStreamFromOneWithoutGapsInCallOrder() throws {
        try withJournal { (journal, _) throws in
            let first = try journal.append([record("a", "a1"), record("b", "b1"), record("a", "a2")])
            #expect(first == [.appended(seq: 1), .appended(seq: 1), .appended(seq: 2)])
            let second = try journal.append([record("a", "a3"), record("b", "b2")])
            #expect(second == [.appended(seq: 3), .appended(seq: 2)])
            let a = try journal.pending(stream: "a", after: 0, limit: 10)
            #expect(a.map(\.seq) == [1, 2, 3])
            #expect(a.map(\.id) == ["a1", "a2", "a3"])
            #expect(a[0].type == "test_event")
            #expect(a[0].occurredAt == 1_000)
            #expect(a[0].body.text == "{\"id\":\"a1\"}")
            #expect(try journal.pending(stream: "b", after: 0, limit: 10).map(\.id) == ["b1", "b2"])
            #expect(try journal.streams() == ["a", "b"])
        }
    }

    @Test func pendingHonoursAfterLimitAndMaxBytes() throws {
        try withJournal { (journal, _) throws in
            try journal.append((1...5).map { record("s", "e\($0)", body: String(repeating: "x", count: 10)) })
            #expect(try journal.pending(stream: "s", after: 2, limit: 10).map(\.seq) == [3, 4, 5])
            #expect(try journal.pending(stream: "s", after: 0, limit: 2).map(\.seq) == [1, 2])
            #expect(try journal.pending(stream: "s", after: 0, limit: 10, maxBytes: 25).map(\.seq) == [1, 2])
            // One event is always returned, even when it alone exceeds maxBytes.
            #expect(try journal.pending(stream: "s", after: 0, limit: 10, maxBytes: 3).map(\.seq) == [1])
            #expect(try journal.pending(stream: "s", after: 5, limit: 10) == [])
            #expect(try journal.pending(stream: "unknown", after: 0, limit: 10) == [])
        }
    }

    @Test func journaledAtComesFromTheClock() throws {
        let clock = ManualClock(1_700_000_000_000)
        try withJournal(options: testOptions(clock: clock)) { (journal, _) throws in
            try journal.append([record("s", "e1")])
            clock.advance(by: 500)
            try journal.append([record("s", "e2")])
            #expect(
                try journal.pending(stream: "s", after: 0, limit: 10).map(\.journaledAt)
                    == [1_700_000_000_000, 1_700_000_000_500])
        }
    }

    @Test func duplicateIdsAreReportedAndNotStored() throws {
        try withJournal { (journal, _) throws in
            try journal.append([record("a", "x1"), record("a", "x2")])
            let outcomes = try journal.append([
                record("a", "x2"), record("a", "x3"), record("a", "x3"), record("b", "x1"),
            ])
            #expect(
                outcomes == [
                    .duplicate(existingSeq: 2, stream: "a"), .appended(seq: 3), .duplicate(existingSeq: 3, stream: "a"),
                    .duplicate(existingSeq: 1, stream: "a"),
                ])
            #expect(try journal.pending(stream: "a", after: 0, limit: 10).map(\.id) == ["x1", "x2", "x3"])
            // A stream mentioned only by duplicates is created but stays empty: no gap, no row.
            #expect(try journal.pending(stream: "b", after: 0, limit: 10) == [])
            #expect(try journal.append([record("a", "x4")]) == [.appended(seq: 4)])
        }
    }

    @Test func invalidRecordsAreRefusedBeforeAnythingIsWritten() throws {
        try withJournal { (journal, _) throws in
            #expect(
                errorText { try journal.append([record("a", "ok"), record("", "e")]) } == "record 1: empty stream name")
            #expect(errorText { try journal.append([record("a", "")]) } == "record 0: empty event id")
            #expect(try journal.streams() == [])
        }
    }

    @Test func checkpointsAreStoredWithTheirRecords() throws {
        try withJournal { (journal, _) throws in
            try journal.append([record("a", "a1")], checkpoints: ["file/x": Array("offset=10".utf8)])
            #expect(try journal.checkpoint("file/x")?.text == "offset=10")
            try journal.append([record("a", "a2")], checkpoints: ["file/x": Array("offset=20".utf8), "agg/L3": [1]])
            #expect(try journal.checkpoints().mapValues(\.text) == ["file/x": "offset=20", "agg/L3": "\u{1}"])
            #expect(try journal.checkpoint("missing") == nil)
            // A checkpoint alone is a valid call.
            try journal.append([], checkpoints: ["file/x": Array("offset=30".utf8)])
            #expect(try journal.checkpoint("file/x")?.text == "offset=30")
        }
    }

    @Test func failedCommitStoresNeitherRecordsNorCheckpointsAndFailsEveryCaller() throws {
        let clock = ManualClock()
        try withJournal(options: testOptions(clock: clock)) { (journal, path) throws in
            try journal.append([record("a", "a1")], checkpoints: ["cp": Array("1".utf8)])
            // Cap the file at its current size: the next group cannot allocate a page (SQLITE_FULL).
            try journal.withWriteConnection { db in
                let pages = try db.pragmaInteger("page_count")
                try db.setPragma("max_page_count", String(pages))
            }
            let big = String(repeating: "y", count: 20_000)
            let message = errorText {
                try journal.append(
                    [record("a", "a2", body: big), record("b", "b1")], checkpoints: ["cp": Array("2".utf8)])
            }
            #expect(
                message == "journal \(path): disk full, appends refused until space is freed (database or disk is full)"
            )
            #expect(try journal.checkpoint("cp")?.text == "1")
            #expect(try journal.pending(stream: "a", after: 0, limit: 10).map(\.id) == ["a1"])
            #expect(try journal.streams() == ["a"])
            #expect(journal.health == .diskFull(since: clock.milliseconds, message: "database or disk is full"))

            // Until the retry interval passed, appends are refused without touching the disk.
            _ = try journal.withWriteConnection { db in try db.setPragma("max_page_count", "1073741823") }
            #expect(errorText { try journal.append([record("a", "a2")]) } == message)
            clock.advance(by: JournalOptions().failureRetryInterval.wholeMilliseconds)
            #expect(
                try journal.append([record("a", "a2")], checkpoints: ["cp": Array("2".utf8)]) == [.appended(seq: 2)])
            #expect(journal.health == .ok)
            #expect(try journal.checkpoint("cp")?.text == "2")
        }
    }

    @Test func concurrentCallersGetGaplessSequencesInCommitOrder() throws {
        try withJournal { (journal, _) throws in
            let threads = 4
            let perThread = 50
            let done = DispatchGroup()
            let results = Locked<[String: Int64]>([:])
            for t in 0..<threads {
                done.enter()
                Thread {
                    defer { done.leave() }
                    for n in 0..<perThread {
                        let id = "t\(t)-\(n)"
                        if let outcome = try? journal.append([record("shared", id)]).first {
                            results.withLock { $0[id] = outcome.seq }
                        }
                    }
                }.start()
            }
            #expect(done.wait(timeout: .now() + 60) == .success)
            let stored = try journal.pending(stream: "shared", after: 0, limit: 1_000)
            #expect(stored.map(\.seq) == Array(1...Int64(threads * perThread)))
            let returned = results.withLock { $0 }
            #expect(returned.count == threads * perThread)
            for event in stored { #expect(returned[event.id] == event.seq) }
            // Each caller's own appends come back in the order it made them.
            for t in 0..<threads {
                let seqs = (0..<perThread).compactMap { returned["t\(t)-\($0)"] }
                #expect(seqs == seqs.sorted())
            }
        }
    }

    @Test func groupCommitWithADelayStillAnswersEveryCaller() throws {
        var options = testOptions()
        options.groupCommit = .init(maxRecords: 10, maxDelay: .milliseconds(5))
        try withJournal(options: options) { (journal, _) throws in
            #expect(try journal.append([record("s", "e1")]) == [.appended(seq: 1)])
            #expect(try journal.append((2...30).map { record("s", "e\($0)") }).count == 29)
            #expect(try journal.backlog().first?.lastSeq == 30)
        }
    }

    @Test func closedJournalRefusesWork() throws {
        try withTemporaryDirectory { (directory) throws in
            let path = directory + "/j.db"
            let journal = try Journal.open(path: path, options: testOptions())
            journal.close()
            journal.close()
            #expect(errorText { try journal.append([record("a", "a1")]) } == "journal \(path): closed")
            #expect(errorText { _ = try journal.streams() } == "journal \(path): closed")
        }
    }
}

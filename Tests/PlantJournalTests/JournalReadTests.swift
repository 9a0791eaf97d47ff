import Foundation
import Testing

@testable import PlantJournal

@Suite struct JournalReadTests {
    @Test func pendingReadsWhileTheWriterHoldsAnOpenTransaction() throws {
        try withJournal { (journal, _) throws in
            try journal.append([record("s", "e1"), record("s", "e2")])
            let inside = DispatchSemaphore(value: 0)
            let release = DispatchSemaphore(value: 0)
            let writerDone = DispatchSemaphore(value: 0)
            // Park the writer thread inside a write transaction with uncommitted rows.
            Thread {
                _ = try? journal.withWriteConnection { db in
                    try db.execute("BEGIN IMMEDIATE")
                    try db.execute("UPDATE streams SET last_seq = 99")
                    inside.signal()
                    _ = release.wait(timeout: .now() + 30)
                    db.rollbackIfNeeded()
                }
                writerDone.signal()
            }.start()
            #expect(inside.wait(timeout: .now() + 10) == .success)
            defer {
                release.signal()
                _ = writerDone.wait(timeout: .now() + 10)
            }
            let started = ContinuousClock.now
            #expect(try journal.pending(stream: "s", after: 0, limit: 10).map(\.id) == ["e1", "e2"])
            #expect(try journal.backlog().map(\.lastSeq) == [2])  // the committed state only
            #expect(ContinuousClock.now - started < .seconds(2))  // answered, not blocked behind the writer
        }
    }

    @Test func statusReaderWorksWhileTheJournalIsOpenAndAfterItIsClosed() throws {
        try withTemporaryDirectory { (directory) throws in
            let path = directory + "/j.db"
            let journal = try Journal.open(path: path, options: testOptions())
            try journal.append([record("s", "e1"), record("t", "f1")])
            try journal.quarantine(input: "in", reason: "bad", excerpt: [], location: "1")
            let live = try JournalStatusReader(path: path)
            #expect(try live.epoch() == journal.epoch)
            #expect(try live.backlog().map(\.pendingCount) == [1, 1])
            try journal.append([record("s", "e2")])
            #expect(try live.backlog().map(\.lastSeq) == [2, 1])  // sees new commits
            #expect(try live.quarantineCount() == 1)
            journal.close()
            #expect(try live.streams() == ["s", "t"])

            let afterClose = try JournalStatusReader(path: path)
            #expect(try afterClose.backlog().map(\.lastSeq) == [2, 1])
            #expect(try afterClose.deadLetterCount() == 0)
        }
    }

    @Test func walIsTruncatedWhenIdle() throws {
        var options = testOptions()
        options.idleCheckpointAfter = .milliseconds(20)
        try withJournal(options: options) { (journal, path) throws in
            try journal.append((1...200).map { record("s", "e\($0)", body: String(repeating: "z", count: 500)) })
            let deadline = ContinuousClock.now + .seconds(10)
            var size = Int64.max
            while ContinuousClock.now < deadline {
                size = (try? FileManager.default.attributesOfItem(atPath: path + "-wal")[.size] as? Int64) ?? 0
                if size == 0 { break }
                Thread.sleep(forTimeInterval: 0.01)  // polling a condition with a deadline
            }
            #expect(size == 0)
        }
    }
}

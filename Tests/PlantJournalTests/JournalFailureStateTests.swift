import Testing

@testable import PlantJournal

@Suite struct JournalFailureStateTests {
    @Test func fsyncFailureRefusesAppendsThenRetriesOnAFreshConnection() throws {
        let clock = ManualClock()
        try withJournal(options: testOptions(clock: clock)) { (journal, path) throws in
            try journal.append([record("s", "e1")])
            // What the writer does when COMMIT reports SQLITE_IOERR_FSYNC.
            let fsync = SQLiteError(code: 10 | (4 << 8), message: "disk I/O error")
            #expect(SQLiteError.ioErrFsync.matches(fsync) && SQLiteError.ioErr.matches(fsync))
            let shown = try journal.withWriterSession { session in "\(session.classify(fsync, now: clock.milliseconds))"
            }
            #expect(shown == "journal \(path): fsync failed, appends refused until a retry succeeds (disk I/O error)")
            #expect(journal.health == .fsyncFailed(since: clock.milliseconds, message: "disk I/O error"))
            #expect(errorText { try journal.append([record("s", "e2")]) } == shown)

            clock.advance(by: JournalOptions().failureRetryInterval.wholeMilliseconds)
            #expect(try journal.append([record("s", "e2")]) == [.appended(seq: 2)])
            #expect(journal.health == .ok)
            #expect(try journal.pending(stream: "s", after: 0, limit: 10).map(\.id) == ["e1", "e2"])
        }
    }
}

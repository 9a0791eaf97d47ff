import Foundation
import Testing

@testable import PlantJournal

/// Damage done while the agent is down: found at open, named, never silent.
@Suite struct JournalDamageTests {
    /// The files as a kill -9 leaves them: database, WAL and high-water mark copied while the journal
    /// is open (every append returned, so its commit is on disk). The idle checkpoint is held off so
    /// the commits stay in the WAL.
    private func killedJournal(in directory: String, commits: Int) throws -> String {
        var options = testOptions()
        options.idleCheckpointAfter = .seconds(3_600)
        let live = directory + "/live.db"
        let journal = try Journal.open(path: live, options: options)
        for index in 1...commits {
            try journal.append([
                record("inventory", "inv-\(index)", body: String(repeating: "x", count: 2_000)),
                record("production", "conf-\(index)"),
            ])
        }
        let copy = directory + "/j.db"
        for suffix in ["", "-wal", ".highwater"] {
            try FileManager.default.copyItem(atPath: live + suffix, toPath: copy + suffix)
        }
        journal.close()
        return copy
    }

    /// Cuts through the middle of the WAL: SQLite drops the commits after the cut as if never written.
    private func cutWALInHalf(_ path: String) throws {
        let wal = path + "-wal"
        let size = try #require(try FileManager.default.attributesOfItem(atPath: wal)[.size] as? Int)
        try FileHandle(forUpdating: URL(fileURLWithPath: wal)).truncate(atOffset: UInt64(size / 2))
    }

    @Test func aWALCutShortIsRefusedNamingTheMissingSeqs() throws {
        try withTemporaryDirectory { (directory) throws in
            let path = try killedJournal(in: directory, commits: 40)
            try cutWALInHalf(path)
            let text = try #require(errorText { _ = try Journal.open(path: path, options: testOptions()) })
            #expect(text.hasPrefix("journal \(path): committed events are missing (inventory seqs "))
            #expect(text.contains("production seqs "))
            #expect(text.contains("–40"))
            #expect(text.hasSuffix("or start with --accept-journal-loss to go on with what it holds"))
            // Refusing changed nothing: the same answer again.
            #expect(errorText { _ = try Journal.open(path: path, options: testOptions()) } == text)
        }
    }

    @Test func acceptingTheLossOpensReportsItAndNumbersOn() throws {
        try withTemporaryDirectory { (directory) throws in
            let path = try killedJournal(in: directory, commits: 40)
            try cutWALInHalf(path)
            var options = testOptions()
            options.acceptLostCommits = true
            let journal = try Journal.open(path: path, options: options)
            let lost = journal.lostCommits
            #expect(lost.count == 2)
            #expect(lost.allSatisfy { $0.hasSuffix("–40") })
            let held = try journal.backlog().first { $0.stream == "inventory" }?.lastSeq ?? -1
            #expect(held > 0 && held < 40)
            #expect(try journal.append([record("inventory", "after")]) == [.appended(seq: held + 1)])
            journal.close()
            // The mark now describes the journal as it is: a plain open works.
            let again = try Journal.open(path: path, options: testOptions())
            #expect(again.lostCommits.isEmpty)
            again.close()
        }
    }

    @Test func aKillLeavesNoFalseAlarmAndAMarkOfAnotherEpochIsIgnored() throws {
        try withTemporaryDirectory { (directory) throws in
            let path = try killedJournal(in: directory, commits: 10)
            let journal = try Journal.open(path: path, options: testOptions())
            #expect(journal.lostCommits.isEmpty)
            #expect(try journal.backlog().map(\.lastSeq) == [10, 10])
            journal.close()

            // The journal moved aside, its mark left behind: a new journal starts a new epoch and mark.
            try FileManager.default.removeItem(atPath: path)
            let fresh = try Journal.open(path: path, options: testOptions())
            #expect(fresh.lostCommits.isEmpty)
            fresh.close()
            let mark = try String(contentsOfFile: path + ".highwater", encoding: .utf8)
            #expect(mark.contains("epoch \(fresh.epoch)\n"))
        }
    }

    @Test func aPageOverwrittenWhileDownIsFoundAtOpen() throws {
        try withTemporaryDirectory { (directory) throws in
            let path = directory + "/j.db"
            let journal = try Journal.open(path: path, options: testOptions())
            for index in 1...200 {
                try journal.append([record("inventory", "inv-\(index)", body: String(repeating: "y", count: 500))])
            }
            journal.close()
            let size = try #require(try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int)
            let pages = size / 4_096
            #expect(pages > 10)
            // A page in the middle of the events' B-tree, overwritten with a fixed pattern.
            let handle = try FileHandle(forUpdating: URL(fileURLWithPath: path))
            try handle.seek(toOffset: UInt64(pages / 2 * 4_096))
            try handle.write(contentsOf: Data((0..<4_096).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ 3) }))
            try handle.close()
            let text = try #require(errorText { _ = try Journal.open(path: path, options: testOptions()) })
            #expect(text.hasPrefix("journal \(path): database is corrupt ("))
            #expect(text.contains("quick_check") || text.contains("malformed"))
        }
    }
}

import Foundation
import PlantJournal
import Testing

@testable import PlantAgent

/// `plantsync status` must show a full disk, while the journal refuses the state record.
@Suite struct StateSideFileTests {
    private func withDataDirectory(_ body: (String) throws -> Void) throws {
        let directory = NSTemporaryDirectory() + "side-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try body(directory)
    }

    @Test func aRecordSurvivesTheRoundTripAndATornOneIsIgnored() throws {
        try withDataDirectory { directory in
            let file = try #require(StateSideFile(dataDirectory: directory))
            let size = try FileManager.default.attributesOfItem(atPath: file.path)[.size] as? Int
            #expect(size == StateSideFile.capacity)  // allocated up front, overwritten in place later
            #expect(StateSideFile.read(dataDirectory: directory) == nil)
            #expect(file.write(Array("first record".utf8)))
            #expect(file.write(Array("second".utf8)))
            #expect(StateSideFile.read(dataDirectory: directory) == Array("second".utf8))
            // A write torn after the header: the checksum no longer matches.
            let handle = try FileHandle(forUpdating: URL(fileURLWithPath: file.path))
            try handle.seek(toOffset: 9)
            try handle.write(contentsOf: Data("X".utf8))
            try handle.close()
            #expect(StateSideFile.read(dataDirectory: directory) == nil)
            #expect(!file.write([UInt8](repeating: 1, count: StateSideFile.capacity)))
        }
    }

    /// The journal holds an older record (it refused the newer one): status shows the side file's.
    @Test func statusShowsTheNewerOfTheJournalsRecordAndTheSideFiles() throws {
        try withDataDirectory { directory in
            let journal = try Journal.open(path: AgentLayout.journalPath(dataDirectory: directory))
            var older = try #require(StatusFixtures.status().state)
            older.journalHealth = "ok"
            try journal.append([], checkpoints: [AgentStateRecord.checkpointKey: older.encoded])
            journal.close()
            var newer = older
            newer.writtenAt += 5_000
            newer.journalHealth = "disk full since 2026-11-23T19:22:39.637Z, appends refused"
            let file = try #require(StateSideFile(dataDirectory: directory))
            file.write(newer.encoded)
            let status = try AgentStatus.read(dataDirectory: directory, now: newer.writtenAt)
            #expect(status.state?.journalHealth == newer.journalHealth)

            // And the other way round: a side file left behind older than the journal's record.
            file.write(older.encoded)
            let reopened = try Journal.open(path: AgentLayout.journalPath(dataDirectory: directory))
            try reopened.append([], checkpoints: [AgentStateRecord.checkpointKey: newer.encoded])
            reopened.close()
            #expect(try AgentStatus.read(dataDirectory: directory, now: newer.writtenAt).state == newer)
        }
    }
}

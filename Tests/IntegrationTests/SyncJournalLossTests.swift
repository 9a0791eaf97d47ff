import Foundation
import PlantModel
import Testing

/// A plant that lost its journal, end to end with the built `plantsync` over TLS:
/// - recreated from nothing (new epoch): the hub accepts the new epoch from seq 1, and events the
///   plant's sources produce again (same deterministic ids) are acknowledged without a second copy;
/// - restored from an old backup (same epoch, seqs the hub already holds reused for other events):
///   the hub refuses with `409 sequence_conflict`, nothing is overwritten, both sides say so loudly.
@Suite struct SyncJournalLossTests {
    @Test(.timeLimit(.minutes(2))) func recreatedJournalStartsANewEpochAndDuplicateIdsAreStoredOnce() throws {
        let plant = try SyncRig.enrol("P100")
        try withTemporaryDirectory { root in
            try SyncPair.run(root: root, plants: [plant], plant: "P100", token: plant.token) { pair in
                let digestA = try pair.dropInventory(name: "a.csv", count: 100)
                let before = try pair.waitForInventory("file a acknowledged") { $0.ackedThrough == 100 }
                let oldEpoch = try #require(before["epoch"]?.stringValue)

                // The disk is lost: the journal goes, the ERP's export folder (with file a archived) stays.
                try pair.agent.stop()
                try FileManager.default.removeItem(atPath: pair.rig.agentData)
                let folder = pair.rig.dropFolder("inventory")
                // Re-reading the sources: file a again, and a new file b.
                try FileManager.default.moveItem(atPath: folder + "/archive/a.csv", toPath: folder + "/a.csv")
                let digestB = try pair.dropInventory(name: "b.csv", first: 101, count: 50)
                try pair.agent.start()
                let after = try pair.waitForInventory("files a and b acknowledged in the new epoch") {
                    $0.lastSeq == 150 && $0.ackedThrough == 150 && $0.pending == 0
                }
                let newEpoch = try #require(after["epoch"]?.stringValue)
                #expect(newEpoch != oldEpoch)

                let reader = pair.reader(token: plant.token)
                let streams = try reader.streams(plant: "P100")
                #expect(streams["inventory"]?.ackedThrough == 150, "\(streams)")
                #expect(streams["inventory"]?.epoch == newEpoch, "\(streams)")
                // Each event once: a's 100 from the old epoch, b's 50 from the new one (seq 101…150).
                let events = try reader.events(plant: "P100", stream: "inventory")
                #expect(events.count == 150)
                #expect(events.map(\.position) == Array(1...150))
                let expected: [(String, Int64, String)] =
                    (1...100).map { ("file/inventory/\(digestA)/\($0)", Int64($0), oldEpoch) }
                    + (1...50).map { ("file/inventory/\(digestB)/\($0)", Int64(100 + $0), newEpoch) }
                #expect(events.map(\.id) == expected.map(\.0))
                #expect(events.map(\.seq) == expected.map(\.1))
                #expect(events.map(\.epoch) == expected.map(\.2))
                #expect(events.map { $0.data["item"]?.stringValue ?? "" } == (1...150).map { "I-\($0)" })
            }
        }
    }

    @Test(.timeLimit(.minutes(2))) func journalRestoredFromABackupMeetsSequenceConflict() throws {
        let plant = try SyncRig.enrol("P100")
        try withTemporaryDirectory { root in
            try SyncPair.run(root: root, plants: [plant], plant: "P100", token: plant.token) { pair in
                try pair.dropInventory(name: "a.csv", count: 100)
                try pair.waitForInventory("file a acknowledged") { $0.ackedThrough == 100 }
                try pair.agent.stop()
                let backup = root + "/journal-backup"
                try FileManager.default.copyItem(atPath: pair.rig.agentData, toPath: backup)

                // After the backup: file b, seqs 101…150, stored at the hub.
                try pair.agent.start()
                let digestB = try pair.dropInventory(name: "b.csv", first: 101, count: 50)
                try pair.waitForInventory("file b acknowledged") { $0.ackedThrough == 150 }
                try pair.agent.stop()

                // The backup comes back (same epoch) and new rows reuse seqs 101… for other events.
                try FileManager.default.removeItem(atPath: pair.rig.agentData)
                try FileManager.default.moveItem(atPath: backup, toPath: pair.rig.agentData)
                let digestC = try pair.dropInventory(name: "c.csv", first: 1001, count: 30)
                try pair.agent.start()
                let line = try pair.agent.waitForLog(timeout: .seconds(30)) { $0.contains("sequence_conflict") }
                let stored = "file/inventory/\(digestB)/1"
                let sent = "file/inventory/\(digestC)/1"
                #expect(
                    line.contains(
                        "level=error component=forwarder msg=\"stopped: hub reports sequence_conflict at seq 101: seq 101 "
                            + "of P100/inventory is already stored and the hub stores event \(stored) there, this batch "
                            + "has \(sent)"),
                    "\(line)")
                #expect(line.hasSuffix("the stream waits for a person\" stream=inventory"), "\(line)")
                let status = try pair.waitForInventory("c journaled, nothing more acknowledged") {
                    $0.lastSeq == 130 && $0.ackedThrough == 100 && $0.pending == 30
                }
                _ = status
                // The agent writes its state record within a second of a change: wait for it.
                var latest = JSONValue.null
                try waitUntil(
                    "status shows the inventory stream in conflict", timeout: .seconds(15),
                    poll: .milliseconds(100), detail: { "status: \(latest)" }
                ) {
                    latest = try pair.rig.agentStatus()
                    let row = latest["streams"]?.arrayValue?.first { $0["stream"]?.stringValue == "inventory" }
                    return row?["state"]?.stringValue == "conflict"
                }
                let hubLine = try pair.hub.waitForLog(timeout: .seconds(5)) { $0.contains("level=error") }
                #expect(
                    hubLine.hasPrefix(
                        "level=error msg=\"seq 101 of P100/inventory is already stored and the hub stores event \(stored) "
                            + "there, this batch has \(sent): the plant lost acknowledged data or two agents share an "
                            + "identity; nothing was overwritten\" plant=P100 stream=inventory"),
                    "\(hubLine)")

                // The hub kept what it had: a's 100 and b's 50, none of c.
                let reader = pair.reader(token: plant.token)
                let events = try reader.events(plant: "P100", stream: "inventory")
                #expect(events.count == 150)
                #expect(events.suffix(50).map(\.id) == (1...50).map { "file/inventory/\(digestB)/\($0)" })
                #expect(!events.contains { $0.id.contains(digestC) })
                #expect(try reader.streams(plant: "P100")["inventory"]?.ackedThrough == 150)
            }
        }
    }
}

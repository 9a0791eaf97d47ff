import Foundation
import PlantHub
import Testing

@Suite("Hub store: ordered, gapless, exactly once")
struct HubStoreTests {
    let now: Int64 = 1_795_357_000_000

    private func open(_ dir: TemporaryDirectory) throws -> HubStore {
        try HubStore(path: dir.file("hub.sqlite"), durability: .full, now: now)
    }

    private func commit(_ store: HubStore, _ batch: IncomingBatch, rejections: [EventRejection] = []) throws
        -> BatchOutcome
    {
        try store.commit(CheckedBatch(batch: batch, rejections: rejections), now: now).get()
    }

    private func feed(_ dir: TemporaryDirectory, plant: String = "P100", stream: String = "production")
        throws -> [FeedEvent]
    {
        let reader = HubStoreReader(path: dir.file("hub.sqlite"))
        defer { reader.close() }
        return try #require(try reader.feed(plant: plant, stream: stream, after: 0, limit: 100_000)).events
    }

    @Test func acceptsBatchesInOrderAndAssignsFeedPositions() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let store = try open(dir)
        #expect(try commit(store, Sample.batch(seqs: 1...3)) == .accepted(ackedThrough: 3))
        #expect(try commit(store, Sample.batch(seqs: 4...5)) == .accepted(ackedThrough: 5))
        let events = try feed(dir)
        #expect(events.map(\.position) == [1, 2, 3, 4, 5])
        #expect(events.map(\.seq) == [1, 2, 3, 4, 5])
        #expect(events.map(\.id) == (1...5).map { "conf/L3/WO-4711/\($0)" })
        #expect(events[0].canonical == Sample.canonical(id: "conf/L3/WO-4711/1"))
        #expect(events[0].epoch == "epoch-a")
        #expect(events[0].receivedAt == now)
        #expect(events[0].occurredAt == Sample.baseTime + 1)
    }

    @Test func resentBatchIsAcknowledgedAgainWithoutSecondCopy() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let store = try open(dir)
        #expect(try commit(store, Sample.batch(seqs: 1...4)) == .accepted(ackedThrough: 4))
        #expect(try commit(store, Sample.batch(seqs: 1...4)) == .accepted(ackedThrough: 4))
        #expect(try commit(store, Sample.batch(seqs: 2...3)) == .accepted(ackedThrough: 4))
        // Overlapping resend: 3...6 stores only 5 and 6.
        #expect(try commit(store, Sample.batch(seqs: 3...6)) == .accepted(ackedThrough: 6))
        #expect(try feed(dir).map(\.seq) == [1, 2, 3, 4, 5, 6])
    }

    @Test func batchAfterAHoleIsAGapWithTheExpectedSeq() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let store = try open(dir)
        #expect(try commit(store, Sample.batch(seqs: 1...3)) == .accepted(ackedThrough: 3))
        #expect(try commit(store, Sample.batch(seqs: 5...6)) == .gap(expectedSeq: 4, ackedThrough: 3))
        // A new epoch must start at 1.
        #expect(try commit(store, Sample.batch(epoch: "epoch-b", seqs: 2...3)) == .gap(expectedSeq: 1, ackedThrough: 0))
        #expect(try feed(dir).map(\.seq) == [1, 2, 3])
    }

    @Test func storedSeqWithAnotherIdOrOtherContentIsAConflict() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let store = try open(dir)
        #expect(try commit(store, Sample.batch(seqs: 1...3)) == .accepted(ackedThrough: 3))
        let otherID = Sample.batch(seqs: 2...4, ids: { $0 == 3 ? "conf/L3/WO-9999/3" : "conf/L3/WO-4711/\($0)" })
        #expect(
            try commit(store, otherID)
                == .conflict(
                    SequenceConflict(
                        seq: 3, kind: .idDiffers, storedID: "conf/L3/WO-4711/3", receivedID: "conf/L3/WO-9999/3",
                        ackedThrough: 3)))
        var otherContent = Sample.batch(seqs: 2...3)
        otherContent.events[0] = Sample.event(2, data: #"{"quantity":"5"}"#)
        #expect(
            try commit(store, otherContent)
                == .conflict(
                    SequenceConflict(
                        seq: 2, kind: .contentDiffers, storedID: "conf/L3/WO-4711/2", receivedID: "conf/L3/WO-4711/2",
                        ackedThrough: 3)))
        // Nothing of the conflicting batches was stored, seq 4 included.
        #expect(try feed(dir).map(\.seq) == [1, 2, 3])
        #expect(try commit(store, Sample.batch(seqs: 4...4)) == .accepted(ackedThrough: 4))
    }

    @Test func newEpochStartsAtOneAndStoresKnownIdsOnce() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let store = try open(dir)
        #expect(try commit(store, Sample.batch(seqs: 1...3)) == .accepted(ackedThrough: 3))
        // The plant lost its journal; re-reading its sources makes events 2 and 3 again (same ids,
        // same content), then a new one.
        let again = IncomingBatch(
            plant: "P100", stream: "production", epoch: "epoch-b", firstSeq: 1,
            events: [
                IncomingEvent(
                    seq: 1, id: "conf/L3/WO-4711/2", type: "production_confirmation",
                    occurredAt: Sample.baseTime + 2, canonical: Sample.canonical(id: "conf/L3/WO-4711/2")),
                IncomingEvent(
                    seq: 2, id: "conf/L3/WO-4711/3", type: "production_confirmation",
                    occurredAt: Sample.baseTime + 3, canonical: Sample.canonical(id: "conf/L3/WO-4711/3")),
                IncomingEvent(
                    seq: 3, id: "conf/L3/WO-4711/new", type: "production_confirmation",
                    occurredAt: Sample.baseTime + 9, canonical: Sample.canonical(id: "conf/L3/WO-4711/new")),
            ])
        #expect(try commit(store, again) == .accepted(ackedThrough: 3))
        // Resending the new epoch's batch compares against the stored copies, markers included.
        #expect(try commit(store, again) == .accepted(ackedThrough: 3))
        let events = try feed(dir)
        #expect(events.map(\.position) == [1, 2, 3, 4])
        #expect(
            events.map(\.id) == ["conf/L3/WO-4711/1", "conf/L3/WO-4711/2", "conf/L3/WO-4711/3", "conf/L3/WO-4711/new"])
        #expect(events.map(\.epoch) == ["epoch-a", "epoch-a", "epoch-a", "epoch-b"])
        #expect(events.map(\.seq) == [1, 2, 3, 3])
        // A known id with different content cannot be acknowledged as a duplicate: 422.
        var changed = Sample.batch(epoch: "epoch-b", seqs: 4...4, ids: { _ in "conf/L3/WO-4711/1" })
        changed.events[0] = Sample.event(4, id: "conf/L3/WO-4711/1", data: #"{"quantity":"7"}"#)
        let outcome = try commit(store, changed)
        #expect(
            outcome
                == .unprocessable(
                    [
                        EventRejection(
                            seq: 4, id: "conf/L3/WO-4711/1", reason: .eventIDConflict,
                            message:
                                "the hub already holds an event with id conf/L3/WO-4711/1 for plant P100 with different "
                                + "content; ids must identify one event")
                    ], ackedThrough: 3))
        #expect(try feed(dir).count == 4)
    }

    @Test func refusedEventsRejectTheWholeBatchButOnlyForNewSeqs() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let store = try open(dir)
        #expect(try commit(store, Sample.batch(seqs: 1...2)) == .accepted(ackedThrough: 2))
        let old = EventRejection(seq: 2, id: "conf/L3/WO-4711/2", reason: .unknownEventType, message: "old")
        let bad = EventRejection(seq: 4, id: "conf/L3/WO-4711/4", reason: .unknownEventType, message: "bad type")
        #expect(
            try commit(store, Sample.batch(seqs: 2...5), rejections: [old, bad])
                == .unprocessable([bad], ackedThrough: 2))
        #expect(try feed(dir).map(\.seq) == [1, 2])
        // The agent dead-letters seq 4 and sends a tombstone in its place.
        var fixed = Sample.batch(seqs: 3...5)
        fixed.events[1] = Sample.event(4, id: "dead/conf/L3/WO-4711/4", type: "dead_lettered")
        #expect(try commit(store, fixed) == .accepted(ackedThrough: 5))
        #expect(
            try feed(dir).map(\.type) == [
                "production_confirmation", "production_confirmation",
                "production_confirmation", "dead_lettered", "production_confirmation",
            ])
    }

    @Test func groupCommitKeepsEachBatchAtomic() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let store = try open(dir)
        let results = try store.commit(
            [
                CheckedBatch(batch: Sample.batch(plant: "P100", seqs: 1...2)),
                CheckedBatch(batch: Sample.batch(plant: "P200", seqs: 2...3)),
                CheckedBatch(batch: Sample.batch(plant: "P100", seqs: 3...4)),
            ], now: now
        ).map { try $0.get() }
        #expect(
            results == [.accepted(ackedThrough: 2), .gap(expectedSeq: 1, ackedThrough: 0), .accepted(ackedThrough: 4)])
        #expect(try feed(dir, plant: "P100").map(\.seq) == [1, 2, 3, 4])
        #expect(try feed(dir, plant: "P200").isEmpty)
    }

    @Test func sameIdInAnotherStreamOfThePlantIsStoredOnce() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let store = try open(dir)
        #expect(
            try commit(store, Sample.batch(stream: "production", seqs: 1...1, ids: { _ in "x/1" }))
                == .accepted(ackedThrough: 1))
        #expect(
            try commit(store, Sample.batch(stream: "quality", seqs: 1...1, ids: { _ in "x/1" }))
                == .accepted(ackedThrough: 1))
        #expect(try feed(dir, stream: "quality").isEmpty)
        // Another plant may use the same id: ids are unique per plant.
        #expect(
            try commit(store, Sample.batch(plant: "P200", seqs: 1...1, ids: { _ in "x/1" }))
                == .accepted(ackedThrough: 1))
        #expect(try feed(dir, plant: "P200").map(\.id) == ["x/1"])
    }

    @Test func reopenedStoreKeepsEverything() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        do {
            let store = try open(dir)
            #expect(try commit(store, Sample.batch(seqs: 1...3)) == .accepted(ackedThrough: 3))
        }
        let store = try open(dir)
        #expect(try commit(store, Sample.batch(seqs: 1...3)) == .accepted(ackedThrough: 3))
        #expect(try commit(store, Sample.batch(seqs: 5...5)) == .gap(expectedSeq: 4, ackedThrough: 3))
        #expect(try feed(dir).map(\.seq) == [1, 2, 3])
    }

    @Test func refusesAFileThatIsNotAHubStore() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.file("other.sqlite")
        #expect(FileManager.default.createFile(atPath: path, contents: Data("not sqlite at all, just text".utf8)))
        #expect {
            _ = try HubStore(path: path, now: now)
        } throws: { error in
            "\(error)" == "\(path): not an SQLite database"
        }
    }
}

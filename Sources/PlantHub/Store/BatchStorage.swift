import PlantJournal

/// The rules for one batch, applied inside the caller's savepoint.
extension HubStore {
    /// Decides and (when accepted) writes one batch:
    /// 1. A batch starting after `acked_through + 1` of its epoch is a gap.
    /// 2. Seqs up to `acked_through` are already stored: each must carry the stored event id and
    ///    identical canonical content, else it is a conflict. Nothing is written for them.
    /// 3. Newer seqs are stored in order. An id the plant already stored (in any epoch or stream)
    ///    with identical content becomes a duplicate marker in the sequence; with other content it
    ///    is refused (422 `event_id_conflict`).
    func apply(_ checked: CheckedBatch, now: Int64) throws -> BatchOutcome {
        let batch = checked.batch
        let s = statements
        let plantKey = try recordContact(batch, now: now, storing: true)
        let stream = try streamRow(plantKey: plantKey, name: batch.stream)
        let (epochKey, ackedThrough) = try epochRow(streamKey: stream.key, epoch: batch.epoch, now: now)
        if batch.firstSeq > ackedThrough + 1 {
            return .gap(expectedSeq: ackedThrough + 1, ackedThrough: ackedThrough)
        }

        for event in batch.events where event.seq <= ackedThrough {
            let stored = try storedEvent(epochKey: epochKey, seq: event.seq)
            guard let stored else {
                throw HubStoreError.corrupt(
                    path: path,
                    detail: "epoch \(batch.epoch) of \(batch.plant)/\(batch.stream) "
                        + "acknowledged through \(ackedThrough) but holds no seq \(event.seq)")
            }
            if stored.id != event.id || stored.canonical != event.canonical {
                return .conflict(
                    SequenceConflict(
                        seq: event.seq, kind: stored.id != event.id ? .idDiffers : .contentDiffers,
                        storedID: stored.id, receivedID: event.id, ackedThrough: ackedThrough))
            }
        }

        var rejections = checked.rejections.filter { $0.seq > ackedThrough }
        let refused = Set(rejections.map(\.seq))
        var position = stream.feedThrough
        var lastSeq = ackedThrough
        var run = SequenceRun?.none
        for event in batch.events where event.seq > ackedThrough {
            lastSeq = event.seq
            if refused.contains(event.seq) { continue }
            let record = FeedRecord.record(streamKey: stream.key, position: position + 1)
            let inserted = try s.insertEvent.once { st in
                st.bind(record, at: 1)
                st.bind(plantKey, at: 2)
                st.bind(event.id, at: 3)
                st.bind(event.type, at: 4)
                st.bind(event.occurredAt, at: 5)
                st.bind(epochKey, at: 6)
                st.bind(event.seq, at: 7)
                st.bind(now, at: 8)
                st.bind(event.canonical, at: 9)
                try st.execute()
                return db.changes == 1
            }
            if inserted {
                position += 1
                if run?.extend(seq: event.seq, record: record) != true {
                    if let run, rejections.isEmpty { try insertRun(run, epochKey: epochKey) }
                    run = SequenceRun(firstSeq: event.seq, lastSeq: event.seq, recordFirst: record, duplicate: false)
                }
                continue
            }
            let existing = try s.eventByID.once { st -> (record: Int64, canonical: [UInt8]) in
                st.bind(plantKey, at: 1)
                st.bind(event.id, at: 2)
                guard try st.step() else {
                    throw HubStoreError.corrupt(
                        path: path,
                        detail: "event id \(event.id) of \(batch.plant) "
                            + "clashed on insert but cannot be found")
                }
                return (st.int64(at: 0), st.bytes(at: 1))
            }
            guard existing.canonical == event.canonical else {
                rejections.append(
                    EventRejection(
                        seq: event.seq, id: event.id, reason: .eventIDConflict,
                        message: "the hub already holds an event with id \(event.id) for plant \(batch.plant) "
                            + "with different content; ids must identify one event"))
                continue
            }
            if let open = run, rejections.isEmpty { try insertRun(open, epochKey: epochKey) }
            run = nil
            if rejections.isEmpty {
                let marker = SequenceRun(
                    firstSeq: event.seq, lastSeq: event.seq, recordFirst: existing.record, duplicate: true)
                try insertRun(marker, epochKey: epochKey)
            }
        }
        if let run, rejections.isEmpty { try insertRun(run, epochKey: epochKey) }
        if !rejections.isEmpty {
            return .unprocessable(rejections.sorted { $0.seq < $1.seq }, ackedThrough: ackedThrough)
        }
        if lastSeq > ackedThrough {
            try s.updateEpoch.once { st in
                st.bind(epochKey, at: 1)
                st.bind(lastSeq, at: 2)
                st.bind(now, at: 3)
                try st.execute()
            }
        }
        try s.updateStream.once { st in
            st.bind(stream.key, at: 1)
            st.bind(position, at: 2)
            st.bind(epochKey, at: 3)
            st.bind(now, at: 4)
            try st.execute()
        }
        return .accepted(ackedThrough: lastSeq)
    }

    /// The stored event at `seq` of an epoch: the run holding the seq, then its record.
    func storedEvent(epochKey: Int64, seq: Int64) throws -> (id: String, canonical: [UInt8])? {
        let s = statements
        let record = try s.runAtSeq.once { st -> Int64? in
            st.bind(epochKey, at: 1)
            st.bind(seq, at: 2)
            guard try st.step() else { return nil }
            let (first, last, recordFirst) = (st.int64(at: 0), st.int64(at: 1), st.int64(at: 2))
            return seq <= last ? recordFirst + (seq - first) : nil
        }
        guard let record else { return nil }
        return try s.eventAtRecord.once { st in
            st.bind(record, at: 1)
            guard try st.step() else { return nil }
            return (st.string(at: 0), st.bytes(at: 1))
        }
    }

    func insertRun(_ run: SequenceRun, epochKey: Int64) throws {
        try statements.insertRun.once { st in
            st.bind(epochKey, at: 1)
            st.bind(run.firstSeq, at: 2)
            st.bind(run.lastSeq, at: 3)
            st.bind(run.recordFirst, at: 4)
            st.bind(run.duplicate ? 1 : 0, at: 5)
            try st.execute()
        }
    }

    /// Notes that the plant was heard from and what it reported about its backlog. Kept even
    /// when the batch itself is refused (it is still contact). Returns the plant's key.
    ///
    /// The agent reports its backlog as it was when it sent the batch, so its own stream's figure
    /// counts the batch's events too; once the batch is `storing`, they are no longer behind.
    @discardableResult
    func recordContact(_ batch: IncomingBatch, now: Int64, storing: Bool = false) throws -> Int64 {
        let s = statements
        let existing = try s.selectPlant.once { st -> Int64? in
            st.bind(batch.plant, at: 1)
            return try st.step() ? st.int64(at: 0) : nil
        }
        let plantKey: Int64
        if let existing {
            plantKey = existing
            try s.touchPlant.once { st in
                st.bind(plantKey, at: 1)
                st.bind(now, at: 2)
                try st.execute()
            }
        } else {
            try s.insertPlant.once { st in
                st.bind(batch.plant, at: 1)
                st.bind(now, at: 2)
                try st.execute()
            }
            plantKey = db.lastInsertRowID
        }
        for report in batch.backlog {
            let stream = try streamRow(plantKey: plantKey, name: report.stream)
            try s.updateBacklog.once { st in
                st.bind(stream.key, at: 1)
                let delivered = storing && report.stream == batch.stream ? Int64(batch.events.count) : 0
                st.bind(max(0, report.pending - delivered), at: 2)
                st.bind(report.oldestAgeSeconds, at: 3)
                st.bind(now, at: 4)
                try st.execute()
            }
        }
        return plantKey
    }

    /// The stream's key and last feed position, creating the stream on first sight.
    func streamRow(plantKey: Int64, name: String) throws -> (key: Int64, feedThrough: Int64) {
        let s = statements
        let found = try s.selectStream.once { st -> (Int64, Int64)? in
            st.bind(plantKey, at: 1)
            st.bind(name, at: 2)
            return try st.step() ? (st.int64(at: 0), st.int64(at: 1)) : nil
        }
        if let found { return found }
        try s.insertStream.once { st in
            st.bind(plantKey, at: 1)
            st.bind(name, at: 2)
            try st.execute()
        }
        let key = db.lastInsertRowID
        guard key <= FeedRecord.maxStreamKey else {
            throw HubStoreError.cannotOpen(path: path, detail: "more than \(FeedRecord.maxStreamKey) streams")
        }
        return (key, 0)
    }

    /// The epoch's key and `acked_through`, creating the epoch (at 0) on first sight.
    func epochRow(streamKey: Int64, epoch: String, now: Int64) throws -> (key: Int64, ackedThrough: Int64) {
        let s = statements
        let found = try s.selectEpoch.once { st -> (Int64, Int64)? in
            st.bind(streamKey, at: 1)
            st.bind(epoch, at: 2)
            return try st.step() ? (st.int64(at: 0), st.int64(at: 1)) : nil
        }
        if let found { return found }
        try s.insertEpoch.once { st in
            st.bind(streamKey, at: 1)
            st.bind(epoch, at: 2)
            st.bind(now, at: 3)
            try st.execute()
        }
        return (db.lastInsertRowID, 0)
    }
}

/// Consecutive seqs of one epoch stored as consecutive records (see `HubSchema`).
struct SequenceRun {
    var firstSeq: Int64
    var lastSeq: Int64
    var recordFirst: Int64
    var duplicate: Bool

    /// Appends `seq` stored at `record` when both follow on; false when a new run must start.
    mutating func extend(seq: Int64, record: Int64) -> Bool {
        guard !duplicate, seq == lastSeq + 1, record == recordFirst + (lastSeq - firstSeq) + 1 else { return false }
        lastSeq = seq
        return true
    }
}

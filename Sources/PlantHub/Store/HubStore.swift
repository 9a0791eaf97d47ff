import PlantJournal

/// An authenticated batch with what the event rules already refused (422 candidates). Rejections
/// only count for seqs the hub does not hold yet: a resent, stored event is compared, not judged.
public struct CheckedBatch: Sendable, Hashable {
    public var batch: IncomingBatch
    public var rejections: [EventRejection]

    public init(batch: IncomingBatch, rejections: [EventRejection] = []) {
        self.batch = batch
        self.rejections = rejections
    }
}

/// The hub's write side: owns the store's only write connection. Not `Sendable`: one thread (the
/// commit thread) uses it. See `HubSchema` for the tables.
///
/// `commit` stores a group of batches in one SQLite transaction, each batch inside its own
/// savepoint, so a refused batch leaves no trace while its neighbours commit; the caller answers
/// `200` only after `commit` returned, i.e. after the transaction is durable.
public final class HubStore {
    public let path: String
    let db: Connection
    let statements: StoreStatements

    /// Opens or creates the store at `path` (the hub keeps it at `<data_dir>/hub.sqlite`).
    /// `now`: ms since the Unix epoch, stamped on the migration record.
    public init(path: String, durability: HubDurability = .full, now: Int64) throws(HubStoreError) {
        self.path = path
        db = try HubSchema.openWriter(path: path, durability: durability, now: now)
        do {
            statements = try StoreStatements(db)
        } catch {
            throw HubStoreError.opening(error, path: path)
        }
    }

    /// Stores `batches` in one transaction (group commit). Results are in the same order.
    /// A batch whose outcome is not `.accepted` changed nothing but the plant's "last seen" and
    /// reported backlog. An SQLite failure fails the batches it touched; none of them is stored.
    public func commit(_ batches: [CheckedBatch], now: Int64) -> [Result<BatchOutcome, HubStoreError>] {
        var results: [Result<BatchOutcome, HubStoreError>?] = Array(repeating: nil, count: batches.count)
        do {
            try db.execute("BEGIN IMMEDIATE")
        } catch {
            return batches.map { _ in .failure(.sqlite(path: path, error)) }
        }
        for (index, checked) in batches.enumerated() {
            do {
                try db.execute("SAVEPOINT batch")
                let outcome = try apply(checked, now: now)
                if !outcome.isAccepted {
                    try db.execute("ROLLBACK TO batch")
                    try recordContact(checked.batch, now: now)
                }
                try db.execute("RELEASE batch")
                results[index] = .success(outcome)
            } catch {
                let failure = storeError(error)
                if !db.isInTransaction {
                    // SQLite rolled back the whole transaction (disk full, I/O error): every batch
                    // of the group so far is lost with it.
                    return batches.map { _ in .failure(failure) }
                }
                _ = try? db.execute("ROLLBACK TO batch")
                _ = try? db.execute("RELEASE batch")
                results[index] = .failure(failure)
            }
        }
        do {
            try db.execute("COMMIT")
        } catch {
            db.rollbackIfNeeded()
            let failure = storeError(error)
            return batches.map { _ in .failure(failure) }
        }
        return results.map { $0! }
    }

    /// Convenience for one batch.
    public func commit(_ batch: CheckedBatch, now: Int64) -> Result<BatchOutcome, HubStoreError> {
        commit([batch], now: now)[0]
    }

    /// Copies everything in the WAL back into the database file (for a clean shutdown).
    public func checkpoint() {
        _ = try? db.walCheckpoint(.truncate)
    }

    func storeError(_ error: any Error) -> HubStoreError {
        switch error {
        case let error as HubStoreError: error
        case let error as SQLiteError: .sqlite(path: path, error)
        default: .cannotOpen(path: path, detail: "\(error)")
        }
    }
}

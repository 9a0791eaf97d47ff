import PlantJournal

/// The hub store's tables, as numbered migrations, and how its connections are opened.
///
/// Layout, chosen so that storing an event touches two B-trees (the table and its id index):
/// - `plants`, `streams` (per plant), `epochs` (per stream: the agent's journal identity and its
///   `acked_through`). Counters live on these small rows, touched once per batch.
/// - `events`: every event stored once. Its rowid `record` is `stream_key << 40 | position`
///   (`FeedRecord`), so the table itself is ordered by feed: `position` is the hub-assigned
///   gapless 1, 2, 3 … per (plant, stream) that never restarts, whatever the agent's epochs do,
///   and a feed page is a rowid range scan. `UNIQUE (plant_key, id)` is "one copy per event id".
/// - `sequence`: per epoch, the acknowledged seqs as runs: seqs `first_seq...last_seq` are the
///   records `record_first...record_first + (last_seq - first_seq)` (one row per batch, not per
///   event). A seq whose event the hub already held (same id, same content, typically sent in an
///   earlier epoch) is a run of one with `duplicate = 1` pointing at that older record: the
///   epoch's sequence stays gapless and the event is stored once.
enum HubSchema {
    /// `PRAGMA application_id` of a PlantSync hub store: "PLSH".
    static let applicationID: Int32 = 0x504C_5348

    static let migrator = Migrator(migrations: [
        Migration(version: 1, name: "hub store tables") { db in
            try db.execute(version1)
            try db.execute("PRAGMA application_id = \(applicationID)")
        }
    ])

    private static let version1 = """
        CREATE TABLE plants (
            plant_key INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            last_seen_at INTEGER
        );
        CREATE TABLE streams (
            stream_key INTEGER PRIMARY KEY,
            plant_key INTEGER NOT NULL REFERENCES plants (plant_key),
            name TEXT NOT NULL,
            feed_through INTEGER NOT NULL DEFAULT 0,
            current_epoch_key INTEGER,
            last_batch_at INTEGER,
            backlog_pending INTEGER,
            backlog_oldest_age_s INTEGER,
            backlog_reported_at INTEGER,
            UNIQUE (plant_key, name)
        );
        CREATE TABLE epochs (
            epoch_key INTEGER PRIMARY KEY,
            stream_key INTEGER NOT NULL REFERENCES streams (stream_key),
            epoch TEXT NOT NULL,
            acked_through INTEGER NOT NULL DEFAULT 0,
            first_seen_at INTEGER NOT NULL,
            last_batch_at INTEGER NOT NULL,
            UNIQUE (stream_key, epoch)
        );
        CREATE TABLE events (
            record INTEGER PRIMARY KEY,
            plant_key INTEGER NOT NULL,
            id TEXT NOT NULL,
            type TEXT NOT NULL,
            occurred_at INTEGER NOT NULL,
            epoch_key INTEGER NOT NULL,
            seq INTEGER NOT NULL,
            received_at INTEGER NOT NULL,
            canonical BLOB NOT NULL
        );
        CREATE UNIQUE INDEX events_by_id ON events (plant_key, id);
        CREATE TABLE sequence (
            epoch_key INTEGER NOT NULL,
            first_seq INTEGER NOT NULL,
            last_seq INTEGER NOT NULL,
            record_first INTEGER NOT NULL,
            duplicate INTEGER NOT NULL,
            PRIMARY KEY (epoch_key, first_seq)
        ) WITHOUT ROWID;
        """

    /// Refuses a database that is not a hub store (a journal, another application's file, or
    /// ours from the future). An empty database (new file) passes: the first migration claims it.
    static func verifyIdentity(_ db: Connection, path: String) throws {
        let applicationID = Int32(truncatingIfNeeded: try db.pragmaInteger("application_id"))
        if applicationID == Self.applicationID { return }
        let tables = try db.withCachedStatement("SELECT count(*) FROM sqlite_master") {
            try $0.step()
            return $0.int(at: 0)
        }
        if applicationID != 0 || tables > 0 {
            throw HubStoreError.foreignDatabase(path: path, applicationID: applicationID)
        }
    }

    /// Opens (creating if needed) the write connection: identity check, WAL, durability, migrations.
    static func openWriter(path: String, durability: HubDurability, now: Int64) throws(HubStoreError) -> Connection {
        do {
            let db = try Connection(path: path, mode: .readWriteCreate)
            db.setBusyTimeout(milliseconds: 5_000)
            try verifyIdentity(db, path: path)
            // Larger pages: a batch of events is written as fewer, bigger WAL frames (fewer
            // syscalls and page splits). Takes effect only when the file is created.
            try db.execute("PRAGMA page_size = 16384")
            let mode = try db.setPragma("journal_mode", "WAL")
            guard mode?.lowercased() == "wal" else {
                throw HubStoreError.cannotOpen(path: path, detail: "WAL mode refused (journal_mode is \(mode ?? "?"))")
            }
            try db.setPragma("synchronous", durability == .full ? "FULL" : "NORMAL")
            try db.setPragma("journal_size_limit", String(64 << 20))
            // Bigger than the default 2 MB: a batch of 5,000 events touches a few thousand pages.
            try db.setPragma("cache_size", "-65536")
            try migrator.migrate(db, now: now)
            return db
        } catch {
            throw HubStoreError.opening(error, path: path)
        }
    }

    /// Opens a read-only connection on an existing store.
    static func openReader(path: String) throws(HubStoreError) -> Connection {
        do {
            let db = try Connection(path: path, mode: .readOnly)
            db.setBusyTimeout(milliseconds: 5_000)
            try verifyIdentity(db, path: path)
            let version = try migrator.appliedVersion(db)
            if version > migrator.latestVersion {
                throw MigrationError.schemaTooNew(found: version, known: migrator.latestVersion)
            }
            return db
        } catch {
            throw HubStoreError.opening(error, path: path)
        }
    }
}

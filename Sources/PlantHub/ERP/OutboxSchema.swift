import PlantJournal

/// The outbox's and consumers' tables in the hub store (`hub.sqlite`), with their own numbered
/// migrations recorded in `erp_schema_migrations`, so they evolve apart from the ingest tables.
///
/// - `erp_cursors`: per (connector, plant, stream), the feed position the ERP accepted last, how
///   many events it accepted, and the last transient failure (for the status page).
/// - `erp_parked`: per (connector, plant, stream) at most one posting the ERP refused for good,
///   with the ERP's own message. While a row is here, that stream waits for an operator.
/// - `erp_decisions`: every operator `retry` / `skip`: who, why, when, and what was parked.
/// - `consumer_cursors`: per (consumer, plant, stream), the position a pulling consumer acknowledged.
enum OutboxSchema {
    static let migrator = Migrator(
        table: "erp_schema_migrations",
        migrations: [
            Migration(
                version: 1, name: "erp outbox and consumer cursors",
                sql: """
                    CREATE TABLE erp_cursors (
                        connector TEXT NOT NULL,
                        plant TEXT NOT NULL,
                        stream TEXT NOT NULL,
                        position INTEGER NOT NULL DEFAULT 0,
                        delivered INTEGER NOT NULL DEFAULT 0,
                        updated_at INTEGER,
                        failures INTEGER NOT NULL DEFAULT 0,
                        last_error TEXT,
                        last_error_at INTEGER,
                        PRIMARY KEY (connector, plant, stream)
                    ) WITHOUT ROWID;
                    CREATE TABLE erp_parked (
                        connector TEXT NOT NULL,
                        plant TEXT NOT NULL,
                        stream TEXT NOT NULL,
                        position INTEGER NOT NULL,
                        event_id TEXT NOT NULL,
                        event_type TEXT NOT NULL,
                        message TEXT NOT NULL,
                        parked_at INTEGER NOT NULL,
                        PRIMARY KEY (connector, plant, stream)
                    ) WITHOUT ROWID;
                    CREATE TABLE erp_decisions (
                        decision_key INTEGER PRIMARY KEY,
                        connector TEXT NOT NULL,
                        plant TEXT NOT NULL,
                        stream TEXT NOT NULL,
                        position INTEGER NOT NULL,
                        event_id TEXT NOT NULL,
                        action TEXT NOT NULL CHECK (action IN ('retry', 'skip')),
                        decided_by TEXT NOT NULL,
                        reason TEXT NOT NULL,
                        message TEXT NOT NULL,
                        decided_at INTEGER NOT NULL
                    );
                    CREATE TABLE consumer_cursors (
                        consumer TEXT NOT NULL,
                        plant TEXT NOT NULL,
                        stream TEXT NOT NULL,
                        position INTEGER NOT NULL,
                        acked_at INTEGER NOT NULL,
                        PRIMARY KEY (consumer, plant, stream)
                    ) WITHOUT ROWID;
                    """)
        ])

    /// Opens a read-write connection on the hub store at `path` (which must exist and be a hub
    /// store) and brings the outbox tables up to date. `synchronous`: `NORMAL` for the outbox's own
    /// frequent cursor commits (a cursor lost to a power cut only means a re-delivery, which every
    /// connector deduplicates), `FULL` for operator decisions.
    static func open(path: String, synchronousFull: Bool, now: Int64) throws(HubStoreError) -> Connection {
        do {
            let db = try Connection(path: path, mode: .readWrite)
            db.setBusyTimeout(milliseconds: 10_000)
            try HubSchema.verifyIdentity(db, path: path)
            let mode = try db.setPragma("journal_mode", "WAL")
            guard mode?.lowercased() == "wal" else {
                throw HubStoreError.cannotOpen(path: path, detail: "WAL mode refused (journal_mode is \(mode ?? "?"))")
            }
            try db.setPragma("synchronous", synchronousFull ? "FULL" : "NORMAL")
            try migrator.migrate(db, now: now)
            return db
        } catch {
            throw HubStoreError.opening(error, path: path)
        }
    }
}

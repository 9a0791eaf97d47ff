/// The journal's tables, as numbered migrations, and the identity stamped into every journal file.
enum JournalSchema {
    /// `PRAGMA application_id` of a PlantSync journal: "PLSJ".
    static let applicationID: Int32 = 0x504C_534A

    static let migrator = Migrator(migrations: [
        Migration(version: 1, name: "journal tables") { db in
            try db.execute(version1)
            try db.execute("PRAGMA application_id = \(applicationID)")
            let epoch = try db.prepare("INSERT INTO meta (key, value) VALUES ('epoch', ?1)")
            epoch.bind(randomEpoch(), at: 1)
            try epoch.execute()
        }
    ])

    // Streams carry the per-stream counters so an append touches one small row per stream and
    // the backlog is read without scanning events. pending count = last_seq - acked_seq (gapless).
    // events is WITHOUT ROWID keyed by (stream_id, seq): one B-tree for the rows, one index for ids.
    private static let version1 = """
        CREATE TABLE meta (
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL
        ) WITHOUT ROWID;
        CREATE TABLE streams (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            last_seq INTEGER NOT NULL DEFAULT 0,
            acked_seq INTEGER NOT NULL DEFAULT 0,
            acked_at INTEGER,
            pending_bytes INTEGER NOT NULL DEFAULT 0
        );
        CREATE TABLE events (
            stream_id INTEGER NOT NULL,
            seq INTEGER NOT NULL,
            id TEXT NOT NULL,
            type TEXT NOT NULL,
            occurred_at INTEGER NOT NULL,
            journaled_at INTEGER NOT NULL,
            body BLOB NOT NULL,
            PRIMARY KEY (stream_id, seq)
        ) WITHOUT ROWID;
        CREATE UNIQUE INDEX events_by_id ON events (id);
        CREATE TABLE checkpoints (
            key TEXT PRIMARY KEY,
            value BLOB NOT NULL,
            updated_at INTEGER NOT NULL
        ) WITHOUT ROWID;
        CREATE TABLE dead_letters (
            stream_id INTEGER NOT NULL,
            seq INTEGER NOT NULL,
            id TEXT NOT NULL,
            type TEXT NOT NULL,
            occurred_at INTEGER NOT NULL,
            journaled_at INTEGER NOT NULL,
            body BLOB NOT NULL,
            reason TEXT NOT NULL,
            dead_lettered_at INTEGER NOT NULL,
            UNIQUE (stream_id, seq)
        );
        CREATE UNIQUE INDEX dead_letters_by_id ON dead_letters (id);
        CREATE TABLE quarantine (
            number INTEGER PRIMARY KEY,
            input TEXT NOT NULL,
            reason TEXT NOT NULL,
            excerpt BLOB NOT NULL,
            location TEXT NOT NULL,
            quarantined_at INTEGER NOT NULL
        );
        CREATE TABLE backlog_history (
            sampled_at INTEGER NOT NULL,
            stream_id INTEGER NOT NULL,
            pending_count INTEGER NOT NULL,
            pending_bytes INTEGER NOT NULL,
            oldest_pending_age INTEGER,
            PRIMARY KEY (sampled_at, stream_id)
        ) WITHOUT ROWID;
        """

    /// 128 random bits as 32 lowercase hex digits.
    static func randomEpoch() -> String {
        var generator = SystemRandomNumberGenerator()
        return [generator.next() as UInt64, generator.next() as UInt64]
            .map { value in
                let digits = String(value, radix: 16)
                return String(repeating: "0", count: 16 - digits.count) + digits
            }
            .joined()
    }

    /// Maps the SQLite failures that mean "this file is not a usable journal" to clear errors.
    static func openError(_ error: any Error, path: String) -> JournalError {
        switch error {
        case let error as JournalError: return error
        case let MigrationError.schemaTooNew(found, known):
            return .schemaTooNew(path: path, found: found, supported: known)
        case SQLiteError.notADatabase: return .notADatabase(path: path)
        case let error as SQLiteError where SQLiteError.corrupt.matches(error):
            return .corrupt(path: path, detail: error.message)
        case let error as SQLiteError where SQLiteError.cantOpen.matches(error):
            return .cannotOpen(path: path, detail: error.message)
        case let error as SQLiteError: return .sqlite(path: path, error)
        default: return .cannotOpen(path: path, detail: "\(error)")
        }
    }

    /// Refuses a database that is not a PlantSync journal (another application's, or ours from
    /// the future). An empty database (new file) passes: the first migration claims it.
    static func verifyIdentity(_ db: Connection, path: String) throws {
        let applicationID = Int32(truncatingIfNeeded: try db.pragmaInteger("application_id"))
        if applicationID == Self.applicationID { return }
        let tables = try db.withCachedStatement("SELECT count(*) FROM sqlite_master") {
            try $0.step()
            return $0.int(at: 0)
        }
        if applicationID != 0 || tables > 0 {
            throw JournalError.foreignDatabase(path: path, applicationID: applicationID)
        }
    }

    /// `PRAGMA quick_check`: every page, every record's format, no index cross-checks. A page
    /// overwritten while the agent was down is found here, with SQLite's words, instead of by the
    /// first commit that touches it.
    static func verifyIntegrity(_ db: Connection, path: String) throws {
        let problems: [String] = try db.withCachedStatement("PRAGMA quick_check(5)") { statement in
            var rows: [String] = []
            while try statement.step() {
                rows.append((statement.optionalString(at: 0) ?? "?").split(separator: "\n").joined(separator: " "))
            }
            return rows
        }
        guard problems != ["ok"] else { return }
        throw JournalError.corrupt(path: path, detail: "quick_check: " + problems.joined(separator: "; "))
    }

    /// Opens (creating if needed) the write connection: identity check, pragmas, migrations.
    static func openWriter(path: String, options: JournalOptions) throws(JournalError) -> Connection {
        do {
            let db = try Connection(path: path, mode: .readWriteCreate)
            db.setBusyTimeout(milliseconds: Int(options.busyTimeout.wholeMilliseconds))
            try verifyIdentity(db, path: path)
            let mode = try db.setPragma("journal_mode", "WAL")
            guard mode?.lowercased() == "wal" else {
                throw JournalError.cannotOpen(path: path, detail: "WAL mode refused (journal_mode is \(mode ?? "?"))")
            }
            try db.setPragma("synchronous", options.durability == .full ? "FULL" : "NORMAL")
            try db.setPragma("journal_size_limit", String(options.journalSizeLimit))
            try db.setPragma("wal_autocheckpoint", String(options.walAutoCheckpointPages))
            if options.verifyAtOpen { try verifyIntegrity(db, path: path) }
            try migrator.migrate(db, now: options.clock())
            return db
        } catch {
            throw openError(error, path: path)
        }
    }

    /// Opens a read-only connection on an existing journal and checks it is one we can read.
    static func openReader(path: String, options: JournalOptions) throws(JournalError) -> Connection {
        do {
            let db = try Connection(path: path, mode: .readOnly)
            db.setBusyTimeout(milliseconds: Int(options.busyTimeout.wholeMilliseconds))
            try verifyIdentity(db, path: path)
            let version = try migrator.appliedVersion(db)
            if version > migrator.latestVersion {
                throw MigrationError.schemaTooNew(found: version, known: migrator.latestVersion)
            }
            return db
        } catch {
            throw openError(error, path: path)
        }
    }
}

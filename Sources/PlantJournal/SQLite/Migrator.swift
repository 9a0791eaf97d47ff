/// One numbered schema change.
public struct Migration: Sendable {
    public let version: Int
    public let name: String
    public let apply: @Sendable (Connection) throws -> Void

    public init(version: Int, name: String, apply: @escaping @Sendable (Connection) throws -> Void) {
        self.version = version
        self.name = name
        self.apply = apply
    }

    /// A migration that is plain SQL.
    public init(version: Int, name: String, sql: String) {
        self.init(version: version, name: name) { try $0.execute(sql) }
    }
}

/// Why migrating failed, apart from SQLite errors.
public enum MigrationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The database records a schema version this code does not know.
    case schemaTooNew(found: Int, known: Int)

    public var description: String {
        switch self {
        case let .schemaTooNew(found, known):
            "database schema version \(found) is newer than this program knows (\(known))"
        }
    }
}

/// Applies numbered migrations in order, each once, recording them in a table
/// (`version`, `name`, `applied_at`). All pending migrations run in one IMMEDIATE transaction:
/// either the database ends at the newest version or it is left as it was.
public struct Migrator: Sendable {
    public let table: String
    public let migrations: [Migration]

    /// `migrations` must have distinct versions; they are applied in ascending order.
    public init(table: String = "schema_migrations", migrations: [Migration]) {
        precondition(Set(migrations.map(\.version)).count == migrations.count, "duplicate migration versions")
        self.table = table
        self.migrations = migrations.sorted { $0.version < $1.version }
    }

    /// The newest version these migrations reach.
    public var latestVersion: Int { migrations.last?.version ?? 0 }

    /// The highest version recorded in `db` (0 when none, or when the table does not exist).
    public func appliedVersion(_ db: Connection) throws -> Int {
        let exists = try db.withCachedStatement("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?1") {
            $0.bind(table, at: 1)
            return try $0.step()
        }
        guard exists else { return 0 }
        return try db.withCachedStatement("SELECT COALESCE(MAX(version), 0) FROM \(table)") {
            try $0.step()
            return $0.int(at: 0)
        }
    }

    /// Applies what is missing. Returns the versions applied (empty when up to date).
    /// Throws `MigrationError.schemaTooNew` when the database is ahead of the code.
    /// `now` stamps `applied_at` (ms since the Unix epoch).
    @discardableResult
    public func migrate(_ db: Connection, now: Int64) throws -> [Int] {
        try db.transaction(.immediate) {
            try db.execute(
                "CREATE TABLE IF NOT EXISTS \(table) (version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
                    + "applied_at INTEGER NOT NULL)")
            let current = try appliedVersion(db)
            if current > latestVersion {
                throw MigrationError.schemaTooNew(found: current, known: latestVersion)
            }
            var applied: [Int] = []
            for migration in migrations where migration.version > current {
                try migration.apply(db)
                let record = try db.prepare("INSERT INTO \(table) (version, name, applied_at) VALUES (?1, ?2, ?3)")
                record.bind(migration.version, at: 1)
                record.bind(migration.name, at: 2)
                record.bind(now, at: 3)
                try record.execute()
                applied.append(migration.version)
            }
            return applied
        }
    }
}

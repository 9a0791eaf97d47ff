import CSQLite

/// The baseline the journal is measured against: raw sqlite3 C-API inserts of the same rows into a
/// table with the same keys and indexes, in transactions of `batch` rows, with the journal's pragmas.
let benchSQLiteBaseline = Subcommand(
    name: "bench-sqlite-baseline",
    usage: "--db PATH --batch N --count M [--body-bytes 256] [--durability full|normal]"
) { arguments in
    let path = try arguments.string("db")
    let batch = try arguments.int("batch")
    let count = try arguments.int("count")
    let body = BenchRows.body(bytes: try arguments.int("body-bytes", default: 256))
    let synchronous = arguments.string("durability", default: "full") == "normal" ? "NORMAL" : "FULL"
    var db: OpaquePointer?
    guard sqlite3_open(path, &db) == SQLITE_OK, let db else {
        throw Arguments.Problem(description: "cannot open \(path)")
    }
    defer { sqlite3_close_v2(db) }
    func exec(_ sql: String) throws {
        guard sqlite3_exec(db, sql, nil, nil, nil) == SQLITE_OK else {
            throw Arguments.Problem(description: "\(sql): \(String(cString: sqlite3_errmsg(db)))")
        }
    }
    try exec("PRAGMA journal_mode = WAL")
    try exec("PRAGMA synchronous = \(synchronous)")
    try exec("PRAGMA journal_size_limit = \(64 << 20)")
    try exec("PRAGMA wal_autocheckpoint = 1000")
    try exec(
        """
        CREATE TABLE events (stream_id INTEGER NOT NULL, seq INTEGER NOT NULL, id TEXT NOT NULL,
            type TEXT NOT NULL, occurred_at INTEGER NOT NULL, journaled_at INTEGER NOT NULL,
            body BLOB NOT NULL, PRIMARY KEY (stream_id, seq)) WITHOUT ROWID;
        CREATE UNIQUE INDEX events_by_id ON events (id);
        """)
    var insert: OpaquePointer?
    let sql =
        "INSERT INTO events (stream_id, seq, id, type, occurred_at, journaled_at, body) "
        + "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"
    guard sqlite3_prepare_v2(db, sql, -1, &insert, nil) == SQLITE_OK, let insert else {
        throw Arguments.Problem(description: String(cString: sqlite3_errmsg(db)))
    }
    defer { sqlite3_finalize(insert) }
    let start = monotonicSeconds()
    var number = 0
    while number < count {
        let size = min(batch, count - number)
        try exec("BEGIN IMMEDIATE")
        for _ in 0..<size {
            number += 1
            var id = BenchRows.id(number)
            var type = BenchRows.type
            sqlite3_bind_int64(insert, 1, 1)
            sqlite3_bind_int64(insert, 2, Int64(number))
            id.withUTF8 {
                _ = sqlite3_bind_text(insert, 3, $0.baseAddress, Int32($0.count), plantsync_sqlite_transient())
            }
            type.withUTF8 {
                _ = sqlite3_bind_text(insert, 4, $0.baseAddress, Int32($0.count), plantsync_sqlite_transient())
            }
            sqlite3_bind_int64(insert, 5, 1_700_000_000_000 + Int64(number))
            sqlite3_bind_int64(insert, 6, 1_700_000_000_000)
            body.withUnsafeBytes {
                _ = sqlite3_bind_blob(insert, 7, $0.baseAddress, Int32($0.count), plantsync_sqlite_transient())
            }
            guard sqlite3_step(insert) == SQLITE_DONE else {
                throw Arguments.Problem(description: String(cString: sqlite3_errmsg(db)))
            }
            sqlite3_reset(insert)
        }
        try exec("COMMIT")
    }
    reportBench("bench-sqlite-baseline", batch: batch, count: count, seconds: monotonicSeconds() - start)
    return 0
}

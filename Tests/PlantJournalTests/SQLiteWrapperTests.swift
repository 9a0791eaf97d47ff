import Foundation
import Testing

@testable import PlantJournal

@Suite struct SQLiteWrapperTests {
    @Test func bindsAndReadsEveryType() throws {
        let db = try Connection(path: ":memory:")
        try db.execute("CREATE TABLE t (i INTEGER, s TEXT, b BLOB, n TEXT)")
        let insert = try db.prepare("INSERT INTO t VALUES (?1, ?2, ?3, ?4)")
        insert.bind(Int64.max, at: 1)
        insert.bind("grüße ✓", at: 2)
        insert.bind([0, 1, 255], at: 3)
        insert.bindNull(at: 4)
        try insert.execute()
        insert.reset()
        insert.bind(Int64(-1), at: 1)
        insert.bind("", at: 2)
        insert.bind([UInt8](), at: 3)
        insert.bind("x" as String?, at: 4)
        try insert.execute()

        let select = try db.prepare("SELECT i, s, b, n, typeof(b) FROM t ORDER BY rowid")
        #expect(try select.step())
        #expect(select.int64(at: 0) == Int64.max)
        #expect(select.string(at: 1) == "grüße ✓")
        #expect(select.bytes(at: 2) == [0, 1, 255])
        #expect(select.optionalString(at: 3) == nil)
        #expect(try select.step())
        #expect(select.int64(at: 0) == -1)
        #expect(select.string(at: 1) == "")
        #expect(select.bytes(at: 2) == [])
        #expect(select.string(at: 4) == "blob")  // an empty blob stays a blob, not NULL
        #expect(select.optionalString(at: 3) == "x")
        #expect(try select.step() == false)
    }

    @Test func bindsAndReadsDoubles() throws {
        let db = try Connection(path: ":memory:")
        let select = try db.prepare("SELECT ?1 * 2")
        select.bind(1.25, at: 1)
        #expect(try select.step())
        #expect(select.double(at: 0) == 2.5)
    }

    @Test func errorsCarryCodeMessageAndSQLButNotValues() throws {
        let db = try Connection(path: ":memory:")
        try db.execute("CREATE TABLE t (k TEXT UNIQUE)")
        let insert = try db.prepare("INSERT INTO t VALUES (?1)")
        insert.bind("secret-value", at: 1)
        try insert.execute()
        insert.reset()
        var matchedByPattern = false
        do {
            try insert.execute()
        } catch SQLiteError.full {
            Issue.record("a constraint error must not match .full")
        } catch SQLiteError.constraint {
            matchedByPattern = true
        } catch {
            Issue.record("unexpected \(error)")
        }
        #expect(matchedByPattern)
        insert.reset()
        do {
            try insert.execute()
        } catch {
            #expect(error.code == SQLiteError.constraintUnique)
            #expect(SQLiteError.constraint.matches(error))
            #expect(!SQLiteError.constraintPrimaryKey.matches(error))
            #expect(!SQLiteError.full.matches(error))
            #expect(
                error.description
                    == "SQLite error 2067: UNIQUE constraint failed: t.k (while running: INSERT INTO t VALUES (?1))")
            #expect(!error.description.contains("secret-value"))
        }
        #expect(
            errorText { _ = try db.prepare("SELEC 1") }
                == "SQLite error 1: near \"SELEC\": syntax error (while running: SELEC 1)")
    }

    @Test func transactionRollsBackWhenBodyThrows() throws {
        struct Stop: Error {}
        let db = try Connection(path: ":memory:")
        try db.execute("CREATE TABLE t (v INTEGER)")
        #expect(throws: Stop.self) {
            try db.transaction {
                try db.execute("INSERT INTO t VALUES (1)")
                throw Stop()
            }
        }
        #expect(db.isInTransaction == false)
        let count = try db.withCachedStatement("SELECT count(*) FROM t") {
            try $0.step(); return $0.int(at: 0)
        }
        #expect(count == 0)
        try db.transaction { try db.execute("INSERT INTO t VALUES (2)") }
        let after = try db.withCachedStatement("SELECT count(*) FROM t") {
            try $0.step(); return $0.int(at: 0)
        }
        #expect(after == 1)
    }

    @Test func migratorAppliesInOrderOnceAndRecords() throws {
        let db = try Connection(path: ":memory:")
        let migrator = Migrator(migrations: [
            Migration(version: 2, name: "add b", sql: "ALTER TABLE t ADD COLUMN b TEXT"),
            Migration(version: 1, name: "create t", sql: "CREATE TABLE t (a INTEGER)"),
        ])
        #expect(try migrator.migrate(db, now: 5) == [1, 2])
        #expect(try migrator.migrate(db, now: 6) == [])
        #expect(try migrator.appliedVersion(db) == 2)
        let rows = try db.withCachedStatement(
            "SELECT version, name, applied_at FROM schema_migrations ORDER BY version"
        ) {
            statement in
            var rows: [String] = []
            while try statement.step() {
                rows.append("\(statement.int(at: 0)) \(statement.string(at: 1)) \(statement.int(at: 2))")
            }
            return rows
        }
        #expect(rows == ["1 create t 5", "2 add b 5"])
    }

    @Test func migratorRollsBackEverythingWhenOneMigrationFails() throws {
        let db = try Connection(path: ":memory:")
        let migrator = Migrator(migrations: [
            Migration(version: 1, name: "create t", sql: "CREATE TABLE t (a INTEGER)"),
            Migration(version: 2, name: "broken", sql: "ALTER TABLE nowhere ADD COLUMN b TEXT"),
        ])
        #expect(
            errorText { try migrator.migrate(db, now: 1) }
                == "SQLite error 1: no such table: nowhere (while running: ALTER TABLE nowhere ADD COLUMN b TEXT)")
        #expect(try migrator.appliedVersion(db) == 0)
        let tables = try db.withCachedStatement("SELECT count(*) FROM sqlite_master WHERE name = 't'") {
            try $0.step()
            return $0.int(at: 0)
        }
        #expect(tables == 0)
    }

    @Test func migratorRefusesANewerDatabase() throws {
        let db = try Connection(path: ":memory:")
        let newer = Migrator(migrations: [
            Migration(version: 1, name: "one", sql: "CREATE TABLE t (a INTEGER)"),
            Migration(version: 2, name: "two", sql: "CREATE TABLE u (a INTEGER)"),
        ])
        try newer.migrate(db, now: 1)
        let older = Migrator(migrations: [Migration(version: 1, name: "one", sql: "CREATE TABLE t (a INTEGER)")])
        #expect(throws: MigrationError.schemaTooNew(found: 2, known: 1)) { try older.migrate(db, now: 2) }
        #expect(
            errorText { try older.migrate(db, now: 2) }
                == "database schema version 2 is newer than this program knows (1)")
    }
}

import PlantJournal

/// The write connection's statements, prepared once (the batch path runs them per event).
final class StoreStatements {
    let selectPlant: Statement
    let insertPlant: Statement
    let touchPlant: Statement
    let selectStream: Statement
    let insertStream: Statement
    let selectEpoch: Statement
    let insertEpoch: Statement
    let runAtSeq: Statement
    let eventAtRecord: Statement
    let insertEvent: Statement
    let eventByID: Statement
    let insertRun: Statement
    let updateEpoch: Statement
    let updateStream: Statement
    let updateBacklog: Statement

    init(_ db: Connection) throws {
        selectPlant = try db.prepare("SELECT plant_key FROM plants WHERE name = ?1")
        insertPlant = try db.prepare("INSERT INTO plants (name, last_seen_at) VALUES (?1, ?2)")
        touchPlant = try db.prepare("UPDATE plants SET last_seen_at = ?2 WHERE plant_key = ?1")
        selectStream = try db.prepare("SELECT stream_key, feed_through FROM streams WHERE plant_key = ?1 AND name = ?2")
        insertStream = try db.prepare("INSERT INTO streams (plant_key, name) VALUES (?1, ?2)")
        selectEpoch = try db.prepare("SELECT epoch_key, acked_through FROM epochs WHERE stream_key = ?1 AND epoch = ?2")
        insertEpoch = try db.prepare(
            "INSERT INTO epochs (stream_key, epoch, first_seen_at, last_batch_at) VALUES (?1, ?2, ?3, ?3)")
        runAtSeq = try db.prepare(
            "SELECT first_seq, last_seq, record_first FROM sequence WHERE epoch_key = ?1 AND first_seq <= ?2 "
                + "ORDER BY first_seq DESC LIMIT 1")
        eventAtRecord = try db.prepare("SELECT id, canonical FROM events WHERE record = ?1")
        // A repeated id is not an error here: DO NOTHING, then the caller looks at the stored copy.
        // A clash on the record (stream, position) still fails loudly: that would be a bug.
        insertEvent = try db.prepare(
            "INSERT INTO events (record, plant_key, id, type, occurred_at, epoch_key, seq, received_at, canonical) "
                + "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) ON CONFLICT (plant_key, id) DO NOTHING")
        eventByID = try db.prepare("SELECT record, canonical FROM events WHERE plant_key = ?1 AND id = ?2")
        insertRun = try db.prepare(
            "INSERT INTO sequence (epoch_key, first_seq, last_seq, record_first, duplicate) VALUES (?1, ?2, ?3, ?4, ?5)"
        )
        updateEpoch = try db.prepare("UPDATE epochs SET acked_through = ?2, last_batch_at = ?3 WHERE epoch_key = ?1")
        updateStream = try db.prepare(
            "UPDATE streams SET feed_through = ?2, current_epoch_key = ?3, last_batch_at = ?4 WHERE stream_key = ?1")
        updateBacklog = try db.prepare(
            "UPDATE streams SET backlog_pending = ?2, backlog_oldest_age_s = ?3, backlog_reported_at = ?4 "
                + "WHERE stream_key = ?1")
    }
}

extension Statement {
    /// Runs `body` and resets the statement afterwards, whatever happens, so no statement keeps a
    /// snapshot or a half-run state between batches.
    @inline(__always)
    func once<T>(_ body: (Statement) throws -> T) rethrows -> T {
        defer { reset() }
        return try body(self)
    }
}

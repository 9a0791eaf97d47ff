internal import CSQLite

/// A prepared statement. Bind parameters by 1-based index, `step` through rows, read typed columns
/// by 0-based index. Finalised when released.
///
/// Belongs to its connection's thread, like the `Connection` itself. Holds no reference to the
/// `Connection` (its cache holds statements, so that would be a cycle); errors are read through
/// `sqlite3_db_handle`, which stays valid while any statement lives (`sqlite3_close_v2`).
public final class Statement {
    let handle: OpaquePointer

    init(handle: OpaquePointer) {
        self.handle = handle
    }

    deinit { sqlite3_finalize(handle) }

    /// The SQL text, without bound values.
    public var sql: String { String(cString: sqlite3_sql(handle)) }

    // MARK: Binding (1-based indexes, like SQLite)

    public func bind(_ value: Int64, at index: Int) {
        sqlite3_bind_int64(handle, Int32(index), value)
    }

    public func bind(_ value: Int, at index: Int) {
        sqlite3_bind_int64(handle, Int32(index), Int64(value))
    }

    public func bind(_ value: String, at index: Int) {
        var value = value
        value.withUTF8 { utf8 in
            _ = sqlite3_bind_text(
                handle, Int32(index), UnsafeRawPointer(utf8.baseAddress)?.assumingMemoryBound(to: CChar.self),
                Int32(utf8.count), plantsync_sqlite_transient())
        }
    }

    public func bind(_ value: [UInt8], at index: Int) {
        value.withUnsafeBytes { bytes in
            // A zero-length blob must still be a blob, not NULL: SQLite needs a non-nil pointer.
            if bytes.isEmpty {
                _ = sqlite3_bind_zeroblob(handle, Int32(index), 0)
            } else {
                _ = sqlite3_bind_blob(
                    handle, Int32(index), bytes.baseAddress, Int32(bytes.count),
                    plantsync_sqlite_transient())
            }
        }
    }

    public func bind(_ value: Double, at index: Int) {
        sqlite3_bind_double(handle, Int32(index), value)
    }

    public func bindNull(at index: Int) {
        sqlite3_bind_null(handle, Int32(index))
    }

    public func bind(_ value: Int64?, at index: Int) {
        if let value { bind(value, at: index) } else { bindNull(at: index) }
    }

    public func bind(_ value: String?, at index: Int) {
        if let value { bind(value, at: index) } else { bindNull(at: index) }
    }

    public func bind(_ value: [UInt8]?, at index: Int) {
        if let value { bind(value, at: index) } else { bindNull(at: index) }
    }

    // MARK: Running

    /// Advances to the next row. Returns true when a row is available, false when done.
    @discardableResult
    public func step() throws(SQLiteError) -> Bool {
        let rc = sqlite3_step(handle)
        switch rc {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default: throw Connection.error(rc, db: sqlite3_db_handle(handle), sql: sql)
        }
    }

    /// Steps until done, for statements whose rows (if any) are not needed.
    public func execute() throws(SQLiteError) {
        while try step() {}
    }

    /// Makes the statement ready to run again (bindings are kept) and ends its read snapshot.
    public func reset() { sqlite3_reset(handle) }

    /// Sets every parameter back to NULL.
    public func clearBindings() { sqlite3_clear_bindings(handle) }

    // MARK: Columns (0-based indexes)

    public var columnCount: Int { Int(sqlite3_column_count(handle)) }

    public func isNull(at index: Int) -> Bool {
        sqlite3_column_type(handle, Int32(index)) == SQLITE_NULL
    }

    public func int64(at index: Int) -> Int64 { sqlite3_column_int64(handle, Int32(index)) }

    public func int(at index: Int) -> Int { Int(sqlite3_column_int64(handle, Int32(index))) }

    public func double(at index: Int) -> Double { sqlite3_column_double(handle, Int32(index)) }

    public func optionalInt64(at index: Int) -> Int64? { isNull(at: index) ? nil : int64(at: index) }

    /// The column as UTF-8 text ("" for NULL).
    public func string(at index: Int) -> String {
        guard let text = sqlite3_column_text(handle, Int32(index)) else { return "" }
        let count = Int(sqlite3_column_bytes(handle, Int32(index)))
        return String(decoding: UnsafeBufferPointer(start: text, count: count), as: UTF8.self)
    }

    public func optionalString(at index: Int) -> String? { isNull(at: index) ? nil : string(at: index) }

    /// The column as bytes ([] for NULL or an empty blob).
    public func bytes(at index: Int) -> [UInt8] {
        guard let blob = sqlite3_column_blob(handle, Int32(index)) else { return [] }
        let count = Int(sqlite3_column_bytes(handle, Int32(index)))
        return Array(UnsafeRawBufferPointer(start: blob, count: count))
    }

    public func optionalBytes(at index: Int) -> [UInt8]? { isNull(at: index) ? nil : bytes(at: index) }
}

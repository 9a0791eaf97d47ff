import Foundation

/// Read-only connections for queries from any thread. WAL readers never block the writer and the
/// writer never blocks them; each query runs in its own short snapshot.
///
/// `@unchecked Sendable`: idle connections sit in `idle` under `lock`; a connection taken out is
/// used by exactly one thread until it is put back, so no connection is ever shared.
final class ReadConnectionPool: @unchecked Sendable {
    private let path: String
    private let options: JournalOptions
    private let lock = NSLock()
    private var idle: [Connection] = []
    private var closed = false

    init(path: String, options: JournalOptions) {
        self.path = path
        self.options = options
    }

    func withConnection<T>(_ body: (Connection) throws -> T) throws(JournalError) -> T {
        lock.lock()
        if closed {
            lock.unlock()
            throw .closed(path: path)
        }
        let reused = idle.popLast()
        lock.unlock()
        let connection: Connection
        if let reused {
            connection = reused
        } else {
            connection = try JournalSchema.openReader(path: path, options: options)
        }
        defer {
            lock.lock()
            if !closed, idle.count < options.readConnections { idle.append(connection) }
            lock.unlock()
        }
        do {
            return try body(connection)
        } catch let error as JournalError {
            throw error
        } catch let error as SQLiteError {
            throw .sqlite(path: path, error)
        } catch {
            throw .sqlite(path: path, SQLiteError(code: 1, message: "\(error)"))
        }
    }

    /// Closes idle connections; later reads throw `.closed`.
    func close() {
        lock.lock()
        closed = true
        idle.removeAll()
        lock.unlock()
    }
}

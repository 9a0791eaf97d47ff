import PlantJournal

/// How durable a committed batch is: `full` survives a power cut (`synchronous=FULL`, the
/// default); `normal` survives a crash of the hub process but a power cut may lose the last commits.
public enum HubDurability: String, Sendable, Hashable {
    case full
    case normal
}

/// Why the hub store could not be opened or written.
public enum HubStoreError: Error, Sendable, CustomStringConvertible {
    /// The file is some other database (a journal, another application's file).
    case foreignDatabase(path: String, applicationID: Int32)
    case cannotOpen(path: String, detail: String)
    case schemaTooNew(path: String, found: Int, supported: Int)
    case notADatabase(path: String)
    case corrupt(path: String, detail: String)
    case sqlite(path: String, SQLiteError)
    /// The store was closed; nothing more is read or written.
    case closed(path: String)

    public var description: String {
        switch self {
        case let .foreignDatabase(path, applicationID):
            let id = String(UInt32(bitPattern: applicationID), radix: 16)
            return "\(path): not a PlantSync hub store (application_id 0x\(id)); choose another data_dir"
        case let .cannotOpen(path, detail): return "\(path): cannot open the hub store: \(detail)"
        case let .schemaTooNew(path, found, supported):
            return "\(path): hub store schema version \(found) is newer than this program supports (\(supported))"
        case let .notADatabase(path): return "\(path): not an SQLite database"
        case let .corrupt(path, detail): return "\(path): hub store is corrupt: \(detail)"
        case let .sqlite(path, error): return "\(path): \(error)"
        case let .closed(path): return "\(path): hub store is closed"
        }
    }

    /// Maps an error met while opening to the clearest case.
    static func opening(_ error: any Error, path: String) -> HubStoreError {
        switch error {
        case let error as HubStoreError: return error
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
}

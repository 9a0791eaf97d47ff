/// Where an agent keeps its files under `data_dir`.
public enum AgentLayout {
    /// The SQLite journal (with its `-wal` and `-shm` files beside it).
    public static func journalPath(dataDirectory: String) -> String {
        (dataDirectory.hasSuffix("/") ? dataDirectory : dataDirectory + "/") + "journal.sqlite"
    }
}

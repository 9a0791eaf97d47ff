/// How far a file (known by its digest) has been ingested: the checkpoint journaled with every chunk
/// under `filedrop/<input>/<digest>`, in the same transaction as the chunk's events.
///
/// Stored as one line of text so `sqlite3` shows it plainly:
/// `v1 rows=15000 offset=1048576 line=15002 rejected=3 rejects_bytes=420 complete=0`.
public struct FileDropProgress: Sendable, Equatable {
    /// Records consumed after the header (events and rejects alike): the next row number is `rows + 1`.
    public var rows: Int
    /// The byte offset just after the last consumed record: where reading resumes.
    public var offset: Int64
    /// The line the next record starts on.
    public var line: Int
    /// Rows rejected so far.
    public var rejected: Int
    /// The length of the rejects file that belongs to this progress; a longer one is cut back to it,
    /// so a crash between writing rejects and journaling them cannot list a row twice.
    public var rejectsBytes: Int64
    /// The last chunk is journaled: the file is done and only its archiving may be missing.
    public var complete: Bool

    public init(rows: Int, offset: Int64, line: Int, rejected: Int, rejectsBytes: Int64, complete: Bool) {
        self.rows = rows
        self.offset = offset
        self.line = line
        self.rejected = rejected
        self.rejectsBytes = rejectsBytes
        self.complete = complete
    }

    /// The checkpoint key for a file of `input` with this content digest.
    public static func key(input: String, digestHex: String) -> String {
        "filedrop/\(input)/\(digestHex)"
    }

    public var bytes: [UInt8] {
        Array(
            ("v1 rows=\(rows) offset=\(offset) line=\(line) rejected=\(rejected) rejects_bytes=\(rejectsBytes) "
                + "complete=\(complete ? 1 : 0)").utf8)
    }

    /// nil for bytes this version did not write.
    public init?(bytes: [UInt8]) {
        let words = String(decoding: bytes, as: UTF8.self).split(separator: " ")
        guard words.first == "v1", words.count == 7 else { return nil }
        var values: [Substring: Int64] = [:]
        for word in words.dropFirst() {
            let parts = word.split(separator: "=", maxSplits: 1)
            guard parts.count == 2, let value = Int64(parts[1]), value >= 0 else { return nil }
            values[parts[0]] = value
        }
        guard let rows = values["rows"], let offset = values["offset"], let line = values["line"],
            let rejected = values["rejected"], let rejectsBytes = values["rejects_bytes"],
            let complete = values["complete"], complete <= 1
        else { return nil }
        self.init(
            rows: Int(rows), offset: offset, line: Int(line), rejected: Int(rejected), rejectsBytes: rejectsBytes,
            complete: complete == 1)
    }
}

import PlantJournal
import PlantModel

/// The journal's side of `plantsync status`: per stream backlog, dead letters, quarantine.
/// Read through a read-only connection, so it works whether the agent runs or not.
public struct JournalStatus: Sendable {
    public var path: String
    public var epoch: String
    public var streams: [PlantJournal.StreamBacklog]
    public var deadLetters: Int64
    public var quarantined: Int64
    /// When the figures were read, ms since the Unix epoch.
    public var readAt: Int64

    public init(
        path: String, epoch: String, streams: [PlantJournal.StreamBacklog], deadLetters: Int64, quarantined: Int64,
        readAt: Int64
    ) {
        self.path = path
        self.epoch = epoch
        self.streams = streams
        self.deadLetters = deadLetters
        self.quarantined = quarantined
        self.readAt = readAt
    }

    public init(path: String, now: Int64) throws(JournalError) {
        let reader = try JournalStatusReader(path: path)
        try self.init(reader: reader, now: now)
    }

    /// From a reader already open (`plantsync status` reads more through it).
    public init(reader: JournalStatusReader, now: Int64) throws(JournalError) {
        self.path = reader.path
        self.epoch = try reader.epoch()
        self.streams = try reader.backlog()
        self.deadLetters = try reader.deadLetterCount()
        self.quarantined = try reader.quarantineCount()
        self.readAt = now
    }

    /// From the running agent's journal (its read connections).
    public init(journal: Journal, now: Int64) throws(JournalError) {
        self.path = journal.path
        self.epoch = journal.epoch
        self.streams = try journal.backlog()
        self.deadLetters = try journal.deadLetterCount()
        self.quarantined = try journal.quarantineCount()
        self.readAt = now
    }

    public var json: JSONValue {
        var streamObjects: [JSONValue] = []
        for stream in streams {
            var object: JSONObject = [
                "stream": .string(stream.stream),
                "pending": .integer(stream.pendingCount),
                "pending_bytes": .integer(stream.pendingBytes),
                "last_seq": .integer(stream.lastSeq),
                "acked_through": .integer(stream.acknowledgedSeq),
                "dead_letters": .integer(stream.deadLetterCount),
            ]
            if let age = stream.oldestPendingAge(now: readAt) { object["oldest_pending_age_s"] = .integer(age / 1000) }
            if let at = stream.acknowledgedAt {
                object["acked_at"] = .string(Timestamp(millisecondsSinceEpoch: at).description)
            }
            streamObjects.append(.object(object))
        }
        return .object([
            "journal": .string(path),
            "epoch": .string(epoch),
            "read_at": .string(Timestamp(millisecondsSinceEpoch: readAt).description),
            "streams": .array(streamObjects),
            "dead_letters": .integer(deadLetters),
            "quarantined": .integer(quarantined),
        ])
    }

    public var text: String {
        var rows = [["STREAM", "PENDING", "BYTES", "OLDEST", "LAST SEQ", "ACKED", "ACKED AT", "DEAD"]]
        for stream in streams {
            let age: String = stream.oldestPendingAge(now: readAt).map { StatusFormat.age(milliseconds: $0) } ?? "-"
            let ackedAt: String =
                stream.acknowledgedAt.map { Timestamp(millisecondsSinceEpoch: $0).description } ?? "never"
            let row: [String] = [
                stream.stream, String(stream.pendingCount), StatusFormat.bytes(stream.pendingBytes), age,
                String(stream.lastSeq), String(stream.acknowledgedSeq), ackedAt, String(stream.deadLetterCount),
            ]
            rows.append(row)
        }
        var lines = ["journal \(path) (epoch \(epoch))"]
        if streams.isEmpty {
            lines.append("no events journaled yet")
        } else {
            lines += StatusFormat.table(rows)
        }
        lines.append("dead letters: \(deadLetters)   quarantined inputs: \(quarantined)")
        return lines.joined(separator: "\n")
    }
}

/// How far behind one stream is, as the agent reports it in every batch header (and on its status page).
public struct StreamBacklog: Sendable, Hashable {
    /// Journaled events not yet acknowledged by the hub.
    public var pending: Int64
    /// Age of the oldest unacknowledged event, in whole seconds (0 when nothing is pending).
    public var oldestAgeSeconds: Int64

    public init(pending: Int64, oldestAgeSeconds: Int64) {
        self.pending = pending
        self.oldestAgeSeconds = oldestAgeSeconds
    }
}

extension JSONWriter {
    /// `{"inventory":{"oldest_age_s":0,"pending":0},"production":{…}}`, streams in UTF-8 order.
    mutating func writeBacklog(_ backlog: [String: StreamBacklog]) {
        bytes.append(UInt8(ascii: "{"))
        for stream in backlog.keys.sorted(by: { compareUTF8($0, $1) < 0 }) {
            if bytes.last != UInt8(ascii: "{") { bytes.append(UInt8(ascii: ",")) }
            writeString(stream)
            bytes.append(UInt8(ascii: ":"))
            bytes.append(UInt8(ascii: "{"))
            member("oldest_age_s", integer: backlog[stream]!.oldestAgeSeconds)
            member("pending", integer: backlog[stream]!.pending)
            bytes.append(UInt8(ascii: "}"))
        }
        bytes.append(UInt8(ascii: "}"))
    }
}

/// Follows the TLS record framing of one direction of a connection without decrypting anything:
/// every record starts with a 5-byte plaintext header (content type, version, length). The fault
/// proxy uses it to tell where a request or a response begins inside an encrypted stream.
struct TLSRecordTracker {
    /// A record whose header ended inside the chunk just scanned.
    struct RecordStart: Equatable {
        /// Offset in the chunk just after the header's last byte (0…chunk.count).
        var headerEnd: Int
        /// 23 (`application_data`) carries requests and responses — and, in TLS 1.3, the encrypted
        /// handshake, tickets and alerts too.
        var contentType: UInt8
        var length: Int
    }

    static let applicationData: UInt8 = 23

    private var header: [UInt8] = []
    private var bodyLeft = 0

    /// Scans the next chunk of this direction and returns the records whose headers end in it.
    mutating func scan(_ chunk: ArraySlice<UInt8>) -> [RecordStart] {
        var starts: [RecordStart] = []
        var index = chunk.startIndex
        while index < chunk.endIndex {
            if bodyLeft > 0 {
                let take = min(bodyLeft, chunk.endIndex - index)
                bodyLeft -= take
                index += take
                continue
            }
            header.append(chunk[index])
            index += 1
            if header.count == 5 {
                let length = Int(header[3]) << 8 | Int(header[4])
                starts.append(RecordStart(headerEnd: index - chunk.startIndex, contentType: header[0], length: length))
                bodyLeft = length
                header.removeAll(keepingCapacity: true)
            }
        }
        return starts
    }
}

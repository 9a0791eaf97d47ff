/// The records of one dropped file, read in chunks from a byte offset up to a size limit, so files
/// larger than memory stream through a fixed buffer.
final class DropRecordStream {
    enum Decoder {
        case csv(CSVDecoder)
        case jsonLines(JSONLinesDecoder)
    }

    // Kept apart (not in the enum) so decoding mutates them in place instead of copying their buffers.
    private var csv: CSVDecoder?
    private var jsonLines: JSONLinesDecoder?
    private let reader: DropFileReader
    private var buffer: [UInt8]
    private var pending = ArraySlice<UInt8>()
    private var remaining: Int64
    private var atEnd = false

    /// Reads `path` from `offset` (a record boundary) up to `size` bytes in all.
    init(path: String, offset: Int64, size: Int64, decoder: Decoder) throws(DropFileError) {
        reader = try DropFileReader(path: path, offset: offset)
        remaining = max(0, size - offset)
        buffer = [UInt8](repeating: 0, count: DropFileReader.chunkSize)
        switch decoder {
        case .csv(let decoder): csv = decoder
        case .jsonLines(let decoder): jsonLines = decoder
        }
    }

    /// The line the next record starts on.
    var nextLine: Int { csv?.nextLine ?? jsonLines!.nextLine }

    /// The next record or rejection; nil at the end of the file.
    func next() throws(DropFileError) -> FileRecordItem? {
        while true {
            if let item = decode() { return item }
            if atEnd { return nil }
            try refill()
        }
    }

    private func decode() -> FileRecordItem? {
        if csv != nil { return atEnd ? csv!.decodeLast(&pending) : csv!.decode(&pending) }
        return atEnd ? jsonLines!.decodeLast(&pending) : jsonLines!.decode(&pending)
    }

    private func refill() throws(DropFileError) {
        if remaining == 0 {
            atEnd = true
            return
        }
        pending = []  // release the old view first, so reading into the buffer does not copy it
        let count = try reader.read(into: &buffer)
        if count == 0 {
            atEnd = true  // shorter than when its digest was taken; the decoder ends what it has
            return
        }
        let usable = Int(min(Int64(count), remaining))
        remaining -= Int64(usable)
        pending = buffer[0..<usable]
    }
}

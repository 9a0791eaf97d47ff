/// Where a dropped file's rows begin and how they map: for CSV, after the header row the mapping was
/// bound to; for JSON Lines, at the first byte with the configured keys.
struct FileStart {
    let mapping: BoundRecordMapping
    /// Byte offset and line of the first row.
    let offset: Int64
    let line: Int
    private let kind: Kind

    private enum Kind {
        case csv(delimiter: UInt8, maxRecordBytes: Int)
        case jsonLines(keys: [String], maxLineBytes: Int)
    }

    /// Why the file is refused as a whole, with the header's bytes for the rejects file.
    struct Refusal: Error {
        var line: Int
        var reason: String
        var raw: [UInt8]
    }

    /// Reads the header (CSV) and binds the mapping; a refusal when the file has no usable header.
    static func read(
        path: String, size: Int64, configuration: FileDrop.Configuration
    ) throws(DropFileError) -> Result<FileStart, Refusal> {
        let mapping = RecordMapping(configuration)
        switch configuration.format {
        case .jsonl:
            let (keys, bound) = mapping.boundToKeys()
            return .success(
                FileStart(
                    mapping: bound, offset: 0, line: 1,
                    kind: .jsonLines(keys: keys, maxLineBytes: configuration.maxLineBytes)))
        case .csv:
            let decoder = CSVDecoder(delimiter: configuration.delimiter, maxRecordBytes: configuration.maxLineBytes)
            let stream = try DropRecordStream(path: path, offset: 0, size: size, decoder: .csv(decoder))
            switch try stream.next() {
            case nil:
                return .failure(Refusal(line: 1, reason: "empty file; expected a header row", raw: []))
            case .rejected(let rejection)?:
                return .failure(
                    Refusal(
                        line: rejection.line, reason: "header row: \(rejection.description)", raw: rejection.raw))
            case .record(let header)?:
                switch mapping.bound(toHeader: header.fields) {
                case .failure(let refusal):
                    return .failure(Refusal(line: header.line, reason: refusal.reason, raw: header.raw))
                case .success(let bound):
                    let kind = Kind.csv(delimiter: configuration.delimiter, maxRecordBytes: configuration.maxLineBytes)
                    return .success(
                        FileStart(
                            mapping: bound, offset: header.endOffset, line: stream.nextLine,
                            kind: kind))
                }
            }
        }
    }

    /// A decoder that starts at `offset`, on `line` (a record boundary at or after the first row).
    func decoder(line: Int, offset: Int64) -> DropRecordStream.Decoder {
        switch kind {
        case .csv(let delimiter, let maxRecordBytes):
            .csv(CSVDecoder(delimiter: delimiter, maxRecordBytes: maxRecordBytes, line: line, offset: offset))
        case .jsonLines(let keys, let maxLineBytes):
            .jsonLines(JSONLinesDecoder(keys: keys, maxLineBytes: maxLineBytes, line: line, offset: offset))
        }
    }
}

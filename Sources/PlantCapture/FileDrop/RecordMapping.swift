import PlantModel

/// Turns the records of a dropped file into events, as the input's `columns:` and value settings say.
/// Bind it to the file first (a CSV header, or the JSON keys); the bound mapping maps one record at a time.
public struct RecordMapping: Sendable {
    public let configuration: FileDrop.Configuration

    public init(_ configuration: FileDrop.Configuration) {
        self.configuration = configuration
    }

    /// Binds the column names to positions in a CSV header. The failure is why the whole file is refused:
    /// a mapped column is missing or appears twice.
    public func bound(toHeader header: [String]) -> Result<BoundRecordMapping, FileRefusal> {
        let names = header.map(Self.trimmed)
        var sources = [BoundRecordMapping.Source](repeating: .none, count: DropField.allCases.count)
        var missing: [String] = []
        for field in configuration.event.fields {
            switch configuration.columns[field] {
            case nil:
                continue
            case .constant(let value)?:
                sources[field.slot] = .constant(value)
            case .column(let name)?:
                let positions = names.indices.filter { names[$0] == name }
                if positions.isEmpty {
                    missing.append("\"\(name)\" (for \(field.rawValue))")
                } else if positions.count > 1 {
                    let list = positions.map { String($0 + 1) }.joined(separator: " and ")
                    return .failure(
                        FileRefusal(
                            line: 1,
                            reason: "column \"\(name)\" (for \(field.rawValue)) appears more than once in the "
                                + "header (columns \(list))"))
                } else {
                    sources[field.slot] = .field(positions[0], name: name)
                }
            }
        }
        if !missing.isEmpty {
            let noun = missing.count == 1 ? "column" : "columns"
            let found = names.map { "\"\($0)\"" }.joined(separator: ", ")
            return .failure(
                FileRefusal(
                    line: 1, reason: "header has no \(noun) \(missing.joined(separator: ", ")); found \(found)"))
        }
        return .success(BoundRecordMapping(configuration, sources: sources, fieldCount: header.count))
    }

    /// For JSON Lines: the keys a decoder must read, and the mapping over the fields it returns.
    public func boundToKeys() -> (keys: [String], mapping: BoundRecordMapping) {
        var keys: [String] = []
        var sources = [BoundRecordMapping.Source](repeating: .none, count: DropField.allCases.count)
        for field in configuration.event.fields {
            switch configuration.columns[field] {
            case nil:
                continue
            case .constant(let value)?:
                sources[field.slot] = .constant(value)
            case .column(let name)?:
                let index =
                    keys.firstIndex(of: name)
                    ?? {
                        keys.append(name)
                        return keys.count - 1
                    }()
                sources[field.slot] = .field(index, name: name)
            }
        }
        return (keys, BoundRecordMapping(configuration, sources: sources, fieldCount: nil))
    }

    static func trimmed(_ text: String) -> String {
        guard text.utf8.first == 0x20 || text.utf8.last == 0x20 || text.utf8.first == 0x09 || text.utf8.last == 0x09
        else { return text }
        return String(
            text.drop(while: { $0 == " " || $0 == "\t" }).reversed().drop(while: { $0 == " " || $0 == "\t" })
                .reversed())
    }
}

/// Why a whole file is refused before any of its rows (header problems, an empty file).
public struct FileRefusal: Error, Sendable, Equatable, CustomStringConvertible {
    public var line: Int
    public var reason: String

    public init(line: Int, reason: String) {
        self.line = line
        self.reason = reason
    }

    public var description: String { "line \(line): \(reason)" }
}

/// Why one record did not become an event: `quantity (column "Menge"): expected a decimal number…`.
public struct RowRejection: Error, Sendable, Equatable, CustomStringConvertible {
    public var reason: String

    public init(_ reason: String) {
        self.reason = reason
    }

    public var description: String { reason }
}

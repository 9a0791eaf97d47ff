import PlantConfig
import PlantModel

extension FileDrop.Configuration {
    /// Decodes the settings of one `file_drop` input. Every problem goes into `map` (file, line, column,
    /// key path); nil when any setting is unusable.
    public init?(_ map: ConfigMap) {
        let directory = map.required("directory", .absolutePath)
        let format = map.optional("format", .word(Format.self), default: .csv)
        let event = map.required("event", .word(DropEventType.self))
        let decodedColumns = Self.decodeColumns(map.section("columns", required: true), event: event)
        let delimiter = map.optional("delimiter", .delimiter)
        let decimalComma = map.optional("decimal_comma", .boolean, default: false)
        let timestampFormat = map.optional("timestamp_format", .timestampFormat, default: .rfc3339)
        let utcOffset = map.optional("utc_offset", .utcOffset)
        let defaultUnit = map.optional("default_unit", .nonEmptyString)
        let units = Self.decodeUnits(map.section("units"))
        let settleTime = map.optional("settle_time", .duration(in: .zero...(.seconds(86_400))), default: .seconds(5))
        let pollInterval = map.optional(
            "poll_interval", .duration(in: .milliseconds(100)...(.seconds(3_600))), default: .seconds(2))
        let requireDoneMarker = map.optional("require_done_marker", .boolean, default: false)
        let pattern = map.optional("pattern", .fileNamePattern)
        let maxLineBytes = map.optional(
            "max_line_bytes", .size(in: .kibibytes(1)...(.mebibytes(16))), default: .kibibytes(64))
        let onError = map.optional("on_error", .word(OnError.self), default: .rejectRows)
        let archiveDirectory = map.optional("archive_dir", .absolutePath)
        let quarantineDirectory = map.optional("quarantine_dir", .absolutePath)
        let chunkRows = map.optional("chunk_rows", .integer(in: 1...100_000), default: 5_000)

        if format == .jsonl, delimiter != nil {
            map.report("applies to format csv only", at: "delimiter")
        }
        if format == .csv, decimalComma, (delimiter ?? UInt8(ascii: ",")) == UInt8(ascii: ",") {
            map.report(
                "true needs a delimiter other than \",\" (\";\" is usual), or every unquoted "
                    + "quantity splits in two", at: "decimal_comma")
        }
        if utcOffset != nil, !timestampFormat.isPattern {
            map.report(
                "applies to a timestamp_format pattern only; rfc3339 times carry their own offset "
                    + "and epoch times are UTC", at: "utc_offset")
        }
        if let directory {
            let archive = archiveDirectory ?? Self.join(directory, "archive")
            let quarantine = quarantineDirectory ?? Self.join(directory, "quarantine")
            if Self.sameDirectory(archive, directory) {
                map.report(
                    "must differ from directory, or archived files would be taken again",
                    at: "archive_dir")
            }
            if Self.sameDirectory(quarantine, directory) {
                map.report(
                    "must differ from directory, or quarantined files would be taken again",
                    at: "quarantine_dir")
            }
            if Self.sameDirectory(archive, quarantine) {
                map.report("must differ from archive_dir", at: "quarantine_dir")
            }
        }
        if event == .productionConfirmation, let decodedColumns, decodedColumns.columns[.unit] == nil,
            defaultUnit == nil
        {
            map.report(
                "event production_confirmation needs a unit: map columns.unit or set default_unit",
                at: "default_unit")
        }
        guard let directory, let event, let decodedColumns, decodedColumns.complete else { return nil }
        self.init(
            directory: directory, format: format, event: event, columns: decodedColumns.columns,
            delimiter: delimiter ?? UInt8(ascii: ","), decimalComma: decimalComma, timestampFormat: timestampFormat,
            utcOffsetMinutes: utcOffset ?? 0, defaultUnit: defaultUnit, units: units, settleTime: settleTime,
            pollInterval: pollInterval, requireDoneMarker: requireDoneMarker, pattern: pattern,
            maxLineBytes: maxLineBytes.bytes, onError: onError, archiveDirectory: archiveDirectory,
            quarantineDirectory: quarantineDirectory, chunkRows: chunkRows)
    }

    /// Field → source for the fields of `event` (other keys are reported as unknown by the map), and
    /// whether every mapping was usable; nil when there is no columns map to speak of.
    private static func decodeColumns(
        _ map: ConfigMap, event: DropEventType?
    ) -> (columns: [DropField: DropFieldSource], complete: Bool)? {
        guard let event else {
            map.ignoreRemainingKeys()  // the event type was reported; which fields are valid is unknown
            return nil
        }
        guard map.isPresent else { return nil }
        var columns: [DropField: DropFieldSource] = [:]
        var complete = true
        for field in event.fields {
            if let text = map.optional(field.rawValue, .nonEmptyString) {
                columns[field] = DropFieldSource(text)
            } else if map.contains(field.rawValue) {
                complete = false  // reported, or an empty value (reported below when required)
            }
        }
        let missing = event.requiredFields.filter { columns[$0] == nil }
        if !missing.isEmpty {
            let names = missing.map(\.rawValue).joined(separator: ", ")
            map.report(
                "event \(event.rawValue) needs \(missing.count == 1 ? "a mapping" : "mappings") for \(names); "
                    + "map each to a column name or a constant like \"=P100\"")
            complete = false
        }
        let kinds = InventoryMovement.Kind.allCases.map(\.rawValue)
        if case .constant(let kind)? = columns[.kind], !kinds.contains(kind) {
            map.report(
                "expected a constant among \(kinds.joined(separator: ", ")), found \"=\(kind)\"",
                at: DropField.kind.rawValue)
            complete = false
        }
        return (columns, complete)
    }

    private static func decodeUnits(_ map: ConfigMap) -> [String: String] {
        var units: [String: String] = [:]
        for key in map.keys {
            if let unit = map.required(key, .nonEmptyString) { units[key] = unit }
        }
        return units
    }

    private static func sameDirectory(_ lhs: String, _ rhs: String) -> Bool {
        func trimmed(_ path: String) -> Substring {
            var path = Substring(path)
            while path.count > 1, path.hasSuffix("/") { path = path.dropLast() }
            return path
        }
        return trimmed(lhs) == trimmed(rhs)
    }
}

extension ConfigConversion where Value == UInt8 {
    /// One ASCII character other than `"`, CR and LF, or the word `tab`.
    static var delimiter: ConfigConversion<UInt8> {
        ConfigConversion(expecting: "one character other than '\"' (or the word tab)") { text in
            if text == "tab" { return UInt8(ascii: "\t") }
            let bytes = Array(text.utf8)
            guard bytes.count == 1, bytes[0] < 0x80, bytes[0] != UInt8(ascii: "\""), bytes[0] != 0x0A,
                bytes[0] != 0x0D
            else { return nil }
            return bytes[0]
        }
    }
}

extension ConfigConversion where Value == DropTimestampFormat {
    static var timestampFormat: ConfigConversion<DropTimestampFormat> {
        ConfigConversion(expecting: "rfc3339, epoch_ms, epoch_s or a pattern like \"%d.%m.%Y %H:%M\"") { text, _ in
            DropTimestampFormat.parse(text).mapError { ConfigConversionFailure($0.message) }
        }
    }
}

extension ConfigConversion where Value == Int {
    /// `+01:00`, `-05:30` or `Z`, in minutes east of UTC.
    static var utcOffset: ConfigConversion<Int> {
        ConfigConversion(expecting: "a UTC offset like +01:00, -05:30 or Z") {
            DropTimestampFormat.utcOffsetMinutes($0)
        }
    }
}

extension ConfigConversion where Value == String {
    /// A glob of file names: no `/`.
    static var fileNamePattern: ConfigConversion<String> {
        ConfigConversion(expecting: "a file name pattern like *.csv (no \"/\")") { text in
            text.isEmpty || text.contains("/") ? nil : text
        }
    }
}

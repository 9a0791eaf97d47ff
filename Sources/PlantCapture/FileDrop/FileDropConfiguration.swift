extension FileDrop {
    /// The settings of one `type: file_drop` input. Made by `init?(_: ConfigMap)`, which checks them
    /// without I/O and reports every problem; see the README for each setting.
    public struct Configuration: Sendable, Equatable {
        public enum Format: String, Sendable, Hashable, CaseIterable {
            case csv, jsonl
        }

        /// What happens to a file with rows that fail mapping.
        public enum OnError: String, Sendable, Hashable, CaseIterable {
            /// Good rows are journaled, bad rows go to the rejects file.
            case rejectRows = "reject_rows"
            /// The whole file is checked first; one bad row sends it to quarantine with no events.
            case rejectFile = "reject_file"
        }

        /// The watched folder (absolute).
        public var directory: String
        public var format: Format
        public var event: DropEventType
        /// Event field → column or constant.
        public var columns: [DropField: DropFieldSource]
        /// CSV field separator (one ASCII byte).
        public var delimiter: UInt8
        /// Quantities written `1234,5` or `1.234,5`.
        public var decimalComma: Bool
        public var timestampFormat: DropTimestampFormat
        /// The plant's offset from UTC for pattern timestamps, in minutes east.
        public var utcOffsetMinutes: Int
        /// The unit when a row has none.
        public var defaultUnit: String?
        /// File unit → ERP unit (`Stk: PCE`). When not empty, a unit that is neither a key nor a value is
        /// a reject.
        public var units: [String: String]
        /// A file written in place is taken once its size and modification time stayed the same this long.
        public var settleTime: Duration
        /// How often the folder is scanned (the only trigger when inotify is unavailable).
        public var pollInterval: Duration
        /// Only files with a `<name>.done` marker are taken.
        public var requireDoneMarker: Bool
        /// Glob of file names to take (`*`, `?`, `[abc]`).
        public var pattern: String
        public var maxLineBytes: Int
        public var onError: OnError
        public var archiveDirectory: String
        public var quarantineDirectory: String
        /// Rows per journal transaction.
        public var chunkRows: Int

        public init(
            directory: String, format: Format = .csv, event: DropEventType, columns: [DropField: DropFieldSource],
            delimiter: UInt8 = UInt8(ascii: ","), decimalComma: Bool = false,
            timestampFormat: DropTimestampFormat = .rfc3339, utcOffsetMinutes: Int = 0, defaultUnit: String? = nil,
            units: [String: String] = [:], settleTime: Duration = .seconds(5), pollInterval: Duration = .seconds(2),
            requireDoneMarker: Bool = false, pattern: String? = nil, maxLineBytes: Int = 65_536,
            onError: OnError = .rejectRows, archiveDirectory: String? = nil, quarantineDirectory: String? = nil,
            chunkRows: Int = 5_000
        ) {
            self.directory = directory
            self.format = format
            self.event = event
            self.columns = columns
            self.delimiter = delimiter
            self.decimalComma = decimalComma
            self.timestampFormat = timestampFormat
            self.utcOffsetMinutes = utcOffsetMinutes
            self.defaultUnit = defaultUnit
            self.units = units
            self.settleTime = settleTime
            self.pollInterval = pollInterval
            self.requireDoneMarker = requireDoneMarker
            self.pattern = pattern ?? Self.defaultPattern(format)
            self.maxLineBytes = maxLineBytes
            self.onError = onError
            self.archiveDirectory = archiveDirectory ?? Self.join(directory, "archive")
            self.quarantineDirectory = quarantineDirectory ?? Self.join(directory, "quarantine")
            self.chunkRows = chunkRows
        }

        static func defaultPattern(_ format: Format) -> String {
            switch format {
            case .csv: "*.csv"
            case .jsonl: "*.jsonl"
            }
        }

        static func join(_ directory: String, _ name: String) -> String {
            directory.hasSuffix("/") ? directory + name : directory + "/" + name
        }
    }
}

import PlantConfig
import PlantModel

extension TelemetryFeed {
    /// The settings of one `type: telemetry_tcp` input (see TelemetryFeed/README.md for each key).
    public struct Configuration: Sendable, Hashable {
        /// Who dials whom.
        public enum Mode: Sendable, Hashable {
            /// The agent dials the PLC / OPC gateway and redials with backoff when the connection ends.
            case connect(HostPort)
            /// The agent waits for gateways to dial in, several at once.
            case listen(HostPort)
        }

        public var mode: Mode
        public var format: TelemetryFormat
        /// Longest line accepted; longer lines are quarantined and skipped.
        public var maxLineBytes: Int
        /// Listen mode: gateways served at once; more are refused (closed at once, with a log line).
        public var maxConnections: Int
        /// Connect mode: how long one dial may take.
        public var connectTimeout: Duration
        /// Connect mode: first wait before redialling, doubled per failure up to `reconnectMaxDelay`.
        public var reconnectDelay: Duration
        public var reconnectMaxDelay: Duration
        /// A connection silent this long is closed (and redialled in connect mode); nil: never.
        public var idleTimeout: Duration?
        public var tags: TagFilter
        public var rawStream: RawTelemetrySettings

        public init(
            mode: Mode, format: TelemetryFormat, maxLineBytes: Int = 64 << 10, maxConnections: Int = 8,
            connectTimeout: Duration = .seconds(10), reconnectDelay: Duration = .seconds(1),
            reconnectMaxDelay: Duration = .seconds(60), idleTimeout: Duration? = nil, tags: TagFilter = TagFilter(),
            rawStream: RawTelemetrySettings = RawTelemetrySettings()
        ) {
            self.mode = mode
            self.format = format
            self.maxLineBytes = maxLineBytes
            self.maxConnections = maxConnections
            self.connectTimeout = connectTimeout
            self.reconnectDelay = reconnectDelay
            self.reconnectMaxDelay = reconnectMaxDelay
            self.idleTimeout = idleTimeout
            self.tags = tags
            self.rawStream = rawStream
        }

        /// Decodes the input's section; every problem goes into `map`; nil when any setting is unusable.
        public init?(_ map: ConfigMap) {
            let connect = map.optional("connect", .hostPort)
            let listen = map.optional("listen", .listenAddress)
            let format = map.required("format", .word(TelemetryFormat.self))
            let maxLine = map.optional(
                "max_line_bytes", .size(in: .kibibytes(1)...(.mebibytes(16))), default: .kibibytes(64))
            let maxConnections = map.optional("max_connections", .integer(in: 1...256), default: 8)
            let connectTimeout = map.optional(
                "connect_timeout", .duration(in: .milliseconds(100)...(.seconds(300))), default: .seconds(10))
            let reconnectDelay = map.optional(
                "reconnect_delay", .duration(in: .milliseconds(100)...(.seconds(60))), default: .seconds(1))
            let reconnectMaxDelay = map.optional(
                "reconnect_max_delay", .duration(in: .seconds(1)...(.seconds(3600))), default: .seconds(60))
            let idleTimeout = map.optional("idle_timeout", .duration(in: .seconds(1)...(.seconds(86_400))))
            let include = map.list("include", of: .nonEmptyString).map(TagPattern.init)
            let exclude = map.list("exclude", of: .nonEmptyString).map(TagPattern.init)
            let rename = Self.renameMap(map.section("rename"))
            let rawStream = Self.rawStream(map.section("raw_stream"))

            var valid = true
            let modeKeys = (map.contains("connect"), map.contains("listen"))
            switch modeKeys {
            case (true, true):
                map.report("give either connect or listen, not both", at: "listen")
                valid = false
            case (false, false):
                map.report(
                    "missing \"connect\" or \"listen\": the feed dials the gateway (connect: host:port) "
                        + "or waits for gateways to dial in (listen: host:port)")
                valid = false
            default:
                break
            }
            if modeKeys.0 {
                if map.contains("max_connections") {
                    map.report("max_connections applies only with listen", at: "max_connections")
                    valid = false
                }
            } else if modeKeys.1 {
                for key in ["connect_timeout", "reconnect_delay", "reconnect_max_delay"] where map.contains(key) {
                    map.report("\(key) applies only with connect", at: key)
                    valid = false
                }
            }
            if reconnectDelay > reconnectMaxDelay {
                map.report(
                    "reconnect_delay (\(DurationText.format(reconnectDelay))) must not exceed reconnect_max_delay "
                        + "(\(DurationText.format(reconnectMaxDelay)))", at: "reconnect_delay")
                valid = false
            }
            let mode: Mode? = connect.map(Mode.connect) ?? listen.map(Mode.listen)
            guard valid, let mode, let format else { return nil }
            self.init(
                mode: mode, format: format, maxLineBytes: maxLine.bytes, maxConnections: maxConnections,
                connectTimeout: connectTimeout, reconnectDelay: reconnectDelay, reconnectMaxDelay: reconnectMaxDelay,
                idleTimeout: idleTimeout, tags: TagFilter(include: include, exclude: exclude, rename: rename),
                rawStream: rawStream)
        }

        /// `rename:` — source tag id → tag name, both non-empty. Invalid entries are recorded in `map` (which
        /// fails the decoding as a whole) and left out.
        private static func renameMap(_ map: ConfigMap) -> [String: String] {
            var rename: [String: String] = [:]
            for key in map.keys {
                if let name = map.required(key, .nonEmptyString) { rename[key] = name }
            }
            return rename
        }

        private static func rawStream(_ map: ConfigMap) -> RawTelemetrySettings {
            let enabled = map.optional("enabled", .boolean, default: false)
            let deadbandConversion = ConfigDecimal.conversion.map(expecting: "a decimal number of at least 0") {
                (decimal: ConfigDecimal) -> DecimalNumber? in
                guard let value = DecimalNumber(decimal.text), !value.isNegative else { return nil }
                return value
            }
            let deadband = map.optional("deadband", deadbandConversion)
            let minInterval = map.optional(
                "min_interval", .duration(in: .zero...(.seconds(3600))), default: .seconds(1))
            return RawTelemetrySettings(
                enabled: enabled, deadband: deadband ?? RawTelemetrySettings.defaultDeadband, minInterval: minInterval)
        }
    }
}

extension ConfigDecimal {
    fileprivate static var conversion: ConfigConversion<ConfigDecimal> { .decimal }
}

// agent.yaml -> ScannerConfiguration. Every problem is recorded in the ConfigMap (file:line:col, key path,
// what was expected) and decoding goes on, so one pass reports every mistake. The settings, defaults and
// examples are listed in Scanner/README.md.
import PlantConfig
import PlantModel

extension ScannerConfiguration {
    /// Decodes a `type: scanner_serial` section; nil when any setting is unusable (all problems are in `map`).
    public static func decodeSerial(_ map: ConfigMap) -> ScannerConfiguration? {
        let device = map.required("device", .absolutePath)
        let serial = SerialPortSettings(
            baudRate: map.optional("baud", ScannerConversions.baudRate, default: 9600),
            dataBits: map.optional("data_bits", .integer(in: 5...8), default: 8),
            parity: map.optional("parity", .word(), default: .none),
            stopBits: map.optional("stop_bits", ScannerConversions.stopBits, default: .one),
            flowControl: map.optional("flow_control", .word(), default: .none))
        let reopen = map.optional(
            "reopen_interval", .duration(in: .milliseconds(100)...(.seconds(60))), default: .seconds(1))
        let common = CommonSettings(map, idleFlushDefault: defaultSerialIdleFlush)
        guard let device, let common else { return nil }
        return ScannerConfiguration(
            connection: .serial(device: device, settings: serial, reopenInterval: reopen), framing: common.framing,
            idleFlush: common.idleFlush, assumeGS1: common.assumeGS1, station: common.station)
    }

    /// Decodes a `type: scanner_tcp` section; nil when any setting is unusable (all problems are in `map`).
    public static func decodeTCP(_ map: ConfigMap) -> ScannerConfiguration? {
        let mode = map.optional("mode", .word(), default: TCPMode.client)
        let connect = mode == .client ? map.required("connect", .hostPort) : map.optional("connect", .hostPort)
        let listen = mode == .server ? map.required("listen", .listenAddress) : map.optional("listen", .listenAddress)
        let maxConnections = map.optional("max_connections", .integer(in: 1...64))
        let reconnectMax = map.optional("reconnect_max", .duration(in: .seconds(1)...(.seconds(600))))
        for (key, used, modeName) in [
            ("connect", mode == .client, "client"), ("listen", mode == .server, "server"),
            ("max_connections", mode == .server, "server"), ("reconnect_max", mode == .client, "client"),
        ] where !used && map.contains(key) {
            map.report("only used in mode \(modeName); this input has mode \(mode.rawValue)", at: key)
        }
        let common = CommonSettings(map, idleFlushDefault: nil)
        guard let common else { return nil }
        let connection: ScannerConnection
        switch mode {
        case .client:
            guard let connect else { return nil }
            connection = .tcpClient(connect: connect, reconnectMax: reconnectMax ?? .seconds(30))
        case .server:
            guard let listen else { return nil }
            connection = .tcpServer(listen: listen, maxConnections: maxConnections ?? 4)
        }
        return ScannerConfiguration(
            connection: connection, framing: common.framing, idleFlush: common.idleFlush,
            assumeGS1: common.assumeGS1, station: common.station)
    }

    enum TCPMode: String, Sendable, CaseIterable {
        case client, server
    }

    /// Framing, decoding and station settings, shared by both types.
    private struct CommonSettings {
        var framing: ScanFramingConfiguration
        var idleFlush: Duration?
        var assumeGS1: Bool
        var station: StationConfiguration

        init?(_ map: ConfigMap, idleFlushDefault: Duration?) {
            let maxLength = map.optional(
                "max_line_bytes", .size(in: ByteSize(bytes: 16)...(.mebibytes(16))), default: .kibibytes(64))
            let terminator = map.optional("terminator", .word(), default: ScanFramingConfiguration.Terminator.any)
            let prefix = map.optional("prefix", ScannerConversions.frameBytes, default: [])
            let suffix = map.optional("suffix", ScannerConversions.frameBytes, default: [])
            if prefix.count + suffix.count >= maxLength.bytes {
                map.report(
                    "prefix and suffix together take \(prefix.count + suffix.count) bytes, expected fewer "
                        + "than max_line_bytes (\(maxLength))", at: "suffix")
            }
            idleFlush = map.optional("idle_flush", ScannerConversions.idleFlush, default: idleFlushDefault)
            assumeGS1 = map.optional("assume_gs1", .boolean, default: false)
            framing = ScanFramingConfiguration(
                terminator: terminator, prefix: prefix, suffix: suffix, maxLength: maxLength.bytes)
            guard let station = StationConfiguration.decode(map.section("station", required: true)) else {
                return nil
            }
            self.station = station
        }
    }
}

extension StationConfiguration {
    /// Decodes the `station:` section; nil when it is unusable (all problems are in `map`).
    static func decode(_ map: ConfigMap) -> StationConfiguration? {
        guard map.isPresent else { return nil }  // missing: reported by the caller's `required`
        let id = map.required("id", .identifier(maxLength: 32))
        let movement = map.required("movement", .word(StationMovement.self))
        let fromLocation = map.optional("from_location", ScannerConversions.code)
        let toLocation = map.optional("to_location", ScannerConversions.code)
        let location = map.optional("location", ScannerConversions.code)
        let line = map.optional("line", .identifier(maxLength: 32))
        let reason = map.optional("reason", .nonEmptyString)
        let unit = map.optional("unit", .identifier(maxLength: 8), default: "EA")
        let defaultQuantity = map.optional("default_quantity", ScannerConversions.quantity, default: DecimalNumber(1))
        let locationPrefix = map.optional("location_prefix", ScannerConversions.code, default: "LOC-")
        let endCode = map.optional("end_code", ScannerConversions.code, default: "END")
        let clearCode = map.optional("clear_code", ScannerConversions.code, default: "CLEAR")
        guard let id, let movement else { return nil }

        var valid = true
        for key in ["from_location", "to_location", "location", "line", "reason"]
        where map.contains(key) && !uses(key, movement) {
            map.report("not used by movement \(movement.rawValue)", at: key)
            valid = false
        }
        if movement.needsLine && line == nil && !map.contains("line") {
            map.report(
                "missing required key \"line\": movement \(movement.rawValue) books to the order running "
                    + "on that line")
            valid = false
        }
        if movement.isQuality && reason == nil && !map.contains("reason") {
            map.report("missing required key \"reason\": movement \(movement.rawValue) records why")
            valid = false
        }
        if movement == .transfer, let fromLocation, fromLocation == toLocation {
            map.report("expected a location different from from_location \"\(fromLocation)\"", at: "to_location")
            valid = false
        }
        if endCode == clearCode {
            map.report("expected a code different from end_code \"\(endCode)\"", at: "clear_code")
            valid = false
        }
        for (key, code) in [("end_code", endCode), ("clear_code", clearCode)] where code.hasPrefix(locationPrefix) {
            map.report(
                "\"\(code)\" starts with location_prefix \"\(locationPrefix)\" and would read as a location",
                at: key)
            valid = false
        }
        guard valid else { return nil }
        return StationConfiguration(
            id: id, movement: movement, fromLocation: fromLocation, toLocation: toLocation, location: location,
            line: line, reason: reason, unit: unit, defaultQuantity: defaultQuantity, locationPrefix: locationPrefix,
            endCode: endCode, clearCode: clearCode)
    }
}

/// The value conversions only scanner settings use.
enum ScannerConversions {
    static var baudRate: ConfigConversion<Int> {
        let rates = SerialPortSettings.supportedBaudRates
        return ConfigConversion(expecting: "a baud rate: " + rates.map(String.init).joined(separator: ", ")) { text in
            Int(text).flatMap { rates.contains($0) ? $0 : nil }
        }
    }

    static var stopBits: ConfigConversion<SerialPortSettings.StopBits> {
        ConfigConversion(expecting: "1 or 2") { text in
            switch text {
            case "1": .one
            case "2": .two
            default: nil
            }
        }
    }

    /// `off`, or a pause from 10 ms to 10 s.
    static var idleFlush: ConfigConversion<Duration?> {
        let range: ClosedRange<Duration> = .milliseconds(10)...(.seconds(10))
        let expectation = "off or a duration from 10ms to 10s"
        return ConfigConversion(expecting: expectation) { text, _ in
            if text == "off" { return .success(nil) }
            if let duration = DurationText.parse(text), range.contains(duration) { return .success(duration) }
            return .failure(.expected(expectation, found: text))
        }
    }

    /// ASCII bytes a scanner wraps scans in, written with YAML escapes (`"\x02"` for STX); CR and LF end scans.
    static var frameBytes: ConfigConversion<[UInt8]> {
        ConfigConversion(expecting: "ASCII bytes like \"\\x02\"") { text, _ in
            let bytes = Array(text.utf8)
            if bytes.contains(where: { $0 >= 0x80 }) {
                return .failure(.expected("ASCII bytes like \"\\x02\"", found: text))
            }
            if bytes.contains(where: { $0 == 0x0D || $0 == 0x0A }) {
                return .failure(ConfigConversionFailure("must not contain CR or LF, which end a scan"))
            }
            return .success(bytes)
        }
    }

    /// A location, code or prefix as scanned: printable, no spaces at the ends, at most 64 characters.
    static var code: ConfigConversion<String> {
        ConfigConversion(expecting: "1–64 printable characters without leading or trailing spaces") { text in
            let scalars = text.unicodeScalars
            guard (1...64).contains(scalars.count), scalars.first != " ", scalars.last != " ",
                scalars.allSatisfy({ $0.value >= 0x20 && $0.value != 0x7F })
            else { return nil }
            return text
        }
    }

    static var quantity: ConfigConversion<DecimalNumber> {
        ConfigConversion<ConfigDecimal>.decimal.map(expecting: "a quantity above 0 like 1 or 0.5") { decimal in
            guard let value = DecimalNumber(decimal.text), value > .zero else { return nil }
            return value
        }
    }
}

import PlantConfig
import PlantModel
import Testing

@testable import PlantCapture

/// The token file the agent configuration below refers to.
private struct ScannerConfigFiles: ConfigFileReader {
    func status(ofPath path: String) throws(ConfigFileFailure) -> ConfigFileStatus {
        guard path == "/etc/plantsync/agent.token" else { throw .notFound }
        return ConfigFileStatus(isRegularFile: true, permissions: 0o600)
    }

    func contents(ofPath path: String) throws(ConfigFileFailure) -> [UInt8] {
        guard path == "/etc/plantsync/agent.token" else { throw .notFound }
        return Array("token\n".utf8)
    }
}

@Suite("Scanner configuration decoding")
struct ScannerConfigurationTests {
    private func serial(_ text: String) -> Result<ScannerConfiguration, ConfigErrors> {
        ConfigMap.decode(text: text, file: "agent.yaml", environment: [:]) { ScannerConfiguration.decodeSerial($0) }
    }

    private func tcp(_ text: String) -> Result<ScannerConfiguration, ConfigErrors> {
        ConfigMap.decode(text: text, file: "agent.yaml", environment: [:]) { ScannerConfiguration.decodeTCP($0) }
    }

    private func errors(_ result: Result<ScannerConfiguration, ConfigErrors>) -> String {
        switch result {
        case .success(let configuration): "(accepted \(configuration))"
        case .failure(let errors): errors.description
        }
    }

    @Test func serialWithEverySetting() throws {
        let configuration = try serial(
            """
            device: /dev/serial/by-id/usb-Honeywell_1900-if00
            baud: 115200
            data_bits: 7
            parity: even
            stop_bits: 2
            flow_control: rts-cts
            reopen_interval: 500ms
            terminator: crlf
            prefix: "\\x02"
            suffix: "\\x03"
            max_line_bytes: 4KiB
            idle_flush: off
            assume_gs1: true
            station:
              id: RCV-1
              movement: receipt
              to_location: WH-RECV
              unit: PCE
              default_quantity: 2.5
              location_prefix: "BIN:"
              end_code: DONE
              clear_code: UNDO
            """
        ).get()
        #expect(
            configuration.connection
                == .serial(
                    device: "/dev/serial/by-id/usb-Honeywell_1900-if00",
                    settings: SerialPortSettings(
                        baudRate: 115_200, dataBits: 7, parity: .even, stopBits: .two,
                        flowControl: .rtsCts),
                    reopenInterval: .milliseconds(500)))
        #expect(
            configuration.framing
                == ScanFramingConfiguration(
                    terminator: .crlf, prefix: [0x02], suffix: [0x03], maxLength: 4096))
        #expect(configuration.idleFlush == nil)
        #expect(configuration.assumeGS1)
        #expect(
            configuration.station
                == StationConfiguration(
                    id: "RCV-1", movement: .receipt, toLocation: "WH-RECV", unit: "PCE",
                    defaultQuantity: try DecimalNumber(parsing: "2.5"), locationPrefix: "BIN:", endCode: "DONE",
                    clearCode: "UNDO"))
        #expect(configuration.connection.typeName == "scanner_serial")
    }

    @Test func serialDefaults() throws {
        let configuration = try serial(
            """
            device: /dev/ttyUSB0
            station:
              id: ISS-3
              movement: issue
              line: L3
            """
        ).get()
        #expect(
            configuration.connection
                == .serial(
                    device: "/dev/ttyUSB0", settings: SerialPortSettings(), reopenInterval: .seconds(1)))
        #expect(configuration.framing == ScanFramingConfiguration(terminator: .any, maxLength: 65_536))
        #expect(configuration.idleFlush == .milliseconds(200))
        #expect(!configuration.assumeGS1)
        #expect(configuration.station == StationConfiguration(id: "ISS-3", movement: .issue, line: "L3"))
    }

    @Test func tcpClientAndServer() throws {
        let client = try tcp(
            """
            connect: 10.1.2.40:23
            reconnect_max: 1m
            station:
              id: T1
              movement: transfer
            """
        ).get()
        #expect(
            client.connection == .tcpClient(connect: HostPort(host: "10.1.2.40", port: 23), reconnectMax: .seconds(60)))
        #expect(client.idleFlush == nil)
        #expect(client.connection.typeName == "scanner_tcp")

        let server = try tcp(
            """
            mode: server
            listen: 0.0.0.0:9500
            max_connections: 2
            idle_flush: 50ms
            station:
              id: CC-1
              movement: cycle_count
            """
        ).get()
        #expect(server.connection == .tcpServer(listen: HostPort(host: "0.0.0.0", port: 9500), maxConnections: 2))
        #expect(server.idleFlush == .milliseconds(50))
        #expect(server.station == StationConfiguration(id: "CC-1", movement: .cycleCount))
    }

    @Test func serialSettingsOutOfRange() {
        #expect(
            errors(
                serial(
                    """
                    device: dev/ttyUSB0
                    baud: 14400
                    data_bits: 9
                    parity: mark
                    stop_bits: 1.5
                    flow_control: xon
                    reopen_interval: 10ms
                    station:
                      id: S1
                      movement: receipt
                    """)) == """
                    agent.yaml:1:9: device: expected an absolute path, found "dev/ttyUSB0"
                    agent.yaml:2:7: baud: expected a baud rate: 1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200, \
                    found "14400"
                    agent.yaml:3:12: data_bits: expected an integer 5–8, found "9"
                    agent.yaml:4:9: parity: expected one of none, even, odd, found "mark"
                    agent.yaml:5:12: stop_bits: expected 1 or 2, found "1.5"
                    agent.yaml:6:15: flow_control: expected none or rts-cts, found "xon"
                    agent.yaml:7:18: reopen_interval: expected a duration from 100ms to 1m, found "10ms"
                    """)
    }

    @Test func framingSettingsOutOfRange() {
        #expect(
            errors(
                serial(
                    """
                    device: /dev/ttyUSB0
                    terminator: nul
                    prefix: "\\r"
                    suffix: "é"
                    max_line_bytes: 32MiB
                    idle_flush: 1s5
                    assume_gs1: yes
                    station:
                      id: S1
                      movement: receipt
                    """)) == """
                    agent.yaml:2:13: terminator: expected one of cr, lf, crlf, any, found "nul"
                    agent.yaml:3:9: prefix: must not contain CR or LF, which end a scan
                    agent.yaml:4:9: suffix: expected ASCII bytes like "\\x02", found "é"
                    agent.yaml:5:17: max_line_bytes: expected a size from 16B to 16MiB, found "32MiB"
                    agent.yaml:6:13: idle_flush: expected off or a duration from 10ms to 10s, found "1s5"
                    agent.yaml:7:13: assume_gs1: expected true or false, found "yes"
                    """)
    }

    @Test func stationSettingsThatDoNotFit() {
        #expect(
            errors(
                serial(
                    """
                    device: /dev/ttyUSB0
                    station:
                      id: RCV 1
                      movement: reciept
                      from_location: " A"
                    """)) == """
                    agent.yaml:3:7: station.id: expected 1–32 letters, digits, "_" or "-", found "RCV 1"
                    agent.yaml:4:13: station.movement: expected one of receipt, issue, transfer, production_receipt, \
                    cycle_count, quality_hold, quality_release, found "reciept"; did you mean "receipt"?
                    agent.yaml:5:18: station.from_location: expected 1–64 printable characters without leading or \
                    trailing spaces, found " A"
                    """)
        #expect(
            errors(
                serial(
                    """
                    device: /dev/ttyUSB0
                    station:
                      id: ISS-1
                      movement: issue
                      to_location: A
                      reason: damaged
                    """)) == """
                    agent.yaml:2:1: station: missing required key "line": movement issue books to the order running \
                    on that line
                    agent.yaml:5:16: station.to_location: not used by movement issue
                    agent.yaml:6:11: station.reason: not used by movement issue
                    """)
        #expect(
            errors(
                serial(
                    """
                    device: /dev/ttyUSB0
                    station:
                      id: QA-1
                      movement: quality_hold
                      location: QA
                    """)) == """
                    agent.yaml:2:1: station: missing required key "reason": movement quality_hold records why
                    """)
        #expect(
            errors(
                serial(
                    """
                    device: /dev/ttyUSB0
                    station:
                      id: TR-1
                      movement: transfer
                      from_location: A
                      to_location: A
                      end_code: LOC-END
                      clear_code: LOC-END
                      default_quantity: 0
                    """)) == """
                    agent.yaml:6:16: station.to_location: expected a location different from from_location "A"
                    agent.yaml:7:13: station.end_code: "LOC-END" starts with location_prefix "LOC-" and would read \
                    as a location
                    agent.yaml:8:15: station.clear_code: expected a code different from end_code "LOC-END"
                    agent.yaml:8:15: station.clear_code: "LOC-END" starts with location_prefix "LOC-" and would \
                    read as a \
                    location
                    agent.yaml:9:21: station.default_quantity: expected a quantity above 0 like 1 or 0.5, found "0"
                    """)
    }

    @Test func missingStationAndUnknownKeys() {
        #expect(
            errors(
                serial(
                    """
                    device: /dev/ttyUSB0
                    baudrate: 9600
                    """)) == """
                    agent.yaml:1:1: missing required key "station"
                    agent.yaml:2:1: baudrate: unknown key "baudrate"; valid keys: device, baud, \
                    data_bits, parity, stop_bits, flow_control, reopen_interval, max_line_bytes, terminator, \
                    prefix, suffix, \
                    idle_flush, assume_gs1, station
                    """)
    }

    @Test func tcpModeSettings() {
        #expect(
            errors(
                tcp(
                    """
                    mode: server
                    connect: 10.0.0.1:23
                    reconnect_max: 2s
                    station:
                      id: S1
                      movement: receipt
                    """)) == """
                    agent.yaml:1:1: missing required key "listen"
                    agent.yaml:2:10: connect: only used in mode client; this input has mode server
                    agent.yaml:3:16: reconnect_max: only used in mode client; this input has mode server
                    """)
        #expect(
            errors(
                tcp(
                    """
                    mode: peer
                    connect: scanner-7
                    max_connections: 100
                    station:
                      id: S1
                      movement: receipt
                    """)) == """
                    agent.yaml:1:7: mode: expected client or server, found "peer"
                    agent.yaml:2:10: connect: expected host:port like hub.example.com:8443, found "scanner-7"
                    agent.yaml:3:18: max_connections: expected an integer 1–64, found "100"
                    agent.yaml:3:18: max_connections: only used in mode server; this input has mode client
                    """)
    }

    @Test func throughTheAgentConfigurationAndTheRegistry() throws {
        let text = """
            plant: P100
            hub:
              url: https://hub.example.com:8443
              token_file: /etc/plantsync/agent.token
            inputs:
              - name: receiving-1
                type: scanner_serial
                device: /dev/serial/by-id/usb-Scanner-if00
                station:
                  id: RCV-1
                  movement: receipt
                  to_location: WH-RECV
              - name: line3-issue
                type: scanner_tcp
                connect: 10.1.2.40:23
                station:
                  id: ISS-3
                  movement: issue
            """
        let result = AgentConfiguration.parse(
            text: text, file: "agent.yaml", environment: [:], inputDecoders: InputRegistry.decoders,
            files: ScannerConfigFiles())
        guard case .failure(let errors) = result else {
            Issue.record("expected the missing line to be reported")
            return
        }
        #expect(
            errors.description == """
                agent.yaml:16:5: inputs[1].station: missing required key "line": movement issue books to the order \
                running on that line
                """)
        let fixed = text + "\n      line: L3\n"
        let configuration = try AgentConfiguration.parse(
            text: fixed, file: "agent.yaml", environment: [:], inputDecoders: InputRegistry.decoders,
            files: ScannerConfigFiles()
        ).get()
        #expect(configuration.inputs.map(\.type) == ["scanner_serial", "scanner_tcp"])
        let adapter = try #require(
            InputRegistry.adapter(for: configuration.inputs[1], context: InputContext(plant: "P100")))
        #expect(adapter.name == "line3-issue")
        #expect(adapter.type == "scanner_tcp")
        #expect(adapter.health.connection == .stopped)
    }
}

// The settings of one scanner input (`scanner_serial` or `scanner_tcp`): how to reach the scanner, how its
// scans are framed and decoded, and the station rules. Decoding from agent.yaml is in
// ScannerConfiguration+Decoding.swift.
import PlantConfig

/// How the agent reaches one scanner.
public enum ScannerConnection: Sendable, Hashable {
    /// A serial device (USB-serial or RS-232), reopened when it comes back after being unplugged.
    case serial(device: String, settings: SerialPortSettings, reopenInterval: Duration)
    /// The scanner (or its network adapter) listens, e.g. on port 23; the agent connects and reconnects
    /// with backoff doubling from 500 ms up to `reconnectMax`.
    case tcpClient(connect: HostPort, reconnectMax: Duration)
    /// Scanners connect to the agent and push scans; at most `maxConnections` at a time.
    case tcpServer(listen: HostPort, maxConnections: Int)

    /// The `type:` word of the input.
    public var typeName: String {
        switch self {
        case .serial: return ScannerConfiguration.serialType
        case .tcpClient, .tcpServer: return ScannerConfiguration.tcpType
        }
    }

    /// Where scans come from, for log lines and quarantine records.
    public var sourceDescription: String {
        switch self {
        case .serial(let device, let settings, _): return "\(device) (\(settings.summary))"
        case .tcpClient(let address, _): return "scanner at \(address)"
        case .tcpServer(let address, _): return "listening on \(address)"
        }
    }
}

/// Everything one scanner input needs, validated without I/O.
public struct ScannerConfiguration: Sendable, Hashable {
    public static let serialType = "scanner_serial"
    public static let tcpType = "scanner_tcp"
    /// Serial scanners often send no terminator: a pause this long completes the scan.
    public static let defaultSerialIdleFlush: Duration = .milliseconds(200)

    public var connection: ScannerConnection
    public var framing: ScanFramingConfiguration
    /// Quiet time after which a pending unterminated scan is complete; nil: wait for a terminator.
    public var idleFlush: Duration?
    /// Read scans without a symbology identifier or leading GS as FNC1-separated GS1 element strings.
    public var assumeGS1: Bool
    public var station: StationConfiguration

    public init(
        connection: ScannerConnection, framing: ScanFramingConfiguration = ScanFramingConfiguration(),
        idleFlush: Duration? = nil, assumeGS1: Bool = false, station: StationConfiguration
    ) {
        self.connection = connection
        self.framing = framing
        self.idleFlush = idleFlush
        self.assumeGS1 = assumeGS1
        self.station = station
    }

    /// The checkpoint key of the input's scan sequence, journaled with every event it produces.
    public static func sequenceCheckpointKey(input: String) -> String { "scanner/\(input)/seq" }
}

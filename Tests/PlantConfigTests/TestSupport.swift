import PlantConfig
import Testing

/// Files in memory: path -> (permission bits, contents).
struct StubFiles: ConfigFileReader {
    var files: [String: (permissions: UInt32, contents: [UInt8])]

    init(_ files: [String: (permissions: UInt32, contents: String)] = [:]) {
        self.files = files.mapValues { ($0.permissions, Array($0.contents.utf8)) }
    }

    init(bytes files: [String: (permissions: UInt32, contents: [UInt8])]) {
        self.files = files
    }

    func status(ofPath path: String) throws(ConfigFileFailure) -> ConfigFileStatus {
        guard let file = files[path] else { throw .notFound }
        return ConfigFileStatus(isRegularFile: true, permissions: file.permissions)
    }

    func contents(ofPath path: String) throws(ConfigFileFailure) -> [UInt8] {
        guard let file = files[path] else { throw .notFound }
        return file.contents
    }
}

/// Every file exists, is private, and holds "token": for the shipped example configurations.
struct AnyFileExists: ConfigFileReader {
    func status(ofPath path: String) throws(ConfigFileFailure) -> ConfigFileStatus {
        ConfigFileStatus(isRegularFile: true, permissions: 0o600)
    }

    func contents(ofPath path: String) throws(ConfigFileFailure) -> [UInt8] {
        Array("token\n".utf8)
    }
}

/// The files the agent fixtures refer to.
let agentFiles = StubFiles([
    "/etc/plantsync/agent.token": (0o600, "s3cret-token\n"),
    "/etc/plantsync/open.token": (0o644, "s3cret-token\n"),
    "/etc/plantsync/shared.token": (0o602, "s3cret-token\n"),
    "/etc/plantsync/empty.token": (0o600, "\n"),
    "/etc/plantsync/hub-ca.pem": (0o644, "-----BEGIN CERTIFICATE-----\n"),
    "/etc/plantsync/agent.crt": (0o644, "-----BEGIN CERTIFICATE-----\n"),
    "/etc/plantsync/agent.key": (0o640, "-----BEGIN PRIVATE KEY-----\n"),
    "/etc/plantsync/open.key": (0o644, "-----BEGIN PRIVATE KEY-----\n"),
])

// MARK: - Stub input decoders, standing in for the capture module's registry

struct StubTelemetryInput: Sendable, Equatable {
    var port: Int
    var host: String
}

struct StubScannerInput: Sendable, Equatable {
    var device: String
    var baud: Int
}

struct StubFileDropInput: Sendable, Equatable {
    var directory: String
    var patterns: [String]
}

let stubInputDecoders: [String: InputSettingsDecoder] = [
    "telemetry_tcp": { map in
        let port = map.required("port", .integer(in: 1...65535))
        let host = map.optional("host", .nonEmptyString, default: "0.0.0.0")
        guard let port else { return nil }
        return StubTelemetryInput(port: port, host: host)
    },
    "scanner_serial": { map in
        let device = map.required("device", .absolutePath)
        let baud = map.optional("baud", .integer(in: 300...115_200), default: 9_600)
        guard let device else { return nil }
        return StubScannerInput(device: device, baud: baud)
    },
    "scanner_tcp": { map in
        map.required("port", .integer(in: 1...65535)).map { StubTelemetryInput(port: $0, host: "0.0.0.0") }
    },
    "file_drop": { map in
        let directory = map.required("directory", .absolutePath)
        let patterns = map.list("patterns", of: .nonEmptyString)
        guard let directory else { return nil }
        return StubFileDropInput(directory: directory, patterns: patterns)
    },
]

/// Parses an agent configuration named `agent.yaml` with the stub files and decoders; returns the
/// configuration or the full error text.
func parseAgent(
    _ text: String, environment: [String: String] = [:], files: any ConfigFileReader = agentFiles
) -> Result<AgentConfiguration, ConfigErrors> {
    AgentConfiguration.parse(
        text: text, file: "agent.yaml", environment: environment, inputDecoders: stubInputDecoders, files: files)
}

func agentErrorText(
    _ text: String, environment: [String: String] = [:], files: any ConfigFileReader = agentFiles
) -> String {
    switch parseAgent(text, environment: environment, files: files) {
    case .success: "(no error)"
    case .failure(let errors): errors.description
    }
}

/// The smallest valid agent configuration; lines 1-4.
let minimalAgent = """
    plant: P100
    hub:
      url: https://hub.example.com
      token_file: /etc/plantsync/agent.token

    """

/// The reader's result as errors text, or "(no error)".
func readErrors(_ text: String, file: String = "test.yaml") -> String {
    switch ConfigReader.read(text: text, file: file) {
    case .success: "(no error)"
    case .failure(let errors): errors.description
    }
}

/// Reads text that must be valid and returns its root.
func readRoot(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> ConfigNode {
    switch ConfigReader.read(text: text, file: "test.yaml") {
    case .success(let document): return document.root
    case .failure(let errors):
        Issue.record("unexpected errors:\n\(errors)", sourceLocation: sourceLocation)
        throw errors
    }
}

/// A compact, exact rendering of a node tree for assertions: maps `{k@1:1=v}`, lists `[a, b]`,
/// scalars with their style and position: `plain"x"@1:4`.
func render(_ node: ConfigNode) -> String {
    let at = "@\(node.position)"
    switch node.content {
    case .empty: return "empty" + at
    case .scalar(let scalar):
        let style =
            switch scalar.style {
            case .plain: "p"
            case .singleQuoted: "s"
            case .doubleQuoted: "d"
            }
        return style + "\"" + scalar.text + "\"" + at
    case .map(let entries):
        return "{" + entries.map { "\($0.key)@\($0.keyPosition)=\(render($0.value))" }.joined(separator: ", ") + "}"
            + at
    case .list(let items):
        return "[" + items.map(render).joined(separator: ", ") + "]" + at
    }
}

import Foundation
import PlantConfig
import Testing

/// `Config/agent.yaml` and `Config/hub.yaml` as shipped: they load, and they show every setting.
@Suite struct ShippedConfigurationTests {
    /// The repository's Config directory, found from this file (through any symlinked checkout).
    private static let configDirectory: String = {
        let here = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
        return here.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Config").path
    }()

    @Test func agentExampleLoads() throws {
        let path = Self.configDirectory + "/agent.yaml"
        let result = AgentConfiguration.load(
            path: path, environment: [:], inputDecoders: stubInputDecoders, files: ShippedFiles())
        let configuration = try result.get()
        #expect(configuration.plant == "P100")
        #expect(configuration.dataDirectory == "/var/lib/plantsync")
        #expect(configuration.diskBudget == .gibibytes(4))
        #expect(configuration.retention == .seconds(7 * 86_400))
        #expect(configuration.hub.url == HTTPURL(scheme: .https, host: "hub.example.com", port: 8443, path: "/"))
        #expect(configuration.hub.token == SecretFile(path: "/etc/plantsync/agent.token", value: "token"))
        #expect(configuration.status.listen == HostPort(host: "127.0.0.1", port: 9466))
        #expect(configuration.inputs.isEmpty)
    }

    @Test func hubExampleLoads() throws {
        let path = Self.configDirectory + "/hub.yaml"
        let configuration = try HubConfiguration.load(path: path, environment: [:], files: ShippedFiles()).get()
        #expect(configuration.listen == HostPort(host: "0.0.0.0", port: 8443))
        #expect(
            configuration.tls
                == HubTLSSettings(certificateFile: "/etc/plantsync/hub.crt", keyFile: "/etc/plantsync/hub.key"))
        #expect(configuration.plants.map(\.id) == ["P100", "P200"])
        #expect(configuration.limits == HubLimits())
    }

    /// The example defaults equal the built-in defaults, so the file never lies about them.
    @Test func agentExampleShowsTheBuiltInDefaults() throws {
        let shipped = try AgentConfiguration.load(
            path: Self.configDirectory + "/agent.yaml", environment: [:], inputDecoders: [:], files: ShippedFiles()
        ).get()
        let minimal = try AgentConfiguration.parse(
            text: "plant: P100\nhub:\n  url: https://hub.example.com:8443\n  token_file: /etc/plantsync/agent.token\n",
            file: "agent.yaml", environment: [:], inputDecoders: [:], files: ShippedFiles()
        ).get()
        #expect(shipped.hub == minimal.hub)
        #expect(shipped.dataDirectory == minimal.dataDirectory)
        #expect(shipped.durability == minimal.durability)
        #expect(shipped.diskBudget == minimal.diskBudget)
        #expect(shipped.diskReserve == minimal.diskReserve)
        #expect(shipped.retention == minimal.retention)
        #expect(shipped.log == minimal.log)
        #expect(shipped.status == minimal.status)
    }

    /// Every key a decoder asks for appears in the example (live or commented out). The keys come
    /// from the decoders themselves, through the "valid keys" list of an unknown-key error.
    @Test(arguments: [
        ("agent.yaml", ""), ("agent.yaml", "hub"), ("agent.yaml", "log"), ("agent.yaml", "status"),
        ("hub.yaml", ""), ("hub.yaml", "tls"), ("hub.yaml", "limits"), ("hub.yaml", "plants"),
    ])
    func exampleMentionsEverySetting(file: String, section: String) throws {
        let example = try String(contentsOfFile: Self.configDirectory + "/" + file, encoding: .utf8)
        let keys = try validKeys(file: file, section: section)
        #expect(!keys.isEmpty)
        for key in keys {
            #expect(
                example.contains(" \(key): ") || example.contains("\n\(key): ") || example.contains("\n\(key):\n"),
                "\(file) does not show \(section.isEmpty ? "" : section + ".")\(key)")
        }
    }

    private func validKeys(file: String, section: String) throws -> [String] {
        let probe: String
        let indent = section.isEmpty ? "" : "  "
        let opening = section.isEmpty ? "" : section == "plants" ? "plants:\n  - id: P1\n" : "\(section):\n"
        let unknown = section == "plants" ? "    zz_probe: 1\n" : "\(indent)zz_probe: 1\n"
        if file == "agent.yaml" {
            let base = "plant: P100\n" + (section == "hub" ? "" : "hub:\n  url: https://h\n  token_file: /t\n")
            probe = base + opening + (section == "hub" ? "  url: https://h\n  token_file: /t\n" : "") + unknown
        } else {
            probe = "listen: 0.0.0.0:1\n" + (section == "tls" ? "" : "allow_plain_http: true\n") + opening + unknown
        }
        let errors: String
        if file == "agent.yaml" {
            guard
                case .failure(let failure) = AgentConfiguration.parse(
                    text: probe, file: file, environment: [:], inputDecoders: [:], files: ShippedFiles())
            else { throw ProbeFailed() }
            errors = failure.description
        } else {
            guard
                case .failure(let failure) = HubConfiguration.parse(
                    text: probe, file: file, environment: [:], files: ShippedFiles())
            else { throw ProbeFailed() }
            errors = failure.description
        }
        let line = try #require(errors.split(separator: "\n").first { $0.contains("zz_probe") })
        let list = try #require(line.range(of: "valid keys: "))
        return line[list.upperBound...].split(separator: ", ").map(String.init)
    }

    private struct ProbeFailed: Error {}
}

/// Every file the examples name exists and is private; tokens read as "token".
private struct ShippedFiles: ConfigFileReader {
    func status(ofPath path: String) throws(ConfigFileFailure) -> ConfigFileStatus {
        ConfigFileStatus(isRegularFile: true, permissions: 0o600)
    }

    func contents(ofPath path: String) throws(ConfigFileFailure) -> [UInt8] {
        if path.hasSuffix(".yaml") {
            do {
                return Array(try Data(contentsOf: URL(fileURLWithPath: path)))
            } catch {
                throw .failed("\(error)")
            }
        }
        return Array("token\n".utf8)
    }
}

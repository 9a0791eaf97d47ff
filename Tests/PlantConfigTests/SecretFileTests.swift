import Foundation
import PlantConfig
import Testing

/// Secret files and configuration files on the real file system, in a temporary directory.
@Suite struct SecretFileTests {
    /// A fresh directory, removed when the test ends.
    private final class TemporaryDirectory {
        let path: String

        init() throws {
            path = NSTemporaryDirectory() + "plantconfig-\(UUID().uuidString)"
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
        }

        deinit {
            try? FileManager.default.removeItem(atPath: path)
        }

        /// Writes `text` to `name` with exactly `mode` (chmod after writing, so the umask does not matter).
        @discardableResult
        func write(_ name: String, _ text: String, mode: mode_t) throws -> String {
            let file = path + "/" + name
            try Data(text.utf8).write(to: URL(fileURLWithPath: file))
            guard chmod(file, mode) == 0 else { throw POSIXError(.EPERM) }
            return file
        }
    }

    private func agentText(tokenFile: String) -> String {
        "plant: P100\nhub:\n  url: https://hub.example.com\n  token_file: \(tokenFile)\n"
    }

    private func parse(_ text: String) -> Result<AgentConfiguration, ConfigErrors> {
        AgentConfiguration.parse(
            text: text, file: "agent.yaml", environment: [:], inputDecoders: stubInputDecoders,
            files: SystemConfigFiles())
    }

    @Test func worldReadableSecretIsRefusedNamingTheFile() throws {
        let directory = try TemporaryDirectory()
        let token = try directory.write("agent.token", "s3cret\n", mode: 0o644)
        guard case .failure(let errors) = parse(agentText(tokenFile: token)) else {
            Issue.record("accepted a world-readable secret")
            return
        }
        #expect(
            errors.description
                == "agent.yaml:4:15: hub.token_file: secret file \(token) is readable by other users (mode 0644); "
                + "run: chmod o-rwx \(token)")
    }

    @Test func privateSecretIsReadAndTrimmed() throws {
        let directory = try TemporaryDirectory()
        let token = try directory.write("agent.token", "s3cret token\r\n\n", mode: 0o640)
        let configuration = try parse(agentText(tokenFile: token)).get()
        #expect(configuration.hub.token == SecretFile(path: token, value: "s3cret token"))
    }

    @Test func missingSecretIsRefusedNamingTheFile() throws {
        let directory = try TemporaryDirectory()
        let token = directory.path + "/missing.token"
        guard case .failure(let errors) = parse(agentText(tokenFile: token)) else {
            Issue.record("accepted a missing secret")
            return
        }
        #expect(errors.description == "agent.yaml:4:15: hub.token_file: secret file \(token) does not exist")
    }

    @Test func directoryIsNotASecretFile() throws {
        let directory = try TemporaryDirectory()
        guard case .failure(let errors) = parse(agentText(tokenFile: directory.path)) else {
            Issue.record("accepted a directory")
            return
        }
        #expect(
            errors.description == "agent.yaml:4:15: hub.token_file: secret file \(directory.path) is not a regular file"
        )
    }

    @Test func loadNamesTheFileAsGiven() throws {
        let directory = try TemporaryDirectory()
        let token = try directory.write("agent.token", "s3cret\n", mode: 0o600)
        let good = try directory.write("agent.yaml", agentText(tokenFile: token), mode: 0o644)
        let loaded = try AgentConfiguration.load(path: good, environment: [:], inputDecoders: stubInputDecoders).get()
        #expect(loaded.hub.token.value == "s3cret")

        let bad = try directory.write("bad.yaml", agentText(tokenFile: token) + "retention: soon\n", mode: 0o644)
        guard case .failure(let errors) = AgentConfiguration.load(path: bad, environment: [:], inputDecoders: [:])
        else {
            Issue.record("accepted a bad retention")
            return
        }
        #expect(errors.description == "\(bad):5:12: retention: expected a duration from 0s to 3650d, found \"soon\"")
    }

    @Test func missingConfigurationFile() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path + "/nope.yaml"
        guard case .failure(let errors) = HubConfiguration.load(path: path, environment: [:]) else {
            Issue.record("loaded a missing file")
            return
        }
        #expect(errors.description == "\(path): cannot read the configuration file: no such file")
    }
}

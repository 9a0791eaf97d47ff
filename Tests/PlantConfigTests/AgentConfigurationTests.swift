import PlantConfig
import Testing

/// Valid agent configurations and the exact values they decode to.
@Suite struct AgentConfigurationTests {
    private func agent(
        _ text: String, environment: [String: String] = [:], sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> AgentConfiguration {
        switch parseAgent(text, environment: environment) {
        case .success(let configuration): return configuration
        case .failure(let errors):
            Issue.record("unexpected errors:\n\(errors)", sourceLocation: sourceLocation)
            throw errors
        }
    }

    @Test func minimalConfigurationTakesEveryDefault() throws {
        let configuration = try agent(minimalAgent)
        #expect(configuration.plant == "P100")
        #expect(configuration.dataDirectory == "/var/lib/plantsync")
        #expect(configuration.durability == .full)
        #expect(configuration.diskBudget == .gibibytes(4))
        #expect(configuration.diskReserve == .mebibytes(256))
        #expect(configuration.retention == .seconds(7 * 86_400))
        #expect(configuration.log == LogSettings(format: .logfmt, level: .info))
        #expect(configuration.status.listen == HostPort(host: "127.0.0.1", port: 9466))
        #expect(configuration.inputs.isEmpty)
        let expectedHub = AgentHubSettings(
            url: HTTPURL(scheme: .https, host: "hub.example.com", port: 443, path: "/"),
            token: SecretFile(path: "/etc/plantsync/agent.token", value: "s3cret-token"))
        #expect(configuration.hub == expectedHub)
        #expect(configuration.hub.maxBatchEvents == 1_000)
        #expect(configuration.hub.maxBatchBytes == .mebibytes(1))
        #expect(configuration.hub.catchUpRate == nil)
        #expect(configuration.hub.connectTimeout == .seconds(10))
        #expect(configuration.hub.requestTimeout == .seconds(30))
    }

    @Test func everySettingIsDecoded() throws {
        let text = """
            plant: "P-100_b"            # quoted ids are ids too
            data_dir: '/srv/plant sync'
            durability: normal
            disk_budget: 10GB
            disk_reserve: 1GiB
            retention: 36h
            log:
              format: json
              level: debug
            hub:
              url: http://${HUB_HOST}:${HUB_PORT}/plantsync
              allow_plain_http: true
              token_file: /etc/plantsync/agent.token
              ca_file: /etc/plantsync/hub-ca.pem
              client_cert_file: /etc/plantsync/agent.crt
              client_key_file: /etc/plantsync/agent.key
              max_batch_events: 5000
              max_batch_bytes: 512KiB
              catch_up_rate: 2000
              connect_timeout: 2500ms
              request_timeout: 2m
            status:
              listen: "[::1]:0"
            inputs:
            - name: line3_feed
              type: telemetry_tcp
              port: 4840
            - name: goods-in
              type: scanner_serial
              device: /dev/ttyUSB0
              baud: 115200
            - name: drops
              type: file_drop
              directory: /srv/drop
              patterns: ["*.csv", '*.txt']
            - name: dock
              type: scanner_tcp
              port: "4001"
            """
        let configuration = try agent(text, environment: ["HUB_HOST": "127.0.0.1", "HUB_PORT": "8080"])
        #expect(configuration.plant == "P-100_b")
        #expect(configuration.dataDirectory == "/srv/plant sync")
        #expect(configuration.durability == .normal)
        #expect(configuration.diskBudget == ByteSize(bytes: 10_000_000_000))
        #expect(configuration.diskReserve == .gibibytes(1))
        #expect(configuration.retention == .seconds(36 * 3_600))
        #expect(configuration.log == LogSettings(format: .json, level: .debug))
        let expectedHub = AgentHubSettings(
            url: HTTPURL(scheme: .http, host: "127.0.0.1", port: 8080, path: "/plantsync"),
            allowPlainHTTP: true,
            token: SecretFile(path: "/etc/plantsync/agent.token", value: "s3cret-token"),
            caFile: "/etc/plantsync/hub-ca.pem",
            clientCertificateFile: "/etc/plantsync/agent.crt",
            clientKeyFile: "/etc/plantsync/agent.key",
            maxBatchEvents: 5_000,
            maxBatchBytes: .kibibytes(512),
            catchUpRate: 2_000,
            connectTimeout: .milliseconds(2_500),
            requestTimeout: .seconds(120))
        #expect(configuration.hub == expectedHub)
        #expect(configuration.status.listen == HostPort(host: "::1", port: 0))

        #expect(configuration.inputs.map(\.name) == ["line3_feed", "goods-in", "drops", "dock"])
        #expect(configuration.inputs.map(\.type) == ["telemetry_tcp", "scanner_serial", "file_drop", "scanner_tcp"])
        #expect(
            configuration.inputs.map(\.position) == [
                SourcePosition(line: 25, column: 3), SourcePosition(line: 28, column: 3),
                SourcePosition(line: 32, column: 3), SourcePosition(line: 36, column: 3),
            ])
        #expect(
            configuration.inputs[0].settings(as: StubTelemetryInput.self)
                == StubTelemetryInput(port: 4840, host: "0.0.0.0"))
        #expect(
            configuration.inputs[1].settings(as: StubScannerInput.self)
                == StubScannerInput(device: "/dev/ttyUSB0", baud: 115_200))
        #expect(
            configuration.inputs[2].settings(as: StubFileDropInput.self)
                == StubFileDropInput(directory: "/srv/drop", patterns: ["*.csv", "*.txt"]))
        #expect(
            configuration.inputs[3].settings(as: StubTelemetryInput.self)
                == StubTelemetryInput(port: 4001, host: "0.0.0.0"))
        #expect(configuration.inputs[0].settings(as: StubScannerInput.self) == nil)
    }

    @Test func emptySectionsAndNullsMeanDefaults() throws {
        let configuration = try agent(minimalAgent + "log:\nstatus: {}\nretention: null\ninputs:\ndurability: ~\n")
        #expect(configuration.log == LogSettings())
        #expect(configuration.status == StatusSettings())
        #expect(configuration.retention == .seconds(604_800))
        #expect(configuration.durability == .full)
        #expect(configuration.inputs.isEmpty)
    }

    @Test func secretDescriptionNeverShowsTheToken() throws {
        let configuration = try agent(minimalAgent)
        #expect(configuration.hub.token.description == "secret from /etc/plantsync/agent.token")
        #expect(String(reflecting: configuration.hub.token) == "secret from /etc/plantsync/agent.token")
        #expect(!"\(configuration.hub)".contains("s3cret"))
    }

    @Test func decoderThatRefusesSilentlyStillFailsTheLoad() {
        let decoders: [String: InputSettingsDecoder] = ["silent": { _ in nil }]
        let result = AgentConfiguration.parse(
            text: minimalAgent + "inputs:\n  - name: a\n    type: silent\n", file: "agent.yaml", environment: [:],
            inputDecoders: decoders, files: agentFiles)
        guard case .failure(let errors) = result else {
            Issue.record("accepted")
            return
        }
        #expect(errors.description == #"agent.yaml:6:5: inputs[0]: the settings of input type "silent" were refused"#)
    }

    @Test func noInputDecodersAtAll() {
        let result = AgentConfiguration.parse(
            text: minimalAgent + "inputs:\n  - name: a\n    type: file_drop\n", file: "agent.yaml", environment: [:],
            inputDecoders: [:], files: agentFiles)
        guard case .failure(let errors) = result else {
            Issue.record("accepted")
            return
        }
        #expect(
            errors.description
                == #"agent.yaml:7:11: inputs[0].type: unknown input type "file_drop"; no input types are available"#)
    }
}

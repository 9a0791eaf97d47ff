import PlantConfig
import Testing

private let hubFiles = StubFiles([
    "/etc/plantsync/hub.crt": (0o644, "cert"),
    "/etc/plantsync/hub.key": (0o600, "key"),
    "/etc/plantsync/agents-ca.pem": (0o644, "ca"),
    "/etc/plantsync/open.key": (0o644, "key"),
])

private let digestA = String(repeating: "a", count: 64)
private let digestB = String(repeating: "B", count: 64)

private func hub(_ text: String) -> Result<HubConfiguration, ConfigErrors> {
    HubConfiguration.parse(text: text, file: "hub.yaml", environment: [:], files: hubFiles)
}

private func hubErrors(_ text: String) -> String {
    switch hub(text) {
    case .success: "(no error)"
    case .failure(let errors): errors.description
    }
}

private let minimalHub = """
    listen: 0.0.0.0:8443
    tls:
      cert_file: /etc/plantsync/hub.crt
      key_file: /etc/plantsync/hub.key
    plants:
      - id: P100
        token_sha256: \(digestA)

    """

private let hubKeys = "listen, tls, allow_plain_http, data_dir, durability, log, plants, limits"

@Suite struct HubConfigurationTests {
    @Test func minimalConfigurationTakesEveryDefault() throws {
        let configuration = try hub(minimalHub).get()
        let expected = HubConfiguration(
            listen: HostPort(host: "0.0.0.0", port: 8443),
            tls: HubTLSSettings(certificateFile: "/etc/plantsync/hub.crt", keyFile: "/etc/plantsync/hub.key"),
            allowPlainHTTP: false, dataDirectory: "/var/lib/plantsync-hub", durability: .full, log: LogSettings(),
            plants: [PlantCredential(id: "P100", tokenSHA256: Array(repeating: 0xAA, count: 32))],
            limits: HubLimits(maxBatchBytes: .mebibytes(8), maxBatchEvents: 10_000, maxConnections: 1_024))
        #expect(configuration == expected)
    }

    @Test func everySettingIsDecoded() throws {
        let text = """
            listen: 127.0.0.1:0
            allow_plain_http: true
            data_dir: /srv/hub
            durability: normal
            log:
              format: json
              level: warning
            plants:
            - id: P100
              token_sha256: \(digestA)
            - id: P200
              token_sha256: "\(digestB)"
            limits:
              max_batch_bytes: 16MiB
              max_batch_events: 50000
              max_connections: 64
            """
        let expected = HubConfiguration(
            listen: HostPort(host: "127.0.0.1", port: 0), tls: nil, allowPlainHTTP: true, dataDirectory: "/srv/hub",
            durability: .normal, log: LogSettings(format: .json, level: .warning),
            plants: [
                PlantCredential(id: "P100", tokenSHA256: Array(repeating: 0xAA, count: 32)),
                PlantCredential(id: "P200", tokenSHA256: Array(repeating: 0xBB, count: 32)),
            ],
            limits: HubLimits(maxBatchBytes: .mebibytes(16), maxBatchEvents: 50_000, maxConnections: 64))
        #expect(try hub(text).get() == expected)
    }

    @Test func clientCertificatesCanBeRequired() throws {
        let text = """
            listen: 0.0.0.0:8443
            tls:
              cert_file: /etc/plantsync/hub.crt
              key_file: /etc/plantsync/hub.key
              client_ca_file: /etc/plantsync/agents-ca.pem
            """
        #expect(try hub(text).get().tls?.clientCAFile == "/etc/plantsync/agents-ca.pem")
    }

    @Test(arguments: [
        MalformedCase(
            "no tls and no allow_plain_http", "listen: 0.0.0.0:8443\nplants: []\n",
            #"hub.yaml:1:1: missing required key "tls"; set allow_plain_http: true to serve plain HTTP instead"#),
        MalformedCase(
            "tls and allow_plain_http", minimalHub + "allow_plain_http: true\n",
            "hub.yaml:8:19: allow_plain_http: allow_plain_http: true conflicts with tls; remove one of them"),
        MalformedCase(
            "tls without key", "listen: 0.0.0.0:8443\ntls:\n  cert_file: /etc/plantsync/hub.crt\n",
            #"hub.yaml:2:1: tls: missing required key "key_file""#),
        MalformedCase(
            "world-readable tls key",
            "listen: 0.0.0.0:8443\ntls:\n  cert_file: /etc/plantsync/hub.crt\n  key_file: /etc/plantsync/open.key\n",
            "hub.yaml:4:13: tls.key_file: private key file /etc/plantsync/open.key is readable by other users "
                + "(mode 0644); "
                + "run: chmod o-rwx /etc/plantsync/open.key"),
        MalformedCase(
            "missing certificate",
            "listen: 0.0.0.0:8443\ntls:\n  cert_file: /etc/plantsync/nope.crt\n  key_file: /etc/plantsync/hub.key\n",
            "hub.yaml:3:14: tls.cert_file: file /etc/plantsync/nope.crt does not exist"),
        MalformedCase(
            "bad token digest",
            "listen: 0.0.0.0:8443\nallow_plain_http: true\nplants:\n  - id: P1\n    token_sha256: abc\n",
            #"hub.yaml:5:19: plants[0].token_sha256: expected 64 hexadecimal digits (a SHA-256 digest), found "abc""#),
        MalformedCase(
            "duplicate plant id and shared token",
            minimalHub + "  - id: P100\n    token_sha256: \(digestA)\n",
            """
            hub.yaml:8:9: plants[1].id: duplicate plant id "P100"; first listed as plants[0] on line 6
            hub.yaml:9:19: plants[1].token_sha256: this token is already used by plants[0] (P100); \
            every plant needs its own token
            """),
        MalformedCase(
            "erp section takes connectors", minimalHub + "erp:\n  kind: sap\n",
            #"hub.yaml:9:3: erp.kind: unknown key "kind"; valid keys: connectors"#),
        MalformedCase(
            "misspelt limit", minimalHub + "limits:\n  max_conections: 10\n",
            #"hub.yaml:9:3: limits.max_conections: unknown key "max_conections"; did you mean "max_connections"? "#
                + "Valid keys: max_batch_bytes, max_batch_events, max_connections"),
        MalformedCase(
            "limit out of range", minimalHub + "limits:\n  max_batch_bytes: 2GiB\n",
            #"hub.yaml:9:20: limits.max_batch_bytes: expected a size from 1KiB to 1GiB, found "2GiB""#),
        MalformedCase(
            "listen missing", "allow_plain_http: true\n", #"hub.yaml:1:1: missing required key "listen""#),
        MalformedCase(
            "plant entry without id",
            "listen: 0.0.0.0:80\nallow_plain_http: true\nplants:\n  - token_sha256: \(digestA)\n",
            #"hub.yaml:4:5: plants[0]: missing required key "id""#),
    ])
    func reportsExactErrors(_ testCase: MalformedCase) {
        #expect(hubErrors(testCase.text) == testCase.expected)
    }
}

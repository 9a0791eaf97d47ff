import PlantConfig
import Testing

/// A malformed agent configuration and the exact errors it must produce.
struct MalformedCase: Sendable, CustomTestStringConvertible {
    let name: String
    let text: String
    let expected: String

    init(_ name: String, _ text: String, _ expected: String) {
        self.name = name
        self.text = text
        self.expected = expected
    }

    var testDescription: String { name }
}

/// `minimalAgent` (lines 1-4) with a first input section starting on line 5.
private func agentWithInputs(_ inputs: String) -> String {
    minimalAgent + "inputs:\n" + inputs
}

private let validKeys =
    "plant, data_dir, durability, disk_budget, disk_reserve, retention, log, hub, status, inputs"
private let hubKeys =
    "url, allow_plain_http, token_file, ca_file, client_cert_file, client_key_file, max_batch_events, "
    + "max_batch_bytes, catch_up_rate, connect_timeout, request_timeout"
private let knownTypes = "file_drop, scanner_serial, scanner_tcp, telemetry_tcp"
private let plantIDExpectation = #"expected 1–32 letters, digits, "_" or "-""#
private let hubLines = "hub:\n  url: https://hub.example.com\n  token_file: /etc/plantsync/agent.token\n"

let malformedAgentCases: [MalformedCase] = [
    // Syntax.
    MalformedCase(
        "tab in indentation",
        "plant: P100\nhub:\n\turl: https://hub.example.com\n  token_file: /etc/plantsync/agent.token\n",
        "agent.yaml:3:1: tab character in indentation; indent with spaces"),
    MalformedCase(
        "indented deeper than its block", "plant: P100\n  data_dir: /srv\n" + hubLines,
        "agent.yaml:2:3: bad indentation: expected 0 spaces, found 2"),
    MalformedCase(
        "indentation between two blocks",
        "plant: P100\nhub:\n    url: https://hub.example.com\n  token_file: /etc/plantsync/agent.token\n",
        "agent.yaml:4:3: bad indentation: expected 0 or 4 spaces, found 2"),
    MalformedCase(
        "input key misaligned", agentWithInputs("  - name: line3\n     type: telemetry_tcp\n"),
        "agent.yaml:7:6: inputs[0]: bad indentation: expected 4 spaces, found 5"),
    MalformedCase(
        "duplicate key", "plant: P100\nplant: P200\n" + hubLines,
        #"agent.yaml:2:1: plant: duplicate key "plant"; first defined on line 1"#),
    MalformedCase(
        "duplicate nested key", minimalAgent + "  url: https://other.example.com\n",
        #"agent.yaml:5:3: hub.url: duplicate key "url"; first defined on line 3"#),
    MalformedCase(
        "unterminated double quote", "plant: \"P100\n" + hubLines,
        #"agent.yaml:1:8: plant: unterminated double-quoted string; close it with " on the same line"#),
    MalformedCase(
        "unterminated single quote",
        "plant: P100\nhub:\n  url: 'https://hub.example.com\n  token_file: /etc/plantsync/agent.token\n",
        "agent.yaml:3:8: hub.url: unterminated single-quoted string; close it with ' on the same line"),
    MalformedCase(
        "invalid escape", "plant: \"P\\q100\"\n" + hubLines,
        #"agent.yaml:1:10: plant: invalid escape "\q"; valid escapes are \" \\ \n \t \r \0 \xNN \uNNNN"#),
    MalformedCase(
        "anchor", minimalAgent + "data_dir: &dir /srv/plantsync\n",
        "agent.yaml:5:11: data_dir: anchors (&) are not supported; repeat the value instead"),
    MalformedCase(
        "alias", minimalAgent + "data_dir: *dir\n",
        "agent.yaml:5:11: data_dir: aliases (*) are not supported; repeat the value instead"),
    MalformedCase(
        "tag", "plant: !!str P100\n" + hubLines,
        #"agent.yaml:1:8: plant: tags (!) are not supported; quote the value if "!" is part of it"#),
    MalformedCase(
        "document start marker", "---\n" + minimalAgent,
        "agent.yaml:1:1: document markers (---) are not supported; a configuration file holds one document"),
    MalformedCase(
        "second document", minimalAgent + "---\nplant: P200\n",
        """
        agent.yaml:5:1: document markers (---) are not supported; a configuration file holds one document
        agent.yaml:6:1: plant: duplicate key "plant"; first defined on line 1
        """),
    MalformedCase(
        "document end marker", minimalAgent + "...\n",
        "agent.yaml:5:1: document end markers (...) are not supported; a configuration file holds one document"),
    MalformedCase(
        "block scalar", minimalAgent + "data_dir: |\n  /srv\n",
        #"agent.yaml:5:11: data_dir: block scalars (| and >) are not supported; "#
            + #"use a double-quoted string with \n escapes"#
    ),
    MalformedCase(
        "key without colon", minimalAgent + "retention 7d\n",
        #"agent.yaml:5:1: expected a key followed by ":", found "retention 7d""#),
    MalformedCase(
        "non-empty flow map", minimalAgent + "log: {format: json}\n",
        "agent.yaml:5:6: log: flow maps are only supported empty ({}); write the map in block form"),

    // Unknown and missing keys.
    MalformedCase(
        "unknown key with suggestion", minimalAgent + "retension: 7d\n",
        #"agent.yaml:5:1: retension: unknown key "retension"; did you mean "retention"? Valid keys: "# + validKeys),
    MalformedCase(
        "unknown key without suggestion", minimalAgent + "colour: blue\n",
        #"agent.yaml:5:1: colour: unknown key "colour"; valid keys: "# + validKeys),
    MalformedCase(
        "misspelt hub key, so the real one is missing",
        "plant: P100\nhub:\n  url: https://hub.example.com\n  tokn_file: /etc/plantsync/agent.token\n",
        """
        agent.yaml:2:1: hub: missing required key "token_file"
        agent.yaml:4:3: hub.tokn_file: unknown key "tokn_file"; did you mean "token_file"? Valid keys: \(hubKeys)
        """),
    MalformedCase(
        "unknown key in log", minimalAgent + "log:\n  formt: json\n",
        #"agent.yaml:6:3: log.formt: unknown key "formt"; did you mean "format"? Valid keys: format, level"#),
    MalformedCase(
        "missing plant and hub", "data_dir: /srv\n",
        """
        agent.yaml:1:1: missing required key "plant"
        agent.yaml:1:1: missing required key "hub"
        """),
    MalformedCase(
        "empty required value", "plant:\n" + hubLines, "agent.yaml:1:1: plant: \(plantIDExpectation), found nothing"),

    // Wrong shapes and values.
    MalformedCase(
        "top level is a list", "- plant: P100\n",
        "agent.yaml:1:1: expected a map of settings at the top level, found a list"),
    MalformedCase(
        "list where a size belongs", minimalAgent + "disk_budget: [1, 2]\n",
        "agent.yaml:5:14: disk_budget: expected a size of at least 16MiB, found a list"),
    MalformedCase(
        "map where the plant id belongs", "plant:\n  id: P100\n" + hubLines,
        "agent.yaml:2:3: plant: \(plantIDExpectation), found a map"),
    MalformedCase(
        "scalar where a section belongs", "plant: P100\nhub: https://hub.example.com\n",
        #"agent.yaml:2:6: hub: expected a map of settings, found "https://hub.example.com""#),
    MalformedCase(
        "invalid plant id", "plant: P 100\n" + hubLines,
        #"agent.yaml:1:8: plant: \#(plantIDExpectation), found "P 100""#),
    MalformedCase(
        "integer out of range", minimalAgent + "  max_batch_events: 0\n",
        #"agent.yaml:5:21: hub.max_batch_events: expected an integer 1–100000, found "0""#),
    MalformedCase(
        "not an integer", minimalAgent + "  catch_up_rate: 2k\n",
        #"agent.yaml:5:18: hub.catch_up_rate: expected an integer 1–10000000, found "2k""#),
    MalformedCase(
        "bad duration", minimalAgent + "retention: 7 days\n",
        #"agent.yaml:5:12: retention: expected a duration from 0s to 3650d, found "7 days""#),
    MalformedCase(
        "duration without unit", minimalAgent + "  connect_timeout: 30\n",
        #"agent.yaml:5:20: hub.connect_timeout: expected a duration from 100ms to 5m, found "30""#),
    MalformedCase(
        "bad size", minimalAgent + "disk_reserve: 256M\n",
        #"agent.yaml:5:15: disk_reserve: expected a size like 64KiB, 512MiB or 4GiB, found "256M""#),
    MalformedCase(
        "size below minimum", minimalAgent + "disk_budget: 1MiB\n",
        #"agent.yaml:5:14: disk_budget: expected a size of at least 16MiB, found "1MiB""#),
    MalformedCase(
        "boolean yes", minimalAgent + "  allow_plain_http: yes\n",
        #"agent.yaml:5:21: hub.allow_plain_http: expected true or false, found "yes""#),
    MalformedCase(
        "enum near miss", minimalAgent + "durability: ful\n",
        #"agent.yaml:5:13: durability: expected full or normal, found "ful"; did you mean "full"?"#),
    MalformedCase(
        "unknown log level", minimalAgent + "log:\n  level: verbose\n",
        #"agent.yaml:6:10: log.level: expected one of debug, info, notice, warning, error, found "verbose""#),
    MalformedCase(
        "status listen without port", minimalAgent + "status:\n  listen: 9466\n",
        #"agent.yaml:6:11: status.listen: expected host:port like 127.0.0.1:9466, found "9466""#),
    MalformedCase(
        "relative data_dir", minimalAgent + "data_dir: plantsync\n",
        #"agent.yaml:5:11: data_dir: expected an absolute path, found "plantsync""#),
    MalformedCase(
        "unset environment variable", "plant: ${PLANT_ID}\n" + hubLines,
        "agent.yaml:1:8: plant: environment variable PLANT_ID is not set"),

    // Hub connection and secrets.
    MalformedCase(
        "plain http without allow_plain_http",
        "plant: P100\nhub:\n  url: http://hub.example.com\n  token_file: /etc/plantsync/agent.token\n",
        "agent.yaml:3:8: hub.url: plain http:// is refused unless allow_plain_http: true is set; use https://"),
    MalformedCase(
        "url with credentials",
        "plant: P100\nhub:\n  url: https://user:pw@hub.example.com\n  token_file: /etc/plantsync/agent.token\n",
        #"agent.yaml:3:8: hub.url: expected an http:// or https:// URL like https://hub.example.com:8443, "#
            + #"found "https://user:pw@hub.example.com""#
    ),
    MalformedCase(
        "world-readable secret file",
        "plant: P100\nhub:\n  url: https://hub.example.com\n  token_file: /etc/plantsync/open.token\n",
        "agent.yaml:4:15: hub.token_file: secret file /etc/plantsync/open.token is readable by other users "
            + "(mode 0644); "
            + "run: chmod o-rwx /etc/plantsync/open.token"),
    MalformedCase(
        "world-writable secret file",
        "plant: P100\nhub:\n  url: https://hub.example.com\n  token_file: /etc/plantsync/shared.token\n",
        "agent.yaml:4:15: hub.token_file: secret file /etc/plantsync/shared.token is writable by other users "
            + "(mode 0602); "
            + "run: chmod o-rwx /etc/plantsync/shared.token"),
    MalformedCase(
        "missing secret file",
        "plant: P100\nhub:\n  url: https://hub.example.com\n  token_file: /etc/plantsync/missing.token\n",
        "agent.yaml:4:15: hub.token_file: secret file /etc/plantsync/missing.token does not exist"),
    MalformedCase(
        "empty secret file",
        "plant: P100\nhub:\n  url: https://hub.example.com\n  token_file: /etc/plantsync/empty.token\n",
        "agent.yaml:4:15: hub.token_file: secret file /etc/plantsync/empty.token is empty"),
    MalformedCase(
        "relative secret path", "plant: P100\nhub:\n  url: https://hub.example.com\n  token_file: agent.token\n",
        #"agent.yaml:4:15: hub.token_file: expected an absolute path, found "agent.token""#),
    MalformedCase(
        "world-readable private key",
        minimalAgent + "  client_cert_file: /etc/plantsync/agent.crt\n  client_key_file: /etc/plantsync/open.key\n",
        "agent.yaml:6:20: hub.client_key_file: private key file /etc/plantsync/open.key is readable by other users "
            + "(mode 0644); run: chmod o-rwx /etc/plantsync/open.key"),
    MalformedCase(
        "client certificate without key", minimalAgent + "  client_cert_file: /etc/plantsync/agent.crt\n",
        "agent.yaml:5:21: hub.client_cert_file: client_cert_file needs client_key_file as well: "
            + "a client certificate and its key go together"),
    MalformedCase(
        "missing CA file", minimalAgent + "  ca_file: /etc/plantsync/missing-ca.pem\n",
        "agent.yaml:5:12: hub.ca_file: file /etc/plantsync/missing-ca.pem does not exist"),

    // Inputs.
    MalformedCase(
        "bad input setting", agentWithInputs("  - name: line3\n    type: telemetry_tcp\n    port: 80a\n"),
        #"agent.yaml:8:11: inputs[0].port: expected an integer 1–65535, found "80a""#),
    MalformedCase(
        "misspelt input setting", agentWithInputs("  - name: line3\n    type: telemetry_tcp\n    prot: 4840\n"),
        """
        agent.yaml:6:5: inputs[0]: missing required key "port"
        agent.yaml:8:5: inputs[0].prot: unknown key "prot"; did you mean "port"? Valid keys: name, type, port, host
        """),
    MalformedCase(
        "duplicate input name",
        agentWithInputs(
            "  - name: line3\n    type: telemetry_tcp\n    port: 4840\n"
                + "  - name: line3\n    type: file_drop\n    directory: /srv/drop\n"),
        #"agent.yaml:9:11: inputs[1].name: duplicate input name "line3"; first used by inputs[0] on line 6"#),
    MalformedCase(
        "unknown input type with suggestion",
        agentWithInputs("  - name: goods_in\n    type: scaner_serial\n    device: /dev/ttyUSB0\n"),
        #"agent.yaml:7:11: inputs[0].type: unknown input type "scaner_serial"; "#
            + #"did you mean "scanner_serial"? Known types: "#
            + knownTypes),
    MalformedCase(
        "unknown input type without suggestion", agentWithInputs("  - name: erp\n    type: opc_ua\n"),
        #"agent.yaml:7:11: inputs[0].type: unknown input type "opc_ua"; known types: "# + knownTypes),
    MalformedCase(
        "input without name", agentWithInputs("  - type: file_drop\n    directory: /srv/drop\n"),
        #"agent.yaml:6:5: inputs[0]: missing required key "name""#),
    MalformedCase(
        "input that is not a map", agentWithInputs("  - telemetry_tcp\n"),
        #"agent.yaml:6:5: inputs[0]: expected a map of settings, found "telemetry_tcp""#),
    MalformedCase(
        "inputs as a map", agentWithInputs("  name: line3\n"),
        "agent.yaml:6:3: inputs: expected a list of maps, found a map"),

    // Many problems at once: every one is reported, in file order.
    MalformedCase(
        "several errors in one file",
        """
        plant: P 100
        durability: fast
        disk_budget: 4GB
        retention: forever
        hub:
          url: http://hub.example.com
          token_file: /etc/plantsync/open.token
          max_batch_bytes: 1GiB
        status:
          listen: localhost
        inputs:
          - name: line3
            type: telemetry_tcp
            port: 80a
          - name: line3
            type: scaner_tcp
            port: 4001
        colour: blue

        """,
        """
        agent.yaml:1:8: plant: \(plantIDExpectation), found "P 100"
        agent.yaml:2:13: durability: expected full or normal, found "fast"
        agent.yaml:4:12: retention: expected a duration from 0s to 3650d, found "forever"
        agent.yaml:6:8: hub.url: plain http:// is refused unless allow_plain_http: true is set; use https://
        agent.yaml:7:15: hub.token_file: secret file /etc/plantsync/open.token is readable by other users \
        (mode 0644); run: chmod o-rwx /etc/plantsync/open.token
        agent.yaml:8:20: hub.max_batch_bytes: expected a size from 1KiB to 64MiB, found "1GiB"
        agent.yaml:10:11: status.listen: expected host:port like 127.0.0.1:9466, found "localhost"
        agent.yaml:14:11: inputs[0].port: expected an integer 1–65535, found "80a"
        agent.yaml:15:11: inputs[1].name: duplicate input name "line3"; first used by inputs[0] on line 12
        agent.yaml:16:11: inputs[1].type: unknown input type "scaner_tcp"; did you mean "scanner_tcp"? \
        Known types: \(knownTypes)
        agent.yaml:18:1: colour: unknown key "colour"; valid keys: \(validKeys)
        """),
]

@Suite struct MalformedAgentConfigurationTests {
    @Test(arguments: malformedAgentCases)
    func reportsExactErrors(_ testCase: MalformedCase) {
        #expect(agentErrorText(testCase.text) == testCase.expected)
    }

    @Test func thereAreEnoughCases() {
        #expect(malformedAgentCases.count >= 30)
        #expect(Set(malformedAgentCases.map(\.name)).count == malformedAgentCases.count)
    }

    @Test func nonUTF8FileIsRefusedWithItsPosition() {
        let bytes = Array("plant: P1".utf8) + [0xFF] + Array("\n".utf8)
        let files = StubFiles(bytes: ["/etc/plantsync/agent.yaml": (0o644, bytes)])
        let result = AgentConfiguration.load(
            path: "/etc/plantsync/agent.yaml", environment: [:], inputDecoders: stubInputDecoders, files: files)
        guard case .failure(let errors) = result else {
            Issue.record("accepted non-UTF-8 input")
            return
        }
        #expect(errors.description == "/etc/plantsync/agent.yaml:1:10: the file is not valid UTF-8 text (byte 0xFF)")
    }

    @Test func errorsCarryTheirPartsSeparately() throws {
        guard
            case .failure(let errors) = parseAgent(
                agentWithInputs("  - name: a\n    type: telemetry_tcp\n    port: 80a\n"))
        else {
            Issue.record("accepted")
            return
        }
        let error = try #require(errors.errors.first)
        #expect(error.file == "agent.yaml")
        #expect(error.line == 8)
        #expect(error.column == 11)
        #expect(error.path.description == "inputs[0].port")
        #expect(error.path.components == [.key("inputs"), .index(0), .key("port")])
        #expect(error.message == #"expected an integer 1–65535, found "80a""#)
    }
}

import PlantConfig
import Testing

/// The example from `ConfigMap`'s documentation, kept compiling and working here.
struct TelemetryFeedConfiguration: Sendable, Equatable {
    var listen: HostPort
    var maxLineBytes: ByteSize
    var idleTimeout: Duration
    var lines: [String]

    init?(_ map: ConfigMap) {
        let listen = map.required("listen", .listenAddress)
        maxLineBytes = map.optional(
            "max_line_bytes", .size(in: .kibibytes(1)...(.mebibytes(1))), default: .kibibytes(64))
        idleTimeout = map.optional("idle_timeout", .duration(), default: .seconds(30))
        lines = map.list("lines", of: .identifier(maxLength: 32))
        if lines.isEmpty { map.report("at least one line is required", at: "lines") }
        guard let listen, !lines.isEmpty else { return nil }
        self.listen = listen
    }
}

@Suite struct ConfigMapTests {
    private func decode<Value>(_ text: String, _ body: (ConfigMap) -> Value?) -> Result<Value, ConfigErrors> {
        ConfigMap.decode(text: text, file: "feed.yaml", environment: [:], files: StubFiles(), body)
    }

    private func errors<Value>(_ text: String, _ body: (ConfigMap) -> Value?) -> String {
        switch decode(text, body) {
        case .success(let value): "(accepted \(value))"
        case .failure(let errors): errors.description
        }
    }

    @Test func documentationExample() throws {
        let feed = try decode("listen: 127.0.0.1:0\nlines: [L1, L2]\n") { TelemetryFeedConfiguration($0) }.get()
        #expect(feed.listen == HostPort(host: "127.0.0.1", port: 0))
        #expect(feed.maxLineBytes == .kibibytes(64))
        #expect(feed.idleTimeout == .seconds(30))
        #expect(feed.lines == ["L1", "L2"])

        let text = """
            listen: 127.0.0.1
            max_line_bytes: 2MiB
            lines:
              - L1
              - "L 2"
            idle_timout: 5s
            """
        #expect(
            errors(text) { TelemetryFeedConfiguration($0) } == """
                feed.yaml:1:9: listen: expected host:port like 127.0.0.1:9466, found "127.0.0.1"
                feed.yaml:2:17: max_line_bytes: expected a size from 1KiB to 1MiB, found "2MiB"
                feed.yaml:5:5: lines[1]: expected 1–32 letters, digits, "_" or "-", found "L 2"
                feed.yaml:6:1: idle_timout: unknown key "idle_timout"; did you mean "idle_timeout"? \
                Valid keys: listen, max_line_bytes, idle_timeout, lines
                """)
        #expect(
            errors("listen: 127.0.0.1:0\nlines: []\n") { TelemetryFeedConfiguration($0) }
                == "feed.yaml:2:8: lines: at least one line is required")
    }

    @Test func listsReportEachBadItemAtItsPath() {
        let text = "ports:\n  - 1\n  -\n  - [2]\n  - x\nflow: [1, y]\n"
        let result = errors(text) { map in
            (map.list("ports", of: .integer(in: 1...9)), map.list("flow", of: .integer(in: 1...9)))
        }
        #expect(
            result == """
                feed.yaml:3:3: ports[1]: expected an integer 1–9, found nothing
                feed.yaml:4:5: ports[2]: expected an integer 1–9, found a list
                feed.yaml:5:5: ports[3]: expected an integer 1–9, found "x"
                feed.yaml:6:11: flow[1]: expected an integer 1–9, found "y"
                """)
        #expect(
            errors("ports: 5\n") { $0.list("ports", of: .integer()) }
                == #"feed.yaml:1:8: ports: expected a list (each item an integer), found "5""#)
        #expect(
            errors("a: 1\n") { $0.list("ports", of: .integer(), required: true) } == """
                feed.yaml:1:1: missing required key "ports"
                feed.yaml:1:1: a: unknown key "a"; valid keys: ports
                """)
        #expect(
            errors("ports: []\n") { $0.list("ports", of: .integer(), required: true) }
                == "feed.yaml:1:8: ports: expected at least one item")
    }

    @Test func missingSectionsDoNotCascade() {
        // The required section is missing: one problem, not one per required key inside it.
        let result = errors("other: 1\n") { map -> Int? in
            let section = map.section("feed", required: true)
            _ = section.required("listen", .listenAddress)
            _ = section.required("port", .integer())
            _ = map.optional("other", .integer())
            return section.isPresent ? 1 : nil
        }
        #expect(result == #"feed.yaml:1:1: missing required key "feed""#)
        // A section of the wrong shape: reported once, at its value.
        let wrongShape = errors("feed: [1]\n") { map -> Int? in
            let section = map.section("feed")
            _ = section.required("listen", .listenAddress)
            return nil
        }
        #expect(wrongShape == "feed.yaml:1:7: feed: expected a map of settings, found a list")
    }

    @Test func optionalSectionsDecodeAsEmpty() throws {
        let value = try decode("") { map -> (Bool, Int) in
            let section = map.section("feed")
            return (section.isPresent, section.optional("port", .integer(), default: 7))
        }.get()
        #expect(value == (false, 7))
    }

    @Test func problemsAreSortedByPositionWhateverOrderTheyAreFoundIn() {
        let text = "b: x\na: y\n"
        let result = errors(text) { map -> Int? in
            _ = map.required("a", .integer())
            _ = map.required("b", .integer())
            return nil
        }
        #expect(
            result == """
                feed.yaml:1:4: b: expected an integer, found "x"
                feed.yaml:2:4: a: expected an integer, found "y"
                """)
    }

    @Test func unknownKeysInSectionsThatTakeNothingAndIgnoredSections() {
        let result = errors("marker:\n  x: 1\nlater:\n  y: 2\n") { map -> Int? in
            _ = map.section("marker")
            map.section("later").ignoreRemainingKeys()
            return nil
        }
        #expect(result == #"feed.yaml:2:3: marker.x: unknown key "x"; this section takes no settings"#)
    }

    @Test func oddKeysAreQuotedInPaths() {
        let result = errors("labels:\n  \"line 3\": x\n") { map -> Int? in
            map.section("labels").required("line 3", .integer())
        }
        #expect(result == #"feed.yaml:2:13: labels["line 3"]: expected an integer, found "x""#)
    }

    @Test func decoderReturningNilWithoutAProblemStillFails() {
        #expect(errors("") { _ -> Int? in nil } == "feed.yaml:1:1: the configuration was refused")
    }

    @Test func didYouMeanPicksTheNearestPlausibleKey() {
        let suggestions = [
            ("prot", "port"), ("Port", "port"), ("tokenfile", "token_file"), ("max_batch_event", "max_batch_events"),
        ]
        for (typo, expected) in suggestions {
            let result = errors("\(typo): 1\n") { map -> Int? in
                for key in ["port", "token_file", "max_batch_events", "max_batch_bytes"] {
                    _ = map.optional(key, .string)
                }
                return nil
            }
            #expect(result.contains("did you mean \"\(expected)\"?"), "\(typo): \(result)")
        }
        let far = errors("colour: 1\n") { map -> Int? in
            _ = map.optional("port", .string)
            return nil
        }
        #expect(far == #"feed.yaml:1:1: colour: unknown key "colour"; valid keys: port"#)
    }
}

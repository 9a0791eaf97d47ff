import Testing

@testable import PlantAgent

/// Parses the Prometheus text exposition (format 0.0.4) strictly and checks our conventions:
/// `plantsync_` prefix, HELP and TYPE before a family's samples, only counter and gauge, `_total`
/// exactly on counters, valid label syntax, only bounded label names, numeric values, no
/// duplicate series.
@Suite("Metrics exposition")
struct MetricsExpositionTests {
    struct Family {
        var help: String?
        var type: String?
        var samples: [(labels: [String: String], value: Double)] = []
    }

    struct ParseError: Error, CustomStringConvertible {
        let description: String
    }

    /// A small exposition parser: returns the families or throws naming the line.
    static func parse(_ text: String) throws -> [String: Family] {
        var families: [String: Family] = [:]
        var order: [String] = []
        var seenSeries: Set<String> = []
        #expect(text.hasSuffix("\n"), "the exposition must end with a newline")
        for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().enumerated() {
            let where_ = "line \(number + 1): \(line)"
            if line.hasPrefix("# HELP ") || line.hasPrefix("# TYPE ") {
                let parts = line.split(separator: " ", maxSplits: 3).map(String.init)
                guard parts.count == 4 else { throw ParseError(description: "\(where_): expected name and text") }
                let name = parts[2]
                if families[name] == nil { order.append(name) }
                if parts[1] == "HELP" {
                    guard families[name]?.help == nil else { throw ParseError(description: "\(where_): second HELP") }
                    families[name, default: Family()].help = parts[3]
                } else {
                    guard families[name]?.samples.isEmpty ?? true else {
                        throw ParseError(description: "\(where_): TYPE after samples")
                    }
                    families[name, default: Family()].type = parts[3]
                }
                continue
            }
            guard !line.hasPrefix("#"), !line.isEmpty else { throw ParseError(description: "\(where_): unexpected") }
            let (name, labels, rest) = try sample(String(line), where_)
            guard let value = Double(rest) else { throw ParseError(description: "\(where_): value \"\(rest)\"") }
            guard families[name]?.type != nil else { throw ParseError(description: "\(where_): sample before TYPE") }
            guard order.last == name else { throw ParseError(description: "\(where_): family interleaved") }
            let series = name + labels.keys.sorted().map { "\($0)=\(labels[$0]!)" }.joined(separator: ",")
            guard seenSeries.insert(series).inserted else {
                throw ParseError(description: "\(where_): duplicate series")
            }
            families[name]!.samples.append((labels, value))
        }
        return families
    }

    static func sample(_ line: String, _ where_: String) throws -> (String, [String: String], String) {
        var characters = Array(line)
        var index = 0
        var name = ""
        while index < characters.count,
            characters[index].isLetter || characters[index].isNumber || characters[index] == "_"
        {
            name.append(characters[index])
            index += 1
        }
        var labels: [String: String] = [:]
        if index < characters.count, characters[index] == "{" {
            index += 1
            while characters[index] != "}" {
                var label = ""
                while characters[index] != "=" {
                    label.append(characters[index])
                    index += 1
                }
                guard label.allSatisfy({ $0.isLetter || $0 == "_" }), characters[index + 1] == "\"" else {
                    throw ParseError(description: "\(where_): label name \"\(label)\"")
                }
                index += 2
                var value = ""
                while characters[index] != "\"" {
                    if characters[index] == "\\" {
                        index += 1
                        switch characters[index] {
                        case "n": value.append("\n")
                        case "\\", "\"": value.append(characters[index])
                        default: throw ParseError(description: "\(where_): bad escape")
                        }
                    } else {
                        value.append(characters[index])
                    }
                    index += 1
                }
                index += 1
                labels[label] = value
                if characters[index] == "," { index += 1 }
            }
            index += 1
        }
        guard index < characters.count, characters[index] == " " else {
            throw ParseError(description: "\(where_): no value")
        }
        characters.removeFirst(index + 1)
        return (name, labels, String(characters))
    }

    @Test func theAgentsExpositionFollowsTheConventions() throws {
        let text = MetricsExposition.agent(StatusFixtures.status())
        let families = try Self.parse(text)
        #expect(families.count == 25)
        for (name, family) in families {
            #expect(name.hasPrefix("plantsync_"), "\(name)")
            #expect(name.allSatisfy { $0.isLowercase || $0.isNumber || $0 == "_" }, "\(name)")
            #expect(family.help?.isEmpty == false, "\(name) has no HELP")
            #expect(family.type == "counter" || family.type == "gauge", "\(name): \(family.type ?? "no TYPE")")
            #expect((family.type == "counter") == name.hasSuffix("_total"), "\(name): _total exactly on counters")
            #expect(!name.contains("_milliseconds") && !name.contains("_kib"), "\(name): base units")
            for sample in family.samples {
                #expect(Set(sample.labels.keys).isSubset(of: ["stream", "input", "type", "state"]), "\(name)")
            }
        }
        func value(_ name: String, _ labels: [String: String] = [:]) -> Double? {
            families[name]?.samples.first { $0.labels == labels }?.value
        }
        #expect(value("plantsync_stream_pending_events", ["stream": "inventory"]) == 20)
        #expect(value("plantsync_stream_oldest_pending_age_seconds", ["stream": "inventory"]) == 90)
        #expect(value("plantsync_stream_oldest_pending_age_seconds", ["stream": "production"]) == 0)
        #expect(value("plantsync_stream_acknowledged_events_total", ["stream": "inventory"]) == 100)
        #expect(value("plantsync_stream_last_ack_timestamp_seconds", ["stream": "inventory"]) == 1_794_999_935)
        #expect(value("plantsync_stream_drain_rate_events_per_second", ["stream": "production"]) == 2.5)
        #expect(value("plantsync_stream_drain_eta_seconds", ["stream": "inventory"]) == nil)  // nothing drains
        #expect(value("plantsync_hub_state", ["state": "auth failure"]) == 1)
        #expect(value("plantsync_hub_state", ["state": "reachable"]) == 0)
        #expect(value("plantsync_input_received_total", ["input": "line3-feed", "type": "telemetry_tcp"]) == 5_000)
        #expect(value("plantsync_input_connected", ["input": "dock<1>", "type": "scanner_tcp"]) == 0)
        #expect(value("plantsync_disk_used_bytes") == Double(12 << 20))
        #expect(value("plantsync_dead_letters") == 1)
        #expect(families["plantsync_stream_pending_events"]?.type == "gauge")
        #expect(families["plantsync_input_quarantined_total"]?.type == "counter")
    }

    @Test func labelValuesAreEscaped() throws {
        var status = StatusFixtures.status()
        status.state?.inputs[0].name = "a\"b\\c\nd"
        let families = try Self.parse(MetricsExposition.agent(status))
        let names = families["plantsync_input_received_total"]!.samples.map { $0.labels["input"]! }
        #expect(names.contains("a\"b\\c\nd"))
    }

    @Test func theParserRefusesWhatIsWrong() {
        #expect(throws: ParseError.self) { try Self.parse("plantsync_x 1\n") }  // sample before TYPE
        #expect(throws: ParseError.self) {
            try Self.parse("# HELP plantsync_x x\n# TYPE plantsync_x gauge\nplantsync_x{a=1} 1\n")
        }
        #expect(throws: ParseError.self) {
            try Self.parse("# HELP plantsync_x x\n# TYPE plantsync_x gauge\nplantsync_x 1\nplantsync_x 2\n")
        }
    }
}

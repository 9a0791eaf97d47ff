import Foundation
import PlantAgent
import PlantConfig
import PlantModel

extension Command {
    /// `plantsync simulate line | scanner | drops`: test sources for the demo, the benchmarks and a
    /// technician checking an install.
    static let simulate = Command(
        name: "simulate",
        summary: "Feed an agent from simulated sources: a PLC line, a scanner, CSV file drops.",
        usage: "simulate line|scanner|drops [OPTIONS]",
        details: """
            simulate line     a PLC feed for a telemetry_tcp input: counters, machine states, order changes
              --connect HOST:PORT | --listen [HOST:]PORT   dial the agent's listening input, or listen like a gateway
              --format kepware_json|lines (default kepware_json)   --line L3   --tag-prefix PLC1.L3
              --rate N (messages/s, default 10; 0 = unpaced)   --count N (messages, default 600)
              --orders WO-1,WO-2   --order-every N (default 200)   --stop-every N (default 150, 0 = never)
              --start TIME (simulated source times, --step-ms apart; default now. Offline tests only:
                a live agent closes past windows by its clock and books late counts to the current one)
            simulate scanner  GS1 scans (GS1-128, SSCC, DataMatrix, EAN-13; valid check digits) for a
                              scanner_tcp input in server mode
              --connect HOST:PORT   --rate N (scans/s, default 5)   --count N (goods scans, default 100)
              --location CODE (sent first, default LOC-A-01; "" for none)   --terminator cr|lf|crlf
              --kinds gs1-128,sscc,datamatrix,ean13 (default all; sscc = a whole pallet, no quantity)
              --items N (goods from N catalogue items, GTINs 0 4012345 0 + item 0001…N + check digit,
                so an ERP mapping can name them; default any of 10,000)
            simulate drops    CSV files of goods receipts for a file_drop input (written as .tmp, renamed in)
              --dir DIR   --files N (default 3)   --rows N (default 100)   --plant P100   --rate N (files/s)
              --input NAME (the file_drop input's name: event ids go into the manifest)
            All:  --seed N   --manifest FILE (JSON: what was produced, to compare with the hub)
                  --print-config (print the agent.yaml blocks that read this source, and exit)
            Each prints one summary line per stream on standard output; progress goes to standard error.
            """,
        spec: OptionSpec(
            flags: ["--print-config"],
            valued: [
                "--connect", "--listen", "--format", "--line", "--tag-prefix", "--rate", "--count", "--orders",
                "--order-every", "--stop-every", "--start", "--step-ms", "--location", "--terminator", "--dir",
                "--files", "--rows", "--plant", "--input", "--seed", "--manifest", "--kinds", "--items",
            ], positionals: 1...1, positionalNames: ["SOURCE (line, scanner or drops)"]),
        run: { options in
            var reader = SimulateOptions(options: options)
            let log: (String) -> Void = { writeError("simulate: " + $0) }
            let manifest: JSONValue
            switch options.positionals[0] {
            case "line":
                var simulation = LineSimulation()
                simulation.format = try reader.choice("--format", LineSimulation.Format.self) ?? .kepwareJSON
                simulation.line = options.value("--line") ?? simulation.line
                simulation.tagPrefix = options.value("--tag-prefix")
                simulation.rate = try reader.number("--rate") ?? simulation.rate
                simulation.messages = try reader.integer("--count") ?? simulation.messages
                if let orders = options.value("--orders") {
                    simulation.orders = orders.split(separator: ",").map(String.init)
                }
                simulation.orderEvery = try reader.integer("--order-every") ?? simulation.orderEvery
                simulation.stopEvery = try reader.integer("--stop-every") ?? simulation.stopEvery
                simulation.startTime = try reader.time("--start")
                simulation.step = Int64(try reader.integer("--step-ms") ?? 1_000)
                simulation.seed = UInt64(try reader.integer("--seed") ?? 1)
                let endpoint = try reader.endpoint()
                if options.has("--print-config") {
                    let line: String =
                        switch endpoint {
                        case let .connect(host, port): "listen: \(host):\(port)"
                        case let .listen(_, port): "connect: <this host>:\(port)"
                        }
                    print(
                        LineFeedGenerator.configuration(
                            simulation, input: "\(simulation.line.lowercased())-feed", endpoint: line), terminator: "")
                    return ExitCode.ok
                }
                let report = try SimulationRunner.line(simulation, to: endpoint, log: log)
                print(report.summary)
                manifest = report.json
            case "scanner":
                var simulation = ScannerSimulation()
                simulation.rate = try reader.number("--rate") ?? simulation.rate
                simulation.scans = try reader.integer("--count") ?? simulation.scans
                if let location = options.value("--location") {
                    simulation.location = location.isEmpty ? nil : location
                }
                switch options.value("--terminator") ?? "cr" {
                case "cr": simulation.terminator = "\r"
                case "lf": simulation.terminator = "\n"
                case "crlf": simulation.terminator = "\r\n"
                case let other:
                    throw UsageError(
                        command: "simulate", message: "--terminator: expected cr, lf or crlf, found \"\(other)\"")
                }
                simulation.seed = UInt64(try reader.integer("--seed") ?? 1)
                simulation.kinds = try reader.list("--kinds", ScanKind.self) ?? simulation.kinds
                if let items = try reader.integer("--items") {
                    guard (1...9_999).contains(items) else {
                        throw UsageError(
                            command: "simulate", message: "--items: expected 1 to 9999 catalogue items, found \(items)")
                    }
                    simulation.items = items
                }
                let endpoint = try reader.endpoint()
                if options.has("--print-config") {
                    guard case let .connect(host, port) = endpoint else {
                        throw UsageError(
                            command: "simulate", message: "scanner: use --connect (the input listens in mode server)")
                    }
                    print(
                        """
                        inputs:
                          - name: scanner-sim
                            type: scanner_tcp
                            mode: server
                            listen: \(host):\(port)
                            station:
                              id: SIM-1
                              movement: receipt
                              to_location: WH-RECV

                        """, terminator: "")
                    return ExitCode.ok
                }
                let report = try SimulationRunner.scanner(simulation, to: endpoint, log: log)
                print(report.summary)
                manifest = report.json
            case "drops":
                guard let directory = options.value("--dir") else {
                    throw UsageError(
                        command: "simulate", message: "drops needs --dir DIR (the file_drop input's directory)")
                }
                if options.has("--print-config") {
                    print(
                        DropSimulator.configuration(directory: directory, input: options.value("--input") ?? "drops"),
                        terminator: "")
                    return ExitCode.ok
                }
                var simulation = DropSimulation(directory: directory)
                simulation.files = try reader.integer("--files") ?? simulation.files
                simulation.rows = try reader.integer("--rows") ?? simulation.rows
                simulation.plant = options.value("--plant") ?? simulation.plant
                simulation.rate = try reader.number("--rate") ?? 0
                simulation.startTime = try reader.time("--start")
                simulation.seed = UInt64(try reader.integer("--seed") ?? 1)
                let report = try DropSimulator.run(simulation, now: Timestamp.now().millisecondsSinceEpoch, log: log)
                print(report.summary)
                manifest = report.json(input: options.value("--input"))
            case let other:
                var message = "unknown source '\(other)'; expected line, scanner or drops"
                if let near = CommandLineOptions.nearest(other, in: ["line", "scanner", "drops"]) {
                    message += " (did you mean '\(near)'?)"
                }
                throw UsageError(command: "simulate", message: message)
            }
            if let path = options.value("--manifest") { try SimulationRunner.writeManifest(manifest, to: path) }
            return ExitCode.ok
        })
}

/// Typed option values for `simulate`, with usage errors that name the option.
struct SimulateOptions {
    let options: ParsedOptions

    func integer(_ name: String) throws -> Int? {
        guard let text = options.value(name) else { return nil }
        guard let value = Int(text), value >= 0 else {
            throw UsageError(command: "simulate", message: "\(name): expected a whole number ≥ 0, found \"\(text)\"")
        }
        return value
    }

    func number(_ name: String) throws -> Double? {
        guard let text = options.value(name) else { return nil }
        guard let value = Double(text), value >= 0, value.isFinite else {
            throw UsageError(command: "simulate", message: "\(name): expected a number ≥ 0, found \"\(text)\"")
        }
        return value
    }

    func time(_ name: String) throws -> Int64? {
        guard let text = options.value(name) else { return nil }
        let parsed = try? Array(text.utf8).withUnsafeBytes { try Timestamp.parse(utf8: $0) }
        guard let parsed else {
            throw UsageError(
                command: "simulate",
                message: "\(name): expected an RFC 3339 time like 2026-11-22T06:00:00Z, found \"\(text)\"")
        }
        return parsed.millisecondsSinceEpoch
    }

    func choice<T: RawRepresentable & CaseIterable>(_ name: String, _ type: T.Type) throws -> T?
    where T.RawValue == String {
        guard let text = options.value(name) else { return nil }
        guard let value = T(rawValue: text) else {
            let allowed = T.allCases.map(\.rawValue).joined(separator: " or ")
            throw UsageError(command: "simulate", message: "\(name): expected \(allowed), found \"\(text)\"")
        }
        return value
    }

    /// A comma-separated set of choices, e.g. `--kinds gs1-128,ean13`; at least one.
    func list<T: RawRepresentable & CaseIterable & Hashable>(_ name: String, _ type: T.Type) throws -> Set<T>?
    where T.RawValue == String {
        guard let text = options.value(name) else { return nil }
        let allowed = T.allCases.map(\.rawValue).joined(separator: ", ")
        var values = Set<T>()
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            let word = part.trimmingCharacters(in: .whitespaces)
            guard let value = T(rawValue: word) else {
                throw UsageError(
                    command: "simulate", message: "\(name): expected some of \(allowed), found \"\(word)\"")
            }
            values.insert(value)
        }
        return values
    }

    mutating func endpoint() throws -> SimulatorEndpoint {
        switch (options.value("--connect"), options.value("--listen")) {
        case (let connect?, nil):
            guard let address = HostPort(connect) else {
                throw UsageError(command: "simulate", message: "--connect: expected HOST:PORT, found \"\(connect)\"")
            }
            return .connect(host: address.host, port: address.port)
        case (nil, let listen?):
            if let port = Int(listen), (0...65535).contains(port) { return .listen(host: "127.0.0.1", port: port) }
            guard let address = HostPort(listen, ports: 0...65535) else {
                throw UsageError(command: "simulate", message: "--listen: expected [HOST:]PORT, found \"\(listen)\"")
            }
            return .listen(host: address.host, port: address.port)
        case (nil, nil):
            throw UsageError(command: "simulate", message: "give --connect HOST:PORT or --listen [HOST:]PORT")
        case (.some, .some):
            throw UsageError(command: "simulate", message: "give --connect or --listen, not both")
        }
    }
}

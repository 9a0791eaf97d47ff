import PlantModel

/// Runs the TCP simulators: generate, pace, send, reconnect when the agent restarts.
public enum SimulationRunner {
    /// Sends the whole line feed; gives up when no connection can be made within `patience`.
    public static func line(
        _ simulation: LineSimulation, to endpoint: SimulatorEndpoint, patience: Duration = .seconds(60),
        log: @escaping (String) -> Void
    ) throws(SimulatorError) -> LineSimulationReport {
        var generator = LineFeedGenerator(simulation, now: Timestamp.now().millisecondsSinceEpoch)
        let link = try SimulatorLink(endpoint, log: log)
        defer { link.close() }
        let pacer = Pacer(rate: simulation.rate)
        var index = 0
        while true {
            let before = generator  // the values before this message, for a connection opened now
            guard let message = generator.next() else { break }
            pacer.wait(forItem: index)
            try link.send(message, deadline: .now + patience, greeting: { before.initialUpdate() })
            index += 1
        }
        return generator.report
    }

    /// Sends every scan.
    public static func scanner(
        _ simulation: ScannerSimulation, to endpoint: SimulatorEndpoint, patience: Duration = .seconds(60),
        log: @escaping (String) -> Void
    ) throws(SimulatorError) -> ScannerSimulationReport {
        var generator = ScanGenerator(simulation)
        let link = try SimulatorLink(endpoint, log: log)
        defer { link.close() }
        let pacer = Pacer(rate: simulation.rate)
        var index = 0
        while let scan = generator.next() {
            pacer.wait(forItem: index)
            try link.send(scan, deadline: .now + patience)
            index += 1
        }
        return generator.report
    }

    /// Writes a report's manifest.
    public static func writeManifest(_ value: JSONValue, to path: String) throws(SimulatorError) {
        try Manifest.write(value, to: path)
    }
}

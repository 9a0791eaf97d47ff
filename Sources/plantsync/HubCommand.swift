import Foundation
import PlantAgent
import PlantConfig
import PlantHub

extension Command {
    /// `plantsync hub`: the central hub, and `plantsync hub add-plant` to enrol a plant.
    static let hub = Command(
        name: "hub",
        summary: "Run the central hub, or make a token for a new plant (add-plant).",
        usage: "hub [--config FILE] | hub add-plant ID [--config FILE] | " + HubERPCommand.usage,
        details: """
            hub [--config FILE]
                Serve agents' batches and the read API (/v1/plants, /v1/events) as configured in FILE
                (default /etc/plantsync/hub.yaml). SIGTERM or SIGINT stop it gracefully: requests in flight
                are answered, queued batches are committed, the store is checkpointed and closed.
            hub add-plant ID [--config FILE]
                Print a fresh bearer token for plant ID (shown once: put it in the agent's token_file) and
                the plants: entry to add to hub.yaml, which holds only the token's SHA-256. With --config,
                refuses an ID that FILE already lists.
            """ + HubERPCommand.details,
        spec: OptionSpec(
            flags: ["--json"], valued: ["--config", "--by", "--reason"], positionals: 0...5,
            positionalNames: ["add-plant", "ID"]),
        run: { options in
            let path = options.value("--config") ?? "/etc/plantsync/hub.yaml"
            switch options.positionals.first {
            case nil:
                return runHub(configPath: path)
            case "erp-errors":
                return HubERPCommand.run(Array(options.positionals.dropFirst()), options: options, configPath: path)
            case "add-plant":
                guard options.positionals.count == 2 else {
                    throw UsageError(command: "hub", message: "add-plant needs the plant ID")
                }
                return addPlant(options.positionals[1], configPath: options.value("--config"))
            case let other?:
                var message = "unknown subcommand '\(other)'"
                if let near = CommandLineOptions.nearest(other, in: ["add-plant", "erp-errors"]) {
                    message += " (did you mean '\(near)'?)"
                }
                throw UsageError(command: "hub", message: message)
            }
        })

    private static func loadHubConfiguration(_ path: String) -> HubConfiguration? {
        switch HubConfiguration.load(path: path) {
        case .success(let configuration): return configuration
        case .failure(let errors):
            writeError(errors.description)
            let count = errors.errors.count
            writeError("\(path): \(count) problem\(count == 1 ? "" : "s") found")
            return nil
        }
    }

    private static func runHub(configPath: String) -> Int32 {
        ProcessSignals.blockAll()
        guard let configuration = loadHubConfiguration(configPath) else {
            writeError("\(configPath): the hub did not start")
            return ExitCode.config
        }
        let hub: Hub
        do {
            hub = try Hub(configuration: configuration)
        } catch {
            writeError("plantsync hub: could not start: \(error)")
            switch error {
            case .store, .dataDirectory: return ExitCode.ioError
            case .tls: return ExitCode.config
            case .listen: return ExitCode.software
            }
        }
        let notifier = SystemdNotifier()
        _ = notifier.notify("READY=1\nSTATUS=serving on port \(hub.port)")
        let watchdog = notifier.watchdogInterval.map { interval in
            PeriodicThread(name: "plantsync-watchdog", interval: interval) { _ = notifier.notify("WATCHDOG=1") }
        }
        while true {
            if case .terminate = ProcessSignals.wait() { break }
            writeError("level=warning msg=\"SIGHUP: configuration reload is not supported; restart the service\"")
        }
        _ = notifier.notify("STOPPING=1")
        watchdog?.stop()
        hub.stop()
        writeError("level=notice msg=\"hub stopped\"")
        return ExitCode.ok
    }

    private static func addPlant(_ plant: String, configPath: String?) -> Int32 {
        let validCharacters = plant.unicodeScalars.allSatisfy { scalar in
            switch scalar {
            case "a"..."z", "A"..."Z", "0"..."9", "_", "-": true
            default: false
            }
        }
        guard (1...32).contains(plant.unicodeScalars.count), validCharacters else {
            writeError(
                "plantsync hub add-plant: invalid plant ID \"\(plant)\": expected 1–32 letters, digits, \"_\" or \"-\"")
            return ExitCode.usage
        }
        if let configPath {
            guard let configuration = loadHubConfiguration(configPath) else { return ExitCode.config }
            if configuration.plants.contains(where: { $0.id == plant }) {
                writeError(
                    "plantsync hub add-plant: \(configPath) already lists plant \(plant); "
                        + "to replace its token, remove that entry first")
                return ExitCode.dataError
            }
        }
        let token = NewPlantToken.generate()
        print(
            """
            Token for plant \(plant) (shown only now; put it in the agent's token_file, mode 0600):
            \(token.token)

            Add to plants: in \(configPath ?? "hub.yaml") and restart the hub (it stores only the SHA-256):
            \(token.configurationLines(plant: plant))
            """, terminator: "")
        return ExitCode.ok
    }
}

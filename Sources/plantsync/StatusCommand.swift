import PlantAgent
import PlantCapture
import PlantConfig
import PlantJournal
import PlantModel

extension Command {
    /// `plantsync status`: the sync backlog, read from the journal whether the agent runs or not.
    static let status = Command(
        name: "status",
        summary: "Show the sync backlog, hub reachability, drain ETA, inputs and dead letters.",
        usage: "status [--config FILE | --data-dir DIR] [--json]",
        details: """
            Opens the journal read-only, so it works while the agent runs and while it is stopped. The hub's
            reachability, the drain rates and the inputs' health come from the state record the running agent
            keeps in the journal (written on every change and every 30 s); its age is shown. JSON keys:
            docs/status.md. The live view is the agent's status endpoint (status.listen, default
            http://127.0.0.1:9466/ and /status).
            --config FILE    the agent configuration (default /etc/plantsync/agent.yaml); its data_dir is used
            --data-dir DIR   the agent's data directory, instead of a configuration
            --json           one JSON object instead of the table
            """,
        spec: OptionSpec(flags: ["--json"], valued: ["--config", "--data-dir"]),
        run: { options in
            if options.value("--config") != nil && options.value("--data-dir") != nil {
                throw UsageError(command: "status", message: "give --config or --data-dir, not both")
            }
            let dataDirectory: String
            if let directory = options.value("--data-dir") {
                dataDirectory = directory
            } else {
                let path = options.value("--config") ?? "/etc/plantsync/agent.yaml"
                switch AgentConfigurationLoader.load(path: path) {
                case .success(let configuration): dataDirectory = configuration.dataDirectory
                case .failure(let errors):
                    writeError(errors.description)
                    return ExitCode.config
                }
            }
            do {
                let status = try AgentStatus.read(
                    dataDirectory: dataDirectory, now: Timestamp.now().millisecondsSinceEpoch)
                if options.has("--json") {
                    print(String(decoding: status.jsonBytes, as: UTF8.self))
                } else {
                    print(status.text)
                }
                return ExitCode.ok
            } catch let error as JournalError {
                writeError("plantsync status: \(error)")
                if case .notFound = error { return ExitCode.noInput }
                return ExitCode.ioError
            }
        })
}

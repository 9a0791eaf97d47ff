import PlantAgent
import PlantConfig

extension Command {
    /// `plantsync check-config`: validates a configuration without starting anything.
    static let checkConfig = Command(
        name: "check-config",
        summary: "Validate an agent or hub configuration file without starting anything.",
        usage: "check-config [--hub] FILE",
        details: """
            Reports every problem in the file, each as FILE:LINE:COL: KEY.PATH: what is wrong, and exits 78.
            --hub   the file is a hub configuration (the default when its name starts with "hub")
            """,
        spec: OptionSpec(flags: ["--hub"], positionals: 1...1, positionalNames: ["FILE"]),
        run: { options in
            let path = options.positionals[0]
            let name = path.split(separator: "/").last.map(String.init) ?? path
            if options.has("--hub") || name.hasPrefix("hub") {
                return report(path, HubConfiguration.load(path: path)) { "hub listening on \($0.listen)" }
            }
            return report(path, AgentConfigurationLoader.load(path: path)) {
                "plant \($0.plant), \($0.inputs.count) input(s), hub \($0.hub.url)"
            }
        })

    private static func report<C>(_ path: String, _ result: Result<C, ConfigErrors>, summary: (C) -> String) -> Int32 {
        switch result {
        case .success(let configuration):
            print("\(path): OK (\(summary(configuration)))")
            return ExitCode.ok
        case .failure(let errors):
            writeError(errors.description)
            let count = errors.errors.count
            writeError("\(path): \(count) problem\(count == 1 ? "" : "s") found")
            return ExitCode.config
        }
    }
}

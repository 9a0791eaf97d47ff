// `plantsync`: one binary, the plant agent and the central hub, plus operator tools.
import Foundation

let version = "0.1.0"

let commands: [Command] = [
    .agent,
    .hub,
    .status,
    .deadLetters,
    .simulate,
    .checkConfig,
    .decodeScan,
    Command(
        name: "version", summary: "Print the version.", usage: "version", details: "", spec: OptionSpec(),
        run: { _ in
            print("plantsync \(version)")
            return ExitCode.ok
        }),
]

func overview() -> String {
    let width = commands.map(\.name.count).max() ?? 8
    let lines = commands.map { "  " + $0.name + String(repeating: " ", count: width + 2 - $0.name.count) + $0.summary }
    return """
        Usage: plantsync COMMAND [OPTIONS]

        PlantSync keeps a plant's shop-floor events flowing to the ERP, and safe while the WAN is down.

        Commands:
        \(lines.joined(separator: "\n"))
          help [COMMAND]    Show help for a command.

        """
}

func writeError(_ text: String) {
    let line = text.hasSuffix("\n") ? text : text + "\n"
    FileHandle.standardError.write(Data(line.utf8))
}

func main(_ arguments: [String]) -> Int32 {
    guard let name = arguments.first else {
        writeError(overview())
        return ExitCode.usage
    }
    if name == "help" || name == "--help" || name == "-h" {
        if arguments.count > 1 {
            guard let command = commands.first(where: { $0.name == arguments[1] }) else {
                writeError("plantsync help: unknown command '\(arguments[1])'")
                return ExitCode.usage
            }
            print(command.help, terminator: "")
        } else {
            print(overview(), terminator: "")
        }
        return ExitCode.ok
    }
    if name == "--version" { return main(["version"]) }
    guard let command = commands.first(where: { $0.name == name }) else {
        var message = "plantsync: unknown command '\(name)'"
        if let near = CommandLineOptions.nearest(name, in: commands.map(\.name)) {
            message += " (did you mean '\(near)'?)"
        }
        writeError(message + "\nRun 'plantsync help' for the list of commands.")
        return ExitCode.usage
    }
    let rest = Array(arguments.dropFirst())
    if rest.contains("--help") || rest.contains("-h") {
        print(command.help, terminator: "")
        return ExitCode.ok
    }
    do {
        let options = try CommandLineOptions.parse(rest, command: command.name, spec: command.spec)
        return try command.run(options)
    } catch let error as UsageError {
        writeError(error.description)
        return ExitCode.usage
    } catch {
        writeError("plantsync \(command.name): \(error)")
        return ExitCode.failure
    }
}

exit(main(Array(CommandLine.arguments.dropFirst())))

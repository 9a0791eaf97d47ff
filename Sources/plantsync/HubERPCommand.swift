import Foundation
import PlantConfig
import PlantHub
import PlantModel

/// `plantsync hub erp-errors [list] | retry CONNECTOR PLANT STREAM | skip CONNECTOR PLANT STREAM`:
/// the postings an ERP refused for good, and the operator's way out. Runs on the hub store in the
/// configured `data_dir` (the hub may be running).
enum HubERPCommand {
    static let usage = "hub erp-errors [list [--json] | retry|skip CONNECTOR PLANT STREAM [--by NAME] [--reason TEXT]]"

    static let details =
        "\n" + """
            hub erp-errors [list] [--json] [--config FILE]
                Postings parked because the ERP refused them for good: connector, plant/stream, feed position,
                event id and type, when, and the ERP's own message; then the latest operator decisions.
            hub erp-errors retry CONNECTOR PLANT STREAM [--by NAME] [--reason TEXT]
                Post the parked event again (after fixing master data in the ERP). The stream resumes there.
            hub erp-errors skip CONNECTOR PLANT STREAM --reason TEXT [--by NAME]
                Give up on the parked event for this connector and resume with the next one.
                Both record who (--by, default your user name), why and when.
            """

    static func run(_ arguments: [String], options: ParsedOptions, configPath: String) -> Int32 {
        let action = arguments.first ?? "list"
        let rest = Array(arguments.dropFirst())
        guard let configuration = loadConfiguration(configPath) else { return ExitCode.config }
        let directory = configuration.dataDirectory
        let storePath = directory.hasSuffix("/") ? directory + "hub.sqlite" : directory + "/hub.sqlite"
        guard FileManager.default.fileExists(atPath: storePath) else {
            writeError("plantsync hub erp-errors: no hub store at \(storePath); has the hub run with this data_dir?")
            return ExitCode.noInput
        }
        let now = Timestamp.now().millisecondsSinceEpoch
        do {
            switch action {
            case "list":
                guard rest.isEmpty else { return usageError("unexpected argument '\(rest[0])'") }
                return try list(storePath: storePath, json: options.has("--json"), now: now)
            case "retry", "skip":
                guard rest.count == 3 else { return usageError("\(action) needs CONNECTOR PLANT STREAM") }
                let reason = options.value("--reason") ?? ""
                if action == "skip" && reason.isEmpty {
                    return usageError("skip needs --reason TEXT (recorded with the decision)")
                }
                let by = options.value("--by") ?? ProcessInfo.processInfo.environment["USER"] ?? "unknown"
                let decision = try ERPErrors.decide(
                    action == "retry" ? .retry : .skip, storePath: storePath, connector: rest[0], plant: rest[1],
                    stream: rest[2], by: by, reason: reason, now: now)
                guard let decision else {
                    writeError("plantsync hub erp-errors: nothing is parked for \(rest[0]) on \(rest[1])/\(rest[2])")
                    return ExitCode.dataError
                }
                let what = decision.action == .retry ? "will be posted again" : "skipped; the stream resumes after it"
                print(
                    "\(decision.connector) \(decision.plant)/\(decision.stream): event \(decision.eventID) "
                        + "(position \(decision.position)) \(what); recorded as \(decision.action.rawValue) by "
                        + "\(decision.decidedBy)" + (reason.isEmpty ? "" : " (\(reason))"))
                return ExitCode.ok
            default:
                var message = "unknown action '\(action)'; expected list, retry or skip"
                if let near = CommandLineOptions.nearest(action, in: ["list", "retry", "skip"]) {
                    message += " (did you mean '\(near)'?)"
                }
                return usageError(message)
            }
        } catch {
            writeError("plantsync hub erp-errors: \(error)")
            return ExitCode.ioError
        }
    }

    private static func list(storePath: String, json: Bool, now: Int64) throws -> Int32 {
        let parked = try ERPErrors.parked(storePath: storePath, now: now)
        let decisions = try ERPErrors.decisions(storePath: storePath, limit: 20, now: now)
        if json {
            for posting in parked {
                let object: JSONValue = [
                    "connector": .string(posting.connector), "plant": .string(posting.plant),
                    "stream": .string(posting.stream), "position": .integer(posting.position),
                    "event_id": .string(posting.eventID), "event_type": .string(posting.eventType),
                    "message": .string(posting.message),
                    "parked_at": .string(Timestamp(millisecondsSinceEpoch: posting.parkedAt).description),
                ]
                print(object.description)
            }
            return ExitCode.ok
        }
        if parked.isEmpty {
            print("No parked ERP postings.")
        } else {
            print("Parked ERP postings (\(parked.count)):")
            for posting in parked {
                print(
                    "  \(posting.connector) \(posting.plant)/\(posting.stream) position \(posting.position) "
                        + "\(posting.eventID) (\(posting.eventType)) since "
                        + "\(Timestamp(millisecondsSinceEpoch: posting.parkedAt))")
                print("    \(posting.message)")
            }
            print("Resolve with: plantsync hub erp-errors retry|skip CONNECTOR PLANT STREAM --reason TEXT")
        }
        if !decisions.isEmpty {
            print("Recent decisions:")
            for decision in decisions {
                print(
                    "  \(Timestamp(millisecondsSinceEpoch: decision.decidedAt)) \(decision.action.rawValue) "
                        + "\(decision.connector) \(decision.plant)/\(decision.stream) \(decision.eventID) by "
                        + "\(decision.decidedBy)" + (decision.reason.isEmpty ? "" : ": \(decision.reason)"))
            }
        }
        return ExitCode.ok
    }

    private static func loadConfiguration(_ path: String) -> HubConfiguration? {
        switch HubConfiguration.load(path: path) {
        case .success(let configuration): return configuration
        case .failure(let errors):
            writeError(errors.description)
            return nil
        }
    }

    private static func usageError(_ message: String) -> Int32 {
        writeError(UsageError(command: "hub", message: "erp-errors: \(message)").description)
        return ExitCode.usage
    }
}

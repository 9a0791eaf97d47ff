import Foundation
import PlantAgent
import PlantConfig
import PlantJournal
import PlantModel

extension Command {
    /// `plantsync dead-letters list | retry ID | export FILE`.
    static let deadLetters = Command(
        name: "dead-letters",
        summary: "List, retry or export events the hub refused for good.",
        usage: "dead-letters list | retry ID | export FILE [--config FILE | --data-dir DIR] [--json] [--by NAME]",
        details: """
            list           the dead letters, newest first: id, stream, seq, type, when, why (--json: one JSON
                           object per line, with the event)
            retry ID       journal the event again at the end of its stream (new seq, same id) and remove it
                           from the dead letters; the hub never stored it, so it is sent once more. While the
                           agent runs this goes through its status endpoint; otherwise the journal is written
                           directly and the event is sent at the agent's next start. Recorded with --by
                           (default: your user name) and the time.
            export FILE    every dead letter as JSON Lines (with the event) into FILE, created with mode 0600;
                           "-" writes to standard output
            --config FILE  the agent configuration (default /etc/plantsync/agent.yaml); its data_dir is used
            --data-dir DIR the agent's data directory, instead of a configuration
            """,
        spec: OptionSpec(
            flags: ["--json"], valued: ["--config", "--data-dir", "--by"], positionals: 1...2,
            positionalNames: ["ACTION (list, retry or export)", "ID or FILE"]),
        run: { options in
            let action = options.positionals[0]
            let argument = options.positionals.count > 1 ? options.positionals[1] : nil
            switch action {
            case "list":
                if let argument {
                    throw UsageError(command: "dead-letters", message: "unexpected argument '\(argument)'")
                }
            case "retry", "export":
                guard argument != nil else {
                    throw UsageError(
                        command: "dead-letters", message: "\(action) needs \(action == "retry" ? "ID" : "FILE")")
                }
            default:
                var message = "unknown action '\(action)'; expected list, retry or export"
                if let near = CommandLineOptions.nearest(action, in: ["list", "retry", "export"]) {
                    message += " (did you mean '\(near)'?)"
                }
                throw UsageError(command: "dead-letters", message: message)
            }
            guard let dataDirectory = try DataDirectoryOption.resolve(options, command: "dead-letters") else {
                return ExitCode.config
            }
            switch action {
            case "list": return DeadLetterListing.list(dataDirectory: dataDirectory, json: options.has("--json"))
            case "export": return DeadLetterListing.export(dataDirectory: dataDirectory, to: argument!)
            default:
                let by = options.value("--by") ?? DataDirectoryOption.userName()
                do {
                    let (retry, route) = try DeadLetterOperations.retry(
                        dataDirectory: dataDirectory, id: argument!, by: by)
                    let via: String =
                        switch route {
                        case .agent(let address): "by the running agent (\(address)); it is being sent now"
                        case .journal: "in the journal (no agent running); it is sent when the agent starts"
                        }
                    print(
                        "retried \(retry.id): journaled again as seq \(retry.newSeq) of stream \(retry.stream) "
                            + "(it was seq \(retry.originalSeq), dead-lettered for: \(retry.reason)), \(via); "
                            + "recorded as retried by \(retry.requestedBy)")
                    return ExitCode.ok
                } catch let error as DeadLetterOperations.Failure {
                    writeError("plantsync dead-letters: \(error.description)")
                    return error.exitCode
                }
            }
        })
}

/// `--config FILE | --data-dir DIR`, as `status` takes them.
enum DataDirectoryOption {
    /// The data directory, or nil after printing the configuration's problems.
    static func resolve(_ options: ParsedOptions, command: String) throws -> String? {
        if options.value("--config") != nil && options.value("--data-dir") != nil {
            throw UsageError(command: command, message: "give --config or --data-dir, not both")
        }
        if let directory = options.value("--data-dir") { return directory }
        let path = options.value("--config") ?? "/etc/plantsync/agent.yaml"
        switch AgentConfigurationLoader.load(path: path) {
        case .success(let configuration): return configuration.dataDirectory
        case .failure(let errors):
            writeError(errors.description)
            return nil
        }
    }

    /// Who runs the command: `$SUDO_USER` through sudo, else the login name.
    static func userName() -> String {
        let environment = ProcessInfo.processInfo.environment
        if let user = environment["SUDO_USER"], !user.isEmpty { return user }
        if let entry = getpwuid(geteuid()), let name = entry.pointee.pw_name { return String(cString: name) }
        return "uid \(geteuid())"
    }
}

/// `dead-letters list` and `export`: read-only, agent running or not.
enum DeadLetterListing {
    static func list(dataDirectory: String, json: Bool) -> Int32 {
        let letters: [DeadLetter]
        do {
            letters = try reader(dataDirectory).allDeadLetters().reversed()
        } catch {
            return failed(error)
        }
        if json {
            for letter in letters { print(String(decoding: JSONWriter.encode(object(letter)), as: UTF8.self)) }
            return ExitCode.ok
        }
        guard !letters.isEmpty else {
            print("no dead letters: the hub accepted every event")
            return ExitCode.ok
        }
        let now = Timestamp.now().millisecondsSinceEpoch
        var rows = [["ID", "STREAM", "SEQ", "TYPE", "DEAD-LETTERED", "REASON"]]
        for letter in letters {
            rows.append([
                letter.id, letter.stream, String(letter.seq), letter.type,
                StatusFormat.age(milliseconds: max(0, now - letter.deadLetteredAt)) + " ago", letter.reason,
            ])
        }
        print(StatusFormat.table(rows).joined(separator: "\n"))
        print("\(letters.count) dead letter(s); retry one with: plantsync dead-letters retry ID")
        return ExitCode.ok
    }

    static func export(dataDirectory: String, to path: String) -> Int32 {
        let letters: [DeadLetter]
        do {
            letters = try reader(dataDirectory).allDeadLetters()
        } catch {
            return failed(error)
        }
        var bytes: [UInt8] = []
        for letter in letters {
            bytes += JSONWriter.encode(object(letter))
            bytes.append(0x0A)
        }
        if path == "-" {
            FileHandle.standardOutput.write(Data(bytes))
            return ExitCode.ok
        }
        // Events hold production data: the file is private, and an existing file is never replaced.
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            writeError("plantsync dead-letters: cannot create \(path): \(String(cString: strerror(errno)))")
            return ExitCode.ioError
        }
        let handle = FileHandle(fileDescriptor: fd, closeOnDealloc: true)
        do {
            try handle.write(contentsOf: Data(bytes))
            try handle.synchronize()
        } catch {
            writeError("plantsync dead-letters: cannot write \(path): \(error)")
            return ExitCode.ioError
        }
        print("exported \(letters.count) dead letter(s) to \(path)")
        return ExitCode.ok
    }

    private static func reader(_ dataDirectory: String) throws(JournalError) -> JournalStatusReader {
        try JournalStatusReader(path: AgentLayout.journalPath(dataDirectory: dataDirectory))
    }

    private static func failed(_ error: JournalError) -> Int32 {
        writeError("plantsync dead-letters: \(error)")
        if case .notFound = error { return ExitCode.noInput }
        return ExitCode.ioError
    }

    /// One dead letter with its event (the journaled canonical JSON, or its text if unreadable).
    static func object(_ letter: DeadLetter) -> JSONValue {
        let event: JSONValue =
            (try? JSONParser.parse(letter.body)) ?? .string(String(decoding: letter.body, as: UTF8.self))
        return .object([
            "id": .string(letter.id), "stream": .string(letter.stream), "seq": .integer(letter.seq),
            "type": .string(letter.type), "reason": .string(letter.reason),
            "occurred_at": .string(Timestamp(millisecondsSinceEpoch: letter.occurredAt).description),
            "journaled_at": .string(Timestamp(millisecondsSinceEpoch: letter.journaledAt).description),
            "dead_lettered_at": .string(Timestamp(millisecondsSinceEpoch: letter.deadLetteredAt).description),
            "event": event,
        ])
    }
}

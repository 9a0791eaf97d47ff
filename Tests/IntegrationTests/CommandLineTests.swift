import Foundation
import PlantJournal
import Testing

/// The `plantsync` binary as an operator uses it: help, usage errors, check-config, status.
@Suite("plantsync command line")
struct CommandLineTests {
    @Test func helpListsEveryCommand() throws {
        let run = try CommandRun.run(["help"])
        #expect(run.status == 0)
        for command in ["agent", "hub", "status", "check-config", "decode-scan", "version"] {
            #expect(run.stdout.contains("\n  \(command) "), "help does not list \(command)")
        }
        let perCommand = try CommandRun.run(["status", "--help"])
        #expect(perCommand.status == 0)
        #expect(perCommand.stdout.hasPrefix("Usage: plantsync status [--config FILE | --data-dir DIR] [--json]"))
    }

    @Test func versionPrintsTheVersion() throws {
        let run = try CommandRun.run(["version"])
        #expect(run.status == 0)
        #expect(run.stdout.hasPrefix("plantsync "))
    }

    @Test(arguments: [
        (["stauts"], "plantsync: unknown command 'stauts' (did you mean 'status'?)"),
        (["status", "--jsno"], "plantsync status: unknown option '--jsno' (did you mean '--json'?)"),
        (["status", "--data-dir"], "plantsync status: --data-dir needs a value"),
        (["check-config"], "plantsync check-config: missing FILE"),
        (["check-config", "a.yaml", "b.yaml"], "plantsync check-config: unexpected argument 'b.yaml'"),
        (["status", "--config", "a", "--data-dir", "b"], "plantsync status: give --config or --data-dir, not both"),
        (["version", "--json=1"], "plantsync version: unknown option '--json'"),
    ])
    func usageErrorsNameTheProblem(arguments: [String], message: String) throws {
        let run = try CommandRun.run(arguments)
        #expect(run.status == 64)
        #expect(run.stderr.hasPrefix(message), "stderr was: \(run.stderr)")
        #expect(run.stdout.isEmpty)
    }

    @Test func checkConfigReportsEveryProblemWithPositions() throws {
        try withTemporaryDirectory { directory in
            let path = directory + "/agent.yaml"
            try """
            plant: P100
            hub:
              url: http://hub.example:8443/
              tokn_file: /x
            inputs:
              - name: line3
                type: telemtry_tcp

            """.write(toFile: path, atomically: true, encoding: .utf8)
            let run = try CommandRun.run(["check-config", path])
            #expect(run.status == 78)
            let lines = run.stderr.split(separator: "\n").map(String.init)
            #expect(lines.count == 5, "stderr was: \(run.stderr)")
            #expect(lines.first == "\(path):2:1: hub: missing required key \"token_file\"")
            #expect(lines.contains { $0.hasPrefix("\(path):3:8: hub.url: plain http:// is refused") })
            #expect(
                lines.contains {
                    $0.hasPrefix("\(path):4:3: hub.tokn_file: unknown key \"tokn_file\"; did you mean \"token_file\"?")
                })
            #expect(
                lines.contains {
                    $0.hasPrefix(
                        "\(path):7:11: inputs[0].type: unknown input type \"telemtry_tcp\"; did you mean \"telemetry_tcp\"?"
                    )
                })
            #expect(lines.last == "\(path): 4 problems found")
        }
    }

    @Test func checkConfigAcceptsAValidFile() throws {
        try withTemporaryDirectory { directory in
            let token = directory + "/token"
            try "secret-token\n".write(toFile: token, atomically: true, encoding: .utf8)
            chmod(token, 0o600)
            let path = directory + "/agent.yaml"
            try """
            plant: P100
            data_dir: \(directory)/data
            hub:
              url: https://hub.example:8443/
              token_file: \(token)

            """.write(toFile: path, atomically: true, encoding: .utf8)
            let run = try CommandRun.run(["check-config", path])
            #expect(run.status == 0, "stderr was: \(run.stderr)")
            #expect(run.stdout == "\(path): OK (plant P100, 0 input(s), hub https://hub.example:8443/)\n")
            #expect(!run.stdout.contains("secret-token") && !run.stderr.contains("secret-token"))
        }
    }

    @Test func statusWithoutAJournalSaysSo() throws {
        try withTemporaryDirectory { directory in
            let run = try CommandRun.run(["status", "--data-dir", directory])
            #expect(run.status == 66)
            #expect(run.stderr.contains("journal.sqlite"))
        }
    }

    /// `status` reads the journal read-only while another process holds it open and writes.
    @Test func statusWhileAnotherProcessWrites() throws {
        try withTemporaryDirectory { directory in
            let journal = directory + "/journal.sqlite"
            try ChildProcess.run(
                try Binaries.path("plantsync-testkit"), ["journal-append-loop", "--db", journal, "--streams", "3"]
            ) { writer in
                // Wait until the writer has made real progress in every stream.
                var seen: Set<String> = []
                _ = try writer.waitForLine(timeout: .seconds(60)) { line in
                    let parts = line.split(separator: " ")
                    if parts.count >= 3, parts[0] == "ok", let seq = Int(parts[2]), seq >= 50 {
                        seen.insert(String(parts[1]))
                    }
                    return seen.count == 3
                }
                for _ in 0..<3 {
                    let text = try CommandRun.run(["status", "--data-dir", directory])
                    #expect(text.status == 0, "stderr was: \(text.stderr)")
                    #expect(text.stdout.contains("STREAM"))
                    let json = try CommandRun.run(["status", "--data-dir", directory, "--json"])
                    #expect(json.status == 0, "stderr was: \(json.stderr)")
                    let object = try #require(
                        try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
                    let streams = try #require(object["streams"] as? [[String: Any]])
                    #expect(streams.count == 3)
                    for stream in streams {
                        let lastSeq = try #require(stream["last_seq"] as? Int)
                        #expect(lastSeq >= 50)
                        #expect(stream["pending"] as? Int == lastSeq)  // nothing acknowledged: all pending
                    }
                }
            }
        }
    }

    @Test func decodeScanExitCodes() throws {
        let good = try CommandRun.run(["decode-scan", "--json", "]C10109501101530003<GS>10ABC123"])
        #expect(good.status == 0)
        #expect(good.stdout.contains("\"ai\": \"01\""))
        let bad = try CommandRun.run(["decode-scan", "]C10109501101530004"])
        #expect(bad.status == 65)
    }
}

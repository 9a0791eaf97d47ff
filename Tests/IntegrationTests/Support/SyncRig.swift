import Foundation
import PlantModel

#if canImport(Glibc)
    import Glibc
#endif

/// One hub and one agent set up as an operator would, in a temporary directory: a CA and the
/// hub's certificate made with `openssl`, plant tokens from `plantsync hub add-plant`, `hub.yaml`
/// and `agent.yaml` with three `file_drop` inputs — one per business stream:
///
///     inventory   inventory_movement        columns time,item,qty
///     production  production_confirmation   columns order,yield,start,end
///     quality     quality_hold              columns time,reason,item
///
/// Events get into the agent the way a user's would: CSV files renamed into the drop folders.
struct SyncRig {
    /// A plant the hub knows, with its bearer token and the token's SHA-256 (hex).
    struct Plant {
        let id: String
        let token: String
        let tokenSHA256: String
    }

    static let streams = ["inventory", "production", "quality"]

    let root: String
    let ca: CertificateAuthority
    let hubCertificate: IssuedCertificate

    var hubConfig: String { root + "/hub/hub.yaml" }
    var hubData: String { root + "/hub/data" }
    var agentConfig: String { root + "/agent/agent.yaml" }
    var agentData: String { root + "/agent/data" }
    var staging: String { root + "/staging" }
    func dropFolder(_ stream: String) -> String { root + "/drop/" + stream }

    /// Makes the directories, the CA and a hub certificate for 127.0.0.1 and localhost.
    init(root: String) throws {
        self.root = root
        for directory in ["pki", "hub", "agent", "staging"] + Self.streams.map({ "drop/" + $0 }) {
            try FileManager.default.createDirectory(
                atPath: root + "/" + directory, withIntermediateDirectories: true)
        }
        ca = try CertificateAuthority.make(name: "plantsync", in: root + "/pki")
        hubCertificate = try ca.issue(
            name: "hub", subjectAltNames: ["IP:127.0.0.1", "DNS:localhost"], in: root + "/pki")
    }

    /// A fresh token for `id` from `plantsync hub add-plant`.
    static func enrol(_ id: String) throws -> Plant {
        let run = try CommandRun.run(["hub", "add-plant", id])
        let lines = run.stdout.split(separator: "\n").map(String.init)
        guard run.status == 0, lines.count >= 2,
            let digestLine = lines.first(where: { $0.contains("token_sha256: ") })
        else { throw ChildProcess.Failure(description: "add-plant \(id): \(run.status) \(run.stdout) \(run.stderr)") }
        let digest = digestLine.components(separatedBy: "token_sha256: ")[1].trimmingCharacters(in: .whitespaces)
        return Plant(id: id, token: lines[1], tokenSHA256: digest)
    }

    /// Writes `hub.yaml`: TLS with `certificate` (default: the hub's), the plants given.
    func writeHubConfig(plants: [Plant], certificate: IssuedCertificate? = nil) throws {
        let certificate = certificate ?? hubCertificate
        var text = """
            listen: 127.0.0.1:0
            tls:
              cert_file: \(certificate.certificate)
              key_file: \(certificate.key)
            data_dir: \(hubData)
            durability: full
            plants:

            """
        for plant in plants { text += "  - id: \(plant.id)\n    token_sha256: \(plant.tokenSHA256)\n" }
        try text.write(toFile: hubConfig, atomically: true, encoding: .utf8)
    }

    /// Writes `agent.yaml` (and its token file, mode 0600) for plant `plant` sending to
    /// `https://127.0.0.1:port`, trusting `caFile` (default: the rig's CA).
    func writeAgentConfig(
        plant: String, token: String, hubPort: UInt16, caFile: String? = nil, maxBatchEvents: Int = 200
    ) throws {
        let tokenFile = root + "/agent/agent.token"
        try token.write(toFile: tokenFile, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: tokenFile)
        let text = """
            plant: \(plant)
            data_dir: \(agentData)
            durability: full
            log:
              level: info
            hub:
              url: https://127.0.0.1:\(hubPort)
              token_file: \(tokenFile)
              ca_file: \(caFile ?? ca.certificate)
              max_batch_events: \(maxBatchEvents)
              connect_timeout: 2s
              request_timeout: 10s
            status:
              listen: 127.0.0.1:0
            inputs:
              - name: inventory
                type: file_drop
                directory: \(dropFolder("inventory"))
                event: inventory_movement
                settle_time: 0s
                poll_interval: 200ms
                columns:
                  occurred_at: time
                  kind: "=receipt"
                  plant: "=\(plant)"
                  item: item
                  quantity: qty
                  unit: "=PCE"
                  to_location: "=WE01"
              - name: production
                type: file_drop
                directory: \(dropFolder("production"))
                event: production_confirmation
                default_unit: PCE
                settle_time: 0s
                poll_interval: 200ms
                columns:
                  plant: "=\(plant)"
                  line: "=L3"
                  order: order
                  operation: "=10"
                  yield: yield
                  window_start: start
                  window_end: end
              - name: quality
                type: file_drop
                directory: \(dropFolder("quality"))
                event: quality_hold
                settle_time: 0s
                poll_interval: 200ms
                columns:
                  occurred_at: time
                  plant: "=\(plant)"
                  reason: reason
                  item: item

            """
        try text.write(toFile: agentConfig, atomically: true, encoding: .utf8)
    }

    // MARK: Drops

    /// The business key each row carries, by which the checker recognises it at the hub:
    /// `item` for inventory and quality, `order` for production.
    static func keyField(_ stream: String) -> String { stream == "production" ? "order" : "item" }

    /// The key of the `number`-th row (1-based) ever dropped into `stream`.
    static func key(_ stream: String, _ number: Int) -> String {
        switch stream {
        case "inventory": "I-\(number)"
        case "production": "WO-\(number)"
        default: "Q-\(number)"
        }
    }

    /// Writes a CSV of rows `first ..< first + count` of `stream` into the staging folder as
    /// `name` and returns its path (not yet visible to the agent: see `drop`).
    func stageFile(stream: String, name: String, first: Int, count: Int) throws -> String {
        var text: String
        switch stream {
        case "inventory": text = "time,item,qty\n"
        case "production": text = "order,yield,start,end\n"
        default: text = "time,reason,item\n"
        }
        text.reserveCapacity(count * 48)
        for number in first..<(first + count) {
            let key = Self.key(stream, number)
            let minute = number / 60 % 60
            let second = number % 60
            let time = "2026-11-22T14:\(minute < 10 ? "0" : "")\(minute):\(second < 10 ? "0" : "")\(second)Z"
            switch stream {
            case "inventory": text += "\(time),\(key),\(number % 7 + 1)\n"
            case "production": text += "\(key),\(number % 9 + 1),2026-11-22T14:00:00Z,2026-11-22T14:15:00Z\n"
            default: text += "\(time),blocked for inspection \(number),\(key)\n"
            }
        }
        let path = staging + "/" + stream + "-" + name
        try text.write(toFile: path, atomically: false, encoding: .utf8)
        return path
    }

    /// Renames a staged file into `stream`'s drop folder as `name` (taken at once by the input).
    func drop(_ staged: String, stream: String, name: String) throws {
        guard rename(staged, dropFolder(stream) + "/" + name) == 0 else {
            throw ChildProcess.Failure(description: "rename \(staged): \(String(cString: strerror(errno)))")
        }
    }

    /// SHA-256 (hex) of each file, in one `openssl dgst` run: the digest in FileDrop's event ids.
    static func digests(_ paths: [String]) throws -> [String: String] {
        guard !paths.isEmpty else { return [:] }
        let run = try ExternalTool.succeed("openssl", ["dgst", "-sha256", "-r"] + paths)
        var digests: [String: String] = [:]
        for line in run.stdoutText.split(separator: "\n") {
            // "<hex> *<path>"
            let parts = line.split(separator: " ", maxSplits: 1)
            guard parts.count == 2 else { continue }
            digests[String(parts[1].drop(while: { $0 == "*" }))] = String(parts[0])
        }
        return digests
    }

    /// Files still waiting in `stream`'s drop folder (not yet archived or quarantined).
    func waitingFiles(_ stream: String) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dropFolder(stream))) ?? []
        return names.filter { $0.hasSuffix(".csv") }
    }

    // MARK: The agent's view

    /// `plantsync status --data-dir … --json`, parsed.
    func agentStatus() throws -> JSONValue {
        let run = try CommandRun.run(["status", "--data-dir", agentData, "--json"])
        guard run.status == 0 else {
            throw ChildProcess.Failure(description: "plantsync status: \(run.status) \(run.stderr)")
        }
        return try JSONParser.parse(Array(run.stdout.utf8))
    }

    /// Per stream of the agent's status: last journaled seq, acked through, pending.
    static func journalStreams(_ status: JSONValue) -> [String: (lastSeq: Int64, ackedThrough: Int64, pending: Int64)] {
        var streams: [String: (Int64, Int64, Int64)] = [:]
        for entry in status["streams"]?.arrayValue ?? [] {
            guard let name = entry["stream"]?.stringValue else { continue }
            streams[name] = (
                entry["last_seq"]?.int ?? -1, entry["acked_through"]?.int ?? -1, entry["pending"]?.int ?? -1
            )
        }
        return streams
    }
}

/// Polls `condition` until it holds or `timeout` passes (then fails with `what` and `detail()`).
func waitUntil(
    _ what: String, timeout: Duration, poll: Duration = .milliseconds(50), detail: () -> String = { "" },
    _ condition: () throws -> Bool
) throws {
    let deadline = ContinuousClock.now + timeout
    while try !condition() {
        guard ContinuousClock.now < deadline else {
            throw ChildProcess.Failure(description: "\(what): not reached within \(timeout). \(detail())")
        }
        Thread.sleep(forTimeInterval: Double(poll.components.attoseconds) / 1e18 + Double(poll.components.seconds))
    }
}

import Foundation
import PlantJournal
import PlantModel
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Issue 6 as an operator meets it, with the built binaries: the agent's status endpoint and page
/// (looked at in a real headless Chromium), `plantsync status` with the hub's state, a hub 401
/// in it, and a dead letter retried through the running agent.
@Suite("Operations", .serialized)
struct OperationsTests {
    @Test func theStatusEndpointPageAndCommandShowTheAgent() throws {
        let plant = try SyncRig.enrol("P100")
        try withTemporaryDirectory { root in
            try SyncPair.run(root: root, plants: [plant], plant: "P100", token: plant.token) { pair in
                try pair.dropInventory(name: "receipts-1.csv", count: 20)
                try pair.waitForInventory("20 acknowledged") { $0.ackedThrough == 20 }
                let address = try Self.statusAddress(pair.agent)

                let health = try LoopbackHTTP.get(address, "/healthz")
                #expect(health.status == 200 && health.text == "{\"status\":\"ok\"}\n")

                // /status: live, the hub reachable, every input, the stream drained.
                var live = JSONValue.null
                try waitUntil("live status shows the hub reachable", timeout: .seconds(15)) {
                    live = try LoopbackHTTP.get(address, "/status").json()
                    return live["hub"]?["reachability"]?.stringValue == "reachable"
                }
                #expect(live["source"]?.stringValue == "live")
                #expect(live["plant"]?.stringValue == "P100")
                #expect(live["hub"]?["url"]?.stringValue == "https://127.0.0.1:\(pair.hubPort)/")
                let inputs = live["inputs"]?.arrayValue?.compactMap { $0["name"]?.stringValue } ?? []
                #expect(inputs.sorted() == ["inventory", "production", "quality"], "\(live)")
                let inventory = live["streams"]?.arrayValue?.first { $0["stream"]?.stringValue == "inventory" }
                #expect(inventory?["acked_through"]?.int == 20)
                #expect(inventory?["eta_s"]?.int == 0)
                #expect(live["disk"]?["budget_bytes"]?.int == 4 << 30)

                // /metrics: the exposition's families are typed, counters end in _total.
                let metrics = try LoopbackHTTP.get(address, "/metrics").text
                #expect(metrics.contains("plantsync_stream_acknowledged_events_total{stream=\"inventory\"} 20\n"))
                #expect(metrics.contains("plantsync_hub_state{state=\"reachable\"} 1\n"))
                for line in metrics.split(separator: "\n") where line.hasPrefix("# TYPE ") {
                    let parts = line.split(separator: " ")
                    #expect(parts.count == 4 && (parts[3] == "counter") == parts[2].hasSuffix("_total"), "\(line)")
                    #expect(parts[3] == "counter" || parts[3] == "gauge", "\(line)")
                }

                try Self.lookAtThePageInABrowser(address: address, root: root)

                // plantsync status: the journal's figures plus the agent's state record.
                let text = try CommandRun.run(["status", "--data-dir", pair.rig.agentData])
                #expect(text.status == 0, "\(text.stderr)")
                #expect(text.stdout.hasPrefix("plant P100: agent running (pid "), "\(text.stdout)")
                #expect(text.stdout.contains("hub https://127.0.0.1:\(pair.hubPort)/: reachable since "))
                #expect(text.stdout.contains("\nINPUT "))
                #expect(text.stdout.contains("\ninventory   file_drop  connected "), "\(text.stdout)")

                // Secrets never appear in the log.
                #expect(!pair.agent.log.contains(plant.token))
                #expect(pair.agent.log.contains("component=status msg=listening"))
            }
            // After a clean stop, status says so.
            let stopped = try CommandRun.run(["status", "--data-dir", root + "/agent/data"])
            #expect(stopped.stdout.hasPrefix("plant P100: agent not running (stopped "), "\(stopped.stdout)")
        }
    }

    @Test func aRefusedTokenShowsAsAuthFailure() throws {
        let plant = try SyncRig.enrol("P100")
        try withTemporaryDirectory { root in
            try SyncPair.run(root: root, plants: [plant], plant: "P100", token: "not-the-token-4711") { pair in
                try pair.dropInventory(name: "receipts-1.csv", count: 5)
                var status = JSONValue.null
                try waitUntil("status shows the auth failure", timeout: .seconds(30), detail: { "\(status)" }) {
                    status = try pair.rig.agentStatus()
                    return status["hub"]?["reachability"]?.stringValue == "auth failure"
                }
                #expect(status["source"]?.stringValue == "journal")
                #expect(status["hub"]?["reason"]?.stringValue?.contains("401") == true, "\(status)")
                #expect(status["agent"]?["running"] == .bool(true))
                let inventory = status["streams"]?.arrayValue?.first { $0["stream"]?.stringValue == "inventory" }
                #expect(inventory?["pending"]?.int == 5)
                #expect(inventory?["state"]?.stringValue == "auth failure")
                #expect(inventory?["eta_s"]?.isNull == true)
                let text = try CommandRun.run(["status", "--data-dir", pair.rig.agentData]).stdout
                #expect(text.contains("/: auth failure since "), "\(text)")
                let metrics = try LoopbackHTTP.get(try Self.statusAddress(pair.agent), "/metrics").text
                #expect(metrics.contains("plantsync_hub_state{state=\"auth failure\"} 1\n"))
                #expect(!pair.agent.log.contains("not-the-token-4711"))
            }
        }
    }

    /// A dead letter (made here in the stopped agent's journal, as the forwarder makes them after a
    /// 422) is listed, exported, and retried through the running agent: journaled again under its
    /// id at a new seq and sent; the hub, which holds that content already, acknowledges it without
    /// a second copy.
    @Test func aDeadLetterIsRetriedThroughTheRunningAgent() throws {
        let plant = try SyncRig.enrol("P100")
        try withTemporaryDirectory { root in
            try SyncPair.run(root: root, plants: [plant], plant: "P100", token: plant.token) { pair in
                try pair.dropInventory(name: "receipts-1.csv", count: 5)
                try pair.waitForInventory("5 acknowledged") { $0.ackedThrough == 5 }
                try pair.agent.stop()

                let journal = try Journal.open(path: pair.rig.agentData + "/journal.sqlite")
                let third = try #require(try journal.pending(stream: "inventory", after: 2, limit: 1).first)
                let tombstone = try Event(
                    id: EventID.tombstone(ofID: try EventID(third.id)),
                    occurredAt: Timestamp(millisecondsSinceEpoch: third.occurredAt),
                    payload: .deadLettered(
                        DeadLetterTombstone(
                            originalSeq: 3, originalID: try EventID(third.id), originalType: third.type,
                            originalStream: "inventory", reason: "rejected by the hub (422): test")))
                try journal.deadLetter(
                    stream: "inventory", seq: 3, reason: "rejected by the hub (422): test",
                    tombstone: JournalRecord(
                        stream: "inventory", id: tombstone.id.rawValue, type: "dead_lettered",
                        occurredAt: third.occurredAt, body: tombstone.canonicalJSON()))
                journal.close()

                try pair.agent.start()
                let config = ["--data-dir", pair.rig.agentData]
                let list = try CommandRun.run(["dead-letters", "list"] + config)
                #expect(list.status == 0)
                #expect(list.stdout.contains("\n\(third.id)  inventory  3    inventory_movement  "), "\(list.stdout)")
                let export = root + "/dead.jsonl"
                let exported = try CommandRun.run(["dead-letters", "export", export] + config)
                #expect(exported.stdout == "exported 1 dead letter(s) to \(export)\n")
                let line = try String(contentsOfFile: export, encoding: .utf8)
                let object = try JSONParser.parse(Array(line.utf8))
                #expect(object["id"]?.stringValue == third.id)
                #expect(object["event"]?["id"]?.stringValue == third.id)
                #expect((try FileManager.default.attributesOfItem(atPath: export)[.posixPermissions] as? Int) == 0o600)
                let again = try CommandRun.run(["dead-letters", "export", export] + config)
                #expect(again.status == 74)  // never overwrites

                _ = try Self.statusAddress(pair.agent)
                let retry = try CommandRun.run(["dead-letters", "retry", third.id, "--by", "maria"] + config)
                #expect(retry.status == 0, "\(retry.stderr)")
                #expect(
                    retry.stdout.hasPrefix(
                        "retried \(third.id): journaled again as seq 6 of stream inventory (it was seq 3, "
                            + "dead-lettered for: rejected by the hub (422): test), by the running agent"),
                    "\(retry.stdout)")
                try pair.waitForInventory("the retried event acknowledged") { $0.ackedThrough == 6 }
                let hubStreams = try pair.reader(token: plant.token).streams(plant: "P100")
                #expect(hubStreams["inventory"]?.ackedThrough == 6)
                let ids = try pair.reader(token: plant.token).events(plant: "P100", stream: "inventory").map(\.id)
                #expect(ids.count == 5 && Set(ids).count == 5 && ids.contains(third.id), "\(ids)")
                let missing = try CommandRun.run(["dead-letters", "retry", third.id] + config)
                #expect(missing.status == 66)
                #expect(missing.stderr.contains("no dead letter with id \"\(third.id)\""), "\(missing.stderr)")
                #expect(pair.agent.currentLog.contains("msg=\"dead letter journaled again\""))
            }
        }
    }

    // MARK: Helpers

    /// The status endpoint's address from the agent's log line.
    static func statusAddress(_ agent: ServiceProcess) throws -> String {
        let line = try agent.waitForLog(timeout: .seconds(15)) { $0.contains("component=status msg=listening") }
        return String(try #require(line.components(separatedBy: "address=").last))
    }

    /// Chromium renders `/`: a screenshot is taken and the DOM's text checked. Skipped (with a
    /// printed reason) where no browser is installed.
    static func lookAtThePageInABrowser(address: String, root: String) throws {
        let candidates = ["chromium", "chromium-browser", "google-chrome"]
        guard let browser = candidates.first(where: { (try? ExternalTool.locate($0)) != nil }) else {
            print("OperationsTests: SKIPPED the browser check: no chromium (apt-get install chromium)")
            return
        }
        let url = "http://\(address)/"
        let flags = ["--headless=new", "--no-sandbox", "--disable-gpu", "--user-data-dir=\(root)/chromium"]
        let screenshot = root + "/status-page.png"
        _ = try ExternalTool.run(
            browser, flags + ["--screenshot=\(screenshot)", "--window-size=1200,900", url], timeout: .seconds(90))
        let png = try [UInt8](Data(contentsOf: URL(fileURLWithPath: screenshot)))
        #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47]), "not a PNG")
        #expect(png.count > 20_000, "screenshot of \(png.count) bytes: blank page?")
        if let keep = ProcessInfo.processInfo.environment["PLANTSYNC_KEEP_SCREENSHOT"] {
            try? FileManager.default.removeItem(atPath: keep)
            try FileManager.default.copyItem(atPath: screenshot, toPath: keep)
        }
        let dom = try ExternalTool.run(browser, flags + ["--dump-dom", url], timeout: .seconds(90)).stdoutText
        for text in [
            "PlantSync agent · plant P100", "Backlog, last 24 hours", "<svg", "reachable", ">inventory<",
            ">production<", ">quality<", ">file_drop<", "Dead letters (0)",
        ] {
            #expect(dom.contains(text), "the page has no \(text)")
        }
    }
}

/// Plain HTTP/1.1 GET over loopback (the status endpoint), with raw sockets: the test target links
/// no HTTP library.
enum LoopbackHTTP {
    struct Response {
        let status: Int
        let body: [UInt8]
        var text: String { String(decoding: body, as: UTF8.self) }
        func json() throws -> JSONValue { try JSONParser.parse(body) }
    }

    static func get(_ address: String, _ path: String) throws -> Response {
        let parts = address.split(separator: ":")
        guard parts.count == 2, let port = UInt16(parts[1]) else {
            throw ChildProcess.Failure(description: "bad address \(address)")
        }
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw ChildProcess.Failure(description: "socket: \(errno)") }
        defer { close(fd) }
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var socketAddress = sockaddr_in()
        socketAddress.sin_family = sa_family_t(AF_INET)
        socketAddress.sin_port = port.bigEndian
        socketAddress.sin_addr.s_addr = inet_addr(String(parts[0]))
        let connected = withUnsafePointer(to: &socketAddress) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else { throw ChildProcess.Failure(description: "connect \(address): errno \(errno)") }
        let request = Array("GET \(path) HTTP/1.1\r\nHost: \(address)\r\nConnection: close\r\n\r\n".utf8)
        _ = request.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, 0) }
        var received: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count <= 0 { break }
            received += chunk[..<count]
        }
        let response = try HubReadClient.parse(received, what: "GET \(address)\(path)")
        return Response(status: response.status, body: response.body)
    }
}

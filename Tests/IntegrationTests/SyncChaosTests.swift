import Foundation
import PlantModel
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Issue 3's end-to-end proof: a real agent and a real hub over TLS (CA and certificates made at
/// test time), 50,000 events dropped as CSV files into three `file_drop` inputs (three streams),
/// while the hub and the agent are each killed with SIGKILL and restarted 5 times at random
/// moments, and a fault proxy between them cuts connections mid-request and after the hub
/// answered (the hub committed, the 200 is lost). At the end the hub holds every event exactly
/// once, in order per stream, with no gap, and each stream's `acked_through` equals the agent's.
@Suite(.serialized) struct SyncChaosTests {
    private enum Victim: String { case hub, agent }

    private static let rowsPerFile = 500
    /// 50 + 30 + 20 files of 500 rows: 50,000 events.
    private static let files = ["inventory": 50, "production": 30, "quality": 20]
    /// Drops are interleaved in this proportion (5 : 3 : 2).
    private static let dropRound = [
        "inventory", "production", "inventory", "quality", "inventory", "production", "inventory", "quality",
        "inventory", "production",
    ]

    @Test(.timeLimit(.minutes(6))) func everyEventArrivesExactlyOnceInOrderThroughKillsAndCutConnections() throws {
        let seed = UInt64.random(in: 1...UInt64.max)
        var random = SeededGenerator(seed: seed)
        let started = ContinuousClock.now
        try withTemporaryDirectory { root in
            let rig = try SyncRig(root: root)
            let plant = try SyncRig.enrol("P100")
            try rig.writeHubConfig(plants: [plant])
            // Every 20th request is cut after part of it; every 15th answer is lost after the hub sent it.
            let proxy = try FaultProxy(
                plan: .init(cutRequestEvery: 20, cutRequestPhase: 7, loseResponseEvery: 15, loseResponsePhase: 4))
            defer { proxy.stop() }
            let hub = ServiceProcess.hub(config: rig.hubConfig)
            proxy.setUpstream(port: try ServiceProcess.listeningPort(try hub.start()))
            try rig.writeAgentConfig(plant: plant.id, token: plant.token, hubPort: proxy.port)
            let agent = ServiceProcess.agent(config: rig.agentConfig)
            try agent.start()
            let context = { "seed \(seed); proxy: \(proxy.counters)\nhub log:\n\(hub.log)\nagent log:\n\(agent.log)" }

            // Every file is staged (and digested, for the expected ids) before the first drop.
            var drops: [(stream: String, name: String, path: String)] = []
            var dropped = ["inventory": 0, "production": 0, "quality": 0]
            while drops.count < Self.files.values.reduce(0, +) {
                for stream in Self.dropRound where dropped[stream]! < Self.files[stream]! {
                    let index = dropped[stream]!
                    let name = String(format: "drop-%04d.csv", index)
                    let path = try rig.stageFile(
                        stream: stream, name: name, first: index * Self.rowsPerFile + 1, count: Self.rowsPerFile)
                    drops.append((stream, name, path))
                    dropped[stream] = index + 1
                }
            }
            let digests = try SyncRig.digests(drops.map(\.path))

            // Kills at random points of the proxy's answer count: progress, not time, decides.
            // 50,000 events in batches of at most 200 need at least 250 answers, so all are reached.
            var victims: [Victim] = Array(repeating: .hub, count: 5) + Array(repeating: .agent, count: 5)
            victims.shuffle(using: &random)
            var thresholds = Set<Int>()
            while thresholds.count < victims.count { thresholds.insert(Int.random(in: 8...230, using: &random)) }
            var kills = Array(zip(thresholds.sorted(), victims))

            // Drop the next file while the forwarder is less than ~4 files behind, so capture,
            // forwarding and the kills overlap for the whole run.
            var next = 0
            try waitUntil(
                "all files dropped and all kills done", timeout: .seconds(240), poll: .milliseconds(20), detail: context
            ) {
                let answers = proxy.counters.answers
                while next < drops.count, Double(answers) >= Double(next - 4) * 2.5 {
                    try rig.drop(drops[next].path, stream: drops[next].stream, name: drops[next].name)
                    next += 1
                }
                if let (threshold, victim) = kills.first, answers >= threshold {
                    kills.removeFirst()
                    switch victim {
                    case .hub:
                        try hub.kill()
                        proxy.setUpstream(port: nil)
                        proxy.setUpstream(port: try ServiceProcess.listeningPort(try hub.start()))
                    case .agent:
                        try agent.kill()
                        try agent.start()
                    }
                }
                return next == drops.count && kills.isEmpty
            }

            // Everything journaled and acknowledged, as the agent's own status tells.
            var status = JSONValue.null
            try waitUntil(
                "the agent reports every event acknowledged", timeout: .seconds(240), poll: .milliseconds(250),
                detail: {
                    "status: \(status)\n" + context()
                }
            ) {
                status = try rig.agentStatus()
                let streams = SyncRig.journalStreams(status)
                return Self.files.allSatisfy { stream, count in
                    let expected = Int64(count * Self.rowsPerFile)
                    return streams[stream]?.lastSeq == expected && streams[stream]?.ackedThrough == expected
                        && streams[stream]?.pending == 0
                }
            }
            #expect(hub.starts == 6, "hub starts: \(hub.starts)")
            #expect(agent.starts == 6, "agent starts: \(agent.starts)")
            let faults = proxy.counters
            #expect(faults.cutMidRequest >= 5, "too few requests cut: \(faults)")
            #expect(faults.lostResponses >= 5, "too few responses lost: \(faults)")
            #expect(status["dead_letters"]?.int == 0 && status["quarantined"]?.int == 0, "\(status)")
            let epoch = try #require(status["epoch"]?.stringValue)
            let agentStreams = SyncRig.journalStreams(status)

            // The hub's view, read through its API like an operator would.
            let hubPort = try ServiceProcess.listeningPort(
                try hub.waitForLog(timeout: .seconds(1)) {
                    $0.contains("hub listening")
                })
            let reader = HubReadClient(port: hubPort, caFile: rig.ca.certificate, token: plant.token)
            let hubStreams = try reader.streams(plant: plant.id)
            for (stream, count) in Self.files.sorted(by: { $0.key < $1.key }) {
                let expected = Int64(count * Self.rowsPerFile)
                #expect(hubStreams[stream]?.ackedThrough == expected, "hub acked_through of \(stream)")
                #expect(hubStreams[stream]?.ackedThrough == agentStreams[stream]?.ackedThrough, "\(stream)")
                #expect(hubStreams[stream]?.epoch == epoch, "\(stream)")
                let events = try reader.events(plant: plant.id, stream: stream)
                try checkFeed(events, stream: stream, epoch: epoch, drops: drops, digests: digests)
            }
            #expect(!agent.log.contains("sequence_conflict"), "\(agent.log)")
            try agent.stop()
            try hub.stop()
            let seconds = Double((ContinuousClock.now - started).components.seconds)
            print("SyncChaosTests: 50,000 events, \(faults), \(seconds) s, seed \(seed)")
        }
    }

    /// The feed of `stream` is exactly the rows dropped into it: every one once, in drop order,
    /// positions and seqs 1…n without a gap, ids `file/<input>/<file digest>/<row>`.
    private func checkFeed(
        _ events: [HubReadClient.FeedEvent], stream: String, epoch: String,
        drops: [(stream: String, name: String, path: String)], digests: [String: String]
    ) throws {
        let files = drops.filter { $0.stream == stream }
        let expectedCount = files.count * Self.rowsPerFile
        #expect(
            events.count == expectedCount, "\(stream): \(events.count) events at the hub, expected \(expectedCount)")
        var mismatches: [String] = []
        for (index, event) in events.prefix(expectedCount).enumerated() {
            let number = index + 1
            let file = files[index / Self.rowsPerFile]
            let digest = try #require(digests[file.path], "no digest for \(file.path)")
            let expectedID = "file/\(stream)/\(digest)/\(index % Self.rowsPerFile + 1)"
            let key = event.data[SyncRig.keyField(stream)]?.stringValue
            if event.position != Int64(number) || event.seq != Int64(number) || event.epoch != epoch
                || event.id != expectedID || key != SyncRig.key(stream, number)
            {
                mismatches.append(
                    "#\(number): position \(event.position) seq \(event.seq) id \(event.id) key \(key ?? "nil"); "
                        + "expected id \(expectedID) key \(SyncRig.key(stream, number))")
                if mismatches.count == 5 { break }
            }
        }
        #expect(mismatches.isEmpty, "\(stream): \(mismatches.joined(separator: "\n"))")
        #expect(Set(events.map(\.id)).count == events.count, "\(stream): a duplicate id at the hub")
    }
}

import Foundation
import PlantForward
import PlantJournal
import PlantNet
import Testing

/// Throughput and latency figures against the in-process hub double over TLS on loopback.
/// Skipped unless PLANTSYNC_BENCH=1 (they take a while and print figures; they assert only
/// that everything arrived, in order — never a speed, on this shared box).
@Suite(.enabled(if: ProcessInfo.processInfo.environment["PLANTSYNC_BENCH"] == "1"))
struct ForwarderBenchmarkTests {
    static let padding = 48  // ≈150-byte events

    @Test func drainOverTLS() throws {
        let count = Int(ProcessInfo.processInfo.environment["PLANTSYNC_BENCH_EVENTS"] ?? "") ?? 300_000
        let certificates = try TestCertificates()
        defer { certificates.remove() }
        let journal = try TestJournal()
        defer { journal.close() }
        let appendStart = ContinuousClock.now
        var appended = 0
        while appended < count {
            let chunk = min(5_000, count - appended)
            try journal.append("production", (appended + 1)...(appended + chunk), padding: Self.padding)
            appended += chunk
        }
        let appendTime = appendStart.duration(to: .now)
        let sample = try journal.journal.pending(stream: "production", after: 0, limit: 1).first!.body.count

        let tls = try TLSServerContext(certFile: certificates.serverCertFile, keyFile: certificates.serverKeyFile)
        let hub = try TestHub(tls: tls, fast: true)
        defer { hub.stop() }
        var settings = testSettings("https://127.0.0.1:\(hub.port)")
        settings.caFile = certificates.caFile
        settings.catchUpEventsPerSecond = nil
        if let events = ProcessInfo.processInfo.environment["PLANTSYNC_BENCH_BATCH"].flatMap(Int.init) {
            settings.maxBatchEvents = events
        }
        let forwarder = try Forwarder(journal: journal.journal, settings: settings)
        let start = ContinuousClock.now
        try forwarder.start()
        defer { forwarder.stop(deadline: .now + .seconds(5)) }
        #expect(hub.waitForStored("production", count: count, timeout: 300))
        let drain = start.duration(to: .now)
        #expect(hub.stored("production").map(\.seq) == Array(1...Int64(count)))
        #expect(try eventually(timeout: .seconds(30)) { try journal.acknowledgedSeq("production") == Int64(count) })
        let requests = hub.requests("production")
        print(
            """
            BENCH drain: \(count) events of \(sample) bytes over TLS in \(drain) = \
            \(Int(Double(count) / drain.inSeconds)) events/s; \(requests.count) batches of \
            ≤\(settings.maxBatchEvents) events; (journal append of the backlog took \(appendTime))
            """)
    }

    @Test func latencyAtFiveThousandEventsPerSecond() throws {
        let certificates = try TestCertificates()
        defer { certificates.remove() }
        let journal = try TestJournal(durability: .full)
        defer { journal.close() }
        let tls = try TLSServerContext(certFile: certificates.serverCertFile, keyFile: certificates.serverKeyFile)
        let hub = try TestHub(tls: tls, fast: true)
        defer { hub.stop() }
        var settings = testSettings("https://127.0.0.1:\(hub.port)")
        settings.caFile = certificates.caFile
        let forwarder = try Forwarder(journal: journal.journal, settings: settings)
        try forwarder.start()
        defer { forwarder.stop(deadline: .now + .seconds(5)) }

        // 25 events every 5 ms for 4 s = 5,000 events/s; each group's capture time is taken just
        // before its append (so the journal commit is part of the latency).
        let groups = 800
        var captured: [ContinuousClock.Instant] = []
        var committed: [ContinuousClock.Instant] = []
        let begin = ContinuousClock.now
        for group in 0..<groups {
            let due = begin + .milliseconds(5 * group)
            while ContinuousClock.now < due { usleep(200) }
            captured.append(.now)
            let first = group * 25 + 1
            let outcomes = try journal.append("production", first...(first + 24), padding: Self.padding)
            committed.append(.now)
            forwarder.wake(stream: "production", journaledThrough: outcomes.last?.seq)
        }
        #expect(hub.waitForStored("production", count: groups * 25, timeout: 60))
        var arrival: [Int64: ContinuousClock.Instant] = [:]
        for request in hub.requests("production") {
            for seq in request.seqs where arrival[seq] == nil { arrival[seq] = request.at }
        }
        var latencies: [Double] = []
        var forwarding: [Double] = []
        for group in 0..<groups {
            let last = Int64(group * 25 + 25)
            latencies.append(captured[group].duration(to: arrival[last]!).inSeconds * 1_000)
            forwarding.append(committed[group].duration(to: arrival[last]!).inSeconds * 1_000)
        }
        latencies.sort()
        forwarding.sort()
        let p50 = latencies[latencies.count / 2]
        let p99 = latencies[latencies.count * 99 / 100]
        let forwardP99 = forwarding[forwarding.count * 99 / 100]
        print(
            """
            BENCH latency at 5,000 events/s (TLS, durability full): capture→hub p50 \
            \(String(format: "%.1f", p50)) ms, p99 \(String(format: "%.1f", p99)) ms, \
            max \(String(format: "%.1f", latencies.last!)) ms over \(groups) groups; \
            commit→hub p50 \(String(format: "%.1f", forwarding[forwarding.count / 2])) ms, \
            p99 \(String(format: "%.1f", forwardP99)) ms; \(hub.requests("production").count) batches
            """)
    }
}

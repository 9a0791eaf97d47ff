import Foundation
import PlantHub
import PlantModel
import PlantNet
import Testing

/// Hub CPU per event by stage (decode, rules, store at durability full) and end to end through the real `Hub`
/// over loopback plain HTTP, 1,000-event batches. Skipped unless PLANTSYNC_BENCH=1; run in release:
///
///     PLANTSYNC_BENCH=1 swift test -c release --filter HubIngestBenchmark
///
/// Prints CPU time (getrusage) and wall time; asserts only that every batch was decoded and stored exactly —
/// never a speed, on this shared box.
@Suite("HubIngestBenchmark", .enabled(if: ProcessInfo.processInfo.environment["PLANTSYNC_BENCH"] == "1"), .serialized)
struct HubIngestBenchmarkTests {
    static let batchSize = 1_000
    static let base = Timestamp(millisecondsSinceEpoch: 1_795_356_000_000)

    /// Downtimes (≈250 bytes) or scans: inventory movements and quality holds (≈150-200 bytes).
    static func event(_ seq: Int64, scans: Bool) -> [UInt8] {
        let at = base.adding(milliseconds: seq * 1_000)
        let event: Event
        if !scans {
            event = try! Event(
                id: EventID.downtime(plant: "P100", line: "L3", start: at), occurredAt: at,
                payload: .downtime(
                    Downtime(
                        plant: "P100", line: "L3", reason: "no_material", start: at,
                        end: at.adding(milliseconds: 30_000))))
        } else if seq % 2 == 0 {
            event = try! Event(
                id: EventID.scan(station: "GI-02", sequence: seq), occurredAt: at,
                payload: .inventoryMovement(
                    InventoryMovement(
                        kind: .issue, plant: "P100", item: "MAT-100200", quantity: DecimalNumber(Int(seq % 50 + 1)),
                        unit: "PCE", fromLocation: "A-01-02")))
        } else {
            event = try! Event(
                id: EventID.scan(station: "QA-1", sequence: seq), occurredAt: at,
                payload: .qualityHold(QualityHold(plant: "P100", lot: "L2026-11", reason: "QN-42 visual")))
        }
        return event.canonicalJSON()
    }

    static func body(stream: String, batch: Int, scans: Bool) -> [UInt8] {
        let first = Int64(batch * batchSize + 1)
        var encoder = BatchEncoder(
            plant: "P100", stream: stream, epoch: "e1", firstSeq: first,
            backlog: [stream: StreamBacklog(pending: 5_000, oldestAgeSeconds: 60)], capacity: 300 * batchSize)
        for k in 0..<Int64(batchSize) {
            try! encoder.append(seq: first + k, canonicalEvent: event(first + k, scans: scans))
        }
        return encoder.finish()
    }

    static func processCPU() -> Double { cpu(RUSAGE_SELF.rawValue) }
    static func threadCPU() -> Double { cpu(__rusage_who_t(1)) }  // RUSAGE_THREAD

    static func cpu(_ who: __rusage_who_t) -> Double {
        var usage = rusage()
        getrusage(who, &usage)
        return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
            + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
    }

    static func format(_ value: Double) -> String { String(format: "%.2f", value) }

    @Test(arguments: [false, true])
    func cpuPerEventByStage(scans: Bool) throws {
        let batches = 20
        let bodies = (0..<batches).map { Self.body(stream: "production", batch: $0, scans: scans) }
        // A leading space is valid JSON but not BatchEncoder's shape: the full decoder, as before the fast path.
        let fullBodies = bodies.map { [UInt8(ascii: " ")] + $0 }
        let count = Double(batches * Self.batchSize)
        let bytes = Double(bodies.map(\.count).reduce(0, +)) / count

        var start = Self.processCPU()
        let decoded = try bodies.map { try BatchRequest.decode($0) }
        let decodeCPU = Self.processCPU() - start
        start = Self.processCPU()
        let rules = EventRules()
        let rejections = decoded.map { rules.rejections($0) }
        let rulesCPU = Self.processCPU() - start

        start = Self.processCPU()
        let full = try fullBodies.map { try BatchRequest.decode($0) }
        let fullDecodeCPU = Self.processCPU() - start
        start = Self.processCPU()
        let fullRejections = full.map { batch in
            batch.events.compactMap { event -> String? in (try? event.decodeEvent()) == nil ? event.id.rawValue : nil }
        }
        let fullRulesCPU = Self.processCPU() - start
        #expect(decoded == full)
        #expect(rejections.map(\.count) == Array(repeating: 0, count: batches))
        #expect(fullRejections.map(\.count) == Array(repeating: 0, count: batches))

        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try HubStore(path: directory.file("hub.sqlite"), durability: .full, now: 0)
        let checked = decoded.map { batch in
            CheckedBatch(
                batch: IncomingBatch(
                    plant: batch.plant, stream: batch.stream, epoch: batch.epoch, firstSeq: batch.firstSeq,
                    events: batch.events.map {
                        IncomingEvent(
                            seq: $0.seq, id: $0.id.rawValue, type: $0.type,
                            occurredAt: $0.occurredAt.millisecondsSinceEpoch, canonical: $0.canonical)
                    }))
        }
        start = Self.processCPU()
        let wallStart = ContinuousClock.now
        let outcomes = checked.map { store.commit($0, now: 1) }
        let storeWall = wallStart.duration(to: .now)
        let storeCPU = Self.processCPU() - start
        #expect(
            outcomes.map { try? $0.get() }
                == (1...batches).map { .accepted(ackedThrough: Int64($0 * Self.batchSize)) })
        print(
            """
            BENCH hub stages (\(scans ? "scans" : "downtimes"), \(Int(bytes)) bytes per event, CPU µs per event): \
            decode \(Self.format(decodeCPU / count * 1e6)), rules \(Self.format(rulesCPU / count * 1e6)), \
            store \(Self.format(storeCPU / count * 1e6)) (wall \(Self.format(storeWall.seconds / count * 1e6))); \
            full decoder: decode \(Self.format(fullDecodeCPU / count * 1e6)), rules \
            \(Self.format(fullRulesCPU / count * 1e6))
            """)
    }

    @Test(arguments: [false, true])
    func endToEndOverLoopback(scans: Bool) throws {
        let streams = 2
        let batches = Int(ProcessInfo.processInfo.environment["PLANTSYNC_BENCH_BATCHES"] ?? "") ?? 100
        let fixture = try HubFixture()
        let bodies = (0..<streams).map { s in (0..<batches).map { Self.body(stream: "s\(s)", batch: $0, scans: scans) }
        }
        let token = fixture.plants["P100"]!
        let port = fixture.hub!.port
        let processStart = Self.processCPU()
        let start = ContinuousClock.now
        let threads = (0..<streams).map { s in
            Background { () -> (replies: [String], cpu: Double) in
                let mine = Self.threadCPU()
                guard let client = try? HTTPClientFactory.plain(port: port) else { return ([], 0) }
                var replies: [String] = []
                for body in bodies[s] {
                    let request = HTTPRequest(
                        method: "POST", target: "/v1/batches", headers: ["Authorization": "Bearer \(token)"], body: body
                    )
                    replies.append((try? client.send(request))?.bodyText ?? "no answer")
                }
                return (replies, Self.threadCPU() - mine)
            }
        }
        let results = threads.map { $0.wait() }
        let wall = start.duration(to: .now)
        let processCPU = Self.processCPU() - processStart
        let count = Double(streams * batches * Self.batchSize)
        let expected = (1...batches).map { "{\"acked_through\":\($0 * Self.batchSize)}\n" }
        #expect(results.map(\.replies) == Array(repeating: expected, count: streams))
        let hubCPU = processCPU - results.map(\.cpu).reduce(0, +)
        print(
            """
            BENCH hub end to end (\(scans ? "scans" : "downtimes"), \(streams) streams × \(batches) batches of \
            \(Self.batchSize), plain HTTP on loopback, durability full): \(Int(count / wall.seconds)) events/s wall; \
            hub CPU \(Self.format(hubCPU / count * 1e6)) µs per event = \(Int(count / hubCPU)) events per CPU-second \
            (process \(Self.format(processCPU / count * 1e6)), client threads \
            \(Self.format((processCPU - hubCPU) / count * 1e6)))
            """)
    }
}

extension Duration {
    fileprivate var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}

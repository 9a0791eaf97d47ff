import Foundation
import PlantConfig
import PlantHub
import PlantModel
import PlantNet
import Testing

@Suite(.serialized) struct ERPWebhookTests {
    @Test func everyEventArrivesOnceInOrderThroughFailuresRestartsAndAParkedRefusal() throws {
        let clock = TestClock(HubFixture.start)
        let receiver = try WebhookReceiver(clock: clock)
        defer { receiver.kill() }
        let fixture = try ERPHubFixture(connectors: [ERPHubFixture.webhook(port: receiver.listeningPort)])
        fixture.clock.set(clock.now)
        let p100 = (1...40).map { ERPEvents.id("P100", $0) }
        let p200 = (1...40).map { ERPEvents.id("P200", $0) }
        receiver.state.withLock { state in
            state.schedule[p100[2]] = [500, 429, 500]
            state.schedule[p200[5]] = [429]
            state.schedule[p100[9]] = [408]
            state.refuse = [ERPEvents.id("P100", 101)]
        }
        // P100/quality: one event the ERP refuses for good, between two good ones.
        try fixture.send(
            WireBatch(
                plant: "P100", stream: "quality", firstSeq: 1,
                events: [
                    ERPEvents.downtime("P100", 100), ERPEvents.downtime("P100", 101), ERPEvents.downtime("P100", 102),
                ]))
        try fixture.send(WireBatch(plant: "P100", firstSeq: 1, events: (1...20).map { ERPEvents.downtime("P100", $0) }))
        try fixture.send(WireBatch(plant: "P200", firstSeq: 1, events: (1...20).map { ERPEvents.downtime("P200", $0) }))
        #expect(waitUntil { receiver.accepted("P100", "production").count >= 10 })

        // The receiver crashes mid-delivery and comes back on the same port.
        receiver.kill()
        try fixture.send(
            WireBatch(plant: "P100", firstSeq: 21, events: (21...40).map { ERPEvents.downtime("P100", $0) }))
        try fixture.send(
            WireBatch(plant: "P200", firstSeq: 21, events: (21...40).map { ERPEvents.downtime("P200", $0) }))
        #expect(waitUntil { fixture.log.all.contains { $0.contains("erp posting failed, will retry") } })
        try receiver.start()

        #expect(
            waitUntil(timeout: .seconds(20)) {
                receiver.accepted("P100", "production").count == 40
                    && receiver.accepted("P200", "production").count == 40
            })
        #expect(receiver.accepted("P100", "production") == p100)
        #expect(receiver.accepted("P200", "production") == p200)
        #expect(receiver.state.withLock { $0.badSignatures } == [])

        // The refused event holds only its own stream.
        #expect(waitUntil { (try? ERPErrors.parked(storePath: fixture.storePath, now: 0).count) == 1 })
        let parked = try #require(try ERPErrors.parked(storePath: fixture.storePath, now: 0).first)
        #expect(parked.connector == "erp-hook")
        #expect(parked.plant == "P100")
        #expect(parked.stream == "quality")
        #expect(parked.position == 2)
        #expect(parked.eventID == ERPEvents.id("P100", 101))
        #expect(parked.eventType == "downtime")
        #expect(parked.message == #"HTTP 422: {"error":"unknown material MAT-9 in plant P100"}"#)
        #expect(receiver.accepted("P100", "quality") == [ERPEvents.id("P100", 100)])

        // Shown in /metrics and on the status page.
        let metrics = try fixture.request("GET", "/metrics", token: nil).bodyText
        #expect(
            metrics.contains(
                #"plantsync_hub_erp_parked{connector="erp-hook",plant="P100",stream="quality",event_id="\#(parked.eventID)"} 1"#
            ))
        #expect(
            metrics.contains(
                #"plantsync_hub_erp_delivered_events_total{connector="erp-hook",plant="P200",stream="production"} 40"#))
        #expect(
            metrics.contains(#"plantsync_hub_erp_pending_events{connector="erp-hook",plant="P100",stream="quality"} 2"#)
        )
        let page = try fixture.request("GET", "/", token: nil).bodyText
        #expect(
            page.contains(
                "parked at 2 (\(parked.eventID)): HTTP 422: {&quot;error&quot;:&quot;unknown material MAT-9 in plant P100&quot;}"
            ))

        // retry while the master data is still missing: parked again, same message.
        let requestsBeforeRetry = receiver.state.withLock { $0.requests }
        let retried = try #require(
            try ERPErrors.decide(
                .retry, storePath: fixture.storePath, connector: "erp-hook", plant: "P100", stream: "quality",
                by: "anna", reason: "", now: clock.now))
        #expect(retried.eventID == parked.eventID)
        #expect(
            waitUntil {
                receiver.state.withLock { $0.requests } > requestsBeforeRetry
                    && (try? ERPErrors.parked(storePath: fixture.storePath, now: 0).count) == 1
            })
        #expect(try ERPErrors.parked(storePath: fixture.storePath, now: 0).first?.message == parked.message)
        // Fixed in the ERP; retry goes through and the stream resumes.
        receiver.state.withLock { $0.refuse = [] }
        _ = try ERPErrors.decide(
            .retry, storePath: fixture.storePath, connector: "erp-hook", plant: "P100", stream: "quality", by: "anna",
            reason: "material MAT-9 created in the ERP", now: clock.now)
        #expect(waitUntil { receiver.accepted("P100", "quality").count == 3 })
        #expect(receiver.accepted("P100", "quality") == [100, 101, 102].map { ERPEvents.id("P100", $0) })
        #expect(try ERPErrors.parked(storePath: fixture.storePath, now: 0) == [])

        let decisions = try ERPErrors.decisions(storePath: fixture.storePath, limit: 10, now: 0)
        #expect(decisions.count >= 2)
        #expect(decisions[0].action == .retry)
        #expect(decisions[0].decidedBy == "anna")
        #expect(decisions[0].reason == "material MAT-9 created in the ERP")
        #expect(decisions[0].message == #"HTTP 422: {"error":"unknown material MAT-9 in plant P100"}"#)
    }

    /// A stored batch wakes the outbox: with a one-minute poll, the event still reaches the ERP well before
    /// the poll would (the wait allows for a loaded CI box).
    @Test(.timeLimit(.minutes(1))) func aStoredBatchWakesTheOutboxBeforeItsNextPoll() throws {
        let receiver = try WebhookReceiver(clock: TestClock(HubFixture.start))
        defer { receiver.kill() }
        var connector = ERPHubFixture.webhook(port: receiver.listeningPort)
        connector.pollInterval = .seconds(60)
        let fixture = try ERPHubFixture(connectors: [connector])
        try fixture.send(WireBatch(plant: "P100", firstSeq: 1, events: [ERPEvents.downtime("P100", 1)]))
        #expect(waitUntil(timeout: .seconds(30)) { receiver.accepted("P100", "production").count == 1 })
    }

    @Test func skipRecordsTheDecisionAndTheStreamResumesAfterTheEvent() throws {
        let clock = TestClock(HubFixture.start)
        let receiver = try WebhookReceiver(clock: clock)
        defer { receiver.kill() }
        let fixture = try ERPHubFixture(connectors: [ERPHubFixture.webhook(port: receiver.listeningPort, workers: 1)])
        receiver.state.withLock { $0.refuse = [ERPEvents.id("P100", 3)] }
        try fixture.send(WireBatch(plant: "P100", firstSeq: 1, events: (1...6).map { ERPEvents.downtime("P100", $0) }))
        #expect(waitUntil { (try? ERPErrors.parked(storePath: fixture.storePath, now: 0).count) == 1 })
        #expect(receiver.accepted("P100", "production") == [1, 2].map { ERPEvents.id("P100", $0) })

        let nothing = try ERPErrors.decide(
            .skip, storePath: fixture.storePath, connector: "erp-hook", plant: "P200", stream: "production", by: "ben",
            reason: "x", now: clock.now)
        #expect(nothing == nil)
        let skipped = try #require(
            try ERPErrors.decide(
                .skip, storePath: fixture.storePath, connector: "erp-hook", plant: "P100", stream: "production",
                by: "ben", reason: "test order, booked by hand", now: clock.now))
        #expect(skipped.position == 3)
        #expect(skipped.eventID == ERPEvents.id("P100", 3))
        #expect(waitUntil { receiver.accepted("P100", "production").count == 5 })
        #expect(receiver.accepted("P100", "production") == [1, 2, 4, 5, 6].map { ERPEvents.id("P100", $0) })
        let decision = try #require(try ERPErrors.decisions(storePath: fixture.storePath, limit: 1, now: 0).first)
        #expect(decision.action == .skip)
        #expect(decision.decidedBy == "ben")
        #expect(decision.reason == "test order, booked by hand")
        #expect(decision.decidedAt == clock.now)
    }

    @Test func aRefusedBatchIsNarrowedToTheRefusedEvent() throws {
        let clock = TestClock(HubFixture.start)
        let receiver = try WebhookReceiver(clock: clock)
        defer { receiver.kill() }
        let fixture = try ERPHubFixture(
            connectors: [ERPHubFixture.webhook(port: receiver.listeningPort, batchEvents: 4, workers: 1)])
        receiver.state.withLock { $0.refuse = [ERPEvents.id("P100", 7)] }
        try fixture.send(WireBatch(plant: "P100", firstSeq: 1, events: (1...10).map { ERPEvents.downtime("P100", $0) }))
        #expect(waitUntil { (try? ERPErrors.parked(storePath: fixture.storePath, now: 0).count) == 1 })
        let parked = try #require(try ERPErrors.parked(storePath: fixture.storePath, now: 0).first)
        #expect(parked.position == 7)
        #expect(receiver.accepted("P100", "production") == (1...6).map { ERPEvents.id("P100", $0) })
        #expect(receiver.state.withLock { $0.batchSizes.first } == 4)
    }

    @Test func aReceiverRefusesAWrongSignatureAndAReplayOutsideTheWindow() {
        let body = Array(#"{"event":{},"plant":"P100","position":1,"stream":"production"}"#.utf8)
        let secret = Array("s3cret".utf8)
        let signature = WebhookSignature.sign(body: body, timestamp: 1_795_357_000, secret: secret)
        #expect(signature.hasPrefix("v1="))
        #expect(signature.count == 67)
        #expect(
            WebhookSignature.verify(
                body: body, timestamp: "1795357000", signature: signature, secret: secret, now: 1_795_357_100) == nil)
        #expect(
            WebhookSignature.verify(
                body: body + [0x20], timestamp: "1795357000", signature: signature, secret: secret, now: 1_795_357_000)
                == .signatureMismatch)
        #expect(
            WebhookSignature.verify(
                body: body, timestamp: "1795357001", signature: signature, secret: secret, now: 1_795_357_000)
                == .signatureMismatch)
        #expect(
            WebhookSignature.verify(
                body: body, timestamp: "1795357000", signature: signature, secret: secret, now: 1_795_357_301)
                == .outsideTolerance(ageSeconds: 301, toleranceSeconds: 300))
        #expect(
            WebhookSignature.verify(body: body, timestamp: nil, signature: signature, secret: secret, now: 0)
                == .missingHeader("X-PlantSync-Timestamp"))
    }
}

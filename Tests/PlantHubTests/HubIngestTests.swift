import Foundation
import PlantConfig
import PlantHub
import PlantModel
import PlantNet
import Testing

@Suite("POST /v1/batches over real sockets")
struct HubIngestTests {
    @Test func acceptsBatchesInOrder() throws {
        let fixture = try HubFixture()
        let client = try fixture.client()
        let first = try fixture.post(WireBatch(firstSeq: 1, events: Events.downtimes(1...3)), client: client)
        #expect(first.status == 200)
        #expect(first.bodyText == "{\"acked_through\":3}\n")
        #expect(first.headers["Content-Type"] == "application/json")
        let second = try fixture.post(WireBatch(firstSeq: 4, events: Events.downtimes(4...6)), client: client)
        #expect(second.bodyText == "{\"acked_through\":6}\n")
        let feed = try fixture.get("/v1/events?plant=P100&stream=production&after=0")
        #expect(feed.status == 200)
        let page = try JSONParser.parse(feed.body)
        #expect(page["events"]?.arrayCount == 6)
        #expect(page["feed_through"] == .number(JSONNumber(6)))
    }

    @Test func resentAcknowledgedBatchIsAcknowledgedAgainAndStoredOnce() throws {
        let fixture = try HubFixture()
        let batch = WireBatch(firstSeq: 1, events: Events.downtimes(1...4))
        #expect(try fixture.post(batch).bodyText == "{\"acked_through\":4}\n")
        let again = try fixture.post(batch)
        #expect(again.status == 200)
        #expect(again.bodyText == "{\"acked_through\":4}\n")
        let overlapping = try fixture.post(WireBatch(firstSeq: 3, events: Events.downtimes(3...5)))
        #expect(overlapping.bodyText == "{\"acked_through\":5}\n")
        let feed = try JSONParser.parse(try fixture.get("/v1/events?plant=P100&stream=production").body)
        #expect(feed["events"]?.arrayCount == 5)
        #expect(feed["feed_through"] == .number(JSONNumber(5)))
    }

    @Test func gapIsRefusedWithTheExpectedSeq() throws {
        let fixture = try HubFixture()
        #expect(try fixture.post(WireBatch(firstSeq: 1, events: Events.downtimes(1...3))).status == 200)
        let gap = try fixture.post(WireBatch(firstSeq: 5, events: Events.downtimes(5...6)))
        #expect(gap.status == 409)
        #expect(gap.bodyText == "{\"acked_through\":3,\"error\":\"sequence_gap\",\"expected_seq\":4}\n")
        #expect(try ProtocolError.decode(status: gap.status, body: gap.body) == .sequenceGap(expectedSeq: 4))
        #expect(fixture.log.all.contains { $0.hasPrefix("level=info msg=\"sequence gap\" plant=P100") })
    }

    @Test func storedSeqWithOtherEventIsAConflict() throws {
        let fixture = try HubFixture()
        #expect(try fixture.post(WireBatch(firstSeq: 1, events: Events.downtimes(1...3))).status == 200)
        // The plant lost its journal but kept its epoch (a restored backup): seq 2 is now another event.
        let conflict = try fixture.post(WireBatch(firstSeq: 2, events: [Events.downtime(9), Events.downtime(10)]))
        #expect(conflict.status == 409)
        let reason =
            "seq 2 of P100/production is already stored and the hub stores event \(Events.id(2)) there, "
            + "this batch has \(Events.id(9)): the plant lost acknowledged data or two agents share an identity; "
            + "nothing was overwritten"
        #expect(
            conflict.bodyText == """
                {"acked_through":3,"error":"sequence_conflict","kind":"id_differs","reason":"\(reason)",\
                "received_id":"\(Events.id(9))","seq":2,"stored_id":"\(Events.id(2))"}

                """)
        #expect(try ProtocolError.decode(status: 409, body: conflict.body) == .sequenceConflict(seq: 2, reason: reason))
        // Same id, other content.
        let changed = try fixture.post(WireBatch(firstSeq: 3, events: [Events.downtime(3, reason: "breakdown")]))
        #expect(changed.status == 409)
        let body = try JSONParser.parse(changed.body)
        #expect(body["kind"] == .string("content_differs"))
        #expect(body["seq"] == .number(JSONNumber(3)))
        #expect(fixture.log.all.filter { $0.hasPrefix("level=error msg=\"seq ") }.count == 2)
        // Nothing was overwritten.
        let feed = try fixture.get("/v1/events?plant=P100&stream=production")
        #expect(Events.text(feed.body).contains(Events.text(Events.downtime(3))))
        #expect(try JSONParser.parse(feed.body)["feed_through"] == .number(JSONNumber(3)))
    }

    @Test func invalidEventsAreRefusedPerEventThenTombstonesAccepted() throws {
        let fixture = try HubFixture()
        #expect(try fixture.post(WireBatch(firstSeq: 1, events: Events.downtimes(1...1))).status == 200)
        let unknownType = Events.replacing(Events.downtime(3), "\"type\":\"downtime\"", "\"type\":\"shift_report\"")
        let emptyReason = Events.replacing(Events.downtime(4), "\"reason\":\"no_material\"", "\"reason\":\"\"")
        let refused = try fixture.post(
            WireBatch(
                firstSeq: 2, events: [Events.downtime(2), unknownType, emptyReason, Events.downtime(5)]))
        #expect(refused.status == 422)
        let known =
            "production_confirmation, downtime, inventory_movement, quality_hold, quality_release, dead_lettered, "
            + "telemetry_sample"
        let body = try JSONParser.parse(refused.body)
        #expect(body["error"] == .string("invalid_events"))
        #expect(body["acked_through"] == .number(JSONNumber(1)))
        let events = try #require(body["events"]?.arrayValue)
        #expect(events.count == 2)
        #expect(events[0]["seq"] == .number(JSONNumber(3)))
        #expect(events[0]["code"] == .string("unknown_event_type"))
        #expect(events[0]["id"] == .string(Events.id(3)))
        #expect(
            events[0]["reason"]
                == .string("unknown_event_type: unknown event type \"shift_report\"; the hub accepts \(known)"))
        #expect(events[1]["seq"] == .number(JSONNumber(4)))
        #expect(events[1]["code"] == .string("invalid_event"))
        #expect(events[1]["reason"] == .string("invalid_event: data.reason: expected a non-empty string, found \"\""))
        let decoded = try ProtocolError.decode(status: 422, body: refused.body)
        guard case .invalidEvents(let invalid) = decoded else {
            Issue.record("expected invalid_events, got \(decoded)")
            return
        }
        #expect(invalid.map(\.seq) == [3, 4])
        // Nothing of the batch was stored, seq 2 included.
        #expect(
            try JSONParser.parse(try fixture.get("/v1/events?plant=P100&stream=production").body)["feed_through"]
                == .number(JSONNumber(1)))

        // The agent dead-letters 3 and 4 and sends tombstones in their seqs.
        let fixed = try fixture.post(
            WireBatch(
                firstSeq: 2,
                events: [
                    Events.downtime(2), Events.tombstone(replacing: 3, seq: 3, reason: "unknown_event_type"),
                    Events.tombstone(replacing: 4, seq: 4, reason: "invalid_event"), Events.downtime(5),
                ]))
        #expect(fixed.bodyText == "{\"acked_through\":5}\n")
        let feed = try JSONParser.parse(try fixture.get("/v1/events?plant=P100&stream=production").body)
        let types = try #require(feed["events"]?.arrayValue).map { $0["event"]?["type"] }
        #expect(
            types == [
                .string("downtime"), .string("downtime"), .string("dead_lettered"), .string("dead_lettered"),
                .string("downtime"),
            ])
    }

    @Test func newEpochIsAcceptedAndKnownIdsAreNotStoredTwice() throws {
        let fixture = try HubFixture()
        #expect(try fixture.post(WireBatch(firstSeq: 1, events: Events.downtimes(1...3))).status == 200)
        // Journal recreated: new epoch, numbering restarts at 1, sources re-read give minutes 2 and 3 again.
        let epoch = "9a9a0000000000000000000000000002"
        let wrongStart = try fixture.post(WireBatch(epoch: epoch, firstSeq: 3, events: Events.downtimes(2...3)))
        #expect(wrongStart.bodyText == "{\"acked_through\":0,\"error\":\"sequence_gap\",\"expected_seq\":1}\n")
        let batch = WireBatch(epoch: epoch, firstSeq: 1, events: Events.downtimes(2...5))
        #expect(try fixture.post(batch).bodyText == "{\"acked_through\":4}\n")
        #expect(try fixture.post(batch).bodyText == "{\"acked_through\":4}\n")
        let feed = try JSONParser.parse(try fixture.get("/v1/events?plant=P100&stream=production").body)
        let events = try #require(feed["events"]?.arrayValue)
        #expect(events.map { $0["event"]?["id"] } == (1...5).map { .string(Events.id($0)) })
        #expect(events.map { $0["position"] } == (1...5).map { .number(JSONNumber(Int64($0))) })
        #expect(events.map { $0["seq"] } == [1, 2, 3, 3, 4].map { .number(JSONNumber(Int64($0))) })
        #expect(
            events.map { $0["epoch"] } == [
                .string("4f1c0000000000000000000000000001"),
                .string("4f1c0000000000000000000000000001"), .string("4f1c0000000000000000000000000001"),
                .string(epoch), .string(epoch),
            ])
    }

    @Test func badOrMissingTokenIs401() throws {
        let fixture = try HubFixture()
        let body = try WireBatch(firstSeq: 1, events: Events.downtimes(1...1)).body()
        let wrong = try fixture.post(body, token: "not-a-plant-token")
        #expect(wrong.status == 401)
        #expect(wrong.headers["WWW-Authenticate"] == #"Bearer realm="plantsync", error="invalid_token""#)
        #expect(
            wrong.bodyText == """
                {"error":"unauthorized","message":"the bearer token belongs to no configured plant"}

                """)
        let missing = try fixture.post(body, token: nil)
        #expect(missing.status == 401)
        #expect(missing.headers["WWW-Authenticate"] == #"Bearer realm="plantsync""#)
        #expect(
            try JSONParser.parse(missing.body)["message"]
                == .string("missing Authorization header: expected \"Authorization: Bearer <plant token>\""))
        // A reader token cannot send batches.
        #expect(try fixture.post(body, token: HubFixture.readerToken).status == 401)
        #expect(try ProtocolError.decode(status: 401, body: wrong.body) == .unauthorized)
    }

    @Test func tokenOfAnotherPlantIs403() throws {
        let fixture = try HubFixture()
        let response = try fixture.post(
            WireBatch(firstSeq: 1, events: Events.downtimes(1...1)), token: fixture.plants["P200"])
        #expect(response.status == 403)
        #expect(
            response.bodyText == """
                {"error":"forbidden","message":"the token is for plant P200, the batch is for plant P100"}

                """)
        #expect(try JSONParser.parse(try fixture.get("/v1/plants").body)["plants"]?[0]?["last_seen"] == .null)
    }

    @Test func oversizedBatchesAre413() throws {
        var limits = HubLimits()
        limits.maxBatchEvents = 3
        limits.maxBatchBytes = .kibibytes(4)
        let fixture = try HubFixture(limits: limits)
        let tooMany = try fixture.post(WireBatch(firstSeq: 1, events: Events.downtimes(1...4)))
        #expect(tooMany.status == 413)
        #expect(
            tooMany.bodyText == """
                {"error":"too_large","max_bytes":4096,"max_events":3,"message":"4 events exceed the limit of 3 per batch"}

                """)
        // Larger than max_batch_bytes: the HTTP layer refuses before reading the body.
        let body = [UInt8](repeating: UInt8(ascii: " "), count: 4097)
        let tooBig = try fixture.post(body, token: fixture.plants["P100"])
        #expect(tooBig.status == 413)
        #expect(tooBig.bodyText == "body larger than 4096 bytes\n")
        #expect(try ProtocolError.decode(status: 413, body: tooBig.body) == .tooLarge(maxBytes: nil))
        #expect(try fixture.post(WireBatch(firstSeq: 1, events: Events.downtimes(1...3))).status == 200)
    }

    @Test func malformedBatchIs400() throws {
        let fixture = try HubFixture()
        let response = try fixture.post(Array(#"{"plant":"P100"}"#.utf8), token: fixture.plants["P100"])
        #expect(response.status == 400)
        let body = try JSONParser.parse(response.body)
        #expect(body["error"] == .string("bad_request"))
        let unknownPath = try fixture.get("/v1/nothing")
        #expect(unknownPath.status == 404)
        let wrongMethod = try fixture.get("/v1/batches")
        #expect(wrongMethod.status == 405)
        #expect(wrongMethod.headers["Allow"] == "POST")
    }
}

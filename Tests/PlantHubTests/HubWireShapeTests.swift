import Foundation
import PlantModel
import Testing

/// The hub decodes `BatchEncoder`'s shape on a fast path and anything else with the full decoder; either way it
/// stores, compares and judges the same canonical bytes.
@Suite("POST /v1/batches in other wire shapes")
struct HubWireShapeTests {
    @Test func aResendInAnotherShapeIsAcknowledgedAgainAndStoredOnce() throws {
        let fixture = try HubFixture()
        let batch = WireBatch(firstSeq: 1, events: Events.downtimes(1...3))
        #expect(try fixture.post(batch).bodyText == "{\"acked_through\":3}\n")
        // Whitespace and other key orders (a hand-written client): re-encoded, the same canonical events.
        var pretty = Events.text(try batch.body())
        pretty = pretty.replacingOccurrences(of: "{\"seq\":", with: "\n  { \"seq\" : ")
        pretty = pretty.replacingOccurrences(
            of: "\"line\":\"L3\",\"plant\":\"P100\"", with: "\"plant\":\"P100\", \"line\":\"L3\"")
        let again = try fixture.post(Array(pretty.utf8), token: fixture.plants["P100"])
        #expect(again.status == 200)
        #expect(again.bodyText == "{\"acked_through\":3}\n")
        let feed = try JSONParser.parse(try fixture.get("/v1/events?plant=P100&stream=production").body)
        #expect(feed["feed_through"] == .number(JSONNumber(3)))
        #expect(feed["events"]?[1]?["event"] == .some(try JSONParser.parse(Events.downtime(2))))
    }

    @Test func nonCanonicalContentIsComparedAndJudgedByItsExactBytes() throws {
        let fixture = try HubFixture()
        #expect(try fixture.post(WireBatch(firstSeq: 1, events: Events.downtimes(1...2))).status == 200)
        // The same event with "30.0" for "30": valid JSON in the journal's shape, but other bytes.
        let resent = Events.replacing(Events.downtime(2), "\"duration_s\":30,", "\"duration_s\":30.0,")
        let conflict = try fixture.post(WireBatch(firstSeq: 2, events: [resent]))
        #expect(conflict.status == 409)
        let body = try JSONParser.parse(conflict.body)
        #expect(body["kind"] == .string("content_differs"))
        #expect(body["seq"] == .number(JSONNumber(2)))
        // As a new seq it is refused for good, with the full decoder's reason.
        let fresh = Events.replacing(Events.downtime(3), "\"duration_s\":30,", "\"duration_s\":30.0,")
        let refused = try fixture.post(WireBatch(firstSeq: 3, events: [Events.downtime(4), fresh]))
        #expect(refused.status == 422)
        let events = try #require(try JSONParser.parse(refused.body)["events"]?.arrayValue)
        #expect(events.count == 1)
        #expect(events[0]["seq"] == .number(JSONNumber(4)))
        #expect(events[0]["code"] == .string("invalid_event"))
        #expect(
            events[0]["reason"]
                == .string(
                    "invalid_event: data.duration_s: expected seconds (a number ≥ 0, at most 3 decimals) in canonical "
                        + "form, found 30.0"))
        #expect(
            try JSONParser.parse(try fixture.get("/v1/events?plant=P100&stream=production").body)["feed_through"]
                == .number(JSONNumber(2)))
    }
}

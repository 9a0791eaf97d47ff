import Foundation
import PlantHub
import PlantModel
import PlantNet
import Testing

@Suite("GET /v1/plants and GET /v1/events")
struct HubReadAPITests {
    @Test func plantsShowLastSeenAckedThroughBacklogAndLag() throws {
        let fixture = try HubFixture()
        let before = try fixture.get("/v1/plants")
        #expect(before.status == 200)
        #expect(
            before.bodyText == """
                {"now":"2026-11-22T14:16:40.000Z","plants":[{"last_seen":null,"plant":"P100","streams":[]},\
                {"last_seen":null,"plant":"P200","streams":[]}]}

                """)
        var batch = WireBatch(firstSeq: 1, events: Events.downtimes(1...3))
        batch.backlog = [
            "production": StreamBacklog(pending: 10, oldestAgeSeconds: 120),
            "inventory": StreamBacklog(pending: 0, oldestAgeSeconds: 0),
        ]
        #expect(try fixture.post(batch).status == 200)
        fixture.clock.set(HubFixture.start + 30_000)
        let after = try fixture.get("/v1/plants")
        // production: 10 pending when the agent sent this batch of 3 → 7 still behind, the oldest
        // 120 s old when reported 30 s ago → lag 150 s.
        #expect(
            after.bodyText == """
                {"now":"2026-11-22T14:17:10.000Z","plants":[{"last_seen":"2026-11-22T14:16:40.000Z","plant":"P100",\
                "streams":[{"acked_through":0,"backlog":{"oldest_age_s":0,"pending":0,"reported_at":"2026-11-22T14:16:40.000Z"},\
                "epoch":null,"feed_through":0,"lag_s":0,"last_batch_at":null,"last_occurred_at":null,"stream":"inventory"},\
                {"acked_through":3,"backlog":{"oldest_age_s":120,"pending":7,"reported_at":"2026-11-22T14:16:40.000Z"},\
                "epoch":"4f1c0000000000000000000000000001","feed_through":3,"lag_s":150,\
                "last_batch_at":"2026-11-22T14:16:40.000Z","last_occurred_at":"2026-11-22T14:03:00.000Z",\
                "stream":"production"}]},{"last_seen":null,"plant":"P200","streams":[]}]}

                """)
        // A plant's own token sees only that plant.
        let own = try fixture.get("/v1/plants", token: fixture.plants["P200"])
        #expect(
            own.bodyText == """
                {"now":"2026-11-22T14:17:10.000Z","plants":[{"last_seen":null,"plant":"P200","streams":[]}]}

                """)
        #expect(try fixture.get("/v1/plants", token: nil).status == 401)

        // A batch that carries the whole backlog leaves the stream caught up: nothing pending, no lag.
        var last = WireBatch(firstSeq: 4, events: Events.downtimes(4...5))
        last.backlog = ["production": StreamBacklog(pending: 2, oldestAgeSeconds: 5)]
        #expect(try fixture.post(last).status == 200)
        fixture.clock.set(HubFixture.start + 90_000)
        let caughtUp = try fixture.get("/v1/plants").bodyText
        #expect(
            caughtUp.contains(
                #""backlog":{"oldest_age_s":5,"pending":0,"reported_at":"2026-11-22T14:17:10.000Z"},"#
                    + #""epoch":"4f1c0000000000000000000000000001","feed_through":5,"lag_s":0,"#), "\(caughtUp)")
    }

    @Test func eventsFeedIsOrderedWithAStableCursor() throws {
        let fixture = try HubFixture()
        #expect(try fixture.post(WireBatch(firstSeq: 1, events: Events.downtimes(1...3))).status == 200)
        let page = try fixture.get("/v1/events?plant=P100&stream=production&after=1&limit=1")
        #expect(page.status == 200)
        #expect(
            page.bodyText == """
                {"events":[{"epoch":"4f1c0000000000000000000000000001","event":\(Events.text(Events.downtime(2))),\
                "position":2,"received_at":"2026-11-22T14:16:40.000Z","seq":2}],"feed_through":3,"next_after":2,\
                "plant":"P100","stream":"production"}

                """)
        let rest = try JSONParser.parse(try fixture.get("/v1/events?plant=P100&stream=production&after=2").body)
        #expect(rest["events"]?.arrayCount == 1)
        #expect(rest["next_after"] == .number(JSONNumber(3)))
        let end = try fixture.get("/v1/events?plant=P100&stream=production&after=3")
        #expect(
            end.bodyText == """
                {"events":[],"feed_through":3,"next_after":3,"plant":"P100","stream":"production"}

                """)
        let unknownStream = try fixture.get("/v1/events?plant=P200&stream=quality")
        #expect(
            unknownStream.bodyText == """
                {"events":[],"feed_through":0,"next_after":0,"plant":"P200","stream":"quality"}

                """)
    }

    @Test func eventsFeedRefusesBadQueriesAndOtherPlantsTokens() throws {
        let fixture = try HubFixture()
        let cases: [(String, Int, String)] = [
            ("/v1/events?stream=production", 400, "missing query parameter \\\"plant\\\""),
            ("/v1/events?plant=P100", 400, "missing query parameter \\\"stream\\\""),
            (
                "/v1/events?plant=P100&stream=production&after=-1", 400,
                "after must be a feed position (an integer ≥ 0), found \\\"-1\\\""
            ),
            (
                "/v1/events?plant=P100&stream=production&limit=0", 400,
                "limit must be an integer 1–10000, found \\\"0\\\""
            ),
            (
                "/v1/events?plant=P100&stream=production&colour=red", 400,
                "unknown query parameter \\\"colour\\\"; expected plant, stream, after, limit"
            ),
            ("/v1/events?plant=P999&stream=production", 404, "no plant \\\"P999\\\" is configured or stored"),
        ]
        for (target, status, message) in cases {
            let response = try fixture.get(target)
            #expect(response.status == status, "\(target)")
            #expect(response.bodyText.hasSuffix("\"message\":\"\(message)\"}\n"), "\(target): \(response.bodyText)")
        }
        let other = try fixture.get("/v1/events?plant=P100&stream=production", token: fixture.plants["P200"])
        #expect(other.status == 403)
        let own = try fixture.get("/v1/events?plant=P100&stream=production", token: fixture.plants["P100"])
        #expect(own.status == 200)
        let escaped = try fixture.get("/v1/events?plant=P%31%30%30&stream=produc%74ion")
        #expect(escaped.status == 200)
    }
}

import Foundation
import PlantConfig
import PlantHub
import PlantModel
import PlantNet
import Testing

@Suite struct ConsumerCursorTests {
    func fixture() throws -> ERPHubFixture {
        let fixture = try ERPHubFixture(
            connectors: [], consumers: [ConsumerSettings(name: "sap-bridge", reader: "middleware")])
        try fixture.send(WireBatch(plant: "P100", firstSeq: 1, events: (1...5).map { ERPEvents.downtime("P100", $0) }))
        return fixture
    }

    @Test func aConsumerResumesWhereItAcknowledged() throws {
        let fixture = try fixture()
        let ack = try fixture.request(
            "POST", "/v1/consumers/sap-bridge/ack", body: #"{"plant":"P100","position":3,"stream":"production"}"#)
        #expect(ack.status == 200)
        #expect(
            ack.bodyText
                == #"{"acked_at":"2026-11-22T14:16:40.000Z","consumer":"sap-bridge","feed_through":5,"lag":2,"plant":"P100","position":3,"stream":"production"}"#
                + "\n")
        // A restarted hub still knows the position.
        fixture.stopHub()
        try fixture.startHub()
        let status = try fixture.request("GET", "/v1/consumers/sap-bridge")
        #expect(status.status == 200)
        #expect(
            status.bodyText
                == #"{"consumers":[{"lag":2,"name":"sap-bridge","positions":[{"acked_at":"2026-11-22T14:16:40.000Z","consumer":"sap-bridge","feed_through":5,"lag":2,"plant":"P100","position":3,"stream":"production"}],"reader":"middleware"}],"now":"2026-11-22T14:16:40.000Z"}"#
                + "\n")
        let page = try fixture.request("GET", "/", token: nil).bodyText
        #expect(
            page.contains("<td>sap-bridge</td><td>P100</td><td>production</td><td class=n>3</td><td class=n>2</td>"))
        let metrics = try fixture.request("GET", "/metrics", token: nil).bodyText
        #expect(
            metrics.contains(
                #"plantsync_hub_consumer_lag_events{consumer="sap-bridge",plant="P100",stream="production"} 2"#))
    }

    @Test func refusals() throws {
        let fixture = try fixture()
        let body = #"{"plant":"P100","position":4,"stream":"production"}"#
        #expect(try fixture.request("POST", "/v1/consumers/sap-bridge/ack", token: nil, body: body).status == 401)
        let other = try fixture.request(
            "POST", "/v1/consumers/sap-bridge/ack", token: "auditor-token-0123456789", body: body)
        #expect(other.status == 403)
        #expect(other.bodyText.contains("consumer sap-bridge is acknowledged by reader middleware, not auditor"))
        #expect(try fixture.request("POST", "/v1/consumers/nobody/ack", body: body).status == 404)
        #expect(try fixture.request("GET", "/v1/consumers/sap-bridge/ack").status == 405)
        #expect(try fixture.request("POST", "/v1/consumers/sap-bridge/ack", body: body).status == 200)
        let behind = try fixture.request(
            "POST", "/v1/consumers/sap-bridge/ack", body: #"{"plant":"P100","position":2,"stream":"production"}"#)
        #expect(behind.status == 409)
        #expect(
            behind.bodyText
                == #"{"error":"position_behind","message":"position 2 is behind the acknowledged position 4; send \"rewind\": true to move back","stored_position":4}"#
                + "\n")
        let rewound = try fixture.request(
            "POST", "/v1/consumers/sap-bridge/ack",
            body: #"{"plant":"P100","position":2,"rewind":true,"stream":"production"}"#)
        #expect(rewound.status == 200)
        let beyond = try fixture.request(
            "POST", "/v1/consumers/sap-bridge/ack", body: #"{"plant":"P100","position":6,"stream":"production"}"#)
        #expect(beyond.status == 409)
        #expect(beyond.bodyText.contains(#""error":"beyond_feed","feed_through":5"#))
        let unknown = try fixture.request(
            "POST", "/v1/consumers/sap-bridge/ack", body: #"{"plant":"P100","pos":6,"stream":"production"}"#)
        #expect(unknown.status == 400)
        #expect(unknown.bodyText.contains("unknown member \\\"pos\\\"; expected plant, stream, position, rewind"))
    }
}

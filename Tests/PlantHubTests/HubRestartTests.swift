import Foundation
import PlantHub
import PlantModel
import PlantNet
import Testing

@Suite("Hub restart")
struct HubRestartTests {
    @Test func storeReopenedAfterTheHubIsDiscardedKeepsEverything() throws {
        let fixture = try HubFixture()
        #expect(try fixture.post(WireBatch(firstSeq: 1, events: Events.downtimes(1...3))).status == 200)
        let before = try fixture.get("/v1/events?plant=P100&stream=production").bodyText
        fixture.stopHub()

        try fixture.startHub()
        #expect(try fixture.get("/v1/events?plant=P100&stream=production").bodyText == before)
        // Acknowledged seqs are recognised, and numbering continues where it was.
        #expect(
            try fixture.post(WireBatch(firstSeq: 1, events: Events.downtimes(1...3))).bodyText
                == "{\"acked_through\":3}\n")
        #expect(try fixture.post(WireBatch(firstSeq: 5, events: Events.downtimes(5...5))).status == 409)
        #expect(
            try fixture.post(WireBatch(firstSeq: 4, events: Events.downtimes(4...4))).bodyText
                == "{\"acked_through\":4}\n")
        let plants = try JSONParser.parse(try fixture.get("/v1/plants").body)
        #expect(plants["plants"]?[0]?["streams"]?[0]?["acked_through"] == .number(JSONNumber(4)))
    }

    @Test func stoppedHubRefusesConnections() throws {
        let fixture = try HubFixture()
        let port = fixture.hub!.port
        fixture.stopHub()
        let client = try HTTPClientFactory.plain(port: port)
        #expect(throws: (any Error).self) { _ = try client.send(.init(method: "GET", target: "/healthz")) }
    }
}

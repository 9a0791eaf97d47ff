import PlantJournal
import PlantModel
import Testing

@testable import PlantForward

@Suite struct BatchBodyTests {
    private func event(_ seq: Int64, _ body: String) -> StoredEvent {
        StoredEvent(seq: seq, id: "e\(seq)", type: "t", occurredAt: 0, body: Array(body.utf8), journaledAt: 0)
    }

    @Test func splicesStoredEventsBehindTheirSeqWithTheBacklog() throws {
        let body = BatchBody(plant: "P100", stream: "production", epoch: "4f1c")
        let bytes = try body.encode(
            [event(1201, "{\"id\":\"a\",\"type\":\"t\"}"), event(1202, "{\"id\":\"b\"}")], eventBytes: 34,
            backlog: [
                "production": PlantModel.StreamBacklog(pending: 3400, oldestAgeSeconds: 5400),
                "inventory": PlantModel.StreamBacklog(pending: 0, oldestAgeSeconds: 0),
            ])
        #expect(
            String(decoding: bytes, as: UTF8.self)
                == "{\"backlog\":{\"inventory\":{\"oldest_age_s\":0,\"pending\":0},"
                + "\"production\":{\"oldest_age_s\":5400,\"pending\":3400}},"
                + "\"epoch\":\"4f1c\",\"first_seq\":1201,\"plant\":\"P100\",\"stream\":\"production\",\"events\":["
                + "{\"seq\":1201,\"id\":\"a\",\"type\":\"t\"},{\"seq\":1202,\"id\":\"b\"}]}")
    }

    @Test func journaledEventsMakeABodyTheHubDecoder() throws {
        let records = (1...3).map { TestEvents.record(stream: "production", n: $0) }
        let events = records.enumerated().map { index, record in
            StoredEvent(
                seq: Int64(index + 10), id: record.id, type: record.type, occurredAt: record.occurredAt,
                body: record.body, journaledAt: 0)
        }
        let bytes = try BatchBody(plant: "P100", stream: "production", epoch: "e").encode(
            events, eventBytes: 0, backlog: [:])
        let request = try BatchRequest.decode(bytes)
        #expect(request.firstSeq == 10)
        #expect(request.events.map(\.seq) == [10, 11, 12])
        #expect(request.events.map(\.canonical) == records.map(\.body))
    }

    @Test func refusesStoredBytesThatAreNoEventObject() {
        #expect(throws: BatchEncodingError.notAnEventObject(seq: 2)) {
            try BatchBody(plant: "P100", stream: "s", epoch: "e").encode(
                [event(1, "{\"id\":\"a\"}"), event(2, "[]")], eventBytes: 0, backlog: [:])
        }
    }

    @Test func tombstoneIsADeadLetteredEventNamingTheOriginal() throws {
        let original = StoredEvent(
            seq: 17, id: "production/17", type: "test_event", occurredAt: 1_795_000_000_017, body: [], journaledAt: 0)
        let record = try Tombstone.record(for: original, stream: "production", reason: "bad \"unit\"")
        #expect(record.stream == "production")
        #expect(record.id == "dead/production/17")
        #expect(record.type == "dead_lettered")
        #expect(record.occurredAt == 1_795_000_000_017)
        let event = try Event(canonicalJSON: record.body)
        #expect(event.canonicalJSON() == record.body)
        #expect(
            event.payload
                == .deadLettered(
                    DeadLetterTombstone(
                        originalSeq: 17, originalID: try EventID("production/17"), originalType: "test_event",
                        originalStream: "production", reason: "bad \"unit\"")))
    }
}

import Testing

@testable import PlantModel

@Suite struct WireProtocolTests {
    let backlog = [
        "production": StreamBacklog(pending: 3400, oldestAgeSeconds: 5400),
        "inventory": StreamBacklog(pending: 0, oldestAgeSeconds: 0),
    ]

    func batch(_ events: [Event], firstSeq: Int64 = 1201) throws -> [UInt8] {
        var encoder = BatchEncoder(
            plant: "P100", stream: "production", epoch: "4f1c9a", firstSeq: firstSeq,
            backlog: backlog)
        for (k, event) in events.enumerated() {
            let before = encoder.byteCount
            let canonical = event.canonicalJSON()
            try encoder.append(seq: firstSeq + Int64(k), canonicalEvent: canonical)
            #expect(
                encoder.byteCount - before
                    == BatchEncoder.wireSize(seq: firstSeq + Int64(k), canonicalCount: canonical.count)
                    - (k == 0 ? 1 : 0))
        }
        return encoder.finish()
    }

    @Test func encoderSplicesCanonicalBytes() throws {
        let body = String(decoding: try batch([EventSamples.downtime]), as: UTF8.self)
        #expect(
            body == #"{"backlog":{"inventory":{"oldest_age_s":0,"pending":0},"production":{"oldest_age_s":5400,"#
                + #""pending":3400}},"epoch":"4f1c9a","first_seq":1201,"plant":"P100","stream":"production","events":["#
                + #"{"seq":1201,"data":{"duration_s":109.75,"end":"2026-11-22T14:05:00.000Z","line":"L3","plant":"P100","#
                + #""reason":"blocked","start":"2026-11-22T14:03:10.250Z"},"id":"down/P100/L3/2026-11-22T14:03:10.250Z","#
                + #""occurred_at":"2026-11-22T14:05:00.000Z","type":"downtime"}]}"#)
        let empty = String(
            decoding: BatchEncoder(plant: "P1", stream: "quality", epoch: "e", firstSeq: 7).finish(),
            as: UTF8.self)
        #expect(empty == #"{"backlog":{},"epoch":"e","first_seq":7,"plant":"P1","stream":"quality","events":[]}"#)
    }

    @Test func encoderRefusesGapsAndNonObjects() throws {
        var encoder = BatchEncoder(plant: "P100", stream: "production", epoch: "e", firstSeq: 10)
        try encoder.append(seq: 10, canonicalEvent: EventSamples.downtime.canonicalJSON())
        #expect(throws: BatchEncodingError.nonContiguousSeq(expected: 11, found: 12)) {
            try encoder.append(seq: 12, canonicalEvent: EventSamples.downtime.canonicalJSON())
        }
        #expect(throws: BatchEncodingError.notAnEventObject(seq: 11)) {
            try encoder.append(seq: 11, canonicalEvent: Array("{}".utf8))
        }
        #expect(encoder.nextSeq == 11)
        #expect(encoder.eventCount == 1)
    }

    @Test func decodeRoundTripsCanonicalBytesExactly() throws {
        let events = EventSamples.all
        let request = try BatchRequest.decode(try batch(events))
        #expect(request.plant == "P100")
        #expect(request.stream == "production")
        #expect(request.epoch == "4f1c9a")
        #expect(request.firstSeq == 1201)
        #expect(request.backlog == backlog)
        #expect(request.events.count == events.count)
        for (k, wire) in request.events.enumerated() {
            #expect(wire.seq == 1201 + Int64(k))
            #expect(wire.id == events[k].id)
            #expect(wire.type == events[k].type.rawValue)
            #expect(wire.occurredAt == events[k].occurredAt)
            #expect(wire.canonical == events[k].canonicalJSON())
            #expect(try wire.decodeEvent() == events[k])
        }
        #expect(request.invalidEvents() == [])
    }

    @Test func invalidPayloadsAreListedPerEvent() throws {
        var encoder = BatchEncoder(plant: "P100", stream: "inventory", epoch: "e", firstSeq: 5)
        try encoder.append(seq: 5, canonicalEvent: EventSamples.transfer.canonicalJSON())
        let bad = Array(
            String(decoding: EventSamples.transfer.canonicalJSON(), as: UTF8.self)
                .replacing("\"from_location\"", with: "\"from_locaton\"").utf8)
        try encoder.append(seq: 6, canonicalEvent: bad)
        let request = try BatchRequest.decode(encoder.finish())
        #expect(request.events[1].canonical == bad)
        #expect(
            request.invalidEvents() == [
                InvalidEvent(
                    seq: 6,
                    reason: "data.from_locaton: unknown field; expected "
                        + "one of from_location, gtin, item, kind, lot, order, plant, quantity, raw_scan, serial, sscc, station, "
                        + "to_location, unit")
            ])
    }

    static let malformedBatches: [(String, BatchDecodingError.Code, String)] = [
        ("[]", .malformed, "expected an object, found array"),
        ("{", .malformed, "JSON error at byte 1: expected a string key or '}', found end of input"),
        (
            #"{"plant":"P1","stream":"s","epoch":"e","first_seq":1,"events":[],"extra":1}"#, .malformed,
            "extra: unknown field; expected one of backlog, epoch, events, first_seq, plant, stream"
        ),
        (
            #"{"plant":"P1","stream":"s","epoch":"e","events":[]}"#, .malformed,
            "first_seq: missing required field; expected an integer ≥ 1"
        ),
        (
            #"{"plant":"P1","stream":"s","epoch":"e","first_seq":0,"events":[]}"#, .malformed,
            "first_seq: expected an integer ≥ 1, found 0"
        ),
        (
            #"{"plant":"P1","stream":"s","epoch":"e","first_seq":1,"events":{}}"#, .malformed,
            "events: expected an array of events, found object"
        ),
        (#"{"plant":"P1","stream":"s","epoch":"e","first_seq":1,"events":[]}"#, .malformed, "accepted"),
        (
            #"{"plant":"P1","stream":"s","epoch":"e","first_seq":1,"events":[],"backlog":{"s":{"pending":1}}}"#,
            .malformed, "backlog.s.oldest_age_s: missing required field; expected an integer ≥ 0"
        ),
        (
            #"{"plant":"","stream":"s","epoch":"e","first_seq":1,"events":[]}"#, .malformed,
            #"plant: expected a non-empty string, found """#
        ),
        (
            #"{"plant":"P1","stream":"s","epoch":"e","first_seq":1,"events":[{"seq":2}]}"#, .malformed,
            "events[0].seq: expected 1 (first_seq + 0), found 2"
        ),
        (
            #"{"plant":"P1","stream":"s","epoch":"e","first_seq":1,"events":["x"]}"#, .malformed,
            "events[0]: expected an event object, found string"
        ),
        (
            #"{"plant":"P1","stream":"s","epoch":"e","first_seq":1,"events":[{"seq":1,"id":"a b"}]}"#, .malformed,
            "events[0].id: invalid event id: byte 0x20 at offset 1; expected printable ASCII without spaces"
        ),
        (
            #"{"plant":"P1","stream":"s","epoch":"e","first_seq":1,"events":[{"seq":1,"id":"a","type":"t"}]}"#,
            .malformed,
            #"events[0].occurred_at: missing required field; expected a timestamp like "2026-11-22T14:15:00.000Z""#
        ),
        (
            #"{"plant":"P1","stream":"s","epoch":"e","first_seq":1,"events":[{"seq":1,"id":"a","type":"t","occurred_at":"1970-01-01T00:00:00.000Z"}]}"#,
            .malformed, "events[0].data: missing required field; expected an object"
        ),
        (
            #"{"plant":"P1","stream":"s","epoch":"e","first_seq":1,"events":[{"seq":1,"id":"a","type":"t","occurred_at":"1970-01-01T00:00:00.000Z","data":{}},{"seq":3}]}"#,
            .malformed, "events[1].seq: expected 2 (first_seq + 1), found 3"
        ),
        (
            #"{"plant":"P1","stream":"s","epoch":"e","first_seq":9223372036854775807,"events":[{"seq":9223372036854775807,"id":"a","type":"t","occurred_at":"1970-01-01T00:00:00.000Z","data":{}},{"seq":1}]}"#,
            .malformed, "events[1]: seq exceeds the 64-bit range"
        ),
    ]

    @Test(arguments: malformedBatches)
    func refusesMalformedEnvelopes(body: String, code: BatchDecodingError.Code, message: String) {
        do {
            _ = try BatchRequest.decode(Array(body.utf8))
            #expect(message == "accepted")
        } catch {
            #expect(error.code == code)
            #expect(error.description == message)
        }
    }

    @Test func enforcesBatchLimits() throws {
        let body = try batch([EventSamples.downtime, EventSamples.confirmation])
        #expect(
            throws: BatchDecodingError(
                code: .tooLarge, path: "",
                message: "body of \(body.count) bytes exceeds the limit of 100 bytes")
        ) {
            try BatchRequest.decode(body, limits: .init(maxBytes: 100))
        }
        #expect(
            throws: BatchDecodingError(
                code: .malformed, path: "events",
                message: "2 events exceed the limit of 1 per batch")
        ) {
            try BatchRequest.decode(body, limits: .init(maxEvents: 1))
        }
    }

    @Test func responsesRoundTrip() throws {
        #expect(
            String(decoding: BatchResponse(ackedThrough: 1300).encode(), as: UTF8.self) == #"{"acked_through":1300}"#)
        #expect(
            try BatchResponse.decode(Array(#"{"acked_through": 1300, "later_field": true}"#.utf8)).ackedThrough == 1300)
        #expect(throws: ProtocolDecodingError(message: "acked_through: expected an integer ≥ 0, found string")) {
            try BatchResponse.decode(Array(#"{"acked_through":"1300"}"#.utf8))
        }
        #expect(throws: ProtocolDecodingError(message: "JSON error at byte 0: expected a JSON value, found '<'")) {
            try BatchResponse.decode(Array("<html>".utf8))
        }
    }

    static let errors: [(ProtocolError, Int, String)] = [
        (.sequenceGap(expectedSeq: 1190), 409, #"{"error":"sequence_gap","expected_seq":1190}"#),
        (
            .sequenceConflict(seq: 1201, reason: "id differs: stored conf/a, received conf/b"), 409,
            #"{"error":"sequence_conflict","reason":"id differs: stored conf/a, received conf/b","seq":1201}"#
        ),
        (
            .invalidEvents([InvalidEvent(seq: 1203, reason: "data.gtin: bad"), InvalidEvent(seq: 1207, reason: "x\"y")]
            ),
            422,
            #"{"error":"invalid_events","events":[{"reason":"data.gtin: bad","seq":1203},{"reason":"x\"y","seq":1207}]}"#
        ),
        (.unauthorized, 401, #"{"error":"unauthorized"}"#),
        (.forbidden, 403, #"{"error":"forbidden"}"#),
        (.tooLarge(maxBytes: 8_388_608), 413, #"{"error":"too_large","max_bytes":8388608}"#),
        (.tooLarge(maxBytes: nil), 413, #"{"error":"too_large"}"#),
        (.overloaded(retryAfterSeconds: 5), 503, #"{"error":"overloaded","retry_after_s":5}"#),
        (.overloaded(retryAfterSeconds: nil), 503, #"{"error":"overloaded"}"#),
        (
            .badRequest(message: "events[0].seq: expected 1"), 400,
            #"{"error":"bad_request","message":"events[0].seq: expected 1"}"#
        ),
    ]

    @Test(arguments: errors)
    func protocolErrorsEncodeAndDecode(error: ProtocolError, status: Int, body: String) throws {
        #expect(error.httpStatus == status)
        #expect(String(decoding: error.encode(), as: UTF8.self) == body)
        #expect(try ProtocolError.decode(status: status, body: error.encode()) == error)
    }

    @Test func protocolErrorsFromProxiesAndSurprises() throws {
        #expect(try ProtocolError.decode(status: 401, body: Array("<html>401</html>".utf8)) == .unauthorized)
        #expect(try ProtocolError.decode(status: 429, body: []) == .overloaded(retryAfterSeconds: nil))
        #expect(try ProtocolError.decode(status: 413, body: []) == .tooLarge(maxBytes: nil))
        #expect(throws: ProtocolDecodingError(message: "unexpected HTTP status 500")) {
            try ProtocolError.decode(status: 500, body: [])
        }
        #expect(throws: ProtocolDecodingError(message: "error: unexpected code \"sequence_gap\" with HTTP status 422"))
        {
            try ProtocolError.decode(status: 422, body: Array(#"{"error":"sequence_gap","expected_seq":1}"#.utf8))
        }
        #expect(throws: ProtocolDecodingError(message: "expected_seq: missing required field; expected an integer ≥ 1"))
        {
            try ProtocolError.decode(status: 409, body: Array(#"{"error":"sequence_gap"}"#.utf8))
        }
    }
}

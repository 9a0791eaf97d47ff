import PlantModel
import PlantNet
import Testing

@testable import PlantForward

@Suite struct HubVerdictTests {
    private func verdict(_ status: Int, _ body: String, headers: HTTPHeaders = HTTPHeaders()) -> HubVerdict {
        var response = HTTPResponse(status: status, contentType: "application/json", body: body)
        for field in headers { response.headers.add(field.name, field.value) }
        return HubVerdict.from(.success(response))
    }

    @Test func okCarriesAckedThrough() {
        #expect(verdict(200, "{\"acked_through\":1300}") == .stored(ackedThrough: 1300))
        #expect(verdict(200, "{\"acked_through\":5,\"later_field\":1}") == .stored(ackedThrough: 5))
        guard case .serverTrouble(let message) = verdict(200, "{}") else {
            Issue.record("a 200 without acked_through must be retried")
            return
        }
        #expect(message.hasPrefix("hub answered 200 OK but hub response: "))
        #expect(message.hasSuffix(": {}"))
    }

    @Test func sequenceGapAndConflict() {
        #expect(verdict(409, "{\"error\":\"sequence_gap\",\"expected_seq\":1190}") == .gap(expectedSeq: 1190))
        #expect(
            verdict(409, String(decoding: ProtocolError.sequenceGap(expectedSeq: 7).encode(), as: UTF8.self))
                == .gap(expectedSeq: 7))
        #expect(
            verdict(409, "{\"error\":\"sequence_conflict\",\"reason\":\"different event id\",\"seq\":5}")
                == .conflict(detail: "hub reports sequence_conflict at seq 5: different event id"))
        guard case .serverTrouble(let message) = verdict(409, "{\"error\":\"sequence_gap\",\"expected_seq\":0}") else {
            Issue.record("an unusable 409 must be retried, not obeyed")
            return
        }
        #expect(message.hasPrefix("hub answered 409 Conflict: hub response: "))
    }

    @Test func invalidEventsListsReasonsBySeq() {
        let refusal = ProtocolError.invalidEvents([
            InvalidEvent(seq: 7, reason: "data.unit: unknown unit"), InvalidEvent(seq: 9, reason: "bad"),
        ])
        #expect(
            verdict(422, String(decoding: refusal.encode(), as: UTF8.self))
                == .invalidEvents([7: "data.unit: unknown unit", 9: "bad"], detail: refusal.description))
        // Unreadable: the lane narrows the batch down itself.
        #expect(verdict(422, "nope") == .invalidEvents([:], detail: "nope"))
    }

    @Test func slowDownHonoursRetryAfter() {
        #expect(verdict(429, "", headers: ["Retry-After": "3"]) == .slowDown(status: 429, retryAfter: .seconds(3)))
        #expect(
            verdict(503, "{\"error\":\"overloaded\",\"retry_after_s\":7}")
                == .slowDown(status: 503, retryAfter: .seconds(7)))
        #expect(
            verdict(503, "{\"error\":\"overloaded\",\"retry_after_s\":7}", headers: ["Retry-After": "2"])
                == .slowDown(status: 503, retryAfter: .seconds(2)))
        #expect(verdict(503, "") == .slowDown(status: 503, retryAfter: nil))
        #expect(verdict(413, "") == .tooLarge(maxBytes: nil))
        #expect(verdict(413, "{\"error\":\"too_large\",\"max_bytes\":100000}") == .tooLarge(maxBytes: 100_000))
    }

    @Test func authenticationAndServerErrors() {
        #expect(
            verdict(401, "{\"error\":\"unauthorized\"}")
                == .authenticationRefused("hub answered 401 Unauthorized: unauthorized: bad or missing plant token"))
        #expect(
            verdict(403, "")
                == .authenticationRefused("hub answered 403 Forbidden: forbidden: the token is not for this plant"))
        #expect(verdict(500, "boom") == .serverTrouble("hub answered 500 Internal Server Error: boom"))
        #expect(verdict(502, "") == .serverTrouble("hub answered 502 Bad Gateway: (empty body)"))
        #expect(
            verdict(404, "")
                == .serverTrouble("hub answered 404 Not Found: hub response: unexpected HTTP status 404: (empty body)"))
    }

    @Test func transportFailures() {
        #expect(
            HubVerdict.from(.failure(.connectionRefused(peer: "127.0.0.1:9")))
                == .unreachable("connection to 127.0.0.1:9 refused"))
        #expect(
            HubVerdict.from(.failure(.timedOut(operation: "read", peer: "h:1"))) == .unreachable("read h:1 timed out"))
        #expect(
            HubVerdict.from(.failure(.tlsVerificationFailed(peer: "h:1", reason: "certificate verify failed: x")))
                == .certificateRefused("the hub's certificate did not verify: certificate verify failed: x"))
        #expect(
            HubVerdict.from(.failure(.tlsFailed(peer: "h:1", reason: "tlsv13 alert certificate required")))
                == .certificateRefused("TLS handshake refused: tlsv13 alert certificate required"))
        #expect(
            HubVerdict.from(.failure(.tlsFailed(peer: "h:1", reason: "connection closed during handshake")))
                == .unreachable("TLS h:1: connection closed during handshake"))
    }
}

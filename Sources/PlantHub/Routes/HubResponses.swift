import PlantModel
import PlantNet

/// Every response body the hub sends: JSON objects, keys in UTF-8 order, `{"error": "<code>", …}`
/// for refusals. Each is a superset of what PlantModel's `ProtocolError.decode` reads, so agents
/// understand them and operators get the details.
enum HubResponses {
    static func json(_ status: Int, _ body: [UInt8], headers: [(String, String)] = []) -> HTTPResponse {
        var response = HTTPResponse(
            status: status, headers: HTTPHeaders([("Content-Type", "application/json")] + headers),
            body: body)
        response.body.append(0x0A)
        return response
    }

    static func error(_ status: Int, _ code: String, message: String, headers: [(String, String)] = [])
        -> HTTPResponse
    {
        var body = JSONObjectBuilder()
        body.string("error", code)
        body.string("message", message)
        return json(status, body.finish(), headers: headers)
    }

    // MARK: Batches

    static func acknowledged(_ ackedThrough: Int64) -> HTTPResponse {
        json(200, BatchResponse(ackedThrough: ackedThrough).encode())
    }

    static func gap(expectedSeq: Int64, ackedThrough: Int64) -> HTTPResponse {
        var body = JSONObjectBuilder()
        body.integer("acked_through", ackedThrough)
        body.string("error", "sequence_gap")
        body.integer("expected_seq", expectedSeq)
        return json(409, body.finish())
    }

    static func conflict(_ conflict: SequenceConflict, plant: String, stream: String) -> HTTPResponse {
        var body = JSONObjectBuilder()
        body.integer("acked_through", conflict.ackedThrough)
        body.string("error", "sequence_conflict")
        body.string("kind", conflict.kind.rawValue)
        body.string("reason", conflictReason(conflict, plant: plant, stream: stream))
        body.string("received_id", conflict.receivedID)
        body.integer("seq", conflict.seq)
        body.string("stored_id", conflict.storedID)
        return json(409, body.finish())
    }

    static func conflictReason(_ conflict: SequenceConflict, plant: String, stream: String) -> String {
        let what =
            switch conflict.kind {
            case .idDiffers: "the hub stores event \(conflict.storedID) there, this batch has \(conflict.receivedID)"
            case .contentDiffers: "event \(conflict.storedID) arrived with content different from the stored copy"
            }
        return "seq \(conflict.seq) of \(plant)/\(stream) is already stored and \(what): the plant lost "
            + "acknowledged data or two agents share an identity; nothing was overwritten"
    }

    static func invalidEvents(_ rejections: [EventRejection], ackedThrough: Int64) -> HTTPResponse {
        var body = JSONObjectBuilder(capacity: 128 + 160 * rejections.count)
        body.integer("acked_through", ackedThrough)
        body.string("error", "invalid_events")
        body.array("events", rejections) { rejection in
            var event = JSONObjectBuilder()
            event.string("code", rejection.reason.rawValue)
            event.string("id", rejection.id)
            event.string("reason", "\(rejection.reason.rawValue): \(rejection.message)")
            event.integer("seq", rejection.seq)
            return event.finish()
        }
        return json(422, body.finish())
    }

    static func unauthorized(_ failure: PlantTokens.Failure) -> HTTPResponse {
        let challenge =
            failure == .unknown ? #"Bearer realm="plantsync", error="invalid_token""# : #"Bearer realm="plantsync""#
        return error(401, "unauthorized", message: failure.description, headers: [("WWW-Authenticate", challenge)])
    }

    static func tooLarge(message: String, maxBytes: Int, maxEvents: Int) -> HTTPResponse {
        var body = JSONObjectBuilder()
        body.string("error", "too_large")
        body.integer("max_bytes", Int64(maxBytes))
        body.integer("max_events", Int64(maxEvents))
        body.string("message", message)
        return json(413, body.finish())
    }

    static func slowDown(status: Int, code: String, message: String, retryAfterSeconds: Int) -> HTTPResponse {
        var body = JSONObjectBuilder()
        body.string("error", code)
        body.string("message", message)
        body.integer("retry_after_s", Int64(retryAfterSeconds))
        return json(status, body.finish(), headers: [("Retry-After", String(retryAfterSeconds))])
    }
}

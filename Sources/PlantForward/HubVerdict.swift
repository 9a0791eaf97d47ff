import PlantModel
import PlantNet

/// What one batch request came to, decided from the hub's answer (or the transport failure).
/// Each case is a decision for the stream, not a Bool (STYLE.md: "a sink's result is a decision").
enum HubVerdict: Equatable {
    /// `200`: the hub stores everything through `ackedThrough`.
    case stored(ackedThrough: Int64)
    /// `409 sequence_gap`: resend from `expectedSeq`.
    case gap(expectedSeq: Int64)
    /// `409 sequence_conflict`: the hub holds something else at our seqs. Stop the stream.
    case conflict(detail: String)
    /// `422`: these events can never be accepted (seq → reason); empty when the hub did not say which.
    case invalidEvents([Int64: String], detail: String)
    /// `413`: the batch is too large for the hub (its limit, when it said).
    case tooLarge(maxBytes: Int64?)
    /// `429`/`503`: slow down; wait at least `retryAfter` when given.
    case slowDown(status: Int, retryAfter: Duration?)
    /// Another 5xx, or an answer we could not use: retry with backoff.
    case serverTrouble(String)
    /// `401`/`403`.
    case authenticationRefused(String)
    /// The hub's certificate (or ours) was refused.
    case certificateRefused(String)
    /// No HTTP answer: refused, reset, timed out, closed.
    case unreachable(String)

    /// Decides from the transport outcome.
    static func from(_ outcome: Result<HTTPResponse, HTTPClientError>) -> HubVerdict {
        switch outcome {
        case .failure(let error): from(error)
        case .success(let response): from(response)
        }
    }

    static func from(_ error: HTTPClientError) -> HubVerdict {
        switch error {
        case .tlsVerificationFailed(_, let reason):
            return .certificateRefused("the hub's certificate did not verify: \(reason)")
        case .tlsFailed(_, let reason) where reason.contains("certificate") || reason.contains("unknown ca"):
            // The hub rejected our client certificate (a TLS alert): no quick retry will fix it.
            return .certificateRefused("TLS handshake refused: \(reason)")
        case .invalidResponse:
            return .serverTrouble(error.description)
        default:
            return .unreachable(error.description)
        }
    }

    static func from(_ response: HTTPResponse) -> HubVerdict {
        let status = response.status
        let answered = "hub answered \(status) \(response.reason)"
        if status == 200 {
            do {
                return .stored(ackedThrough: try BatchResponse.decode(response.body).ackedThrough)
            } catch {
                return .serverTrouble("\(answered) but \(error): \(excerpt(response.body))")
            }
        }
        if status >= 500, status != 503 { return .serverTrouble("\(answered): \(excerpt(response.body))") }
        let refusal: ProtocolError
        do {
            refusal = try ProtocolError.decode(status: status, body: response.body)
        } catch {
            // A 422 we cannot read still means "something in this batch is unacceptable":
            // the lane narrows it down with smaller batches.
            if status == 422 { return .invalidEvents([:], detail: excerpt(response.body)) }
            return .serverTrouble("\(answered): \(error): \(excerpt(response.body))")
        }
        switch refusal {
        case .sequenceGap(let expected):
            return .gap(expectedSeq: expected)
        case .sequenceConflict:
            return .conflict(detail: "hub reports \(refusal)")
        case .invalidEvents(let events):
            var reasons: [Int64: String] = [:]
            for event in events { reasons[event.seq] = event.reason }
            return .invalidEvents(reasons, detail: refusal.description)
        case .unauthorized, .forbidden:
            return .authenticationRefused("\(answered): \(refusal)")
        case .tooLarge(let maxBytes):
            return .tooLarge(maxBytes: maxBytes)
        case .overloaded(let retryAfterSeconds):
            // The Retry-After header is authoritative; the body's retry_after_s stands in for it.
            let retryAfter = parseRetryAfter(response.headers["Retry-After"]) ?? retryAfterSeconds.map { .seconds($0) }
            return .slowDown(status: status, retryAfter: retryAfter)
        case .badRequest:
            // Our body was refused as malformed: a bug, not a condition; retried at the slow end of the backoff.
            return .serverTrouble("\(answered): \(refusal)")
        }
    }

    /// The start of a body, for messages.
    static func excerpt(_ bytes: [UInt8]) -> String {
        if bytes.isEmpty { return "(empty body)" }
        let text = String(decoding: bytes.prefix(300), as: UTF8.self)
        return bytes.count > 300 ? text + "…" : text
    }
}

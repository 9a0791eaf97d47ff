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
    /// `413`: the batch is too large for the hub.
    case tooLarge
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
        let body = WireReply(response.body)
        switch response.status {
        case 200:
            guard let acked = body.integer("acked_through") else {
                return .serverTrouble("hub answered 200 without an integer \"acked_through\": \(body.excerpt)")
            }
            return .stored(ackedThrough: acked)
        case 409:
            switch body.string("error") {
            case "sequence_gap":
                guard let expected = body.integer("expected_seq"), expected >= 1 else {
                    return .serverTrouble("hub answered sequence_gap without a valid \"expected_seq\": \(body.excerpt)")
                }
                return .gap(expectedSeq: expected)
            case "sequence_conflict":
                return .conflict(detail: "hub reports sequence_conflict: \(body.excerpt)")
            default:
                return .serverTrouble("hub answered 409 with an unknown error: \(body.excerpt)")
            }
        case 422:
            return .invalidEvents(body.invalidEvents(), detail: body.excerpt)
        case 413:
            return .tooLarge
        case 429, 503:
            return .slowDown(status: response.status, retryAfter: parseRetryAfter(response.headers["Retry-After"]))
        case 401, 403:
            return .authenticationRefused("hub answered \(response.status) \(response.reason): \(body.excerpt)")
        default:
            return .serverTrouble("hub answered \(response.status) \(response.reason): \(body.excerpt)")
        }
    }
}

/// The JSON body of a hub answer, read leniently: a missing or malformed field is reported by
/// the caller, never a crash.
struct WireReply {
    let object: JSONObject?
    let excerpt: String

    init(_ bytes: [UInt8]) {
        object = (try? JSONParser().parse(bytes))?.objectValue
        let text = String(decoding: bytes.prefix(300), as: UTF8.self)
        excerpt = bytes.isEmpty ? "(empty body)" : bytes.count > 300 ? text + "…" : text
    }

    func integer(_ key: String) -> Int64? { object?[key]?.numberValue?.int64Value }

    func string(_ key: String) -> String? { object?[key]?.stringValue }

    /// `{"error":"invalid_events","events":[{"seq":N,"reason":"…"}…]}` → seq → reason.
    func invalidEvents() -> [Int64: String] {
        var reasons: [Int64: String] = [:]
        for entry in object?["events"]?.arrayValue ?? [] {
            guard let item = entry.objectValue, let seq = item["seq"]?.numberValue?.int64Value else { continue }
            reasons[seq] = item["reason"]?.stringValue ?? "rejected by the hub (no reason given)"
        }
        return reasons
    }
}

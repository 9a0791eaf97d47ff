/// Every refusal the hub answers a batch with: HTTP status plus a JSON body `{"error": "<code>", …}`.
public enum ProtocolError: Error, Sendable, Hashable, CustomStringConvertible {
    /// 409: the batch does not start where the hub's stream ends; resend from `expectedSeq`.
    case sequenceGap(expectedSeq: Int64)
    /// 409: the hub already holds `seq` with a different id or content. Raised loudly on both sides;
    /// nothing is overwritten or dropped.
    case sequenceConflict(seq: Int64, reason: String)
    /// 422: these events can never be accepted; the agent dead-letters them and sends tombstones instead.
    case invalidEvents([InvalidEvent])
    /// 401: bad or missing token.
    case unauthorized
    /// 403: the token is not for this plant.
    case forbidden
    /// 413: the body exceeds the hub's limit (when known).
    case tooLarge(maxBytes: Int64?)
    /// 429/503: slow down; the `Retry-After` header, when present, is authoritative.
    case overloaded(retryAfterSeconds: Int64?)
    /// 400: the body is not a valid batch envelope (a bug on the sending side; not retried blindly).
    case badRequest(message: String)

    /// The `"error"` code in the body.
    public var code: String {
        switch self {
        case .sequenceGap: return "sequence_gap"
        case .sequenceConflict: return "sequence_conflict"
        case .invalidEvents: return "invalid_events"
        case .unauthorized: return "unauthorized"
        case .forbidden: return "forbidden"
        case .tooLarge: return "too_large"
        case .overloaded: return "overloaded"
        case .badRequest: return "bad_request"
        }
    }

    public var httpStatus: Int {
        switch self {
        case .sequenceGap, .sequenceConflict: return 409
        case .invalidEvents: return 422
        case .unauthorized: return 401
        case .forbidden: return 403
        case .tooLarge: return 413
        case .overloaded: return 503
        case .badRequest: return 400
        }
    }

    public var description: String {
        switch self {
        case let .sequenceGap(expected): return "sequence_gap: the hub expects seq \(expected)"
        case let .sequenceConflict(seq, reason): return "sequence_conflict at seq \(seq): \(reason)"
        case let .invalidEvents(events):
            return "invalid_events: " + events.map { "seq \($0.seq): \($0.reason)" }.joined(separator: "; ")
        case .unauthorized: return "unauthorized: bad or missing plant token"
        case .forbidden: return "forbidden: the token is not for this plant"
        case let .tooLarge(maxBytes): return "too_large" + (maxBytes.map { ": limit \($0) bytes" } ?? "")
        case let .overloaded(retry): return "overloaded" + (retry.map { ": retry after \($0) s" } ?? "")
        case let .badRequest(message): return "bad_request: \(message)"
        }
    }

    /// The response body, keys sorted.
    public func encode() -> [UInt8] {
        var writer = JSONWriter(capacity: 64)
        writer.bytes.append(UInt8(ascii: "{"))
        writer.member("error", string: code)
        switch self {
        case let .sequenceGap(expected):
            writer.member("expected_seq", integer: expected)
        case let .sequenceConflict(seq, reason):
            writer.member("reason", string: reason)
            writer.member("seq", integer: seq)
        case let .invalidEvents(events):
            writer.key("events")
            writer.bytes.append(UInt8(ascii: "["))
            for (k, event) in events.enumerated() {
                if k > 0 { writer.bytes.append(UInt8(ascii: ",")) }
                writer.bytes.append(UInt8(ascii: "{"))
                writer.member("reason", string: event.reason)
                writer.member("seq", integer: event.seq)
                writer.bytes.append(UInt8(ascii: "}"))
            }
            writer.bytes.append(UInt8(ascii: "]"))
        case let .tooLarge(maxBytes):
            writer.member("max_bytes", integer: maxBytes)
        case let .overloaded(retry):
            writer.member("retry_after_s", integer: retry)
        case let .badRequest(message):
            writer.member("message", string: message)
        case .unauthorized, .forbidden:
            break
        }
        writer.bytes.append(UInt8(ascii: "}"))
        return writer.bytes
    }

    /// Reads a non-200 response. 401, 403, 413, 429 and 503 are understood even without a JSON body (a proxy
    /// may have answered); 400, 409 and 422 need theirs. Unknown fields are ignored.
    public static func decode(status: Int, body: [UInt8]) throws(ProtocolDecodingError) -> ProtocolError {
        let fields = try? ProtocolDecodingError.object(body)
        switch status {
        case 401: return .unauthorized
        case 403: return .forbidden
        case 413: return .tooLarge(maxBytes: try? fields?.optionalInteger("max_bytes", minimum: 1))
        case 429, 503: return .overloaded(retryAfterSeconds: try? fields?.optionalInteger("retry_after_s", minimum: 0))
        case 400, 409, 422: break
        default: throw ProtocolDecodingError(message: "unexpected HTTP status \(status)")
        }
        let reader = try ProtocolDecodingError.object(body)
        return try ProtocolDecodingError.wrap { () throws(EventFieldError) -> ProtocolError in
            let code = try reader.string("error")
            switch (status, code) {
            case (409, "sequence_gap"):
                return .sequenceGap(expectedSeq: try reader.integer("expected_seq", minimum: 1))
            case (409, "sequence_conflict"):
                return .sequenceConflict(
                    seq: try reader.integer("seq", minimum: 1), reason: try reader.string("reason"))
            case (422, "invalid_events"):
                let value = try reader.required("events", "an array of {seq, reason}")
                guard case .array(let elements) = value else {
                    throw reader.fail("events", "expected an array of {seq, reason}, found \(value.typeName)")
                }
                var events: [InvalidEvent] = []
                for (k, element) in elements.enumerated() {
                    let entry = try FieldReader(lenient: element, path: "events[\(k)]")
                    events.append(
                        InvalidEvent(
                            seq: try entry.integer("seq", minimum: 1), reason: try entry.string("reason")))
                }
                return .invalidEvents(events)
            case (400, _):
                return .badRequest(message: (try? reader.optionalString("message")).flatMap { $0 } ?? code)
            default:
                throw reader.fail("error", "unexpected code \"\(code)\" with HTTP status \(status)")
            }
        }
    }
}

import PlantNet

/// How a webhook request is signed, so a receiver can check it came from this hub and is fresh:
///
///     X-PlantSync-Timestamp: 1795357000            (Unix seconds when the request was signed)
///     X-PlantSync-Signature: v1=<64 hex digits>    (HMAC-SHA256(secret, "<timestamp>." + body))
///
/// The receiver recomputes the HMAC over the timestamp header's text, a full stop, and the raw
/// body bytes, compares in constant time, and refuses a timestamp outside its tolerance window
/// (e.g. 5 minutes): a captured request replayed later fails the window, and changing the
/// timestamp breaks the signature.
public enum WebhookSignature {
    public static let timestampHeader = "X-PlantSync-Timestamp"
    public static let signatureHeader = "X-PlantSync-Signature"

    /// `v1=<hex>` for `body` signed at `timestamp` (Unix seconds).
    public static func sign(body: [UInt8], timestamp: Int64, secret: [UInt8]) -> String {
        var message = Array(String(timestamp).utf8)
        message.append(UInt8(ascii: "."))
        message.append(contentsOf: body)
        return "v1=" + Hex.encode(HMACSHA256.authenticationCode(key: secret, message: message))
    }

    /// Why a receiver refuses a request.
    public enum Failure: Error, Sendable, Hashable, CustomStringConvertible {
        case missingHeader(String)
        case malformedTimestamp(String)
        case outsideTolerance(ageSeconds: Int64, toleranceSeconds: Int64)
        case signatureMismatch

        public var description: String {
            switch self {
            case .missingHeader(let name): "missing header \(name)"
            case .malformedTimestamp(let text): "\(WebhookSignature.timestampHeader) is not Unix seconds: \"\(text)\""
            case .outsideTolerance(let age, let tolerance):
                "timestamp is \(age) s away from now, outside the tolerance of \(tolerance) s (a replay?)"
            case .signatureMismatch: "signature does not match the body and timestamp"
            }
        }
    }

    /// What a receiver does: checks the headers of a request against its body, the shared secret
    /// and the receiver's clock (`now`, Unix seconds).
    public static func verify(
        body: [UInt8], timestamp: String?, signature: String?, secret: [UInt8], now: Int64,
        toleranceSeconds: Int64 = 300
    ) -> Failure? {
        guard let timestamp else { return .missingHeader(timestampHeader) }
        guard let signature else { return .missingHeader(signatureHeader) }
        guard let seconds = Int64(timestamp) else { return .malformedTimestamp(timestamp) }
        let age = abs(now - seconds)
        if age > toleranceSeconds { return .outsideTolerance(ageSeconds: age, toleranceSeconds: toleranceSeconds) }
        let expected = sign(body: body, timestamp: seconds, secret: secret)
        guard SecureBytes.constantTimeEqual(Array(expected.utf8), Array(signature.utf8)) else {
            return .signatureMismatch
        }
        return nil
    }
}

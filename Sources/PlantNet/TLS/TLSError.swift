internal import COpenSSL

/// A TLS failure: what kind, the readable reason (OpenSSL's, with the certificate verification
/// result where there is one), and the peer or file concerned.
public struct TLSError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// A certificate, key or CA file could not be loaded or does not match.
        case configuration
        /// The peer's certificate chain or name did not verify (never worth a blind retry).
        case certificateVerification
        /// The handshake failed for another reason (protocol, alert from the peer, EOF).
        case handshake
        /// A TLS-level failure on an established connection (alert, bad record).
        case connection
    }

    public var kind: Kind
    /// E.g. "certificate verify failed: unable to get local issuer certificate".
    public var message: String
    /// The remote `host:port`, or the file path for `.configuration`.
    public var peer: String

    public init(kind: Kind, message: String, peer: String) {
        self.kind = kind
        self.message = message
        self.peer = peer
    }

    public var description: String { "TLS \(peer): \(message)" }

    /// Drains OpenSSL's thread-local error queue into one readable line ("" when empty).
    static func drainErrorQueue() -> String {
        var reasons: [String] = []
        while true {
            let code = ERR_get_error()
            if code == 0 { break }
            if let reason = ERR_reason_error_string(code) {
                reasons.append(String(cString: reason))
            } else {
                var text = [CChar](repeating: 0, count: 256)
                ERR_error_string_n(code, &text, text.count)
                reasons.append(String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
            }
        }
        return reasons.joined(separator: "; ")
    }
}

import Glibc

/// Why an `HTTPClient.send` failed, sorted so a caller can decide between retrying later
/// (refused, reset, timed out, closed) and reporting a problem no retry will fix (TLS
/// verification, invalid responses, bad URL).
public enum HTTPClientError: Error, Sendable, Equatable, CustomStringConvertible {
    case invalidURL(String)
    case hostNotFound(host: String, reason: String)
    case connectionRefused(peer: String)
    case connectionReset(peer: String)
    case timedOut(operation: String, peer: String)
    /// The server closed the connection before a complete response.
    case connectionClosed(peer: String)
    /// The server's certificate chain or name did not verify: a configuration problem.
    case tlsVerificationFailed(peer: String, reason: String)
    /// Another TLS failure (handshake alert, e.g. the server requires a client certificate).
    case tlsFailed(peer: String, reason: String)
    case invalidResponse(peer: String, HTTPParseError)
    /// The request itself could not be encoded (e.g. CR/LF in a header value).
    case invalidRequest(HTTPParseError)
    /// Any other socket failure.
    case network(SocketError)

    /// True for failures a later retry may overcome (the network or the server's state).
    public var isRetryable: Bool {
        switch self {
        case .connectionRefused, .connectionReset, .timedOut, .connectionClosed, .hostNotFound, .network: true
        case .invalidURL, .tlsVerificationFailed, .tlsFailed, .invalidResponse, .invalidRequest: false
        }
    }

    public var description: String {
        switch self {
        case .invalidURL(let url): "invalid URL \"\(url)\": expected http://host[:port][/path] or https://..."
        case .hostNotFound(let host, let reason): "host \(host) not found: \(reason)"
        case .connectionRefused(let peer): "connection to \(peer) refused"
        case .connectionReset(let peer): "connection to \(peer) reset"
        case .timedOut(let operation, let peer): "\(operation) \(peer) timed out"
        case .connectionClosed(let peer): "\(peer) closed the connection before a complete response"
        case .tlsVerificationFailed(let peer, let reason): "TLS \(peer): \(reason)"
        case .tlsFailed(let peer, let reason): "TLS \(peer): \(reason)"
        case .invalidResponse(let peer, let error): "invalid response from \(peer): \(error)"
        case .invalidRequest(let error): "request not encodable: \(error)"
        case .network(let error): error.description
        }
    }

    static func from(_ error: Error, peer: String) -> HTTPClientError {
        switch error {
        case let error as HTTPClientError: return error
        case let error as SocketError:
            if error.operation == "resolve" { return .hostNotFound(host: error.peer, reason: error.message) }
            if error.isConnectionRefused { return .connectionRefused(peer: error.peer) }
            if error.isConnectionReset { return .connectionReset(peer: error.peer) }
            if error.isTimeout { return .timedOut(operation: error.operation, peer: error.peer) }
            return .network(error)
        case let error as TLSError:
            if error.kind == .certificateVerification {
                return .tlsVerificationFailed(peer: error.peer, reason: error.message)
            }
            return .tlsFailed(peer: error.peer, reason: error.message)
        case HTTPParseError.truncatedMessage: return .connectionClosed(peer: peer)
        case let error as HTTPParseError: return .invalidResponse(peer: peer, error)
        default: return .network(SocketError(code: EIO, operation: "send", peer: peer, detail: "\(error)"))
        }
    }
}

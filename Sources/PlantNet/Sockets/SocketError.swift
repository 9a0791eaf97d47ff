import Glibc

/// A socket operation that failed: the `errno`, what we were doing, and with whom.
///
/// An open set crossing module boundaries, so a struct (STYLE.md). Our own poll timeouts report
/// `ETIMEDOUT`; I/O abandoned because a `StopSignal` fired reports `ECANCELED`.
public struct SocketError: Error, Sendable, Equatable, CustomStringConvertible {
    /// `errno` of the failed call (`ETIMEDOUT` for our timeouts, `ECANCELED` when stopped).
    public var code: Int32
    /// What we were doing: "connect", "read", "write", "bind", "accept", "resolve", ...
    public var operation: String
    /// The remote (or local, for bind/listen) address as `host:port`.
    public var peer: String
    /// Extra text when `strerror` does not say it (e.g. a resolver message).
    public var detail: String?

    public init(code: Int32, operation: String, peer: String, detail: String? = nil) {
        self.code = code
        self.operation = operation
        self.peer = peer
        self.detail = detail
    }

    /// The human message for `code`, or `detail` when given.
    public var message: String {
        if let detail { return detail }
        if code == ETIMEDOUT { return "timed out" }
        if code == ECANCELED { return "stopped" }
        return String(cString: strerror(code))
    }

    public var description: String { "\(operation) \(peer): \(message) (errno \(code))" }

    public var isTimeout: Bool { code == ETIMEDOUT }
    public var isConnectionRefused: Bool { code == ECONNREFUSED }
    /// The peer reset or closed the connection under us.
    public var isConnectionReset: Bool { code == ECONNRESET || code == EPIPE || code == ECONNABORTED }
    public var isCancelled: Bool { code == ECANCELED }

    static func errno(_ operation: String, _ peer: String) -> SocketError {
        SocketError(code: Glibc.errno, operation: operation, peer: peer)
    }
}

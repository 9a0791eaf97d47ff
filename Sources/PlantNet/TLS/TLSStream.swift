internal import COpenSSL
import Glibc

/// A TLS connection over a `TCPConnection`, as a `ByteStream`. Non-blocking underneath: every
/// SSL_ERROR_WANT_READ / WANT_WRITE waits in poll with the stream's timeouts.
public final class TLSStream: ByteStream {
    private let connection: TCPConnection
    private let ssl: OpaquePointer
    private var isClosed = false

    public var peer: String { connection.peer }
    public var readTimeout: Duration? {
        get { connection.readTimeout }
        set { connection.readTimeout = newValue }
    }
    public var writeTimeout: Duration? {
        get { connection.writeTimeout }
        set { connection.writeTimeout = newValue }
    }
    public var stop: StopSignal? {
        get { connection.stop }
        set { connection.stop = newValue }
    }

    /// Connects over TCP and completes a client handshake, verifying the server's chain against
    /// the context's CA and its certificate against `serverName` (default `host`). SNI is sent
    /// for names, not for IP literals.
    public static func connect(
        host: String, port: UInt16, context: TLSClientContext, serverName: String? = nil,
        timeout: Duration? = .seconds(10), stop: StopSignal? = nil
    ) throws -> TLSStream {
        let connection = try TCPConnection.connect(host: host, port: port, timeout: timeout, stop: stop)
        return try TLSStream(client: connection, context: context, serverName: serverName ?? host, timeout: timeout)
    }

    /// Client handshake over an established connection.
    public init(
        client connection: TCPConnection, context: TLSClientContext, serverName: String,
        timeout: Duration? = .seconds(10)
    ) throws {
        self.connection = connection
        ssl = try Self.makeSSL(context.context, connection)
        let name =
            serverName.hasPrefix("[") && serverName.hasSuffix("]")
            ? String(serverName.dropFirst().dropLast()) : serverName
        if SocketAddress.isIPLiteral(name) {
            _ = X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), name)
        } else {
            _ = plantsync_SSL_set_tlsext_host_name(ssl, name)
            _ = SSL_set1_host(ssl, name)
        }
        try handshake(timeout: timeout) { SSL_connect($0) }
    }

    /// Server handshake over an accepted connection.
    public init(server connection: TCPConnection, context: TLSServerContext, timeout: Duration? = .seconds(10)) throws {
        self.connection = connection
        ssl = try Self.makeSSL(context.context, connection)
        do {
            try handshake(timeout: timeout) { SSL_accept($0) }
        } catch {
            // Our alert is on its way; closing now with the client's first data unread would
            // reset the connection and the client would never read why it was refused.
            isClosed = true
            connection.shutdownWrite()
            connection.discardInput(until: Deadline(.seconds(1)))
            connection.close()
            throw error
        }
    }

    deinit {
        close()
        SSL_free(ssl)
    }

    private static func makeSSL(_ context: OpaquePointer, _ connection: TCPConnection) throws -> OpaquePointer {
        ERR_clear_error()
        guard let ssl = SSL_new(context) else {
            throw TLSError(
                kind: .handshake, message: "SSL_new failed: \(TLSError.drainErrorQueue())", peer: connection.peer)
        }
        guard SSL_set_fd(ssl, connection.fd) == 1 else {
            SSL_free(ssl)
            throw TLSError(kind: .handshake, message: "SSL_set_fd failed", peer: connection.peer)
        }
        return ssl
    }

    private func handshake(timeout: Duration?, _ step: (OpaquePointer) -> Int32) throws {
        let deadline = Deadline(timeout)
        do {
            _ = try drive("handshake", deadline: deadline) { step(ssl) }
        } catch let error as TLSError {
            let verify = SSL_get_verify_result(ssl)
            if verify != X509_V_OK {
                let reason = String(cString: X509_verify_cert_error_string(verify))
                throw TLSError(
                    kind: .certificateVerification, message: "certificate verify failed: \(reason)", peer: peer)
            }
            throw TLSError(kind: .handshake, message: error.message, peer: peer)
        }
    }

    /// Calls an SSL function until it makes progress, waiting in poll for WANT_READ/WANT_WRITE.
    /// Returns the function's positive result, or 0 for a clean end of stream.
    private func drive(_ operation: String, deadline: Deadline, _ call: () -> Int32) throws -> Int32 {
        while true {
            ERR_clear_error()
            let result = call()
            if result > 0 { return result }
            let savedErrno = errno
            switch SSL_get_error(ssl, result) {
            case SSL_ERROR_WANT_READ:
                try connection.waitReadable(timeout: deadline, operation: operation)
            case SSL_ERROR_WANT_WRITE:
                try connection.waitWritable(timeout: deadline, operation: operation)
            case SSL_ERROR_ZERO_RETURN:
                return 0
            case SSL_ERROR_SYSCALL:
                let queued = TLSError.drainErrorQueue()
                if savedErrno != 0 && savedErrno != EAGAIN {
                    throw SocketError(code: savedErrno, operation: operation, peer: peer)
                }
                if operation == "handshake" {
                    throw TLSError(
                        kind: .handshake, message: queued.isEmpty ? "connection closed during handshake" : queued,
                        peer: peer)
                }
                return 0
            default:
                let reason = TLSError.drainErrorQueue()
                throw TLSError(
                    kind: operation == "handshake" ? .handshake : .connection,
                    message: reason.isEmpty ? "\(operation) failed" : reason, peer: peer)
            }
        }
    }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard !isClosed else { throw SocketError(code: EBADF, operation: "read", peer: peer) }
        let count = Int32(clamping: buffer.count)
        return Int(try drive("read", deadline: Deadline(readTimeout)) { SSL_read(ssl, buffer.baseAddress, count) })
    }

    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        guard !isClosed else { throw SocketError(code: EBADF, operation: "write", peer: peer) }
        var offset = 0
        while offset < bytes.count {
            let count = Int32(clamping: bytes.count - offset)
            let written = try drive("write", deadline: Deadline(writeTimeout)) {
                SSL_write(ssl, bytes.baseAddress! + offset, count)
            }
            if written == 0 { throw SocketError(code: EPIPE, operation: "write", peer: peer) }
            offset += Int(written)
        }
    }

    public func waitForInput(timeout: Duration?, unless signal: StopSignal?) throws -> SocketWait {
        if SSL_pending(ssl) > 0 { return .ready }
        return try connection.waitForInput(timeout: timeout, unless: signal)
    }

    /// The subject of the peer's verified certificate (e.g. the client's, on a mutual-TLS server).
    public var peerCertificateSubject: String? {
        guard let certificate = SSL_get1_peer_certificate(ssl) else { return nil }
        defer { X509_free(certificate) }
        guard let name = X509_get_subject_name(certificate), let text = X509_NAME_oneline(name, nil, 0) else {
            return nil
        }
        defer { CRYPTO_free(text, #file, #line) }
        return String(cString: text)
    }

    public func closeLingering(timeout: Duration) {
        guard !isClosed else { return }
        isClosed = true
        ERR_clear_error()
        _ = SSL_shutdown(ssl)
        ERR_clear_error()
        connection.shutdownWrite()
        connection.discardInput(until: Deadline(timeout))
        connection.close()
    }

    /// Sends close_notify (one non-blocking attempt) and closes the socket.
    public func close() {
        guard !isClosed else { return }
        isClosed = true
        ERR_clear_error()
        _ = SSL_shutdown(ssl)
        ERR_clear_error()
        connection.close()
    }
}

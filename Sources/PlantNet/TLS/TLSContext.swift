internal import COpenSSL

/// Client-side TLS settings: the CA that must have signed the server's chain and, optionally,
/// our own certificate for mutual TLS. TLS 1.2 is the minimum; the server's host name (or IP)
/// is always verified, per connection.
///
/// `@unchecked Sendable`: the SSL_CTX is configured in `init` and then only read; OpenSSL allows
/// creating connections from one SSL_CTX on many threads at once.
public final class TLSClientContext: @unchecked Sendable {
    let context: OpaquePointer

    /// - Parameters:
    ///   - caFile: PEM file of trusted CA certificates; nil = the system trust store.
    ///   - clientCertFile/clientKeyFile: PEM certificate chain and key, for servers that require one.
    public init(caFile: String?, clientCertFile: String? = nil, clientKeyFile: String? = nil) throws(TLSError) {
        ERR_clear_error()
        guard let context = SSL_CTX_new(TLS_client_method()) else {
            throw TLSError(
                kind: .configuration, message: "cannot create TLS context: \(TLSError.drainErrorQueue())", peer: "")
        }
        self.context = context
        try configureCommon(context)
        SSL_CTX_set_verify(context, SSL_VERIFY_PEER, nil)
        if let caFile {
            try loadFile(caFile, what: "CA file") { SSL_CTX_load_verify_locations(context, caFile, nil) }
        } else if SSL_CTX_set_default_verify_paths(context) != 1 {
            throw TLSError(kind: .configuration, message: "cannot load the system trust store", peer: "")
        }
        switch (clientCertFile, clientKeyFile) {
        case (nil, nil): break
        case let (cert?, key?): try loadKeyPair(context, certFile: cert, keyFile: key)
        default:
            throw TLSError(
                kind: .configuration, message: "a client certificate needs both a certificate and a key file",
                peer: clientCertFile ?? clientKeyFile ?? "")
        }
    }

    deinit { SSL_CTX_free(context) }
}

/// Server-side TLS settings: our certificate chain and key and, optionally, the CA that client
/// certificates must be signed by.
///
/// `@unchecked Sendable` for the same reason as `TLSClientContext`.
public final class TLSServerContext: @unchecked Sendable {
    let context: OpaquePointer

    /// - Parameters:
    ///   - certFile/keyFile: PEM certificate chain (leaf first) and its private key.
    ///   - clientCAFile: when set, clients are asked for a certificate signed by this CA.
    ///   - requireClientCertificate: with `clientCAFile`, refuse clients that present none.
    public init(
        certFile: String, keyFile: String, clientCAFile: String? = nil,
        requireClientCertificate: Bool = true
    ) throws(TLSError) {
        ERR_clear_error()
        guard let context = SSL_CTX_new(TLS_server_method()) else {
            throw TLSError(
                kind: .configuration, message: "cannot create TLS context: \(TLSError.drainErrorQueue())", peer: "")
        }
        self.context = context
        try configureCommon(context)
        try loadKeyPair(context, certFile: certFile, keyFile: keyFile)
        if let clientCAFile {
            try loadFile(clientCAFile, what: "client CA file") {
                SSL_CTX_load_verify_locations(context, clientCAFile, nil)
            }
            if let names = SSL_load_client_CA_file(clientCAFile) { SSL_CTX_set_client_CA_list(context, names) }
            var mode = SSL_VERIFY_PEER
            if requireClientCertificate { mode |= SSL_VERIFY_FAIL_IF_NO_PEER_CERT }
            SSL_CTX_set_verify(context, mode, nil)
        } else {
            SSL_CTX_set_verify(context, SSL_VERIFY_NONE, nil)
        }
    }

    deinit { SSL_CTX_free(context) }
}

private func configureCommon(_ context: OpaquePointer) throws(TLSError) {
    if plantsync_SSL_CTX_set_min_proto_version(context, TLS1_2_VERSION) != 1 {
        throw TLSError(kind: .configuration, message: "cannot require TLS 1.2: \(TLSError.drainErrorQueue())", peer: "")
    }
    // A peer closing TCP without close_notify is a plain end of stream to us; HTTP framing
    // (Content-Length, chunked) detects truncation.
    SSL_CTX_set_options(context, plantsync_SSL_OP_IGNORE_UNEXPECTED_EOF())
    // Retried writes may come from a different (moved) Swift array buffer.
    _ = plantsync_SSL_CTX_set_mode(context, plantsync_SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER())
}

private func loadFile(_ path: String, what: String, _ load: () -> Int32) throws(TLSError) {
    ERR_clear_error()
    if load() != 1 {
        throw TLSError(
            kind: .configuration, message: "cannot load \(what) \(path): \(TLSError.drainErrorQueue())", peer: path)
    }
}

private func loadKeyPair(_ context: OpaquePointer, certFile: String, keyFile: String) throws(TLSError) {
    try loadFile(certFile, what: "certificate file") { SSL_CTX_use_certificate_chain_file(context, certFile) }
    try loadFile(keyFile, what: "private key file") {
        SSL_CTX_use_PrivateKey_file(context, keyFile, plantsync_SSL_FILETYPE_PEM())
    }
    try loadFile(keyFile, what: "private key file (does it match the certificate?)") {
        SSL_CTX_check_private_key(context)
    }
}
